#!/usr/bin/env node
// Dashboard in a real browser: regenerates a run's reports with `orchestrate report`, opens
// dashboard.html (and the results index) in headless Chromium over the DevTools protocol
// (--remote-debugging-pipe: no port, no WebSocket library), and fails on any console error,
// uncaught exception, network request (the page must work offline) or chart that did not
// render. Saves a full-page screenshot. Node's standard library only.
//
//   node browser_test.mjs --orchestrate BIN --results-root DIR --screenshot OUT.png
//                         [--expect-sections 'Key findings|Scaling over threads'] [--chromium PATH]
//
// Exit status: 0 pass, 1 fail, 77 skipped (no Chromium; ctest SKIP_RETURN_CODE).

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

function parseArgs(argv) {
  const args = { chromium: process.env.CHROMIUM || '', timeout: 90 };
  for (let i = 2; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    args[key.replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = argv[++i];
  }
  for (const required of ['orchestrate', 'resultsRoot', 'screenshot'])
    if (!args[required]) throw new Error(`missing --${required.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`);
  return args;
}

function findChromium(explicit) {
  const candidates = [explicit, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean);
  return candidates.find((c) => fs.existsSync(c));
}

// Chrome DevTools protocol over fds 3 (to the browser) and 4 (from it), NUL-separated JSON.
class Browser {
  constructor(executable, userDataDir) {
    const flags = [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-default-apps', '--disable-extensions', '--mute-audio', '--hide-scrollbars',
      `--user-data-dir=${userDataDir}`, '--remote-debugging-pipe', '--window-size=1400,3000', 'about:blank',
    ];
    this.proc = spawn(executable, flags, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
    this.stderr = '';
    this.proc.stderr.on('data', (d) => { this.stderr = (this.stderr + d).slice(-4000); });
    this.nextId = 1;
    this.waiting = new Map();
    this.listeners = [];
    let buffer = '';
    this.proc.stdio[4].on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let end;
      while ((end = buffer.indexOf('\0')) >= 0) {
        const message = JSON.parse(buffer.slice(0, end));
        buffer = buffer.slice(end + 1);
        if (message.id && this.waiting.has(message.id)) {
          const { resolve, reject } = this.waiting.get(message.id);
          this.waiting.delete(message.id);
          if (message.error) reject(new Error(`${message.error.message} (${message.error.code})`));
          else resolve(message.result);
        } else if (message.method) {
          for (const l of this.listeners) l(message);
        }
      }
    });
    this.exited = new Promise((resolve) => this.proc.on('exit', resolve));
  }

  send(method, params = {}, sessionId = undefined) {
    const id = this.nextId++;
    const message = { id, method, params };
    if (sessionId) message.sessionId = sessionId;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.proc.stdio[3].write(JSON.stringify(message) + '\0');
    });
  }

  on(listener) { this.listeners.push(listener); }

  async close() {
    try { await Promise.race([this.send('Browser.close'), new Promise((r) => setTimeout(r, 3000))]); } catch { /* already gone */ }
    if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
    await this.exited;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function openPage(browser, url, problems) {
  const { targetId } = await browser.send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await browser.send('Target.attachToTarget', { targetId, flatten: true });
  browser.on((m) => {
    if (m.sessionId !== sessionId) return;
    if (m.method === 'Runtime.exceptionThrown') {
      const d = m.params.exceptionDetails;
      problems.push(`uncaught exception: ${d.exception && d.exception.description ? d.exception.description : d.text}`);
    } else if (m.method === 'Runtime.consoleAPICalled' && (m.params.type === 'error' || m.params.type === 'assert')) {
      problems.push(`console.${m.params.type}: ${m.params.args.map((a) => a.value ?? a.description ?? '').join(' ')}`);
    } else if (m.method === 'Log.entryAdded' && m.params.entry.level === 'error') {
      problems.push(`browser log error: ${m.params.entry.text} ${m.params.entry.url || ''}`);
    } else if (m.method === 'Network.requestWillBeSent') {
      const u = m.params.request.url;
      if (!/^(file|data|blob|about):/.test(u)) problems.push(`the page fetched ${u}: it must work offline`);
    }
  });
  for (const domain of ['Runtime.enable', 'Log.enable', 'Network.enable', 'Page.enable'])
    await browser.send(domain, {}, sessionId);
  await browser.send('Emulation.setDeviceMetricsOverride', { width: 1400, height: 3000, deviceScaleFactor: 1, mobile: false }, sessionId);
  await browser.send('Page.navigate', { url }, sessionId);
  return sessionId;
}

async function evaluate(browser, sessionId, expression) {
  const r = await browser.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true }, sessionId);
  if (r.exceptionDetails) throw new Error(`evaluating ${expression}: ${r.exceptionDetails.text}`);
  return r.result.value;
}

async function main() {
  const args = parseArgs(process.argv);
  const chromium = findChromium(args.chromium);
  if (!chromium) {
    console.log('SKIP: no Chromium found (set CHROMIUM=/path/to/chromium)');
    process.exit(77);
  }
  const root = path.resolve(args.resultsRoot);
  const runs = fs.readdirSync(root).filter((d) => fs.existsSync(path.join(root, d, 'manifest.json')));
  if (runs.length === 0) throw new Error(`no run directory in ${root}`);
  const runDir = path.join(root, runs[0]);

  // 1. Every output, from the stored results, as a user would regenerate them.
  const report = spawnSync(args.orchestrate, ['report', runDir, '--quiet'], { encoding: 'utf8' });
  process.stdout.write(report.stdout);
  if (report.status !== 0) throw new Error(`orchestrate report exited ${report.status}: ${report.stderr}`);
  for (const f of ['dashboard.html', 'summary.md', 'results.csv', 'analysis.json', 'results.json'])
    if (!fs.existsSync(path.join(runDir, f))) throw new Error(`orchestrate report did not write ${f}`);
  if (!fs.existsSync(path.join(root, 'index.html'))) throw new Error('orchestrate report did not write the results index');

  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftbench-chromium-'));
  const browser = new Browser(chromium, userDataDir);
  const failures = [];
  try {
    // 2. The dashboard: no errors, no network, every chart rendered.
    const problems = [];
    const session = await openPage(browser, pathToFileURL(path.join(runDir, 'dashboard.html')).href, problems);
    const deadline = Date.now() + Number(args.timeout) * 1000;
    let state = 'pending';
    while (Date.now() < deadline) {
      state = await evaluate(browser, session, 'document.documentElement.dataset.ftbenchRendered || "missing"').catch(() => 'loading');
      if (state === 'ok' || state === 'error') break;
      await sleep(200);
    }
    if (state !== 'ok') failures.push(`dashboard did not finish rendering: data-ftbench-rendered="${state}"`);
    const charts = await evaluate(browser, session, `Array.from(document.querySelectorAll('.chart')).map(c => ({
        id: c.dataset.chart, rendered: c.dataset.rendered === 'true',
        svgs: c.querySelectorAll('svg').length,
        width: c.querySelector('svg') ? Math.round(c.querySelector('svg').getBoundingClientRect().width) : 0,
        height: c.querySelector('svg') ? Math.round(c.querySelector('svg').getBoundingClientRect().height) : 0,
        marks: c.querySelectorAll('svg g[class^="mark-"] path, svg g[class^="mark-"] line, svg g[class^="mark-"] rect, svg g[class^="mark-"] text').length }))`);
    const expected = Number(await evaluate(browser, session, 'document.documentElement.dataset.ftbenchCharts || 0'));
    if (charts.length === 0) failures.push('no chart containers on the page');
    if (expected !== charts.length) failures.push(`${charts.length} chart containers but ${expected} charts embedded`);
    for (const c of charts) {
      if (!c.rendered || c.svgs < 1 || c.marks < 5) failures.push(`chart ${c.id} did not render (svg ${c.svgs}, marks ${c.marks})`);
      // A chart sized to a container that has no width renders, invisibly, at width 0.
      if (c.width < 200 || c.height < 40) failures.push(`chart ${c.id} is ${c.width}x${c.height} px: too small to read`);
    }
    console.log(`dashboard: ${charts.length} charts: ${charts.map((c) => `${c.id} (${c.width}x${c.height}, ${c.marks} marks)`).join(', ')}`);
    const text = await evaluate(browser, session, 'document.body.innerText');
    for (const needle of (args.expectSections || '').split('|').filter(Boolean))
      if (!text.includes(needle)) failures.push(`dashboard has no "${needle}" section`);
    if (/\bNaN\b|undefined/.test(text)) failures.push('dashboard text shows NaN or undefined');

    // 3. Screenshot of the whole page.
    const { contentSize } = await browser.send('Page.getLayoutMetrics', {}, session);
    const height = Math.min(Math.ceil(contentSize.height), 16000);
    await browser.send('Emulation.setDeviceMetricsOverride', { width: 1400, height, deviceScaleFactor: 1, mobile: false }, session);
    await sleep(300);
    const shot = await browser.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true }, session);
    fs.mkdirSync(path.dirname(path.resolve(args.screenshot)), { recursive: true });
    fs.writeFileSync(args.screenshot, Buffer.from(shot.data, 'base64'));
    console.log(`screenshot: ${path.resolve(args.screenshot)} (1400x${height})`);
    // The same page in screen-sized parts, readable without zooming: <name>-part1.png, ...
    const tile = 1500;
    for (let y = 0, k = 1; y < height; y += tile, k++) {
      const part = await browser.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true,
        clip: { x: 0, y, width: 1400, height: Math.min(tile, height - y), scale: 1 } }, session);
      fs.writeFileSync(args.screenshot.replace(/\.png$/, '') + `-part${k}.png`, Buffer.from(part.data, 'base64'));
    }
    failures.push(...problems);

    // 4. The results index: loads cleanly and links to the dashboard.
    const indexProblems = [];
    const indexSession = await openPage(browser, pathToFileURL(path.join(root, 'index.html')).href, indexProblems);
    let links = [];
    for (let i = 0; i < 50 && links.length === 0; i++) {
      await sleep(100);
      links = await evaluate(browser, indexSession, 'Array.from(document.querySelectorAll("a")).map(a => a.getAttribute("href"))').catch(() => []);
    }
    if (!links.some((l) => l.endsWith(`${runs[0]}/dashboard.html`))) failures.push(`index.html does not link ${runs[0]}/dashboard.html`);
    failures.push(...indexProblems.map((p) => `index.html: ${p}`));
  } finally {
    await browser.close();
    // Chromium's helpers may still be writing its profile for a moment after it exits.
    try { fs.rmSync(userDataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 }); } catch { /* a temp dir left behind */ }
  }
  if (failures.length) {
    console.error('FAIL:\n  ' + failures.join('\n  '));
    if (browser.stderr.trim()) console.error('chromium stderr (tail):\n' + browser.stderr);
    process.exit(1);
  }
  console.log('PASS: dashboard and index render with no errors');
}

main().catch((e) => {
  console.error(`FAIL: ${e.stack || e}`);
  process.exit(1);
});
