// Headless Chromium for the pages' browser tests (browser_test.mjs: a run's dashboard;
// history_browser_test.mjs: history.html), driven over the DevTools protocol
// (--remote-debugging-pipe: no port, no WebSocket library). Node's standard library only.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// `--some-flag value` pairs into {someFlag: value}; `required` names must be there.
export function parseArgs(argv, defaults, required) {
  const args = { ...defaults };
  for (let i = 2; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    args[key.replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = argv[++i];
  }
  for (const name of required)
    if (!args[name]) throw new Error(`missing --${name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`);
  return args;
}

export function findChromium(explicit) {
  const candidates = [explicit, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean);
  return candidates.find((c) => fs.existsSync(c));
}

// The browser, or exit 77 (ctest's SKIP_RETURN_CODE) saying how to give one.
export function chromiumOrSkip(explicit) {
  const chromium = findChromium(explicit);
  if (!chromium) {
    console.log('SKIP: no Chromium found (set CHROMIUM=/path/to/chromium)');
    process.exit(77);
  }
  return chromium;
}

// Chrome DevTools protocol over fds 3 (to the browser) and 4 (from it), NUL-separated JSON.
export class Browser {
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

// Opens `url` in a new tab; every console error, uncaught exception, browser log error and
// request that leaves the machine (the pages must work offline) is pushed onto `problems`.
export async function openPage(browser, url, problems) {
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

export async function evaluate(browser, sessionId, expression) {
  const r = await browser.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true }, sessionId);
  if (r.exceptionDetails) throw new Error(`evaluating ${expression}: ${r.exceptionDetails.text}`);
  return r.result.value;
}

// Waits for <html data-ftbench-rendered> to say "ok" or "error"; returns the last state seen.
export async function waitForRendered(browser, sessionId, timeoutSeconds) {
  const deadline = Date.now() + Number(timeoutSeconds) * 1000;
  let state = 'pending';
  while (Date.now() < deadline) {
    state = await evaluate(browser, sessionId, 'document.documentElement.dataset.ftbenchRendered || "missing"').catch(() => 'loading');
    if (state === 'ok' || state === 'error') break;
    await sleep(200);
  }
  return state;
}

// Every .chart container: whether it rendered, its svg's size and how many marks it drew.
export function chartsOnPage(browser, sessionId) {
  return evaluate(browser, sessionId, `Array.from(document.querySelectorAll('.chart')).map(c => ({
      id: c.dataset.chart, rendered: c.dataset.rendered === 'true',
      svgs: c.querySelectorAll('svg').length,
      width: c.querySelector('svg') ? Math.round(c.querySelector('svg').getBoundingClientRect().width) : 0,
      height: c.querySelector('svg') ? Math.round(c.querySelector('svg').getBoundingClientRect().height) : 0,
      marks: c.querySelectorAll('svg g[class^="mark-"] path, svg g[class^="mark-"] line, svg g[class^="mark-"] rect, svg g[class^="mark-"] text').length }))`);
}

// A full-page screenshot (up to 16000 px high) at `file`, and the same page in screen-sized
// parts beside it (<name>-part1.png, ...), readable without zooming. Returns the height.
export async function screenshot(browser, sessionId, file) {
  const { contentSize } = await browser.send('Page.getLayoutMetrics', {}, sessionId);
  const height = Math.min(Math.ceil(contentSize.height), 16000);
  await browser.send('Emulation.setDeviceMetricsOverride', { width: 1400, height, deviceScaleFactor: 1, mobile: false }, sessionId);
  await sleep(300);
  const shot = await browser.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true }, sessionId);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, Buffer.from(shot.data, 'base64'));
  const tile = 1500;
  for (let y = 0, k = 1; y < height; y += tile, k++) {
    const part = await browser.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true,
      clip: { x: 0, y, width: 1400, height: Math.min(tile, height - y), scale: 1 } }, sessionId);
    fs.writeFileSync(file.replace(/\.png$/, '') + `-part${k}.png`, Buffer.from(part.data, 'base64'));
  }
  return height;
}

// Removes Chromium's profile; its helpers may still be writing it for a moment after it exits.
export function removeProfile(userDataDir) {
  try { fs.rmSync(userDataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 }); } catch { /* a temp dir left behind */ }
}

// The end of a browser test: close the browser, remove its profile, print every failure (with
// Chromium's stderr) and exit 1, or print `passed`.
export async function finish(browser, userDataDir, failures, passed) {
  await browser.close();
  removeProfile(userDataDir);
  if (failures.length) {
    console.error('FAIL:\n  ' + failures.join('\n  '));
    if (browser.stderr.trim()) console.error('chromium stderr (tail):\n' + browser.stderr);
    process.exit(1);
  }
  console.log(passed);
}

// Runs a test's main(): an exception is a failure with its stack.
export function run(main) {
  main().catch((e) => {
    console.error(`FAIL: ${e.stack || e}`);
    process.exit(1);
  });
}

// A history page's charts (history.js records each in window.__ftbenchHistory): every one on
// the page rendered and big enough to read, and the page's record agrees with what is there.
export function checkRecordedCharts(charts, record, what, failures) {
  if (record.charts.length !== charts.length) failures.push(`${what}: the page recorded ${record.charts.length} charts, ${charts.length} are on it`);
  for (const c of charts) {
    if (!c.rendered || c.svgs < 1 || c.marks < 5) failures.push(`${what}: chart ${c.id} did not render (svg ${c.svgs}, marks ${c.marks})`);
    if (c.width < 200 || c.height < 40) failures.push(`${what}: chart ${c.id} is ${c.width}x${c.height} px: too small to read`);
  }
  for (const r of record.charts) {
    if (!r.rendered) failures.push(`${what}: chart ${r.id} (${r.title}) is recorded as not rendered`);
    if (!(r.lines > 0 && r.points > 0)) failures.push(`${what}: chart ${r.id} (${r.title}) drew ${r.lines} lines, ${r.points} points`);
  }
}
