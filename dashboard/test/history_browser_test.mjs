#!/usr/bin/env node
// history.html in a real browser: writes the page with `orchestrate history html` from a
// history database (the ctest fixture `history_fixture` writes a year of synthetic nights),
// opens it in headless Chromium (browser.mjs) and fails on any console error, uncaught
// exception or network request, on a chart the page meant to draw that did not render, on a
// regressions table that does not list every regression, and on filters that do not redraw
// cleanly. Also loads the page of an empty history. Saves screenshots; prints the page's size
// and how long writing and drawing it took (measured, not asserted).
//
//   node history_browser_test.mjs --orchestrate BIN --history DB --output OUT.html --screenshot OUT.png
//        [--empty-history DB] [--expect-states 'fixed|confirmed|suspect'] [--chromium PATH] [--timeout S]
//
// Exit status: 0 pass, 1 fail, 77 skipped (no Chromium; ctest SKIP_RETURN_CODE).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { Browser, chartsOnPage, evaluate, chromiumOrSkip, openPage, parseArgs, finish, run, screenshot, sleep, waitForRendered, checkRecordedCharts } from './browser.mjs';

// Data no history should hold but a page must survive: missing fields, null (not finite),
// zero and negative values, unknown nights and series, a single point, an unparsable date, a
// night without series, a glob that is no valid pattern, regressions without their view.
const ODD_DATA = {
  schema: 'ftbench-history-page/1',
  machines: [{ id: 1, fingerprint: 'f00d', description: 'box (2 cores)' }, { id: 2 }],
  nights: [
    { id: 1, machine: 1, run_id: 'r1', created_at: '2026-01-01T02:30:00Z', excluded: false, dashboard: '',
      interpreters: { '3.13': { version: '3.13.5', sha256: 'abcdef012345', commit: '' }, '3.13t': { version: '3.13.5' } } },
    { id: 2, machine: 1, run_id: 'r2', created_at: '2026-01-02T02:30:00Z', excluded: true, reason: 'turbo on' },
    { id: 3, machine: 1, run_id: 'r3', created_at: 'not a date' },
    { id: 4, machine: 2, run_id: 'r4', created_at: '2026-01-04T02:30:00Z', interpreters: null },
    null,
  ],
  series: [
    { id: 10, machine: 1, kind: 'cell', name: '3.13 a/b t1 time_per_op', interpreter: '3.13', benchmark: 'a/b', threads: 1,
      metric: 'time_per_op', unit: 'ns', points: [[1, 120.5, 118, 123, 3], [2, null, null, null, 3], [3, 0, 0, 0, 1], [99, 5, 4, 6, 1], 'garbage'] },
    { id: 11, machine: 1, kind: 'cell', interpreter: '3.13t', benchmark: 'a/b', threads: 2, metric: 'time_per_op', unit: 'ns',
      points: [[1, -4, null, null, 0], [2, 2e6, 1.9e6, 2.1e6, 3]] },
    { id: 12, machine: 1, kind: 'free_threading', interpreter: '3.13t', reference: '3.13', benchmark: 'a/b', threads: 1, metric: 'ratio',
      unit: 'ratio', points: [[1, 1.2, 1.1, 1.3, 3], [4, 1.25]] },
    { id: 13, machine: 1, kind: 'scaling', interpreter: '3.13t', benchmark: 'a/b', threads: 2, metric: 'efficiency', unit: 'ratio', points: [] },
    { id: 14, kind: 'weird_kind', points: null },
    { name: 'no id' },
  ],
  change_points: [{ series: 10, night: 1, ratio: null, p_value: null }, { series: 999, night: 1 }],
  annotations: [{ id: 1, machine: 0, series_glob: '[', night: 1, kind: 'note', note: 'odd glob' }, { id: 2, night: 77 }],
  regressions: [{ series_id: 10, detected_night: 2, first_bad_night: 1, view: { id: 1, state: 'suspect', ratio: null, counters: null } },
    { series_id: 555, detected_night: 1, view: {} }, { view: null }],
};

function writePage(orchestrate, history, output) {
  const started = process.hrtime.bigint();
  const r = spawnSync(orchestrate, ['history', 'html', '--history', history, '--output', output], { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`orchestrate history html exited ${r.status}: ${r.stderr}`);
  if (!fs.existsSync(output)) throw new Error(`orchestrate history html did not write ${output}`);
  return seconds;
}

// Waits until the page has drawn generation `after` + 1 or later, and says how it ended.
async function waitForRedraw(browser, session, after, timeout) {
  const deadline = Date.now() + timeout * 1000;
  while (Date.now() < deadline) {
    const s = await evaluate(browser, session, 'JSON.stringify({g: window.__ftbenchHistory.generation, s: document.documentElement.dataset.ftbenchRendered})');
    const { g, s: state } = JSON.parse(s);
    if (g > after && (state === 'ok' || state === 'error')) return state;
    await sleep(100);
  }
  return 'timeout';
}

// Every chart container the page made must have rendered something readable, and the page's
// own record (window.__ftbenchHistory) must agree with what is on it. The page draws charts as
// they near the viewport: drawAll() draws the others first.
async function checkCharts(browser, session, what, failures) {
  const final = await evaluate(browser, session, 'window.__ftbenchHistory.drawAll()');
  if (final !== 'ok') failures.push(`${what}: drawing every chart ended "${final}"`);
  const charts = await chartsOnPage(browser, session);
  const record = JSON.parse(await evaluate(browser, session, 'JSON.stringify(window.__ftbenchHistory)'));
  const embedded = Number(await evaluate(browser, session, 'document.documentElement.dataset.ftbenchCharts || 0'));
  if (embedded !== charts.length) failures.push(`${what}: ${charts.length} chart containers but ${embedded} charts embedded`);
  checkRecordedCharts(charts, record, what, failures);
  return { charts, record };
}

async function main() {
  const args = parseArgs(process.argv, { chromium: process.env.CHROMIUM || '', timeout: 120 }, ['orchestrate', 'history', 'output', 'screenshot']);
  const chromium = chromiumOrSkip(args.chromium);
  const timeout = Number(args.timeout);
  const output = path.resolve(args.output);
  const seconds = writePage(args.orchestrate, path.resolve(args.history), output);
  console.log(`orchestrate history html: ${output}, ${(fs.statSync(output).size / 1e6).toFixed(2)} MB, written in ${seconds.toFixed(2)} s`);

  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftbench-chromium-'));
  const browser = new Browser(chromium, userDataDir);
  const failures = [];
  try {
    // 1. The page as it opens: no errors, no network, every chart drawn.
    const problems = [];
    const opened = Date.now();
    const session = await openPage(browser, pathToFileURL(output).href, problems);
    const state = await waitForRendered(browser, session, timeout);
    const started = await evaluate(browser, session, 'window.__ftbenchHistory.started + " of " + window.__ftbenchHistory.charts.length');
    console.log(`first screen drawn in ${((Date.now() - opened) / 1000).toFixed(2)} s (state ${state}, ${started} charts; the rest wait until scrolled to)`);
    const all = Date.now();
    if (state !== 'ok') failures.push(`history.html did not finish rendering: data-ftbench-rendered="${state}"`);
    const data = JSON.parse(await evaluate(browser, session, 'document.getElementById("ftbench-data").textContent'));
    const first = await checkCharts(browser, session, 'on opening', failures);
    console.log(`every chart drawn ${((Date.now() - all) / 1000).toFixed(2)} s later`);
    const sections = new Set(first.record.charts.map((c) => c.section));
    console.log(`history.html: ${data.nights.length} nights, ${data.series.length} series, ${data.regressions.length} regressions; ` +
      `${first.charts.length} charts: ${first.record.charts.map((c) => `${c.title} [${c.lines} lines, ${c.points} points, ${c.ms} ms]`).join('; ')}`);
    if (data.nights.length === 0) failures.push('the history has no nights: the fixture did not write it');
    for (const kind of new Set(data.series.map((s) => s.kind)))
      if (!sections.has(kind === 'cell' ? 'series' : kind)) failures.push(`no chart of the ${kind} series was drawn`);

    const text = await evaluate(browser, session, 'document.body.innerText');
    if (/\bNaN\b|undefined|\[object /.test(text)) failures.push('history.html text shows NaN, undefined or [object ...]');
    if (!text.includes(`${data.nights.length} nights`)) failures.push(`the header does not say "${data.nights.length} nights"`);
    for (const needle of ['Regressions', 'Series night by night', 'Free-threaded / default build ratio over time', 'PYTHON_GIL=1 ratio over time',
      'Scaling efficiency over time', 'Nights'])
      if (!text.includes(needle)) failures.push(`history.html has no "${needle}" section`);

    // 2. The regressions table: every regression, open ones highlighted, links that resolve.
    const table = JSON.parse(await evaluate(browser, session, `JSON.stringify(Array.from(document.querySelectorAll('#regressions-table tbody tr')).map(r => ({
        state: r.dataset.state, open: r.classList.contains('open'),
        links: Array.from(r.querySelectorAll('td a[href]')).map(a => a.getAttribute('href')).filter(h => !h.startsWith('#')) })))`));
    if (table.length !== data.regressions.length) failures.push(`regressions table has ${table.length} rows, the history ${data.regressions.length}`);
    const open = data.regressions.filter((r) => r.view.state === 'suspect' || r.view.state === 'confirmed').length;
    if (table.filter((r) => r.open).length !== open) failures.push(`${table.filter((r) => r.open).length} rows highlighted as open, ${open} regressions are`);
    for (const s of (args.expectStates || '').split('|').filter(Boolean))
      if (!table.some((r) => r.state === s)) failures.push(`no ${s} regression in the table`);
    const links = table.flatMap((r) => r.links);
    if ((args.expectStates || '') && links.length === 0) failures.push('no regression links to its night\'s dashboard');
    for (const href of links)
      if (!fs.existsSync(path.join(path.dirname(output), decodeURIComponent(href)))) failures.push(`link ${href} does not resolve beside the page`);
    console.log(`regressions table: ${table.length} rows (${table.map((r) => r.state).join(', ')}), ${links.length} dashboard links`);

    const height = await screenshot(browser, session, args.screenshot);
    console.log(`screenshot: ${path.resolve(args.screenshot)} (1400x${height})`);

    // 3. The filters: another benchmark, one thread count, a search; each redraw clean.
    const options = JSON.parse(await evaluate(browser, session, 'JSON.stringify(Array.from(document.querySelectorAll("#filter-benchmark option")).map(o => o.value))'));
    const current = await evaluate(browser, session, 'document.getElementById("filter-benchmark").value');
    const benchmarks = [...new Set(data.series.map((s) => s.benchmark))];
    if (options.length !== benchmarks.length) failures.push(`benchmark list has ${options.length} entries, the history ${benchmarks.length} benchmarks`);
    const change = async (id, value, what) => {
      const g = await evaluate(browser, session, 'window.__ftbenchHistory.generation');
      await evaluate(browser, session, `(() => { const s = document.getElementById(${JSON.stringify(id)}); s.value = ${JSON.stringify(value)};
        s.dispatchEvent(new Event(s.tagName === 'INPUT' ? 'input' : 'change')); })()`);
      const end = await waitForRedraw(browser, session, g, timeout);
      if (end !== 'ok') failures.push(`${what}: the redraw ended "${end}"`);
      return checkCharts(browser, session, what, failures);
    };
    const other = options.find((o) => o !== current);
    if (other) {
      const r = await change('filter-benchmark', other, `benchmark ${other}`);
      const titles = r.record.charts.filter((c) => c.section === 'series').map((c) => c.title);
      if (!titles.length || !titles.every((t) => t.startsWith(other + ' ·'))) failures.push(`after choosing ${other} the series charts are ${titles.join(', ')}`);
      console.log(`benchmark ${other}: ${r.charts.length} charts`);
    }
    const threads = [...new Set(data.series.map((s) => s.threads))].sort((a, b) => b - a)[0];
    if (threads > 1) {
      const r = await change('filter-threads', String(threads), `threads ${threads}`);
      if (!r.record.charts.every((c) => c.title.includes(`${threads} threads`))) failures.push(`threads ${threads}: charts of other thread counts remain`);
      console.log(`threads ${threads}: ${r.charts.length} charts`);
      await change('filter-threads', '', 'all threads');
    }
    const target = benchmarks.find((b) => b !== current && b !== other) || benchmarks[0];
    if (target) {
      const word = target.split('/').pop();
      const r = await change('filter-search', word, `search ${word}`);
      const chosen = await evaluate(browser, session, 'document.getElementById("filter-benchmark").value');
      if (!chosen.includes(word)) failures.push(`searching "${word}" left the benchmark list on ${chosen}`);
      console.log(`search ${word}: benchmark ${chosen}, ${r.charts.length} charts`);
      await change('filter-search', '', 'search cleared');
    }
    // A regression's series link selects that series.
    if (table.length) {
      const g = await evaluate(browser, session, 'window.__ftbenchHistory.generation');
      await evaluate(browser, session, 'document.querySelector("#regressions-table .series-link").click()');
      if ((await waitForRedraw(browser, session, g, timeout)) !== 'ok') failures.push('clicking a regression did not redraw cleanly');
      const r = await checkCharts(browser, session, 'a regression\'s series', failures);
      const reg = data.regressions.slice().sort((a, b) => (a.view.detected_at < b.view.detected_at ? 1 : -1))[0];
      const ser = data.series.find((s) => s.id === reg.series_id);
      if (ser && r.record.filters.benchmark !== ser.benchmark) failures.push(`clicking ${ser.name} selected ${r.record.filters.benchmark}`);
      await screenshot(browser, session, args.screenshot.replace(/\.png$/, '') + '-selected.png');
    }
    // The nights table, made when opened: one row per night.
    const rows = await evaluate(browser, session, `(async () => { const d = document.getElementById('nights-details'); d.open = true;
        await new Promise(r => setTimeout(r, 300)); return document.querySelectorAll('#nights-table tbody tr').length; })()`);
    if (rows !== data.nights.length) failures.push(`nights table has ${rows} rows, the history ${data.nights.length} nights`);
    failures.push(...problems);

    // 4. Odd data (the page's own copy with ODD_DATA in place of the history's): no error,
    // every chart it draws renders.
    const oddOut = output.replace(/\.html$/, '') + '-odd.html';
    const page = fs.readFileSync(output, 'utf8');
    const slot = /(<script type="application\/json" id="ftbench-data">)[\s\S]*?(<\/script>)/;
    if (!slot.test(page)) throw new Error('history.html has no ftbench-data block');
    fs.writeFileSync(oddOut, page.replace(slot, (_, open, close) => open + JSON.stringify(ODD_DATA).replace(/</g, '\\u003c') + close));
    {
      const oddProblems = [];
      const s = await openPage(browser, pathToFileURL(oddOut).href, oddProblems);
      const st = await waitForRendered(browser, s, timeout);
      const final = await evaluate(browser, s, 'window.__ftbenchHistory.drawAll()');
      if (st !== 'ok' || final !== 'ok') failures.push(`odd data: data-ftbench-rendered="${st}", drawing all "${final}"`);
      const charts = await chartsOnPage(browser, s);
      if (!charts.length) failures.push('odd data: no chart drawn');
      for (const c of charts) if (!c.rendered || c.svgs < 1) failures.push(`odd data: chart ${c.id} did not render`);
      const t = await evaluate(browser, s, 'document.body.innerText');
      if (/\bNaN\b|undefined|\[object /.test(t)) failures.push('odd data: text shows NaN, undefined or [object ...]');
      failures.push(...oddProblems.map((p) => `odd data: ${p}`));
      console.log(`odd data: rendered ${st}, ${charts.length} charts`);
    }

    // 5. An empty history: the page says so, draws nothing, and has no error.
    if (args.emptyHistory) {
      const emptyOut = output.replace(/\.html$/, '') + '-empty.html';
      writePage(args.orchestrate, path.resolve(args.emptyHistory), emptyOut);
      const emptyProblems = [];
      const s = await openPage(browser, pathToFileURL(emptyOut).href, emptyProblems);
      const st = await waitForRendered(browser, s, timeout);
      if (st !== 'ok') failures.push(`empty history: data-ftbench-rendered="${st}"`);
      const t = await evaluate(browser, s, 'document.body.innerText');
      if (!t.includes('No nights yet')) failures.push('empty history: the page does not say "No nights yet"');
      if (/\bNaN\b|undefined/.test(t)) failures.push('empty history: text shows NaN or undefined');
      failures.push(...emptyProblems.map((p) => `empty history: ${p}`));
      console.log('empty history: rendered ' + st);
    }
  } catch (e) {
    failures.push(`${e.stack || e}`);
  }
  await finish(browser, userDataDir, failures, 'PASS: history.html renders every chart, its tables and filters with no errors');
}

run(main);
