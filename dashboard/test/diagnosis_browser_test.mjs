#!/usr/bin/env node
// The dashboard's "False-sharing diagnosis" section in a real browser: takes an existing
// dashboard.html, puts a diagnosis (diagnosis.json, as `orchestrate diagnose` writes it) into
// its #ftbench-data as the top-level field `diagnosis`, swaps in the working tree's page script
// and style (dashboard/src: common.js + dashboard.js, common.css + dashboard.css, as
// report/dashboard_assets.cpp inlines them) so a page written before them still tests them,
// writes the page to a temporary directory and opens it in headless Chromium (browser.mjs).
// Fails on any console error, uncaught exception or network request, on a chart that did not
// render, and unless the section shows one picture of 64 byte cells per line of the diagnosis,
// colours each thread alike everywhere, names every writer in a legend, keeps the data's order
// (suspicious lines first, the others folded away) and shows the verdicts as given; then the
// same with odd data (oddDiagnosis), and that the page without it has no such section. Saves screenshots of both pages with the folded lines
// opened (OUT.png, OUT-odd.png, and their -partN.png tiles). Node's standard library only.
//
//   node diagnosis_browser_test.mjs --dashboard PATH/dashboard.html --diagnosis tests/fixtures/diagnosis/diagnosis.json
//        --screenshot OUT.png [--assets dashboard/src] [--chromium PATH] [--timeout S]
//   node diagnosis_browser_test.mjs --orchestrate BIN --run-dir RUN_DIR --diagnosis ... --screenshot OUT.png
//        the way a user gets it: a copy of RUN_DIR with diagnosis.json beside its results, then
//        `orchestrate report` on it must embed the diagnosis in the dashboard it writes (checked
//        before anything is injected; the page keeps the assets orchestrate inlined).
//
// Exit status: 0 pass, 1 fail, 77 skipped (no Chromium; ctest SKIP_RETURN_CODE).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { Browser, chartsOnPage, evaluate, chromiumOrSkip, openPage, parseArgs, finish, run, screenshot, waitForRendered } from './browser.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

// report/html_exporter.cpp's json_for_script: '<' only occurs inside JSON strings, where \u003c
// is the same character, and no "</script" can end the element early.
const jsonForScript = (json) => json.replace(/</g, '\\u003c');
// ... and its js_for_script: "</script" and "<!--" written "<\/script" and "<\!--".
const jsForScript = (js) => js.replace(/<(\/script|!--)/gi, (_, rest) => '<\\' + rest);

// The page with `diagnosis` added to its data and (when `assets` is given) the current script
// and style in place of those it was written with.
function injectDiagnosis(html, diagnosis, assets) {
  const open = '<script type="application/json" id="ftbench-data">';
  const start = html.indexOf(open);
  if (start < 0) throw new Error('the dashboard has no #ftbench-data script');
  const dataStart = start + open.length;
  const dataEnd = html.indexOf('</script>', dataStart);
  const data = JSON.parse(html.slice(dataStart, dataEnd));
  if (diagnosis) data.diagnosis = diagnosis;
  else delete data.diagnosis;
  let page = html.slice(0, dataStart) + jsonForScript(JSON.stringify(data)) + html.slice(dataEnd);
  if (assets) {
    const read = (name) => fs.readFileSync(path.join(assets, name), 'utf8');
    // The page's own script is the last one (page.html: data, vega, vega-lite, vega-embed, app).
    const appEnd = page.lastIndexOf('</script>');
    const appStart = page.lastIndexOf('<script>', appEnd);
    if (appStart < 0 || appStart < dataEnd) throw new Error('the dashboard has no page script after its data');
    // Functions as replacements: '$' in the sources is no pattern.
    page = page.slice(0, appStart + '<script>'.length) + jsForScript(read('common.js') + '\n' + read('dashboard.js')) + page.slice(appEnd);
    const styleStart = page.indexOf('<style>');
    const styleEnd = page.indexOf('</style>', styleStart);
    if (styleStart < 0 || styleEnd < 0) throw new Error('the dashboard has no <style>');
    page = page.slice(0, styleStart + '<style>'.length) + read('common.css') + '\n' + read('dashboard.css') + page.slice(styleEnd);
  }
  return page;
}

// What the section shows, read from the page.
const SECTION_STATE = `(() => {
  const s = document.getElementById('diagnosis');
  if (!s) return null;
  const pictures = Array.from(s.querySelectorAll('svg.diag-line')).map((svg) => ({
    line: svg.dataset.line,
    bytes: svg.querySelectorAll('rect.byte').length,
    titled: Array.from(svg.querySelectorAll('rect.byte')).filter((r) => r.querySelector('title') && r.querySelector('title').textContent).length,
    folded: !!svg.closest('details'),
    width: Math.round(svg.getBoundingClientRect().width),
    cells: Array.from(svg.querySelectorAll('rect.byte')).map((r) => [r.dataset.thread, r.getAttribute('fill')]),
    names: Array.from(svg.querySelectorAll('title')).map((t) => t.textContent).join('\\n'),
  }));
  return {
    heading: s.querySelector('h2') ? s.querySelector('h2').textContent : '',
    text: s.textContent,
    legends: Array.from(s.querySelectorAll('.diag-legend')).map((l) => l.textContent),
    verdicts: Array.from(s.querySelectorAll('.diag-line-card')).map((c) => c.dataset.verdict),
    summaries: Array.from(s.querySelectorAll('.diag-summary')).map((p) => p.textContent),
    charts: s.querySelectorAll('.chart').length,
    pictures,
  };
})()`;

function checkSection(state, diagnosis, failures) {
  if (!state) { failures.push('no section #diagnosis on the page'); return; }
  if (state.heading !== 'False-sharing diagnosis') failures.push(`the diagnosis section's heading is "${state.heading}"`);
  if (!state.text.includes(diagnosis.verdict)) failures.push('the section does not show the overall verdict as given');
  if (/\bNaN\b|undefined|\[object Object\]/.test(state.text)) failures.push('the section shows NaN, undefined or [object Object]');

  const lines = diagnosis.interpreters.flatMap((i) => (i.watch ? i.watch.lines : []));
  if (state.pictures.length !== lines.length) failures.push(`${state.pictures.length} line pictures for ${lines.length} lines`);
  // The data's order within each interpreter, suspicious lines first, the others under <details>.
  const expected = diagnosis.interpreters.flatMap((i) => (i.watch ? i.watch.lines : []));
  state.pictures.forEach((p, k) => {
    const line = expected[k];
    if (!line) return;
    if (p.line !== line.address) failures.push(`picture ${k} is of line ${p.line}, the data's line ${k} is ${line.address}`);
    if (p.bytes !== 64) failures.push(`the picture of line ${p.line} has ${p.bytes} byte cells, not 64`);
    if (p.titled !== 64) failures.push(`the picture of line ${p.line} has ${p.titled} byte cells with a tooltip, not 64`);
    if (p.folded === !!line.suspicious) failures.push(`line ${p.line} (${line.verdict}) is ${p.folded ? '' : 'not '}folded under <details>`);
    if (p.width < 600) failures.push(`the picture of line ${p.line} is ${p.width} px wide: too small to read`);
    for (const w of line.words) {
      if (!p.names.includes(w.name)) failures.push(`the picture of line ${p.line} does not name ${w.name}`);
      const writers = Object.keys(w.by_thread);
      const kinds = new Set(p.cells.slice(w.offset, w.offset + 8).map((c) => c[0]));
      const want = writers.length >= 2 ? 'shared' : writers.length === 1 ? writers[0] : 'unwritten';
      if (kinds.size !== 1 || !kinds.has(want)) failures.push(`line ${p.line} +${w.offset} (${w.name}) drawn as ${[...kinds].join('/')}, expected ${want}`);
    }
  });
  state.summaries.forEach((text, k) => {
    if (expected[k] && text !== expected[k].summary) failures.push(`line card ${k} summary "${text}" is not the data's "${expected[k].summary}"`);
  });
  if (state.verdicts.join() !== expected.map((l) => l.verdict).join()) failures.push(`line cards in the order ${state.verdicts.join()}, data: ${expected.map((l) => l.verdict).join()}`);

  // One colour per thread across the section, and a different one for each thread.
  const colourOf = new Map();
  for (const p of state.pictures)
    for (const [thread, fill] of p.cells) {
      if (thread === 'unwatched' || thread === 'unwritten' || thread === 'shared') continue;
      if (colourOf.has(thread) && colourOf.get(thread) !== fill) failures.push(`${thread} is drawn in ${colourOf.get(thread)} and in ${fill}`);
      colourOf.set(thread, fill);
    }
  const fills = [...colourOf.values()];
  if (new Set(fills).size !== fills.length) failures.push(`two threads share a colour: ${[...colourOf].map(([t, f]) => `${t} ${f}`).join(', ')}`);
  const writers = new Set(lines.flatMap((l) => l.writers));
  for (const w of writers)
    if (!state.legends.some((l) => l.includes(w))) failures.push(`no legend names ${w}`);
  for (const w of ['worker 0', 'worker 1'])
    if (!colourOf.has(w)) failures.push(`no byte is drawn in ${w}'s colour`);

  const withPoints = diagnosis.interpreters.filter((i) => i.scaling && i.scaling.points && i.scaling.points.length).length;
  if (state.charts !== withPoints) failures.push(`${state.charts} charts in the section for ${withPoints} interpreters with scaling points`);
  console.log(`diagnosis section: ${state.pictures.length} line pictures (${state.pictures.filter((p) => p.folded).length} folded), ` +
    `${state.charts} charts, threads ${[...colourOf].map(([t, f]) => `${t} ${f}`).join(', ')}`);
}

// The fixture bent into what a page must also survive: tier 2 done (samples on a line, HITM by
// byte), a failed watch without lines, an interpreter without scaling or sampling, points with
// nulls and a single thread count, threads named by tid, a named line nobody wrote, and markup
// in a message (shown as text, never run).
function oddDiagnosis(fixture) {
  const d = JSON.parse(JSON.stringify(fixture));
  d.verdict = 'odd data: <b>not bold</b> & <script>window.__ftbenchInjected = true</script>';
  d.tiers[1] = { tier: 2, name: 'address sampling', status: 'done', message: '', seconds: 3.25 };
  d.tiers[2] = { tier: 3, name: 'watchpoints', status: 'failed', message: 'perf_event_open: <Permission denied> (perf_event_paranoid 3)', seconds: 0.4 };
  const [ft, gil] = d.interpreters;
  const line = ft.watch.lines[0];
  line.samples = { loads: 912, stores: 4410, local_hitm: 37, remote_hitm: 0, hitm_by_offset: { 0: 20, 8: 17 } };
  line.words.push({ offset: 24, name: 'self.views[3][0]', refcount: false, by_thread: { 'thread 4242': 12, 'worker 0': 3 } });
  line.writers.push('thread 4242');
  ft.watch.lines.splice(2, 0, { address: '0x7f3a1c40f000', verdict: 'no_writes', suspicious: true, contended: false,
    summary: 'no writes to counter.ob_ref_shared in 1 watched iteration', fix: 'nothing to fix', writes: 0, successions: 0,
    successions_per_op: null, succession_share: 0, estimated: true, windows: 1, writers: [], on_line: [],
    words: [{ offset: 16, name: 'counter.ob_ref_shared', refcount: true, by_thread: {} }], samples: null });
  ft.sampling = { status: 'done', message: '', seconds: 3.25, lines: [] };
  ft.scaling.points = [{ threads: 2, time_per_op_ns: 134.4, time_per_op_ci: null, cpu_per_op_ns: null, parallelism: null,
    switches_per_op: null, futex_per_op: null, hitm_per_op: null, efficiency: null, efficiency_ci: null }];
  gil.watch = { status: 'failed', message: 'perf_event_open: <Permission denied>', seconds: 0.4, threads: 2, windows: 0,
    windows_cut: 0, traps: 0, trap_budget_s: 10, candidates: 0, words_found: 0, words_dropped: 0, notes: [], lines: [] };
  delete gil.scaling;
  delete gil.sampling;
  d.interpreters.push({ label: '3.14t', gil_enabled: false });
  return d;
}

// Every chart on the page (the section's included) rendered, at a readable size.
async function checkCharts(browser, session, failures) {
  const charts = await chartsOnPage(browser, session);
  const expected = Number(await evaluate(browser, session, 'document.documentElement.dataset.ftbenchCharts || 0'));
  if (expected !== charts.length) failures.push(`${charts.length} chart containers but ${expected} charts embedded`);
  for (const c of charts) {
    if (!c.rendered || c.svgs < 1 || c.marks < 5) failures.push(`chart ${c.id} did not render (svg ${c.svgs}, marks ${c.marks})`);
    if (c.width < 200 || c.height < 40) failures.push(`chart ${c.id} is ${c.width}x${c.height} px: too small to read`);
  }
  const ours = charts.filter((c) => /^diagnosis-/.test(c.id || ''));
  if (!ours.length) failures.push('no diagnosis chart on the page');
  console.log(`diagnosis charts: ${ours.map((c) => `${c.id} (${c.width}x${c.height}, ${c.marks} marks)`).join(', ')}`);
}

async function main() {
  const args = parseArgs(process.argv, { chromium: process.env.CHROMIUM || '', timeout: 90, assets: path.join(here, '..', 'src'),
    dashboard: '', orchestrate: '', runDir: '' }, ['diagnosis', 'screenshot']);
  if (args.orchestrate && args.runDir) {
    // What `orchestrate diagnose` leaves: diagnosis.json in the run directory; `report` embeds it.
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'ftbench-diagnosis-run-'));
    fs.cpSync(args.runDir, copy, { recursive: true });
    fs.copyFileSync(args.diagnosis, path.join(copy, 'diagnosis.json'));
    const report = spawnSync(args.orchestrate, ['report', copy, '--quiet'], { encoding: 'utf8' });
    if (report.status !== 0) throw new Error(`orchestrate report exited ${report.status}: ${report.stderr}`);
    args.dashboard = path.join(copy, 'dashboard.html');
    args.assets = 'none';
    const html = fs.readFileSync(args.dashboard, 'utf8');
    const open = '<script type="application/json" id="ftbench-data">';
    const start = html.indexOf(open) + open.length;
    const embedded = JSON.parse(html.slice(start, html.indexOf('</script>', start))).diagnosis;
    const expected = JSON.parse(fs.readFileSync(args.diagnosis, 'utf8'));
    if (JSON.stringify(embedded) !== JSON.stringify(expected))
      throw new Error('orchestrate report did not embed diagnosis.json in the dashboard as it is');
    console.log('orchestrate report embedded diagnosis.json in dashboard.html');
  }
  if (!args.dashboard) throw new Error('give --dashboard PATH, or --orchestrate BIN --run-dir DIR');
  const chromium = chromiumOrSkip(args.chromium);
  const diagnosis = JSON.parse(fs.readFileSync(args.diagnosis, 'utf8'));
  const page = injectDiagnosis(fs.readFileSync(args.dashboard, 'utf8'), diagnosis, args.assets === 'none' ? null : args.assets);
  const pageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftbench-diagnosis-page-'));
  const pageFile = path.join(pageDir, 'dashboard.html');
  fs.writeFileSync(pageFile, page);

  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftbench-chromium-'));
  const browser = new Browser(chromium, userDataDir);
  const failures = [];
  try {
    const problems = [];
    const session = await openPage(browser, pathToFileURL(pageFile).href, problems);
    const state = await waitForRendered(browser, session, args.timeout);
    if (state !== 'ok') failures.push(`dashboard did not finish rendering: data-ftbench-rendered="${state}"`);

    await checkCharts(browser, session, failures);
    checkSection(await evaluate(browser, session, SECTION_STATE), diagnosis, failures);

    // The screenshot shows the folded lines too.
    await evaluate(browser, session, `document.querySelectorAll('#diagnosis details').forEach((d) => { d.open = true; }); true`);
    const height = await screenshot(browser, session, args.screenshot);
    console.log(`screenshot: ${path.resolve(args.screenshot)} (1400x${height})`);
    failures.push(...problems);

    // The same page with odd diagnosis data: no errors, nothing shown as undefined, markup as text.
    const odd = oddDiagnosis(diagnosis);
    fs.writeFileSync(pageFile, injectDiagnosis(fs.readFileSync(args.dashboard, 'utf8'), odd, args.assets === 'none' ? null : args.assets));
    const oddProblems = [];
    const oddSession = await openPage(browser, pathToFileURL(pageFile).href, oddProblems);
    const oddState = await waitForRendered(browser, oddSession, args.timeout);
    if (oddState !== 'ok') failures.push(`odd data: dashboard did not finish rendering: data-ftbench-rendered="${oddState}"`);
    const oddFailures = [];
    await checkCharts(browser, oddSession, oddFailures);
    checkSection(await evaluate(browser, oddSession, SECTION_STATE), odd, oddFailures);
    failures.push(...oddFailures.map((f) => `odd data: ${f}`));
    if (await evaluate(browser, oddSession, 'window.__ftbenchInjected === true')) failures.push('odd data: markup in the verdict ran as a script');
    const hitm = await evaluate(browser, oddSession, `document.querySelectorAll('#diagnosis svg.diag-line path').length`);
    if (hitm !== 2) failures.push(`odd data: ${hitm} HITM marks, expected 2`);
    await evaluate(browser, oddSession, `document.querySelectorAll('#diagnosis details').forEach((d) => { d.open = true; }); true`);
    await screenshot(browser, oddSession, args.screenshot.replace(/\.png$/, '') + '-odd.png');
    failures.push(...oddProblems.map((p) => `odd data: ${p}`));

    // Without `diagnosis` in the data, no section (and the rest of the page as before).
    fs.writeFileSync(pageFile, injectDiagnosis(fs.readFileSync(args.dashboard, 'utf8'), null, args.assets === 'none' ? null : args.assets));
    const plainProblems = [];
    const plainSession = await openPage(browser, pathToFileURL(pageFile).href, plainProblems);
    const plainState = await waitForRendered(browser, plainSession, args.timeout);
    if (plainState !== 'ok') failures.push(`without a diagnosis: dashboard did not finish rendering: data-ftbench-rendered="${plainState}"`);
    if (await evaluate(browser, plainSession, `!!document.getElementById('diagnosis') || document.querySelectorAll('svg.diag-line').length > 0`))
      failures.push('without a diagnosis in the data the page still shows a diagnosis section');
    failures.push(...plainProblems.map((p) => `without a diagnosis: ${p}`));
  } catch (e) {
    failures.push(`${e.stack || e}`);
  }
  fs.rmSync(pageDir, { recursive: true, force: true });
  await finish(browser, userDataDir, failures, 'PASS: the diagnosis section renders with no errors');
}

run(main);
