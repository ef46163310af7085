#!/usr/bin/env node
// Dashboard in a real browser: regenerates a run's reports with `orchestrate report`, opens
// dashboard.html (and the results index) in headless Chromium over the DevTools protocol
// (browser.mjs), and fails on any console error, uncaught exception, network request (the
// page must work offline) or chart that did not render. Saves a full-page screenshot. Node's
// standard library only.
//
//   node browser_test.mjs --orchestrate BIN --results-root DIR --screenshot OUT.png
//                         [--expect-sections 'Key findings|Scaling over threads'] [--chromium PATH]
//
// Exit status: 0 pass, 1 fail, 77 skipped (no Chromium; ctest SKIP_RETURN_CODE).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { Browser, chartsOnPage, evaluate, chromiumOrSkip, openPage, parseArgs, finish, run, screenshot, sleep, waitForRendered } from './browser.mjs';

async function main() {
  const args = parseArgs(process.argv, { chromium: process.env.CHROMIUM || '', timeout: 90 }, ['orchestrate', 'resultsRoot', 'screenshot']);
  const chromium = chromiumOrSkip(args.chromium);
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
    const state = await waitForRendered(browser, session, args.timeout);
    if (state !== 'ok') failures.push(`dashboard did not finish rendering: data-ftbench-rendered="${state}"`);
    const charts = await chartsOnPage(browser, session);
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

    // 3. Screenshot of the whole page, and in screen-sized parts (<name>-partN.png).
    const height = await screenshot(browser, session, args.screenshot);
    console.log(`screenshot: ${path.resolve(args.screenshot)} (1400x${height})`);
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
  } catch (e) {
    failures.push(`${e.stack || e}`);
  }
  await finish(browser, userDataDir, failures, 'PASS: dashboard and index render with no errors');
}

run(main);
