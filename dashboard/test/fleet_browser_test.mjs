#!/usr/bin/env node
// The fleet view of history.html in a real browser: writes the page with `orchestrate history
// html --from URL` from a fleet's shared PostgreSQL store (the ctest fixture `fleet_fixture`
// pushes three synthetic boxes: bench-epyc with open regressions and excluded nights,
// bench-xeon, and bench-vm, a VM without a PMU whose last night is ten days older), opens it in
// headless Chromium (browser.mjs) and fails on any console error, uncaught exception or network
// request, on a chart that did not render, and on a fleet section that does not say what the
// store holds: its label, one row per machine with HITM counted or not, open regressions and a
// silent machine flagged, each benchmark's ratio and efficiency on every machine. Then pages with
// malformed and hostile fleet data (no error, no script run, the text shown as text) and with a
// single machine (no fleet section). The store's password reaches orchestrate only through
// PGPASSWORD and must not be in the page. Prints how long writing and drawing took (not asserted).
//
//   node fleet_browser_test.mjs --orchestrate BIN --fleet-dir DIR --postgres-dir PGDIR
//        --output OUT.html --screenshot OUT.png [--chromium PATH] [--timeout S]
//
// DIR/url: the store's URL; PGDIR/server.json: {url, password, port, dir} of the test server.
// Exit status: 0 pass, 1 fail, 77 skipped (no Chromium; ctest SKIP_RETURN_CODE).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { Browser, chartsOnPage, evaluate, chromiumOrSkip, openPage, parseArgs, finish, run, sleep, waitForRendered, checkRecordedCharts } from './browser.mjs';

const MAX_FLEET_CHARTS = 12;  // history.js MAX_CHARTS: charts for the first 12 benchmarks, tables for all
const HOSTS = { epyc: 'bench-epyc', xeon: 'bench-xeon', vm: 'bench-vm' };
const HOSTILE_IMG = '<img src=x onerror="window.__xss=1">';
const HOSTILE_SCRIPT = '<script>window.__xss=1</script>';

function writePage(orchestrate, url, password, output) {
  const started = process.hrtime.bigint();
  const r = spawnSync(orchestrate, ['history', 'html', '--from', url, '--output', output],
    { encoding: 'utf8', env: { ...process.env, PGPASSWORD: password } });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const said = `${r.stdout || ''}${r.stderr || ''}`;
  if (password && said.includes(password)) throw new Error('orchestrate history html printed the store\'s password');
  if (r.error) throw new Error(`orchestrate history html: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`orchestrate history html --from exited ${r.status}: ${said}`);
  if (!fs.existsSync(output)) throw new Error(`orchestrate history html did not write ${output}`);
  return seconds;
}

// The page's own copy with `data` in place of its data block (as history_browser_test.mjs does);
// `raw` replaces quoted placeholders by JSON text JSON.stringify cannot write (1e999: Infinity).
function writeVariant(page, output, name, data, raw = {}) {
  const slot = /(<script type="application\/json" id="ftbench-data">)[\s\S]*?(<\/script>)/;
  if (!slot.test(page)) throw new Error('history.html has no ftbench-data block');
  let text = JSON.stringify(data).replace(/</g, '\\u003c');
  for (const [placeholder, value] of Object.entries(raw)) text = text.split(JSON.stringify(placeholder)).join(value);
  const file = output.replace(/\.html$/, '') + `-${name}.html`;
  fs.writeFileSync(file, page.replace(slot, (_, open, close) => open + text + close));
  return file;
}

// Every chart container rendered something readable and the page's record agrees.
async function checkCharts(browser, session, what, failures) {
  const final = await evaluate(browser, session, 'window.__ftbenchHistory.drawAll()');
  if (final !== 'ok') failures.push(`${what}: drawing every chart ended "${final}"`);
  const charts = await chartsOnPage(browser, session);
  const record = JSON.parse(await evaluate(browser, session, 'JSON.stringify(window.__ftbenchHistory)'));
  checkRecordedCharts(charts, record, what, failures);
  return { charts, record };
}

// Waits until the page has drawn generation `after` + 1 or later, and says how it ended.
async function waitForRedraw(browser, session, after, timeout) {
  const deadline = Date.now() + timeout * 1000;
  while (Date.now() < deadline) {
    const { g, s: state } = JSON.parse(await evaluate(browser, session,
      'JSON.stringify({g: window.__ftbenchHistory.generation, s: document.documentElement.dataset.ftbenchRendered})'));
    if (g > after && (state === 'ok' || state === 'error')) return state;
    await sleep(100);
  }
  return 'timeout';
}

// A screenshot of one element (the page laid out at its full height first, so that nothing is cut).
async function elementScreenshot(browser, session, selector, file) {
  const { contentSize } = await browser.send('Page.getLayoutMetrics', {}, session);
  const height = Math.min(Math.ceil(contentSize.height), 16000);
  await browser.send('Emulation.setDeviceMetricsOverride', { width: 1400, height, deviceScaleFactor: 1, mobile: false }, session);
  await sleep(300);
  const box = JSON.parse(await evaluate(browser, session, `(() => { const r = document.querySelector(${JSON.stringify(selector)}).getBoundingClientRect();
      return JSON.stringify({ x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height }); })()`));
  const clip = { x: Math.max(0, box.x - 16), y: Math.max(0, box.y - 12), width: Math.min(1400, box.width + 32), height: Math.min(16000, box.height + 24), scale: 1 };
  const shot = await browser.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true, clip }, session);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, Buffer.from(shot.data, 'base64'));
  return clip;
}

// What the fleet section shows, read from the DOM.
const READ_FLEET = `JSON.stringify((() => {
  const s = document.getElementById('fleet');
  if (!s) return { present: false };
  const label = document.getElementById('fleet-label');
  return {
    present: true, visible: s.offsetParent !== null && s.getBoundingClientRect().height > 0,
    label: label ? label.textContent : null, labelVisible: !!label && label.offsetParent !== null,
    text: s.innerText,
    machines: Array.from(s.querySelectorAll('#fleet-machines tbody tr')).map(r => ({
      id: r.dataset.machine, hitm: r.dataset.hitm, stale: r.dataset.stale, open: Number(r.dataset.open),
      text: r.innerText, hosts: r.cells[1] ? r.cells[1].textContent : '', openCell: r.cells[r.cells.length - 1] ? r.cells[r.cells.length - 1].textContent : '' })),
    benchmarks: Array.from(s.querySelectorAll('table.fleet-compare')).map(t => ({
      benchmark: t.dataset.benchmark,
      columns: Array.from(t.querySelectorAll('thead th[data-machine]')).map(h => h.dataset.machine),
      rows: Array.from(t.querySelectorAll('tbody tr')).map(r => ({ kind: r.dataset.kind, threads: Number(r.dataset.threads), interpreter: r.dataset.interpreter,
        cells: Array.from(r.querySelectorAll('td[data-machine]')).map(c => ({ machine: c.dataset.machine, text: c.textContent.trim(), empty: c.classList.contains('empty') })) })) })),
    charts: Array.from(s.querySelectorAll('.chart')).length,
  };
})())`;

async function openAndWait(browser, file, timeout, problems) {
  const session = await openPage(browser, pathToFileURL(file).href, problems);
  const state = await waitForRendered(browser, session, timeout);
  return { session, state };
}

async function main() {
  const args = parseArgs(process.argv, { chromium: process.env.CHROMIUM || '', timeout: 120 },
    ['orchestrate', 'fleetDir', 'postgresDir', 'output', 'screenshot']);
  const chromium = chromiumOrSkip(args.chromium);
  const timeout = Number(args.timeout);
  const output = path.resolve(args.output);
  const url = fs.readFileSync(path.join(args.fleetDir, 'url'), 'utf8').trim();
  const server = JSON.parse(fs.readFileSync(path.join(args.postgresDir, 'server.json'), 'utf8'));
  const password = String(server.password || '');
  if (password && url.includes(password)) throw new Error(`${path.join(args.fleetDir, 'url')} holds the password: the URL must not`);

  const seconds = writePage(args.orchestrate, url, password, output);
  const page = fs.readFileSync(output, 'utf8');
  console.log(`orchestrate history html --from: ${output}, ${(page.length / 1e6).toFixed(2)} MB, written in ${seconds.toFixed(2)} s`);

  const failures = [];
  if (password.length >= 4 && page.includes(password)) failures.push('history.html holds the store\'s password');

  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftbench-chromium-'));
  const browser = new Browser(chromium, userDataDir);
  try {
    // 1. The page as it opens: no errors, no network, every chart drawn.
    const problems = [];
    const opened = Date.now();
    const { session, state } = await openAndWait(browser, output, timeout, problems);
    console.log(`first screen drawn in ${((Date.now() - opened) / 1000).toFixed(2)} s (state ${state})`);
    if (state !== 'ok') failures.push(`history.html did not finish rendering: data-ftbench-rendered="${state}"`);
    const data = JSON.parse(await evaluate(browser, session, 'document.getElementById("ftbench-data").textContent'));
    const fleet = data.fleet;
    if (!fleet || !Array.isArray(fleet.machines) || !Array.isArray(fleet.rows)) throw new Error('history.html from a shared store has no fleet data');
    if (fleet.machines.length !== 3) failures.push(`the store holds ${fleet.machines.length} machines, the fixture pushed 3`);
    const all = Date.now();
    const { charts, record } = await checkCharts(browser, session, 'on opening', failures);
    const fleetCharts = record.charts.filter((c) => c.section === 'fleet');
    console.log(`every chart drawn ${((Date.now() - all) / 1000).toFixed(2)} s later: ${charts.length} charts, ${fleetCharts.length} in the fleet section ` +
      `(${fleetCharts.map((c) => `${c.title} [${c.lines} machines, ${c.points} points, ${c.ms} ms]`).join('; ')})`);

    // 2. The fleet section.
    const f = JSON.parse(await evaluate(browser, session, READ_FLEET));
    if (!f.present || !f.visible) throw new Error('history.html from a shared store of 3 machines shows no fleet section (#fleet)');
    if (!f.labelVisible || f.label !== fleet.label) failures.push(`the fleet label reads ${JSON.stringify(f.label)}, the data says ${JSON.stringify(fleet.label)}`);
    if (!/compare shapes, not a regression test/.test(f.label || '')) failures.push('the fleet label does not say that machines are compared, not tested');
    if (/\bNaN\b|undefined|\[object |Infinity/.test(f.text)) failures.push('the fleet section shows NaN, undefined, Infinity or [object ...]');

    if (f.machines.length !== 3) failures.push(`the machines table has ${f.machines.length} rows, not 3`);
    const byHost = {};
    for (const [key, host] of Object.entries(HOSTS)) {
      const rows = f.machines.filter((m) => m.hosts.split(/,\s*/).includes(host));
      if (rows.length !== 1) failures.push(`${rows.length} rows of the machines table name host ${host}`);
      byHost[key] = rows[0];
    }
    const { epyc, xeon, vm } = byHost;
    if (vm) {
      if (vm.hitm !== 'not-counted' || !vm.text.includes('HITM: not counted')) failures.push(`the VM's row does not say HITM is not counted: ${vm.text}`);
      if (vm.stale !== 'true' || !/silent since \d{4}-\d\d-\d\d/.test(vm.text)) failures.push(`the VM's row (its last night 10 days older) is not flagged silent: ${vm.text}`);
    }
    if (epyc) {
      if (epyc.hitm !== 'counted' || !epyc.text.includes('HITM: counted')) failures.push(`the EPYC's row does not say HITM is counted: ${epyc.text}`);
      const want = fleet.machines.find((m) => String(m.id) === epyc.id);
      if (!(epyc.open > 0) || !(Number(epyc.openCell) > 0)) failures.push(`the EPYC's row shows ${epyc.openCell} open regressions, the fixture left some open`);
      if (want && Number(epyc.openCell) !== want.open_regressions) failures.push(`the EPYC's row shows ${epyc.openCell} open regressions, the data ${want.open_regressions}`);
      if (epyc.stale !== 'false') failures.push('the EPYC\'s row is flagged silent; its last night is the newest');
      if (!/AMD EPYC 9654/.test(epyc.text)) failures.push(`the EPYC's row does not name its CPU: ${epyc.text}`);
    }
    if (xeon && (xeon.hitm !== 'counted' || xeon.stale !== 'false')) failures.push(`the Xeon's row: HITM ${xeon.hitm}, silent ${xeon.stale}`);
    console.log(`machines table: ${f.machines.map((m) => `${m.hosts} (HITM ${m.hitm}, open ${m.open}${m.stale === 'true' ? ', silent' : ''})`).join('; ')}`);

    // Per benchmark: ratio and efficiency of scaling/parallel_compute at each machine's most threads
    // (4 on the big boxes, 2 on the VM) side by side on all 3 machines.
    const ids = fleet.machines.map((m) => String(m.id));
    const pc = f.benchmarks.find((b) => b.benchmark === 'scaling/parallel_compute');
    if (!pc) failures.push('no comparison table for scaling/parallel_compute');
    else {
      if (pc.columns.join(',') !== ids.join(',')) failures.push(`scaling/parallel_compute has columns for machines ${pc.columns.join(',')}, not ${ids.join(',')}`);
      for (const [kind, format] of [['free_threading', /^\d+\.\d\dx \[\d+\.\d\d, \d+\.\d\d\]/], ['scaling', /^\d+\.\d%\s+\[\d+\.\d%?, \d+\.\d%?\]/]]) {
        const rows = pc.rows.filter((r) => r.kind === kind && r.threads === 0);
        if (!rows.length) { failures.push(`scaling/parallel_compute has no ${kind} row at each machine's most threads`); continue; }
        for (const r of rows) {
          const filled = r.cells.filter((c) => !c.empty && format.test(c.text)).map((c) => c.machine);
          if (ids.some((id) => !filled.includes(id)))
            failures.push(`scaling/parallel_compute ${kind} ${r.interpreter} t4: values for machines ${filled.join(',')} of ${ids.join(',')} (${r.cells.map((c) => c.text).join(' | ')})`);
        }
      }
      console.log(`scaling/parallel_compute, most threads: ${pc.rows.filter((r) => r.threads === 0).map((r) => `${r.kind} ${r.interpreter}: ${r.cells.map((c) => c.text.split(/\s+\[/)[0]).join(' / ')}`).join('; ')}`);
    }
    const benchmarks = new Set(fleet.rows.map((r) => r.benchmark));
    if (f.benchmarks.length !== benchmarks.size) failures.push(`${f.benchmarks.length} comparison tables, the data has ${benchmarks.size} benchmarks`);
    const wantCharts = Math.min(benchmarks.size, MAX_FLEET_CHARTS);
    if (fleetCharts.length !== wantCharts || f.charts !== wantCharts)
      failures.push(`${fleetCharts.length} fleet charts recorded, ${f.charts} in the section, for ${benchmarks.size} benchmarks (${wantCharts} expected)`);

    // The fleet section comes before the per-series charts, which still draw.
    const order = await evaluate(browser, session, `(() => { const f = document.getElementById('fleet'), s = document.getElementById('series');
        return !!(f && s && (f.compareDocumentPosition(s) & Node.DOCUMENT_POSITION_FOLLOWING)); })()`);
    if (!order) failures.push('the fleet section is not above the series charts');
    if (!record.charts.some((c) => c.section === 'series')) failures.push('no per-series chart was drawn beside the fleet view');

    const clip = await elementScreenshot(browser, session, '#fleet', args.screenshot);
    console.log(`screenshot of the fleet section: ${path.resolve(args.screenshot)} (${Math.round(clip.width)}x${Math.round(clip.height)})`);
    // A machine's "its series" link filters the series charts to it; every chart redraws.
    if (epyc) {
      const g = await evaluate(browser, session, 'window.__ftbenchHistory.generation');
      const clicked = await evaluate(browser, session, `(() => { const a = document.querySelector('#fleet-machines tr[data-machine="${epyc.id}"] a[href="#series"]');
          if (a) a.click(); return !!a; })()`);
      if (!clicked) failures.push('the EPYC\'s row has no link to its series');
      else {
        if ((await waitForRedraw(browser, session, g, timeout)) !== 'ok') failures.push('following a machine\'s series link did not redraw cleanly');
        const after = await checkCharts(browser, session, 'a machine\'s series', failures);
        if (after.record.filters.machine !== epyc.id) failures.push(`the EPYC's series link selected machine ${after.record.filters.machine}`);
        if (after.record.charts.filter((c) => c.section === 'fleet').length !== wantCharts) failures.push('the fleet charts did not redraw with the series');
        console.log(`the EPYC's series link: machine filter ${after.record.filters.machine}, ${after.charts.length} charts`);
      }
    }
    failures.push(...problems);

    // 3. Malformed and hostile fleet data: no error, no script run, hostile text shown as text.
    const machine = (id, over = {}) => ({ id, fingerprint: `f${id}`, description: `box ${id} (4 cores, x86_64, Linux 6.1)`, hosts: [`host-${id}`], logical_cpus: 4,
      smt: null, counters: ['hitm'], nights: 3, excluded: 1, last_night: '2026-01-09T02:30:00Z', last_run: `r${id}`, last_excluded: false,
      last_exclusion_reason: '', last_factor: 1.01, drift: 0.02, open_regressions: 0, ...over });
    const value = (m, v, over = {}) => ({ machine: m, value: v, low: v * 0.95, high: v * 1.05, run_id: `r${m}`, created_at: '2026-01-09T02:30:00Z', ...over });
    const hostileFleet = {
      label: `fleet ${HOSTILE_IMG}`,
      machines: [
        machine(1, { description: `evil ${HOSTILE_IMG} box`, hosts: [HOSTILE_SCRIPT, 'ok-host'], last_excluded: true, last_exclusion_reason: `reason ${HOSTILE_IMG}`,
          last_run: HOSTILE_SCRIPT, open_regressions: 2, last_factor: 'INF', drift: null }),
        machine(2, { hosts: null, counters: null, smt: 'yes', logical_cpus: 'many', last_night: 'not a date', nights: 'NAN' }),
        machine(3, { last_night: '2025-12-01T02:30:00Z', last_factor: 1.12, drift: 0.3 }),
        machine(2, { description: 'a duplicate id' }), null, 7, { description: 'no id' }, [],
      ],
      rows: [
        { kind: 'free_threading', benchmark: `a/b ${HOSTILE_SCRIPT}`, threads: 2, interpreter: '3.13t', reference: '3.13',
          values: [value(1, 1.2), value(2, 1.3, { low: null, high: 'x' }), value(99, 1.1), value(3, 'INF'), null, value(1, 5)] },
        { kind: 'scaling', benchmark: `a/b ${HOSTILE_SCRIPT}`, threads: 4, interpreter: HOSTILE_IMG, reference: null,
          values: [value(1, 0.8, { run_id: HOSTILE_SCRIPT }), value(3, 0.5, { low: 0.9, high: 0.1 }), value(2, -0.1, { created_at: null })] },
        { kind: 'scaling', benchmark: 'c/d', threads: 'x', interpreter: '3.13t', values: null },
        { kind: 'scaling', benchmark: 'c/d', threads: 2, interpreter: '3.13t' },
        { kind: 'free_threading', benchmark: 'c/d', threads: 2, interpreter: '3.13t', reference: '3.13', values: [value(77, 1.1), value('1', 0, { low: 0, high: 0 })] },
        { kind: 'unknown_kind', benchmark: 'e/f', values: [value(1, 1)] },
        { kind: 'free_threading', values: [value(1, 1)] },
        null, 'a row',
      ],
    };
    const variants = [
      { name: 'fleet-null', fleet: null, shown: false },
      { name: 'fleet-absent', fleet: undefined, shown: false },
      { name: 'fleet-odd-shapes', fleet: { label: 5, machines: 'not an array', rows: { not: 'an array' } }, shown: false },
      { name: 'fleet-odd-rows', fleet: { machines: [machine(1), machine(2)], rows: 'nope' }, shown: true },
      { name: 'fleet-hostile', fleet: hostileFleet, shown: true, hostile: true },
      { name: 'fleet-one-machine', fleet: { ...fleet, machines: fleet.machines.slice(0, 1) }, shown: false },
    ];
    for (const v of variants) {
      const d = { ...data };
      if (v.fleet === undefined) delete d.fleet;
      else d.fleet = v.fleet;
      const file = writeVariant(page, output, v.name, d, { INF: '1e999', NAN: '-1e999' });
      const oddProblems = [];
      const { session: s, state: st } = await openAndWait(browser, file, timeout, oddProblems);
      const final = await evaluate(browser, s, 'window.__ftbenchHistory.drawAll()');
      if (st !== 'ok' || final !== 'ok') failures.push(`${v.name}: data-ftbench-rendered="${st}", drawing all "${final}"`);
      const got = JSON.parse(await evaluate(browser, s, READ_FLEET));
      if (v.shown && !(got.present && got.visible)) failures.push(`${v.name}: no fleet section, though the data has 2 or more machines`);
      if (!v.shown && got.present && got.visible) failures.push(`${v.name}: a fleet section is shown for no fleet or a single machine`);
      // The rest of the page is unchanged by the fleet: one element per id, and the series (the
      // data has some) are never called empty.
      const sane = JSON.parse(await evaluate(browser, s, `JSON.stringify((() => {
        const ids = [...document.querySelectorAll('[id]')].map((e) => e.id);
        return { duplicates: ids.filter((x, i) => ids.indexOf(x) !== i), empty: (document.getElementById('app') || document.body).innerText.includes('no measured values') };
      })())`));
      if (sane.duplicates.length) failures.push(`${v.name}: duplicate element ids: ${sane.duplicates.join(', ')}`);
      if (sane.empty) failures.push(`${v.name}: says the nights have no measured values, though the data has series`);
      const xss = await evaluate(browser, s, 'window.__xss === undefined && document.querySelectorAll("#app img, #app script").length === 0');
      if (!xss) failures.push(`${v.name}: the data's markup ran or became elements (window.__xss set or <img>/<script> in the page)`);
      if (got.present && /\bNaN\b|undefined|\[object |Infinity/.test(got.text)) failures.push(`${v.name}: the fleet section shows NaN, undefined, Infinity or [object ...]`);
      if (v.hostile && got.present) {
        for (const h of [HOSTILE_IMG, HOSTILE_SCRIPT])
          if (!got.text.includes(h)) failures.push(`${v.name}: ${JSON.stringify(h)} is not shown literally as text`);
        if (got.label !== hostileFleet.label) failures.push(`${v.name}: the label reads ${JSON.stringify(got.label)}`);
        if (got.machines.length !== 3) failures.push(`${v.name}: ${got.machines.length} machine rows, 3 machines are valid`);
      }
      const c = await chartsOnPage(browser, s);
      for (const x of c) if (!x.rendered || x.svgs < 1) failures.push(`${v.name}: chart ${x.id} did not render`);
      failures.push(...oddProblems.map((p) => `${v.name}: ${p}`));
      console.log(`${v.name}: rendered ${st}, fleet section ${got.present && got.visible ? `shown (${got.machines.length} machines, ${got.benchmarks.length} benchmarks, ${got.charts} charts)` : 'hidden'}`);
    }
  } catch (e) {
    failures.push(`${e.stack || e}`);
  }
  await finish(browser, userDataDir, failures, 'PASS: the fleet view renders its machines, its per-benchmark comparison and charts, and survives odd data');
}

run(main);
