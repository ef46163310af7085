#!/usr/bin/env node
// Hostile strings in a run's dashboard, the results index and history.html, in headless
// Chromium (issue #12, item 8). Two REAL orchestrate runs into one results root: a config whose
// every free-text string (its name, the interpreter label, a counter event, script arguments)
// carries `<img onerror>`, `</script><script>`, `javascript:` and template payloads, and a
// script named like a tag that fails with the payload in its exception (traceback, failure
// reason) and its stderr tail. Fields a real run cannot fill (host name, CPU model) are then
// set in the first run's manifest and `orchestrate report` rewrites its pages; a history
// annotation carries the payload too. Every page: no injected script runs (window.__pwned
// stays undefined, no dialog, no console error, no element with an on* attribute or a
// javascript: link), and the payload is shown as text (found in textContent). orchestrate's
// own terminal output carries no raw ESC from a label or a child's stderr.
//
//   node security_browser_test.mjs --orchestrate BIN --work DIR [--python PATH] [--chromium PATH] [--timeout S]
//
// Exit status: 0 pass, 1 fail, 77 skipped (no Chromium; ctest SKIP_RETURN_CODE).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { Browser, evaluate, chromiumOrSkip, openPage, parseArgs, finish, run, sleep, waitForRendered } from './browser.mjs';

const IMG = '<img src=x onerror="window.__pwned=1">';
const SCRIPT = '</script><script>window.__pwned=2</script>';
const JS_URL = 'javascript:window.__pwned=3';
const TEMPLATE = '{{DATA}}{{APP}}${window.__pwned=4}';
const ESC = '\u001b]0;PWNED\u0007\u001b[31m';
// Interpreter labels refuse '{' and '}' (placeholders): everything else goes everywhere.
const label = (tag) => `${tag} ${IMG} ${SCRIPT} ${JS_URL} ${ESC}`;
const text = (tag) => `${label(tag)} ${TEMPLATE}`;

function orchestrate(bin, args, what, okStatuses = [0]) {
  const r = spawnSync(bin, args, { encoding: 'utf8', timeout: 600000 });
  if (r.error) throw new Error(`${what}: ${r.error.message}`);
  if (!okStatuses.includes(r.status)) throw new Error(`${what} exited ${r.status}: ${r.stderr.slice(-3000)}`);
  return `${r.stdout}${r.stderr}`;
}

// The checks every page gets; `expected`: strings that must be on it as text.
async function checkPage(browser, file, what, expected, rendered, timeout, failures) {
  const problems = [];
  const dialogs = [];
  browser.on((m) => { if (m.method === 'Page.javascriptDialogOpening') dialogs.push(m.params.message); });
  const session = await openPage(browser, pathToFileURL(file).href, problems);
  if (rendered) {
    const state = await waitForRendered(browser, session, timeout);
    if (state !== 'ok') failures.push(`${what}: rendered "${state}"`);
  } else {
    await sleep(1500);
  }
  await sleep(500);  // an onerror fires once the broken image would have loaded
  const seen = JSON.parse(await evaluate(browser, session, `JSON.stringify({
      pwned: typeof window.__pwned === 'undefined' ? null : String(window.__pwned),
      text: document.body ? document.body.textContent : '',
      onAttributes: Array.from(document.querySelectorAll('*')).flatMap(e => Array.from(e.attributes)
        .filter(a => /^on/i.test(a.name)).map(a => e.tagName + ' ' + a.name)),
      brokenImages: document.querySelectorAll('img[src="x"]').length,
      links: Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href')).filter(h => !h.startsWith('#')),
      scriptLinks: Array.from(document.querySelectorAll('a[href]')).filter(a => a.protocol === 'javascript:').map(a => a.getAttribute('href')),
      injectedScripts: Array.from(document.scripts).filter(s => s.textContent.includes('window.__pwned=2') && !s.id).length })`));
  if (seen.pwned !== null) failures.push(`${what}: injected script ran (window.__pwned = ${seen.pwned})`);
  if (dialogs.length) failures.push(`${what}: a dialog opened: ${dialogs.join(' | ')}`);
  for (const p of problems) failures.push(`${what}: ${p}`);
  if (seen.onAttributes.length) failures.push(`${what}: elements with event-handler attributes: ${seen.onAttributes.slice(0, 5).join(', ')}`);
  if (seen.brokenImages) failures.push(`${what}: ${seen.brokenImages} <img src=x> elements from data`);
  if (seen.scriptLinks.length) failures.push(`${what}: javascript: links: ${seen.scriptLinks.join(', ')}`);
  if (seen.injectedScripts) failures.push(`${what}: a <script> element was made from data`);
  for (const e of expected)
    if (!seen.text.includes(e)) failures.push(`${what}: "${e.slice(0, 60)}..." is not shown as text`);
  return seen;
}

async function main() {
  const args = parseArgs(process.argv, { timeout: '120', python: '' }, ['orchestrate', 'work']);
  const chromium = chromiumOrSkip(args.chromium || process.env.CHROMIUM);
  const python = args.python || spawnSync('python3', ['-c', 'import os, sys; print(os.path.realpath(sys.executable))'],
    { encoding: 'utf8' }).stdout.trim();
  const work = path.resolve(args.work);
  fs.rmSync(work, { recursive: true, force: true });
  const root = path.join(work, 'results');
  fs.mkdirSync(root, { recursive: true });
  const history = path.join(work, 'history.sqlite');
  const failures = [];

  // 1. A run whose config strings are hostile (JSON is YAML; \u001b is valid in both).
  const config = (name, interp) => ({
    name, interpreters: [{ name: interp, path: python }], benchmarks: ['baseline/cpu'], threads: [1], size: 'quick',
    repetitions: { processes: 2, warmups: 0, iterations: 2 },
    counters: { profile: 'none', events: [{ name: text('event'), required: false }] }, timeout: '120s',
    output: { directory: root, formats: ['json', 'csv', 'markdown', 'html'] }, history: { enabled: true, path: history },
  });
  const configFile = path.join(work, 'hostile.yaml');
  fs.writeFileSync(configFile, JSON.stringify(config(text('config'), label('label')), null, 2));
  let said = orchestrate(args.orchestrate, ['--config', configFile], 'the hostile config run');

  // 2. A script named like a tag that fails with the payload in its exception and its stderr.
  const scriptDir = path.join(work, 'scripts');
  fs.mkdirSync(scriptDir);
  const script = path.join(scriptDir, '<img src=x onerror=window.__pwned=5>.py');
  fs.writeFileSync(script, `import sys\nP = ${JSON.stringify(text('child'))}\nsys.stderr.write('stderr ' + P + '\\n')\n` +
    `print('stdout ' + P)\nraise RuntimeError('traceback ' + P)\n`);
  const scriptConfig = path.join(work, 'script.yaml');
  fs.writeFileSync(scriptConfig, JSON.stringify(config(text('script-config'), label('script-label')), null, 2));
  said += orchestrate(args.orchestrate, ['script', script, '--config', scriptConfig, '--', text('arg')],
    'the failing script run', [1]);
  if (said.includes('\u001b')) failures.push('orchestrate wrote a raw ESC to the terminal (from a label or a child)');

  // 3. What only a synthetic run can hold: the machine's names, set in the manifest.
  const runs = fs.readdirSync(root).filter((d) => fs.existsSync(path.join(root, d, 'manifest.json'))).sort();
  if (runs.length !== 2) throw new Error(`expected 2 run directories in ${root}, found ${runs.join(', ')}`);
  const [configRun, scriptRun] = runs.map((d) => path.join(root, d)).sort((a, b) =>
    fs.readFileSync(path.join(a, 'manifest.json'), 'utf8').includes('script-label') - fs.readFileSync(path.join(b, 'manifest.json'), 'utf8').includes('script-label'));
  const manifestFile = path.join(configRun, 'manifest.json');
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  manifest.machine.hostname = text('host');
  manifest.machine.cpu_model = text('cpu');
  fs.writeFileSync(manifestFile, JSON.stringify(manifest));
  // A run directory named like a script URL (renamed by hand, or made by another tool): the
  // index and the history link it as a path. Its own run id, so the history stores it too.
  const urlRun = path.join(root, 'javascript:window.__pwned=6');
  fs.cpSync(configRun, urlRun, { recursive: true });
  for (const f of ['manifest.json', 'results.json']) {
    const doc = JSON.parse(fs.readFileSync(path.join(urlRun, f), 'utf8'));
    doc.run_id = 'javascript:window.__pwned=7';
    fs.writeFileSync(path.join(urlRun, f), JSON.stringify(doc));
  }
  orchestrate(args.orchestrate, ['report', urlRun, '--format', 'json,csv,markdown,html'], 'orchestrate report (url run)');
  orchestrate(args.orchestrate, ['history', 'import', '--history', history, urlRun], 'orchestrate history import');
  orchestrate(args.orchestrate, ['report', configRun, '--format', 'json,csv,markdown,html'], 'orchestrate report');
  orchestrate(args.orchestrate, ['history', 'annotate', '--history', history, '--series', '*', '--run', manifest.run_id,
    '--kind', 'note', '--note', text('note')], 'orchestrate history annotate');
  const historyPage = path.join(work, 'history.html');
  orchestrate(args.orchestrate, ['history', 'html', '--history', history, '--output', historyPage], 'orchestrate history html');

  const browser = new Browser(chromium, fs.mkdtempSync(path.join(work, 'chromium-')));
  const userDataDir = browser.proc.spawnargs.find((a) => a.startsWith('--user-data-dir=')).slice('--user-data-dir='.length);
  try {
    await checkPage(browser, path.join(configRun, 'dashboard.html'), 'the hostile config run\'s dashboard',
      [label('label'), text('config')], true, args.timeout, failures);
    await checkPage(browser, path.join(scriptRun, 'dashboard.html'), 'the failing script\'s dashboard',
      [label('script-label'), 'traceback ' + text('child'), '<img src=x onerror=window.__pwned=5>.py'], true, args.timeout, failures);
    const index = await checkPage(browser, path.join(root, 'index.html'), 'index.html',
      [text('config'), text('host'), text('cpu'), label('label')], false, args.timeout, failures);
    const history = await checkPage(browser, historyPage, 'history.html', [label('label')], true, args.timeout, failures);
    if (history.links.filter((h) => h.includes('javascript')).length < 1)
      failures.push(`history.html does not link the run directory named javascript:... (links: ${history.links.join(', ')})`);
    if (!index.links.some((h) => h.startsWith('./javascript') && h.endsWith('/dashboard.html')))
      failures.push(`index.html does not link the run directory named javascript:... as a path (links: ${index.links.join(', ')})`);
  } finally {
    await finish(browser, userDataDir, failures, 'security_browser_test: passed (no injected script ran on 4 pages; payloads shown as text)');
  }
}

run(main);
