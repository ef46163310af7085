// ftbench dashboard: builds the page from the analysis embedded in #ftbench-data (the same
// document as analysis.json, plus each cell's values) with Vega-Lite charts.
//
// The page tells a test harness when it is done: <html data-ftbench-rendered="ok"> once
// every chart has rendered ("error" if any failed; data-ftbench-charts is their number).
(function () {
  'use strict';

  var root = document.documentElement;
  root.dataset.ftbenchRendered = 'pending';
  var app = document.getElementById('app');
  var pending = [];

  // ---------- small helpers (common.js has the shared ones) ----------
  var el = ftbenchPage.el, threadsLabel = ftbenchPage.threadsLabel, unitFor = ftbenchPage.unitFor;

  // Every number shown as text comes pre-formatted in the data ("display" fields), written by
  // orchestrate's presenter (orchestrator/report/presenter.h): one set of display rules for the
  // terminal, summary.md and this page.
  function ratioClass(c) {
    if (!c.valid || !c.significant) return 'ns';
    return c.change === 'higher' ? 'slower' : 'faster';
  }

  var data = JSON.parse(document.getElementById('ftbench-data').textContent);
  var interpreters = data.interpreters;
  var labels = interpreters.map(function (i) { return i.label; });
  var benchmarkIds = data.benchmarks.map(function (b) { return b.id; });
  var benchmarkById = {};
  data.benchmarks.forEach(function (b) { benchmarkById[b.id] = b; });
  var threads = data.run.threads.slice();
  var threadLabels = threads.map(threadsLabel);
  var baseline = interpreters.filter(function (i) { return i.baseline; })[0] || interpreters[0];

  // Colours that say what an interpreter is: default builds in blues (the baseline in slate),
  // free-threaded builds with the GIL off in oranges, with the GIL switched on in purples.
  var colours = (function () {
    var blues = ['#0969da', '#54aeff', '#0a3069', '#218bff'];
    var oranges = ['#e16f24', '#bc4c00', '#fb8f44', '#953800'];
    var purples = ['#8250df', '#c297ff', '#6639ba'];
    var range = [];
    var b = 0, o = 0, p = 0;
    interpreters.forEach(function (i) {
      if (i.baseline) range.push('#57606a');
      else if (i.free_threaded_build && !i.gil_enabled) range.push(oranges[o++ % oranges.length]);
      else if (i.free_threaded_build) range.push(purples[p++ % purples.length]);
      else range.push(blues[b++ % blues.length]);
    });
    return { domain: labels, range: range };
  })();
  // Thread counts from cool to warm, distinct enough to tell 2 from 4 from 8 at a glance.
  var threadColours = (function () {
    var ramp = ['#8c959f', '#54aeff', '#0969da', '#8250df', '#bf3989', '#cf222e', '#9a6700', '#1a7f37'];
    return { domain: threadLabels, range: threadLabels.map(function (_, i) { return ramp[Math.min(i, ramp.length - 1)]; }) };
  })();

  var vlConfig = {
    font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
    view: { stroke: '#d0d7de' },
    axis: { labelOverlap: true, labelFontSize: 11, titleFontSize: 11, titleFontWeight: 600, gridColor: '#eaeef2', labelColor: '#1f2328', titleColor: '#57606a' },
    header: { labelFontSize: 12, labelFontWeight: 600, titleFontSize: 12 },
    legend: { labelFontSize: 11, titleFontSize: 11, orient: 'top', direction: 'horizontal', titleFontWeight: 600 }
  };

  function embed(container, spec) {
    spec.config = vlConfig;
    if (!spec.background) spec.background = 'white';
    var done = vegaEmbed(container, spec, { renderer: 'svg', actions: false, mode: 'vega-lite' })
      .then(function (result) { container.dataset.rendered = 'true'; return result; });
    pending.push(done);
  }

  // Usable width inside a card, for charts whose panels are sized by hand (facets).
  function cardWidth(chart) { return Math.max(600, (chart.clientWidth || 1260) - 8); }

  function card(title, caption, chartId) {
    var chart = el('div', { class: 'chart', 'data-chart': chartId });
    return { node: el('div', { class: 'card' }, el('h3', { text: title }), caption ? el('p', { class: 'caption', text: caption }) : null, chart), chart: chart };
  }

  function section(title, lead, id) {
    var s = el('section', { id: id }, el('h2', { text: title }), lead ? el('p', { class: 'lead', text: lead }) : null);
    app.appendChild(s);
    return s;
  }

  function logDomain(values) {
    var lo = Infinity, hi = -Infinity;
    values.forEach(function (v) { if (v > 0 && isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); } });
    if (!isFinite(lo)) return [0.5, 2];
    lo = Math.min(lo, 1); hi = Math.max(hi, 1);
    return [lo / 1.15, hi * 1.6];  // room on the right for the labels
  }

  // ---------- header, findings, interpreters ----------
  function header() {
    var run = data.run, m = data.machine;
    var failed = data.counts.failed;
    var status = el('span', { class: 'badge ' + (run.status === 'complete' && !failed ? 'complete' : run.status === 'complete' ? 'failed' : run.status), text: run.status + (failed ? ', ' + failed + ' failed' : '') });
    var machine = m.hostname + ': ' + m.cpu_model + ', ' + m.logical_cpus + ' logical CPUs (' + m.physical_cores + ' cores' + (m.smt ? ', SMT' : '') + '), ' +
      run.usable_cpus + ' usable' + (m.governor ? ', governor ' + m.governor : '') + (m.turbo ? ', turbo ' + m.turbo : '') +
      ', Linux ' + m.kernel_release + ', PMU ' + (m.pmu || 'none');
    var meta = 'config ' + run.config_name + ' · started ' + run.created_at.replace('T', ' ').replace('Z', ' UTC') + ' · ' +
      data.counts.finished + '/' + data.counts.planned + ' processes · ' + run.warmups + ' warm-up + ' + run.iterations +
      ' iterations per process · size ' + run.size + ' · orchestrate ' + run.tool_version + ' (' + run.git_revision + ')';
    app.appendChild(el('header', { class: 'run' },
      el('h1', { text: 'ftbench · ' + run.run_id }), status,
      el('div', { class: 'meta', text: machine }),
      el('div', { class: 'meta', text: meta })));
    if (data.findings && data.findings.length) {
      var ul = el('ul');
      data.findings.forEach(function (f) { ul.appendChild(el('li', { text: f })); });
      app.appendChild(el('div', { class: 'findings' }, el('h2', { text: 'Key findings' }), ul));
    }
    noiseBox();
  }

  // The noise floor and the stability verdict, as the text reports print them (analysis.json's
  // noise.display); older analysis files have none.
  function noiseBox() {
    var n = data.noise;
    if (!n) return;
    var box = el('div', { class: 'findings noise' }, el('h2', { text: 'Stability' }),
      el('p', { text: n.display.floor }), el('p', { text: n.display.stability }));
    if (n.display.flagged.length) {
      var flagged = el('ul');
      n.display.flagged.forEach(function (f) { flagged.appendChild(el('li', { class: 'warn', text: f })); });
      box.appendChild(flagged);
    }
    if (n.display.advice.length) {
      var todo = el('ul');
      n.display.advice.forEach(function (a) { todo.appendChild(el('li', { text: 'to do: ' + a })); });
      box.appendChild(todo);
    }
    app.appendChild(box);
  }

  function interpreterTable() {
    var s = section('Interpreters', 'Labels as in the config. "GIL" is what the processes reported (PYTHON_GIL included), not what the file name suggests.');
    var t = el('table', { class: 'data' });
    t.appendChild(el('thead', null, el('tr', null, el('th', { text: 'label' }), el('th', { text: 'version' }), el('th', { text: 'build' }),
      el('th', { text: 'GIL' }), el('th', { text: 'environment' }), el('th', { text: 'executable' }), el('th', { text: 'compiler / configure' }))));
    var tb = el('tbody');
    interpreters.forEach(function (i) {
      var env = Object.keys(i.env).map(function (k) { return k + '=' + i.env[k]; }).join(' ');
      tb.appendChild(el('tr', null,
        el('td', null, el('b', { text: i.label }), i.baseline ? el('span', { class: 'badge base', text: 'baseline' }) : null),
        el('td', { text: i.short_name }),
        el('td', null, el('span', { class: 'badge ' + (i.free_threaded_build ? 'ft' : 'gil'), text: i.free_threaded_build ? 'free-threaded' : 'default' })),
        el('td', { text: i.gil_enabled ? 'on' : 'off' }),
        el('td', null, env ? el('code', { text: env }) : null),
        el('td', null, el('code', { text: i.executable })),
        el('td', { class: 'small', text: i.compiler + (i.configure_args ? ' · ' + i.configure_args : '') })));
    });
    t.appendChild(tb);
    s.appendChild(t);
  }

  // ---------- ratio dot plots (pairs) ----------
  function comparisonRows(kind, subject) {
    return data.comparisons.filter(function (c) { return c.kind === kind && c.valid && (!subject || c.subject === subject); })
      .map(function (c) {
        return {
          benchmark: c.benchmark, threads: c.threads, threadsLabel: threadsLabel(c.threads), subject: c.subject, reference: c.reference,
          ratio: c.ratio, lo: c.ci.low, hi: c.ci.high, significant: c.significant, p: c.display.p, words: c.display.ratio,
          verdict: c.display.verdict
        };
      });
  }

  // One row per benchmark, one dot per thread count (or per interpreter), whiskers = 95 % CI,
  // filled = significant, hollow = n.s.; the dashed line at 1 is "no difference".
  function ratioDotSpec(rows, opts) {
    var x = { type: 'quantitative', scale: { type: 'log', domain: logDomain(rows.map(function (r) { return r.lo; }).concat(rows.map(function (r) { return r.hi; }))), nice: false }, axis: { title: opts.xTitle, grid: true, tickCount: 6 } };
    var y = { field: 'benchmark', type: 'nominal', sort: benchmarkIds, axis: { title: null, labelLimit: 340 } };
    var yOffset = { field: opts.offsetField, type: 'nominal', sort: opts.offsetSort };
    var color = { field: opts.offsetField, type: 'nominal', scale: opts.colours, legend: { title: opts.legendTitle } };
    var tooltip = [
      { field: 'benchmark' }, { field: 'threads' }, { field: 'subject' }, { field: 'reference' },
      { field: 'words', title: 'ratio' }, { field: 'lo', title: 'CI low', format: '.3f' }, { field: 'hi', title: 'CI high', format: '.3f' },
      { field: 'p', title: 'Mann-Whitney' }, { field: 'verdict' }];
    function enc(extra) { var e = { y: y, yOffset: yOffset, tooltip: tooltip }; Object.keys(extra).forEach(function (k) { e[k] = extra[k]; }); return e; }
    return {
      width: opts.width || 'container',
      autosize: { type: 'fit-x', contains: 'padding' },
      height: { step: opts.step || 13 },
      data: { values: rows },
      layer: [
        { mark: { type: 'rule', strokeDash: [5, 4], color: '#57606a', strokeWidth: 1 }, encoding: { x: { datum: 1, type: 'quantitative' } } },
        { mark: { type: 'rule', strokeWidth: 1.6 }, encoding: enc({ x: Object.assign({ field: 'lo' }, x), x2: { field: 'hi' }, color: color }) },
        { transform: [{ filter: 'datum.significant' }], mark: { type: 'point', filled: true, size: 55, opacity: 1 }, encoding: enc({ x: { field: 'ratio', type: 'quantitative' }, color: color }) },
        { transform: [{ filter: '!datum.significant' }], mark: { type: 'point', filled: false, size: 55, strokeWidth: 1.6, fill: 'white', opacity: 1 }, encoding: enc({ x: { field: 'ratio', type: 'quantitative' }, color: color }) },
        { mark: { type: 'text', align: 'left', dx: 5, fontSize: 10 }, encoding: enc({ x: { field: 'hi', type: 'quantitative' }, text: { field: 'words' }, color: { condition: { test: 'datum.significant', value: '#1f2328' }, value: '#8c959f' } }) }
      ]
    };
  }

  function pairSections() {
    var ftPairs = data.pairs.filter(function (p) { return p.kind === 'free_threading'; });
    var gilPairs = data.pairs.filter(function (p) { return p.kind === 'gil_switch'; });
    if (ftPairs.length) {
      var s = section('Free-threaded build vs default build',
        'Time ratio of the free-threaded build (GIL off) to the default build of the same version, per benchmark and thread count. ' +
        'Right of the dashed line: free-threading costs time; left: it wins. Whiskers: 95% interval of the ratio. Hollow dots: not significant (Mann-Whitney, 5%).');
      var grid = el('div');
      s.appendChild(grid);
      ftPairs.forEach(function (p, n) {
        var rows = comparisonRows('free_threading', p.subject);
        if (!rows.length) return;
        var c = card(p.title, p.display.flags ? '⚠ ' + p.display.flags + ': these ratios mix free-threading with a build difference' : null, 'free-threading-' + n);
        grid.appendChild(c.node);
        embed(c.chart, ratioDotSpec(rows, { offsetField: 'threadsLabel', offsetSort: threadLabels, colours: threadColours, legendTitle: 'threads', step: 15,
          xTitle: 'time ratio ' + p.subject + ' / ' + p.reference + ' (log scale; left of 1: ' + p.subject + ' faster, right: slower)' }));
      });
    }
    if (gilPairs.length) {
      var g = section('The same free-threaded binary with PYTHON_GIL=1',
        'Time with the GIL switched back on over time without it: same binary, same build flags, so the difference is the GIL alone. At one thread it shows what the GIL itself costs or saves; at many threads, what it takes away.');
      var grid2 = el('div');
      g.appendChild(grid2);
      gilPairs.forEach(function (p, n) {
        var rows = comparisonRows('gil_switch', p.subject);
        if (!rows.length) return;
        var c = card(p.title, p.display.flags ? '⚠ ' + p.display.flags : null, 'gil-switch-' + n);
        grid2.appendChild(c.node);
        embed(c.chart, ratioDotSpec(rows, { offsetField: 'threadsLabel', offsetSort: threadLabels, colours: threadColours, legendTitle: 'threads', step: 15,
          xTitle: 'time ratio ' + p.subject + ' / ' + p.reference + ' (log scale; right of 1: the GIL costs time)' }));
      });
    }
    var rows = comparisonRows('versus_baseline');
    if (rows.length) {
      var b = section('Every interpreter against the baseline (' + baseline.label + ')',
        'Time ratio interpreter / ' + baseline.label + ' per benchmark, one panel per thread count. Filled: significant; hollow: n.s. or insufficient processes.');
      var flagged = data.pairs.filter(function (p) { return p.kind === 'versus_baseline' && p.display.flags; })
        .map(function (p) { return '⚠ ' + p.subject + ': ' + p.display.flags; });
      var c = card('Relative to ' + baseline.label, flagged.length ? flagged.join(' · ') + ' (ratios mix the version with a build difference)' : null, 'versus-baseline');
      b.appendChild(c.node);
      var others = labels.filter(function (l) { return l !== baseline.label; });
      var panel = Math.max(180, Math.floor((cardWidth(c.chart) - 300) / threads.length) - 40);
      var spec = ratioDotSpec(rows, { offsetField: 'subject', offsetSort: others, colours: colours, legendTitle: 'interpreter', width: panel, step: 11,
        xTitle: 'time ratio vs ' + baseline.label + ' (log)' });
      embed(c.chart, {
        data: spec.data,
        facet: { column: { field: 'threadsLabel', type: 'ordinal', sort: threadLabels, title: null } },
        spec: { width: spec.width, height: spec.height, layer: spec.layer },
        resolve: { scale: { x: 'shared' } }
      });
    }
  }

  // ---------- workload pairs (the suite's own contrasts) ----------
  function workloadPairSection() {
    var rows = data.workload_pairs || [];
    if (!rows.length) return;
    var s = section('Workload pairs',
      'Each suite pair compared within one interpreter and thread count: subject / reference time per operation with its 95% interval, ' +
      'and whether the measurement agrees with the workload\'s docstring (Expected). A contradiction is a finding in itself; "equal" is judged with a 10% margin.');
    var t = el('table', { class: 'stats' });
    t.appendChild(el('thead', null, el('tr', null, el('th', { text: 'pair' }), el('th', { text: 'interpreter' }), el('th', { text: 'threads' }),
      el('th', { text: 'subject / reference' }), el('th', { text: 'ratio' }), el('th', { text: '95% CI' }), el('th', { text: 'p' }), el('th', { text: 'expected' }))));
    var tb = el('tbody');
    rows.forEach(function (w) {
      var cls = w.agreement === 'contradicts' ? 'slower' : w.agreement === 'agrees' ? 'faster' : '';
      tb.appendChild(el('tr', null, el('td', { text: w.pair }), el('td', { text: w.interpreter }), el('td', { class: 'num', text: String(w.threads) }),
        el('td', { text: w.subject + ' / ' + w.reference }), el('td', { class: 'num', text: w.display.ratio }), el('td', { class: 'num', text: w.display.ci }),
        el('td', { class: 'num', text: w.display.p }), el('td', null, el('span', { class: cls, text: w.agreement_text }))));
    });
    t.appendChild(tb);
    s.appendChild(t);
  }

  // ---------- latency benchmarks (no scaling efficiency) ----------
  function latencySection() {
    var curves = data.latency || [];
    if (!curves.length) return;
    var s = section('Latency and throughput',
      'Benchmarks whose result is each operation\'s latency (thread creation): latency per operation with its 95% interval, operations per second, ' +
      'and the CPU spent outside the workers\' bodies per operation (task-clock minus the workers\' CPU: the threads the workload starts). ' +
      'More threads show throughput here, never a scaling efficiency.');
    var t = el('table', { class: 'stats' });
    t.appendChild(el('thead', null, el('tr', null, el('th', { text: 'benchmark' }), el('th', { text: 'interpreter' }), el('th', { text: 'threads' }),
      el('th', { text: 'latency / op' }), el('th', { text: '95% CI' }), el('th', { text: 'throughput' }), el('th', { text: 'other CPU / op' }))));
    var tb = el('tbody');
    curves.forEach(function (curve) {
      curve.points.forEach(function (p) {
        tb.appendChild(el('tr', null, el('td', { text: curve.benchmark }), el('td', { text: curve.interpreter }), el('td', { class: 'num', text: String(p.threads) }),
          el('td', { class: 'num', text: p.display.latency }), el('td', { class: 'num', text: p.display.latency_ci }),
          el('td', { class: 'num', text: p.display.throughput }), el('td', { class: 'num', text: p.display.other_cpu })));
      });
    });
    t.appendChild(tb);
    s.appendChild(t);
  }

  // ---------- time per operation bars ----------

  function timeBars() {
    var rows = [];
    data.benchmarks.forEach(function (b) {
      var cells = data.cells.filter(function (c) { return c.benchmark === b.id && (c.time_per_op || c.time); });
      if (!cells.length) return;
      var perOp = cells.every(function (c) { return c.time_per_op; });
      var stats = function (c) { return perOp ? c.time_per_op : c.time; };
      var unit = unitFor(Math.max.apply(null, cells.map(function (c) { return stats(c).median; })));
      var title = b.id + ' · ' + unit.name + (perOp ? ' per ' + (b.op_name || 'op') : ' per iteration');
      cells.forEach(function (c) {
        var s = stats(c);
        rows.push({
          facet: title, benchmark: b.id, interpreter: c.interpreter, threads: c.threads, threadsLabel: String(c.threads),
          value: s.median / unit.scale, lo: s.median_ci.low / unit.scale, hi: s.median_ci.high / unit.scale,
          shown: s.display.median, n: s.n, noise: c.noise ? c.noise.display.noise : 'not judged (one process)'
        });
      });
    });
    if (!rows.length) return;
    var order = [];
    rows.forEach(function (r) { if (order.indexOf(r.facet) < 0) order.push(r.facet); });
    var s = section('Time per operation', 'Median time per operation of every interpreter, per benchmark and thread count (bars), with the 95% distribution-free interval of the median (whiskers). Lower is faster. Each panel has its own scale.');
    var c = card('Median time per operation', 'Bars: median of the process medians; whiskers: 95% interval of it (the process is the unit).', 'time-bars');
    s.appendChild(c.node);
    var tooltip = [{ field: 'benchmark' }, { field: 'interpreter' }, { field: 'threads' }, { field: 'shown', title: 'median' },
      { field: 'lo', title: 'CI low', format: '.4g' }, { field: 'hi', title: 'CI high', format: '.4g' }, { field: 'n' }, { field: 'noise' }];
    embed(c.chart, {
      data: { values: rows },
      facet: { field: 'facet', type: 'nominal', sort: order, title: null, header: { labelLimit: 420 } },
      columns: 3,
      spec: {
        width: Math.floor(cardWidth(c.chart) / 3) - 70, height: 170,
        encoding: {
          x: { field: 'threadsLabel', type: 'ordinal', sort: threads.map(String), axis: { title: 'threads', labelAngle: 0 } },
          xOffset: { field: 'interpreter', type: 'nominal', sort: labels },
          tooltip: tooltip
        },
        layer: [
          { mark: { type: 'bar', cornerRadiusTopLeft: 2, cornerRadiusTopRight: 2 }, encoding: { y: { field: 'value', type: 'quantitative', axis: { title: null } }, color: { field: 'interpreter', type: 'nominal', scale: colours, legend: { title: 'interpreter' } } } },
          { mark: { type: 'rule', color: '#1f2328', strokeWidth: 1.2 }, encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } } }
        ]
      },
      resolve: { scale: { x: 'independent', xOffset: 'independent', y: 'independent' } }
    });
  }

  // ---------- scaling ----------
  function scalingSection() {
    if (!data.scaling.length) return;
    var rows = [];
    var maxThreads = Math.max.apply(null, threads);
    data.scaling.forEach(function (curve) {
      var b = benchmarkById[curve.benchmark] || {};
      var facet = curve.benchmark + ' · ' + curve.kind + ' scaling';
      curve.points.forEach(function (p) {
        rows.push({
          facet: facet, benchmark: curve.benchmark, kind: curve.kind, interpreter: curve.interpreter, threads: p.threads,
          speedup: p.speedup, lo: p.speedup_ci.low, hi: p.speedup_ci.high, ideal: p.threads,
          efficiency: p.display.efficiency, significant: p.display.verdict, label: p.display.speedup_short,
          oversubscribed: p.oversubscribed ? 'yes' : 'no', op: b.op_name || '',
          suspect: p.suspect ? p.suspect_reason : 'no'
        });
      });
    });
    var order = [];
    rows.forEach(function (r) { if (order.indexOf(r.facet) < 0) order.push(r.facet); });
    var s = section('Scaling over threads',
      'Speedup over one thread for each interpreter, against the ideal (dashed, speedup = N). Strong scaling (fixed total work): speedup = T(1)/T(N). ' +
      'Weak scaling (fixed work per thread): scaled speedup = N·T(1)/T(N), i.e. throughput relative to one thread. Efficiency = speedup / N (in the tooltip). Whiskers: 95% intervals.');
    var suspects = rows.filter(function (r) { return r.suspect !== 'no'; });
    var notes = [];
    if (data.run.usable_cpus && maxThreads > data.run.usable_cpus) notes.push('The red line marks the usable CPUs (' + data.run.usable_cpus + '): beyond it the ideal is out of reach.');
    if (suspects.length) notes.push('Hollow red points: efficiency above 100% is suspect (' + suspects.length + '; why: in the tooltip), never a finding.');
    var c = card('Speedup vs threads', notes.length ? notes.join(' ') : null, 'scaling');
    s.appendChild(c.node);
    var x = { field: 'threads', type: 'quantitative', scale: { type: 'log', base: 2, domain: [1, maxThreads], nice: false }, axis: { values: threads, format: 'd', title: 'threads' } };
    var tooltip = [{ field: 'benchmark' }, { field: 'kind', title: 'scaling' }, { field: 'interpreter' }, { field: 'threads' },
      { field: 'speedup', format: '.2f' }, { field: 'lo', title: 'CI low', format: '.2f' }, { field: 'hi', title: 'CI high', format: '.2f' },
      { field: 'efficiency' }, { field: 'significant', title: 'differs from 1 thread' }, { field: 'oversubscribed' },
      { field: 'suspect', title: 'suspect (above the model)' }];
    var layers = [
      { mark: { type: 'line', strokeDash: [6, 4], color: '#8c959f', strokeWidth: 1.5 }, encoding: { x: x, y: { field: 'ideal', type: 'quantitative' }, detail: { value: 'ideal' } } },
      { mark: { type: 'rule', strokeWidth: 1.4 }, encoding: { x: x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color: { field: 'interpreter', type: 'nominal', scale: colours } } },
      { mark: { type: 'line', point: { size: 45, filled: true }, strokeWidth: 2.2, opacity: 0.9 }, encoding: { x: x, y: { field: 'speedup', type: 'quantitative', axis: { title: 'speedup over 1 thread (ideal = N)' } }, color: { field: 'interpreter', type: 'nominal', scale: colours, legend: { title: 'interpreter' } }, tooltip: tooltip } },
      // The end of each curve that moved says by how much; flat ones stay unlabelled.
      { transform: [{ filter: 'datum.threads === ' + maxThreads + ' && abs(datum.speedup - 1) > 0.15' }],
        mark: { type: 'text', align: 'right', dx: -6, dy: -8, fontSize: 11, fontWeight: 600 },
        encoding: { x: x, y: { field: 'speedup', type: 'quantitative' }, text: { field: 'label' }, color: { field: 'interpreter', type: 'nominal', scale: colours } } }
    ];
    if (data.run.usable_cpus && maxThreads > data.run.usable_cpus)
      layers.push({ mark: { type: 'rule', color: '#cf222e', strokeDash: [2, 3] }, encoding: { x: { datum: data.run.usable_cpus, type: 'quantitative' } } });
    if (suspects.length)
      layers.push({ transform: [{ filter: "datum.suspect !== 'no'" }], mark: { type: 'point', filled: false, size: 140, color: '#cf222e', strokeWidth: 2 },
        encoding: { x: x, y: { field: 'speedup', type: 'quantitative' }, tooltip: tooltip } });
    embed(c.chart, {
      data: { values: rows },
      facet: { field: 'facet', type: 'nominal', sort: order, title: null, header: { labelLimit: 420 } },
      columns: 3,
      spec: { width: Math.floor(cardWidth(c.chart) / 3) - 70, height: 230, layer: layers },
      resolve: { axis: { x: 'independent' } }  // an axis under every panel, none under the empty slots
    });
  }

  // ---------- geometric means ----------
  function geomeanSection() {
    if (!data.geomeans.length) return;
    var s = section('Geometric means by suite group', 'Geometric mean of the time ratios over the benchmarks of each suite group (first path component), with how many benchmarks moved significantly. Below 1: the first interpreter is faster.');
    var names = [], groups = [];
    data.geomeans.forEach(function (g) {
      var n = g.subject + ' / ' + g.reference;
      if (names.indexOf(n) < 0) names.push(n);
      if (groups.indexOf(g.group) < 0) groups.push(g.group);
    });
    var t = el('table', { class: 'data' });
    var head = el('tr', null, el('th', { text: 'comparison' }), el('th', { text: 'group' }));
    threads.forEach(function (n) { head.appendChild(el('th', { text: threadsLabel(n) })); });
    t.appendChild(el('thead', null, head));
    var tb = el('tbody');
    names.forEach(function (name) {
      groups.forEach(function (group) {
        var row = data.geomeans.filter(function (g) { return g.subject + ' / ' + g.reference === name && g.group === group; });
        if (!row.length) return;
        var tr = el('tr', null, el('td', { text: name }), el('td', { text: group }));
        threads.forEach(function (n) {
          var g = row.filter(function (x) { return x.threads === n; })[0];
          if (!g) { tr.appendChild(el('td', { class: 'num', text: '-' })); return; }
          var cls = g.slower && !g.faster ? 'slower' : g.faster && !g.slower ? 'faster' : '';
          tr.appendChild(el('td', { class: 'num' }, el('span', { class: cls, text: g.display.geomean }),
            el('span', { class: 'small', text: ' ' + g.display.counts })));
        });
        tb.appendChild(tr);
      });
    });
    t.appendChild(tb);
    s.appendChild(t);
  }

  // ---------- counters ----------
  function counterSection() {
    var names = [];
    data.cells.forEach(function (c) { c.counters.forEach(function (k) { if (names.indexOf(k.name) < 0) names.push(k.name); }); });
    if (!names.length) return;
    var s = section('Counters per operation',
      'Hardware and software events divided by the operations of each iteration (median and 95% interval over the iterations in which the counter was counted; log scale). ' +
      'A counter the machine could not count is listed with its reason below, never drawn as zero.');
    var grid = el('div', { class: 'grid' });
    s.appendChild(grid);
    var unavailable = [];
    names.forEach(function (name, n) {
      var rows = [], zeros = 0, multiplexed = false, proxy = '', notCounted = {};
      data.cells.forEach(function (c) {
        var k = c.counters.filter(function (x) { return x.name === name; })[0];
        if (!k) return;
        if (k.status !== 'counted') { notCounted[k.status + ': ' + (k.message || 'no reason given')] = (notCounted[k.status + ': ' + (k.message || 'no reason given')] || 0) + 1; return; }
        var st = k.per_op || k.per_iteration;
        if (!st) return;
        if (k.mean_running_fraction < 0.999) multiplexed = true;
        if (k.proxy && k.note) proxy = k.note;
        if (!(st.median > 0)) { zeros++; return; }
        rows.push({ row: c.benchmark + ' · ' + threadsLabel(c.threads), benchmark: c.benchmark, threads: c.threads, interpreter: c.interpreter,
          value: st.median, lo: Math.max(st.median_ci.low, st.median * 1e-3), hi: st.median_ci.high, shown: st.display.median,
          unit: k.per_op ? 'per op' : 'per iteration', counted: k.counted_iterations + '/' + k.measured_iterations });
      });
      Object.keys(notCounted).forEach(function (reason) { unavailable.push({ name: name, reason: reason, cells: notCounted[reason] }); });
      if (!rows.length) return;
      var rowOrder = [];
      data.benchmarks.forEach(function (b) { threads.forEach(function (t) { var r = b.id + ' · ' + threadsLabel(t); if (rows.some(function (x) { return x.row === r; })) rowOrder.push(r); }); });
      var caption = [];
      if (zeros) caption.push(zeros + ' cells with median 0 not drawn (log scale)');
      if (multiplexed) caption.push('multiplexed: values are scaled estimates');
      if (proxy) caption.push(proxy);
      var c = card(name + ' per operation', caption.join(' · ') || null, 'counter-' + n);
      grid.appendChild(c.node);
      var tooltip = [{ field: 'benchmark' }, { field: 'threads' }, { field: 'interpreter' }, { field: 'shown', title: 'median' }, { field: 'unit' },
        { field: 'lo', title: 'CI low', format: '.3g' }, { field: 'hi', title: 'CI high', format: '.3g' }, { field: 'counted', title: 'iterations counted' }];
      var enc = function (extra) {
        var e = { y: { field: 'row', type: 'nominal', sort: rowOrder, axis: { title: null, labelLimit: 360 } }, yOffset: { field: 'interpreter', type: 'nominal', sort: labels }, tooltip: tooltip };
        Object.keys(extra).forEach(function (k) { e[k] = extra[k]; });
        return e;
      };
      var xs = { type: 'quantitative', scale: { type: 'log' }, axis: { title: name + ' per operation (log)', format: '~g' } };
      embed(c.chart, {
        width: 'container', autosize: { type: 'fit-x', contains: 'padding' }, height: { step: 7 },
        data: { values: rows },
        layer: [
          { mark: { type: 'rule', strokeWidth: 1.2 }, encoding: enc({ x: Object.assign({ field: 'lo' }, xs), x2: { field: 'hi' }, color: { field: 'interpreter', type: 'nominal', scale: colours, legend: null } }) },
          { mark: { type: 'point', filled: true, size: 30 }, encoding: enc({ x: { field: 'value', type: 'quantitative' }, color: { field: 'interpreter', type: 'nominal', scale: colours, legend: { title: 'interpreter' } } }) }
        ]
      });
    });
    if (unavailable.length) {
      var box = el('div', { class: 'unavailable' });
      unavailable.forEach(function (u) {
        box.appendChild(el('div', { class: 'item' }, el('b', { text: u.name }), el('span', { class: 'small', text: ' · ' + u.cells + ' cells' }), el('div', { text: u.reason })));
      });
      s.appendChild(el('h3', { text: 'Not counted on this machine', style: 'font-size:14px;margin:16px 0 6px' }));
      s.appendChild(box);
    }
  }

  // ---------- statistics table ----------
  function statsTable() {
    var s = section('All cells', 'Every (benchmark, threads, interpreter): values are measured iterations of finished processes (warm-ups and failed processes excluded). Outliers (modified z-score > 3.5) are flagged, never dropped. Marked rows are noisier than the machine\'s noise floor (Stability, above); the last column keeps pyperf\'s fixed rules.');
    var det = el('details', null, el('summary', { text: 'Show ' + data.cells.length + ' cells' }));
    var t = el('table', { class: 'data' });
    var cols = ['benchmark', 'threads', 'interpreter', 'n', 'processes', 'median / op', '95% CI of median', 'MAD', 'min', 'max', 'outliers', 'CPU / wall', 'vs ' + baseline.label, 'noise', 'pyperf warnings'];
    var head = el('tr');
    cols.forEach(function (c) { head.appendChild(el('th', { text: c })); });
    t.appendChild(el('thead', null, head));
    var tb = el('tbody');
    data.cells.forEach(function (c) {
      var st = c.time_per_op || c.time;
      if (!st) {
        tb.appendChild(el('tr', null, el('td', { text: c.benchmark }), el('td', { class: 'num', text: String(c.threads) }), el('td', { text: c.interpreter }),
          el('td', { colspan: String(cols.length - 3), class: 'slower', text: 'no measured values (' + c.processes_failed + ' processes failed)' })));
        return;
      }
      var cmp = data.comparisons.filter(function (x) { return x.kind === 'versus_baseline' && x.subject === c.interpreter && x.benchmark === c.benchmark && x.threads === c.threads; })[0];
      var warnings = c.time ? c.time.warnings.map(function (w) { return w.reason; }) : [];
      var flagged = c.noise && c.noise.flagged;
      var tr = el('tr', { class: flagged ? 'unstable' : '' },
        el('td', { text: c.benchmark }), el('td', { class: 'num', text: String(c.threads) }), el('td', { text: c.interpreter }),
        el('td', { class: 'num', text: String(st.n) }), el('td', { class: 'num', text: c.processes_ok + (c.processes_failed ? ' (+' + c.processes_failed + ' failed)' : '') }),
        el('td', { class: 'num', text: st.display.median }), el('td', { class: 'num', text: st.display.median_ci }),
        el('td', { class: 'num', text: st.display.mad }), el('td', { class: 'num', text: st.display.min }), el('td', { class: 'num', text: st.display.max }),
        el('td', { class: 'num', text: String(st.outliers.length) }),
        el('td', { class: 'num', text: c.parallelism ? c.parallelism.median.toFixed(2) : '-' }),
        el('td', { class: 'num ' + (cmp ? ratioClass(cmp) : ''), text: cmp ? cmp.display.ratio : c.interpreter === baseline.label ? 'baseline' : '-' }),
        el('td', { class: 'small' + (flagged ? ' warn' : ''), text: c.noise ? c.noise.display.noise : 'not judged (one process)' }),
        el('td', { class: 'small', text: warnings.join('; ') }));
      tb.appendChild(tr);
    });
    t.appendChild(tb);
    det.appendChild(t);
    s.appendChild(det);
  }

  function failuresSection() {
    if (!data.failures.length && !data.notes.length) return;
    var s = section('Failures and notes', data.failures.length ? 'Failed processes: ' + data.failures.length + '. They are excluded from every statistic and listed here with their reason.' : null);
    data.failures.forEach(function (f) {
      s.appendChild(el('div', { class: 'failure' },
        el('b', { text: f.interpreter + ' · ' + f.benchmark + ' · ' + threadsLabel(f.threads) + ' · process ' + f.process_index }),
        el('div', { text: f.reason }),
        el('div', { class: 'small', text: [f.phase ? 'phase ' + f.phase : '', f.exit, f.detail].filter(Boolean).join(' · ') })));
    });
    if (data.notes.length) {
      var ul = el('ul');
      data.notes.forEach(function (n) { ul.appendChild(el('li', { text: n })); });
      s.appendChild(ul);
    }
  }

  // ---------- false-sharing diagnosis (orchestrate diagnose: diagnosis.json) ----------
  // Only where the data carries `diagnosis`. Its sentences (verdicts, summaries, fixes, evidence)
  // are written by orchestrate (report/diagnosis.h) and shown as they are; the chart and the
  // line pictures draw the raw figures.
  var SVG_NS = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (attrs[k] === null || attrs[k] === undefined) return;
      if (k === 'text') node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    for (var i = 2; i < arguments.length; i++) if (arguments[i]) node.appendChild(arguments[i]);
    return node;
  }
  function list(values) { return Array.isArray(values) ? values : []; }
  function shown(v) { return v === null || v === undefined ? '' : String(v); }

  // One colour per thread over the whole section: workers by index, then the others (threads
  // the workload started, named by tid) as they first appear.
  function diagnosisThreadColours(diagnosis) {
    var names = [];
    function add(n) { if (n && names.indexOf(n) < 0) names.push(n); }
    list(diagnosis.interpreters).forEach(function (i) {
      list(i.watch && i.watch.lines).forEach(function (line) {
        list(line.writers).forEach(add);
        list(line.words).forEach(function (w) { Object.keys(w.by_thread || {}).forEach(add); });
      });
    });
    var worker = function (n) { var m = /^worker (\d+)$/.exec(n); return m ? Number(m[1]) : Infinity; };
    var order = names.slice().sort(function (a, b) {
      var d = worker(a) - worker(b);
      return d !== 0 && !isNaN(d) ? d : names.indexOf(a) - names.indexOf(b);
    });
    var ramp = ['#1b7c83', '#8250df', '#bf8700', '#1a7f37', '#0a3069', '#bf3989', '#953800', '#6639ba', '#116329', '#57606a'];
    var colour = {};
    order.forEach(function (n, k) { colour[n] = ramp[k % ramp.length]; });
    return { order: order, colour: colour };
  }

  var linePictureCount = 0;
  // A 64-byte line as 64 cells in 8 words: each byte in the colour of the thread that wrote
  // its word, hatched where 2+ threads wrote it, white where watched but not written, grey where
  // not watched. Tier 2's HITM samples, where there are some, mark their bytes underneath.
  function linePicture(line, threadColours) {
    var cell = 13, gap = 8, top = 16, h = 26;
    var width = 64 * cell + 7 * gap;
    var x = function (b) { return b * cell + Math.floor(b / 8) * gap; };
    var byWord = {};
    list(line.words).forEach(function (w) {
      for (var b = Math.max(0, w.offset); b < Math.min(64, w.offset + 8); b++) byWord[b] = w;
    });
    var hitm = line.samples && line.samples.hitm_by_offset ? line.samples.hitm_by_offset : null;
    var height = top + h + 18 + (hitm ? 14 : 0);
    var id = 'ftbench-shared-hatch-' + (linePictureCount++);
    var root = svg('svg', { class: 'diag-line', width: width, height: height, viewBox: '0 0 ' + width + ' ' + height, role: 'img',
      'aria-label': 'cache line ' + shown(line.address) + ': who writes which byte', 'data-line': shown(line.address) },
      svg('title', { text: 'cache line ' + shown(line.address) + ' (64 bytes, 8 words)' }),
      svg('defs', null, svg('pattern', { id: id, width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
        svg('rect', { width: 6, height: 6, fill: '#ffd8d3' }), svg('line', { x1: 1.5, y1: 0, x2: 1.5, y2: 6, stroke: '#cf222e', 'stroke-width': 3 }))));
    for (var g = 0; g < 8; g++)
      root.appendChild(svg('text', { x: x(g * 8), y: 11, class: 'diag-offset', text: '+' + (g * 8) }));
    var used = {}, sharedBy = [];
    for (var b = 0; b < 64; b++) {
      var w = byWord[b], fill = '#eaeef2', kind = 'unwatched', tip = 'byte ' + b + ': not watched';
      if (w) {
        var writers = Object.keys(w.by_thread || {});
        var counts = writers.map(function (t) { return t + ' ' + w.by_thread[t]; }).join(', ');
        tip = 'byte ' + b + ': ' + w.name + ' (word at +' + w.offset + (w.refcount ? ', reference count' : '') + ')' +
          (writers.length ? ': writes ' + counts : ': watched, not written');
        if (writers.length >= 2) {
          fill = 'url(#' + id + ')'; kind = 'shared';
          writers.forEach(function (t) { if (sharedBy.indexOf(t) < 0) sharedBy.push(t); });
        }
        else if (writers.length === 1) { fill = threadColours.colour[writers[0]] || '#57606a'; kind = writers[0]; }
        else { fill = '#ffffff'; kind = 'unwritten'; }
      }
      used[kind] = true;
      root.appendChild(svg('rect', { class: 'byte', 'data-byte': b, 'data-thread': kind, x: x(b), y: top, width: cell - 1, height: h, rx: 1.5,
        fill: fill, stroke: kind === 'unwatched' ? '#d0d7de' : '#57606a', 'stroke-width': 0.6 }, svg('title', { text: tip })));
    }
    // The words' outlines and names (cut to fit; the whole name is in the tooltip and the table).
    list(line.words).forEach(function (w) {
      var from = Math.max(0, w.offset), to = Math.min(64, w.offset + 8);
      if (to <= from) return;
      var span = x(to - 1) + cell - 1 - x(from);
      root.appendChild(svg('rect', { x: x(from) - 1, y: top - 1, width: span + 2, height: h + 2, fill: 'none', stroke: '#1f2328', 'stroke-width': 1.2, rx: 2 }));
      // Cut from the front: the field or index at the end tells a line's words apart.
      var chars = Math.floor(span / 6.1), name = String(w.name);
      root.appendChild(svg('text', { x: x(from), y: top + h + 13, class: 'diag-word', text: name.length > chars ? '…' + name.slice(name.length - chars + 1) : name },
        svg('title', { text: w.name })));
    });
    if (hitm) {
      Object.keys(hitm).forEach(function (o) {
        var b = Number(o);
        if (!(b >= 0 && b < 64)) return;
        var cx = x(b) + cell / 2, y = top + h + 18;
        root.appendChild(svg('path', { d: 'M' + cx + ' ' + y + ' l-4 8 h8 z', fill: '#cf222e' },
          svg('title', { text: 'byte ' + b + ': ' + hitm[o] + ' HITM samples (tier 2)' })));
      });
    }
    return { node: root, used: used, sharedBy: sharedBy };
  }

  function pictureLegend(picture, threadColours) {
    var used = picture.used;
    var box = el('div', { class: 'diag-legend' });
    function item(swatchClass, colour, text) {
      box.appendChild(el('span', { class: 'item' }, el('span', { class: 'swatch ' + swatchClass, style: colour ? 'background:' + colour : null }), text));
    }
    threadColours.order.forEach(function (t) { if (used[t]) item('thread', threadColours.colour[t], t); });
    Object.keys(used).forEach(function (k) {
      if (k !== 'shared' && k !== 'unwritten' && k !== 'unwatched' && !threadColours.colour[k]) item('thread', '#57606a', k);
    });
    if (used.shared) item('shared', null, 'written by 2+ threads (' + picture.sharedBy.join(', ') + ')');
    if (used.unwritten) item('unwritten', null, 'watched, not written');
    if (used.unwatched) item('unwatched', null, 'not watched');
    return box;
  }

  function lineCard(line, threadColours) {
    var head = el('div', { class: 'diag-line-head' },
      el('span', { class: 'badge verdict-' + shown(line.verdict), text: shown(line.verdict) }),
      line.contended ? el('span', { class: 'badge contended', text: 'contended' }) :
        line.suspicious && line.writes ? el('span', { class: 'badge barely', text: 'barely contended' }) : null,
      el('code', { text: 'line ' + shown(line.address) }),
      list(line.writers).length ? el('span', { class: 'small', text: 'writers: ' + list(line.writers).join(', ') }) : null);
    var figures = ['writes ' + shown(line.writes), 'successions ' + shown(line.successions),
      'watched in ' + shown(line.windows) + (line.windows === 1 ? ' window' : ' windows')];
    if (line.estimated) figures.push('per-op figures estimated (the trap budget cut a window)');
    var picture = linePicture(line, threadColours);
    var onLine = el('ul', { class: 'diag-on-line' });
    list(line.on_line).forEach(function (o) { onLine.appendChild(el('li', { text: o })); });
    var body = el('div', { class: 'card diag-line-card', 'data-verdict': shown(line.verdict) }, head,
      el('p', { class: 'diag-summary', text: shown(line.summary) }),
      line.fix ? el('p', { class: 'diag-fix' }, el('b', { text: 'Fix: ' }), shown(line.fix)) : null,
      el('div', { class: 'diag-picture' }, picture.node, pictureLegend(picture, threadColours)),
      el('div', { class: 'small', text: figures.join(' · ') }),
      list(line.on_line).length ? el('div', { class: 'diag-on-line-box' }, el('span', { class: 'small', text: 'On this line:' }), onLine) : null);
    if (line.samples) {
      var s = line.samples;
      body.appendChild(el('div', { class: 'small', text: 'Tier 2 samples: ' + shown(s.loads) + ' loads, ' + shown(s.stores) + ' stores, HITM ' +
        shown(s.local_hitm) + ' local / ' + shown(s.remote_hitm) + ' remote (red marks under the bytes)' }));
    }
    // The words: offset on the line, name, writes by each thread (columns in the section's thread order).
    var threadsHere = threadColours.order.filter(function (t) { return list(line.words).some(function (w) { return w.by_thread && t in w.by_thread; }); });
    list(line.words).forEach(function (w) { Object.keys(w.by_thread || {}).forEach(function (t) { if (threadsHere.indexOf(t) < 0) threadsHere.push(t); }); });
    var t = el('table', { class: 'data diag-words' });
    var hr = el('tr', null, el('th', { text: 'offset' }), el('th', { text: 'word' }));
    threadsHere.forEach(function (th) {
      hr.appendChild(el('th', { class: 'num' }, el('span', { class: 'swatch thread', style: 'background:' + (threadColours.colour[th] || '#57606a') }), th));
    });
    if (!threadsHere.length) hr.appendChild(el('th', { text: 'writes' }));
    t.appendChild(el('thead', null, hr));
    var tb = el('tbody');
    list(line.words).forEach(function (w) {
      var tr = el('tr', null, el('td', { class: 'num', text: '+' + shown(w.offset) }),
        el('td', null, el('code', { text: shown(w.name) }), w.refcount ? el('span', { class: 'small', text: ' reference count' }) : null));
      threadsHere.forEach(function (th) { tr.appendChild(el('td', { class: 'num', text: w.by_thread && th in w.by_thread ? shown(w.by_thread[th]) : '' })); });
      if (!threadsHere.length) tr.appendChild(el('td', { class: 'small', text: 'none' }));
      tb.appendChild(tr);
    });
    t.appendChild(tb);
    body.appendChild(t);
    return body;
  }

  // Time per operation (median, 95% interval) and the workers' CPU per operation over threads.
  function diagnosisChart(parent, interp, n) {
    var points = list(interp.scaling && interp.scaling.points).filter(function (p) { return isFinite(p.time_per_op_ns); });
    if (!points.length) return;
    var unit = unitFor(Math.max.apply(null, points.map(function (p) { return Math.max(p.time_per_op_ns, p.cpu_per_op_ns || 0); })));
    var timeName = 'time/op (median, 95% interval)', cpuName = 'CPU/op (workers)';
    var rows = [];
    points.forEach(function (p) {
      var r = { threads: p.threads, series: timeName, value: p.time_per_op_ns / unit.scale };
      if (Array.isArray(p.time_per_op_ci) && p.time_per_op_ci.length === 2 && p.time_per_op_ci[0] !== null) {
        r.lo = p.time_per_op_ci[0] / unit.scale; r.hi = p.time_per_op_ci[1] / unit.scale;
      }
      rows.push(r);
      if (p.cpu_per_op_ns !== null && p.cpu_per_op_ns !== undefined)
        rows.push({ threads: p.threads, series: cpuName, value: p.cpu_per_op_ns / unit.scale, parallelism: p.parallelism });
    });
    var c = card(interp.label + ': time and CPU per operation',
      'Same work per operation at every thread count: CPU/op rising with threads while nothing blocks is the cost of cache lines moving between cores. ' + unit.name + ' per operation.',
      'diagnosis-scaling-' + n);
    parent.appendChild(c.node);
    var series = rows.some(function (r) { return r.series === cpuName; }) ? [timeName, cpuName] : [timeName];
    var colour = { field: 'series', type: 'nominal', scale: { domain: series, range: ['#0969da', '#e16f24'].slice(0, series.length) }, legend: { title: null, labelLimit: 320 } };
    var x = { field: 'threads', type: 'ordinal', sort: points.map(function (p) { return p.threads; }), axis: { title: 'threads', labelAngle: 0 } };
    embed(c.chart, {
      width: 'container', autosize: { type: 'fit-x', contains: 'padding' }, height: 190,
      data: { values: rows },
      layer: [
        { transform: [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }], mark: { type: 'rule', strokeWidth: 1.6 },
          encoding: { x: x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color: colour,
            tooltip: [{ field: 'threads' }, { field: 'series' }, { field: 'value', title: unit.name + '/op', format: '.4g' },
              { field: 'lo', title: 'CI low', format: '.4g' }, { field: 'hi', title: 'CI high', format: '.4g' }] } },
        { mark: { type: 'line', point: { filled: true, size: 55 }, strokeWidth: 2.2 },
          encoding: { x: x, y: { field: 'value', type: 'quantitative', scale: { zero: true }, axis: { title: unit.name + ' per operation' } }, color: colour,
            strokeDash: { field: 'series', type: 'nominal', scale: { domain: series, range: [[1, 0], [6, 3]].slice(0, series.length) }, legend: null },
            tooltip: [{ field: 'threads' }, { field: 'series' }, { field: 'value', title: unit.name + '/op', format: '.4g' }] } }
      ]
    });
  }

  function diagnosisSection() {
    var d = data.diagnosis;
    if (!d || typeof d !== 'object') return;
    var s = section('False-sharing diagnosis',
      'orchestrate diagnose ' + shown(d.target) + (d.kind ? ' (' + d.kind + ')' : '') + ' at ' + list(d.threads).map(threadsLabel).join(', ') +
      (d.watched_threads ? '; lines watched at ' + threadsLabel(d.watched_threads) : '') + '. ' +
      'Tier 1 reads why the benchmark does or does not scale from its counters; tier 2 samples memory accesses with the PMU (where there is one); ' +
      'tier 3 traps the writes to the watched words with debug registers and says, per 64-byte cache line, which thread writes which word.',
      'diagnosis');
    s.appendChild(el('div', { class: 'findings diag-verdict' }, el('h3', { text: 'Verdict' }), el('p', { text: shown(d.verdict) })));

    var tiers = list(d.tiers);
    if (tiers.length) {
      var t = el('table', { class: 'data diag-tiers' });
      t.appendChild(el('thead', null, el('tr', null, el('th', { text: 'tier' }), el('th', { text: 'what' }), el('th', { text: 'status' }),
        el('th', { class: 'num', text: 'took' }), el('th', { text: 'message' }))));
      var tb = el('tbody');
      tiers.forEach(function (tier) {
        tb.appendChild(el('tr', null, el('td', { class: 'num', text: shown(tier.tier) }), el('td', { text: shown(tier.name) }),
          el('td', null, el('span', { class: 'badge tier-' + shown(tier.status), text: shown(tier.status) })),
          el('td', { class: 'num', text: shown(tier.duration || tier.seconds) }), el('td', { class: 'small', text: shown(tier.message) })));
      });
      t.appendChild(tb);
      s.appendChild(t);
    }

    var threadColours = diagnosisThreadColours(d);
    list(d.interpreters).forEach(function (interp, n) {
      var block = el('div', { class: 'diag-interp', 'data-interpreter': shown(interp.label) });
      s.appendChild(block);
      var sc = interp.scaling || {};
      block.appendChild(el('h3', null, document.createTextNode(shown(interp.label) + ' '),
        el('span', { class: 'badge ' + (interp.gil_enabled ? 'gil' : 'ft'), text: interp.gil_enabled ? 'GIL on' : 'GIL off' }),
        sc.cause ? el('span', { class: 'badge cause-' + sc.cause, text: sc.cause }) : null));

      // Tier 1: the scaling verdict with its evidence, beside the chart.
      var row = el('div', { class: 'diag-scaling' });
      var text = el('div', { class: 'diag-evidence' }, el('h4', { text: 'Scaling evidence (tier 1)' }), el('p', { text: shown(sc.verdict) }));
      if (list(sc.evidence).length) {
        var ev = el('ul');
        list(sc.evidence).forEach(function (e) { ev.appendChild(el('li', { text: e })); });
        text.appendChild(ev);
      }
      if (list(sc.missing).length) {
        var miss = el('ul', { class: 'diag-missing' });
        list(sc.missing).forEach(function (m) { miss.appendChild(el('li', { text: 'not counted: ' + m })); });
        text.appendChild(miss);
      }
      row.appendChild(text);
      var chartBox = el('div');
      row.appendChild(chartBox);
      if (interp.scaling) {
        block.appendChild(row);
        diagnosisChart(chartBox, interp, n);
      } else {
        block.appendChild(el('p', { class: 'small', text: 'No scaling evidence (tier 1) for this interpreter.' }));
      }

      // Tier 2: memory sampling, where it ran.
      var sm = interp.sampling;
      if (sm) block.appendChild(el('p', { class: 'small' }, el('b', { text: 'Address sampling (tier 2): ' }),
        shown(sm.status) + (sm.message ? ': ' + sm.message : '') + (sm.status === 'done' ? ' · ' + (sm.duration || shown(sm.seconds) + ' s') : '')));

      // Tier 3: the watch and its lines.
      var w = interp.watch;
      if (!w) return;
      block.appendChild(el('h4', { text: 'Watched lines (tier 3, at ' + threadsLabel(w.threads || d.watched_threads || 0) + ')' }));
      var facts = [shown(w.status) + (w.message ? ': ' + w.message : '')];
      if (w.status === 'done') {
        facts.push(shown(w.windows) + ' watched iterations (' + shown(w.windows_cut) + ' cut by the trap budget of ' + shown(w.trap_budget_s) + ' s)');
        facts.push(shown(w.traps) + ' writes trapped');
        facts.push(shown(w.candidates) + ' candidates, ' + shown(w.words_found) + ' words to watch' + (w.words_dropped ? ', ' + w.words_dropped + ' not watched (cap)' : ''));
        facts.push(w.duration || shown(w.seconds) + ' s');
      }
      block.appendChild(el('p', { class: 'small diag-watch', text: facts.join(' · ') }));
      if (list(w.notes).length) {
        var notes = el('ul', { class: 'small diag-notes' });
        list(w.notes).forEach(function (note) { notes.appendChild(el('li', { text: note })); });
        block.appendChild(notes);
      }
      var lines = list(w.lines);
      var hot = lines.filter(function (l) { return l.suspicious; });
      var quiet = lines.filter(function (l) { return !l.suspicious; });
      if (w.status === 'done' && !lines.length) block.appendChild(el('p', { text: 'No watched line was written by the workers.' }));
      var grid = el('div', { class: 'diag-lines' });
      hot.forEach(function (l) { grid.appendChild(lineCard(l, threadColours)); });
      block.appendChild(grid);
      if (quiet.length) {
        var det = el('details', { class: 'diag-quiet' }, el('summary', { text: quiet.length + (quiet.length === 1 ? ' line' : ' lines') + ' not shared or not written (' +
          quiet.map(function (l) { return l.verdict; }).filter(function (v, k, a) { return a.indexOf(v) === k; }).join(', ') + ')' }));
        var qgrid = el('div', { class: 'diag-lines' });
        quiet.forEach(function (l) { qgrid.appendChild(lineCard(l, threadColours)); });
        det.appendChild(qgrid);
        block.appendChild(det);
      }
    });
  }

  function footer() {
    app.appendChild(el('footer', null,
      el('div', { text: 'Statistics: the process is the unit (each contributes the median of its iterations); medians with distribution-free 95% intervals (binomial order statistics); ratios of medians with Hodges-Lehmann/Moses 95% intervals; ' +
        'significance by the Mann-Whitney U test over processes (alpha 0.05, exact for small samples without ties, tie-corrected normal approximation otherwise), "insufficient processes" where no difference could be significant; no correction for multiple comparisons. ' +
        'Definitions in docs/reports.md. Raw data: results.json, results.csv, analysis.json; pyperf-compatible files in pyperf/.' }),
      el('div', { text: 'Generated by ftbench orchestrate ' + data.run.tool_version + '. Command: ' + data.run.command_line })));
  }

  try {
    header();
    if (!data.cells.length)
      app.appendChild(el('div', { class: 'findings' }, el('h2', { text: 'No measurements yet' }),
        el('p', { text: 'No process of this run has finished with results. The run may still be going, or was interrupted: `orchestrate --resume <run dir>` completes it.' })));
    diagnosisSection();
    interpreterTable();
    pairSections();
    workloadPairSection();
    scalingSection();
    latencySection();
    timeBars();
    counterSection();
    geomeanSection();
    statsTable();
    failuresSection();
    footer();
  } catch (e) {
    console.error('dashboard: ' + (e && e.stack ? e.stack : e));
    app.appendChild(el('div', { class: 'error-box', text: 'The dashboard could not be built: ' + e }));
    pending.push(Promise.reject(e));
  }

  Promise.allSettled(pending).then(function (results) {
    var failed = results.filter(function (r) { return r.status === 'rejected'; });
    failed.forEach(function (r) { console.error('dashboard chart failed: ' + (r.reason && r.reason.message ? r.reason.message : r.reason)); });
    root.dataset.ftbenchCharts = String(results.length);
    root.dataset.ftbenchRendered = failed.length ? 'error' : 'ok';
  });
})();
