// ftbench history.html: the nightly history drawn from the JSON in #ftbench-data, written by
// orchestrator/history/history_page.cpp (history_page_data). Format "ftbench-history-page/1":
//
//   { schema, generated_at (ISO),
//     machines: [{id, fingerprint, description}],
//     nights: [{id, machine, run_id, created_at (ISO), config, excluded, reason,
//               dashboard (href relative to this page; "" when the run directory is gone),
//               interpreters: {label: {version, sha256 (12 hex), commit (12 hex or "")}}}]
//             (in time order),
//     series: [{id, machine, kind: cell | free_threading | gil_switch | scaling, name, interpreter,
//               reference (derived kinds), benchmark, threads, metric (time_per_op for cells,
//               ratio | efficiency derived), unit (ns | ratio | count),
//               points: [[night_id, value, low, high, processes], ...] (night order; a value
//               that was not finite is null)}],
//     change_points: [{series, night (first night after the change), ratio (after/before), p_value}],
//     annotations: [{id, machine (0: all), series_glob (shell glob over series names), night,
//                    kind: expected_step | machine_change | note, note, created_at}],
//     regressions: [{series_id, detected_night, first_bad_night,
//                    view: {id, state, direction, series, ratio, low, high, p_value, q_value,
//                           nights_of_evidence, commit_range, counters: [..], detected_run,
//                           detected_at, first_bad_run, confirmation (JSON text), note,
//                           display: {line}}}] (newest first),
//     fleet (a fleet's shared store, orchestrator/history/fleet.h; absent or one machine: no fleet view):
//       {label (said where the numbers are: machines compared, which detection never does),
//        machines: [{id, fingerprint, description, hosts: [host name], logical_cpus, smt (true | false |
//                    null: unknown), counters: ["context-switches", "hitm", ...] (counted on some night;
//                    no "hitm": no PMU), nights, excluded, last_night (ISO), last_run, last_excluded,
//                    last_exclusion_reason, last_factor (the newest night against the machine's recent
//                    nights: 1.03 ran 3% slow), drift (largest |factor - 1| over its last 14 nights),
//                    open_regressions (suspect + confirmed)}],
//        rows: [{kind: free_threading | scaling, benchmark, threads, interpreter, reference
//                (free_threading; "" otherwise), values: [{machine (id), value, low, high, run_id,
//                created_at}] (each machine's newest counted night)}] (by benchmark, kind, threads)},
//     window: {nights (0: all), all_cells, nights_left_out, series_left_out}: what a fleet's page
//             (history html --from) left out, said in the header }
//
// Across machines (the fleet view) free_threading is the time ratio interpreter / reference and
// scaling the efficiency at `threads`, side by side per benchmark: shapes to compare, never a test.
//
// cell: time per operation of one (interpreter, benchmark, threads) in ns, the median of the
// process medians with its 95% interval; free_threading: free-threaded / default build time
// ratio that night; gil_switch: PYTHON_GIL=1 / GIL-off ratio; scaling: efficiency at N threads.
//
// Only the selected benchmark's series are drawn in detail (a year of a full suite is ~500
// series x 365 nights); the ratio and scaling overviews show every benchmark that matches the
// filters, capped; and a chart is drawn when it nears the viewport. Like dashboard.js the page
// tells a test harness where it stands: <html data-ftbench-rendered="ok|error|pending"> (ok:
// every chart started has rendered), data-ftbench-charts (how many started), and
// window.__ftbenchHistory = {state, generation, charts: [{id, section, title, lines, points,
// started, rendered}], filters, drawAll() (starts the others; a promise of the final state)}.
(function () {
  'use strict';

  var root = document.documentElement;
  root.dataset.ftbenchRendered = 'pending';
  var app = document.getElementById('app');
  var summary = window.__ftbenchHistory = { state: 'pending', generation: 0, charts: [], regressions: 0, nights: 0, series: 0 };

  var MAX_CHARTS = 12;        // per section and redraw
  var MAX_LINES = 30;         // per overview chart
  var DAY = 86400000;

  // ---------- small helpers (common.js has the shared ones) ----------
  var el = ftbenchPage.el, threadsLabel = ftbenchPage.threadsLabel, unitFor = ftbenchPage.unitFor;
  function arr(v) { return Array.isArray(v) ? v : []; }
  function str(v) { return typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v); }
  function num(v) { return typeof v === 'number' && isFinite(v) ? v : null; }
  function positive(v) { return typeof v === 'number' && isFinite(v) && v > 0; }
  function plural(n, word) { return n + ' ' + word + (n === 1 ? '' : 's'); }
  function day(iso) { var s = str(iso); return /^\d{4}-\d\d-\d\d/.test(s) ? s.slice(0, 10) : s; }
  function dayTime(iso) { var s = str(iso); return /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(s) ? s.slice(0, 10) + ' ' + s.slice(11, 16) + ' UTC' : s; }
  function section(title, lead, id) {
    var s = el('section', { id: id }, el('h2', { text: title }), lead ? el('p', { class: 'lead', text: lead }) : null);
    app.appendChild(s);
    return s;
  }

  // The presenter's rules (orchestrator/report/presenter.cpp): "1.21x slower" / "1.43x faster",
  // a faster interval inverted like its ratio.
  function ratioWords(r) {
    if (!positive(r)) return 'n/a';
    var s = r.toFixed(2) + 'x';
    if (s === '1.00x') return s;
    return r > 1 ? s + ' slower' : (1 / r).toFixed(2) + 'x faster';
  }
  function ratioInterval(r, lo, hi) {
    if (!positive(lo) || !positive(hi)) return '';
    if (positive(r) && r < 1 && /faster$/.test(ratioWords(r))) return '[' + (1 / hi).toFixed(2) + ', ' + (1 / lo).toFixed(2) + ']';
    return '[' + lo.toFixed(2) + ', ' + hi.toFixed(2) + ']';
  }
  function pValue(p) {
    if (num(p) === null) return '';
    return p < 0.001 ? 'p<0.001' : 'p=' + p.toFixed(3);
  }
  function digits(v) {
    var a = Math.abs(v);
    return a >= 100 ? v.toFixed(1) : a >= 10 ? v.toFixed(2) : a >= 1 ? v.toFixed(3) : v.toPrecision(3);
  }
  function formatValue(v, s) {
    if (num(v) === null) return 'n/a';
    if (s.metric === 'efficiency') return (v * 100).toFixed(1) + '%';
    if (s.unit === 'ns') { var u = unitFor(Math.abs(v)); return digits(v / u.scale) + ' ' + u.name; }
    if (s.unit === 'ratio') return v.toFixed(3) + 'x';
    return digits(v) + (s.unit && s.unit !== 'count' ? ' ' + s.unit : '');
  }
  // A change of a time is "slower/faster"; of a ratio or an efficiency, a factor.
  function changeWords(ratio, s) {
    if (!positive(ratio)) return 'n/a';
    if (s && s.metric === 'efficiency') return 'efficiency ' + ratio.toFixed(2) + 'x (' + (ratio < 1 ? 'scales worse' : 'scales better') + ')';
    if (s && s.kind === 'free_threading') return 'ratio ' + ratio.toFixed(2) + 'x (free-threading costs ' + (ratio > 1 ? 'more' : 'less') + ')';
    if (s && s.kind === 'gil_switch') return 'ratio ' + ratio.toFixed(2) + 'x (the GIL costs ' + (ratio > 1 ? 'more' : 'less') + ')';
    return ratioWords(ratio);
  }

  // Shell glob over series names: * any text (path separators included), ? one character, [..] a class.
  var globCache = {};
  function globMatch(glob, name) {
    glob = str(glob);
    if (glob === '' || glob === '*') return true;
    var re = globCache[glob];
    if (!re) {
      var src = '';
      for (var i = 0; i < glob.length; i++) {
        var c = glob[i];
        if (c === '*') src += '.*';
        else if (c === '?') src += '.';
        else if (c === '[') {
          var end = glob.indexOf(']', i + 2);
          if (end < 0) { src += '\\['; continue; }
          var body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
          src += '[' + (body[0] === '!' ? '^' + body.slice(1) : body) + ']';
          i = end;
        } else src += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
      }
      try { re = new RegExp('^' + src + '$'); } catch (e) { re = /^$/; }
      globCache[glob] = re;
    }
    return re.test(name);
  }

  // ---------- the data, checked field by field (an older or partial file must still draw) ----------
  var data;
  try {
    data = JSON.parse(document.getElementById('ftbench-data').textContent || '{}') || {};
  } catch (e) {
    data = {};
    console.error('history: the page data is not JSON: ' + e);
  }
  var machines = arr(data.machines).filter(function (m) { return m && typeof m === 'object'; });
  var machineById = {};
  machines.forEach(function (m) { machineById[m.id] = m; });
  var nights = arr(data.nights).filter(function (n) { return n && typeof n === 'object' && n.id !== undefined; })
    .map(function (n) {
      return { id: n.id, machine: n.machine, run: str(n.run_id), created: str(n.created_at), t: Date.parse(str(n.created_at)),
        config: str(n.config), excluded: n.excluded === true, reason: str(n.reason), dashboard: str(n.dashboard),
        interpreters: n.interpreters && typeof n.interpreters === 'object' ? n.interpreters : {} };
    });
  // Time order; a night whose date does not parse goes first (it is listed, never charted).
  nights.sort(function (a, b) {
    var x = isFinite(a.t) ? a.t : -Infinity, y = isFinite(b.t) ? b.t : -Infinity;
    return x !== y ? (x < y ? -1 : 1) : a.created < b.created ? -1 : a.created > b.created ? 1 : 0;
  });
  var nightById = {};
  nights.forEach(function (n, i) { n.index = i; nightById[n.id] = n; });
  var dated = nights.filter(function (n) { return isFinite(n.t); });

  var series = arr(data.series).filter(function (s) { return s && typeof s === 'object' && s.id !== undefined; }).map(function (s) {
    var out = { id: s.id, machine: s.machine, kind: str(s.kind) || 'cell', name: str(s.name), interpreter: str(s.interpreter),
      reference: str(s.reference), benchmark: str(s.benchmark), threads: num(s.threads) === null ? 1 : s.threads,
      metric: str(s.metric), unit: str(s.unit), points: [] };
    if (!out.name) out.name = out.interpreter + (out.reference ? '/' + out.reference : '') + ' ' + out.benchmark + ' t' + out.threads + ' ' + out.metric;
    arr(s.points).forEach(function (p) {
      if (!Array.isArray(p)) return;
      var n = nightById[p[0]];
      if (!n) return;
      out.points.push({ night: n, value: num(p[1]), low: num(p[2]), high: num(p[3]), processes: num(p[4]) });
    });
    return out;
  });
  var seriesById = {};
  series.forEach(function (s) { seriesById[s.id] = s; });

  var changesBySeries = {};
  arr(data.change_points).forEach(function (c) {
    if (!c || !seriesById[c.series] || !nightById[c.night]) return;
    (changesBySeries[c.series] = changesBySeries[c.series] || []).push({ night: nightById[c.night], ratio: num(c.ratio), p: num(c.p_value) });
  });
  var annotations = arr(data.annotations).filter(function (a) { return a && nightById[a.night]; });
  var regressions = arr(data.regressions).filter(function (r) { return r && r.view && typeof r.view === 'object'; });
  regressions.sort(function (a, b) {
    var x = str(a.view.detected_at), y = str(b.view.detected_at);
    return x !== y ? (x < y ? 1 : -1) : (num(b.view.id) || 0) - (num(a.view.id) || 0);
  });
  var regressionsBySeries = {};
  regressions.forEach(function (r) { (regressionsBySeries[r.series_id] = regressionsBySeries[r.series_id] || []).push(r); });
  function isOpen(r) { return r.view.state === 'suspect' || r.view.state === 'confirmed'; }

  // ---------- interpreters: colours that say what a build is (as on the run dashboard) ----------
  var labels = [];
  var ftLabels = {}, gilOnLabels = {};
  series.forEach(function (s) {
    if (s.interpreter && labels.indexOf(s.interpreter) < 0) labels.push(s.interpreter);
    if (s.kind === 'free_threading') ftLabels[s.interpreter] = true;
    if (s.kind === 'gil_switch') { gilOnLabels[s.interpreter] = true; ftLabels[s.reference] = true; }
  });
  var versionOf = {};
  nights.forEach(function (n) { Object.keys(n.interpreters).forEach(function (l) { versionOf[l] = str(n.interpreters[l] && n.interpreters[l].version); }); });
  function versionKey(l) { var m = /^(\d+)\.(\d+)/.exec(versionOf[l] || l); return m ? Number(m[1]) * 1000 + Number(m[2]) : 1e9; }
  labels.sort(function (a, b) { return versionKey(a) - versionKey(b) || (a < b ? -1 : a > b ? 1 : 0); });
  var oldest = labels.length ? versionKey(labels[0]) : 0;
  var interpreterColour = (function () {
    var blues = ['#0969da', '#54aeff', '#0a3069', '#218bff'], oranges = ['#e16f24', '#bc4c00', '#fb8f44', '#953800'], purples = ['#8250df', '#c297ff', '#6639ba'];
    var out = {}, b = 0, o = 0, p = 0;
    labels.forEach(function (l) {
      var ft = ftLabels[l] || /\dt($|\b|\+)/.test(l);
      if (gilOnLabels[l]) out[l] = purples[p++ % purples.length];
      else if (ft) out[l] = oranges[o++ % oranges.length];
      else if (versionKey(l) === oldest && labels.length > 2) out[l] = '#57606a';
      else out[l] = blues[b++ % blues.length];
    });
    return out;
  })();
  var benchmarks = [];
  series.forEach(function (s) { if (s.benchmark && benchmarks.indexOf(s.benchmark) < 0) benchmarks.push(s.benchmark); });
  benchmarks.sort();
  var palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
    '#aec7e8', '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94', '#f7b6d2', '#c7c7c7', '#dbdb8d', '#9edae5'];
  function benchmarkColour(b) { var i = benchmarks.indexOf(b); return palette[(i < 0 ? 0 : i) % palette.length]; }
  var threadCounts = [];
  series.forEach(function (s) { if (threadCounts.indexOf(s.threads) < 0) threadCounts.push(s.threads); });
  threadCounts.sort(function (a, b) { return a - b; });

  // ---------- the fleet: a shared store's machines side by side (data.fleet; fleet.h) ----------
  // Read like the rest: anything malformed is left out, never thrown over. null: no fleet view.
  var FLEET_LABEL = 'across machines: different hardware, so compare shapes, not a regression test';
  var fleet = (function () {
    var f = data.fleet;
    if (!f || typeof f !== 'object' || Array.isArray(f)) return null;
    var list = [], byKey = Object.create(null);
    arr(f.machines).forEach(function (m) {
      if (!m || typeof m !== 'object' || m.id === undefined || m.id === null || byKey[String(m.id)]) return;
      var out = { id: m.id, key: String(m.id), fingerprint: str(m.fingerprint), description: str(m.description),
        hosts: arr(m.hosts).map(str).filter(Boolean), cpus: positive(m.logical_cpus) ? m.logical_cpus : null,
        smt: m.smt === true ? true : m.smt === false ? false : null, counters: arr(m.counters).map(str).filter(Boolean),
        nights: num(m.nights), excluded: num(m.excluded), last: str(m.last_night), t: Date.parse(str(m.last_night)),
        lastRun: str(m.last_run), lastExcluded: m.last_excluded === true, lastReason: str(m.last_exclusion_reason),
        factor: num(m.last_factor), drift: num(m.drift), open: num(m.open_regressions) };
      out.short = shortMachine(out.description);
      out.name = out.hosts[0] || out.short || 'machine ' + out.key;
      byKey[out.key] = out;
      list.push(out);
    });
    // Chart legends need a distinct name per machine: two boxes of one model may share a host name.
    var seen = Object.create(null);
    list.forEach(function (m, i) {
      m.colour = palette[i % palette.length];
      m.label = m.name + (m.short && m.short !== m.name ? ' · ' + m.short : '') + ' (' + coresWords(m) + ')';
      if (seen[m.label]) m.label += ' #' + m.key;
      seen[m.label] = true;
    });
    var rows = [];
    arr(f.rows).forEach(function (r) {
      if (!r || typeof r !== 'object' || (r.kind !== 'free_threading' && r.kind !== 'scaling') || !str(r.benchmark)) return;
      var values = [], byMachine = Object.create(null);
      arr(r.values).forEach(function (x) {
        if (!x || typeof x !== 'object') return;
        var m = byKey[String(x.machine)];
        if (!m || byMachine[m.key] || num(x.value) === null) return;
        byMachine[m.key] = { m: m, value: x.value, low: num(x.low), high: num(x.high), run: str(x.run_id), created: str(x.created_at),
          threads: positive(x.threads) ? x.threads : null };
        values.push(byMachine[m.key]);
      });
      if (!values.length) return;
      // threads 0: each machine's most threads (ncpu differs between machines).
      rows.push({ kind: r.kind, benchmark: str(r.benchmark), threads: r.threads === 0 ? 0 : positive(r.threads) ? r.threads : 1, interpreter: str(r.interpreter),
        reference: r.kind === 'free_threading' ? str(r.reference) : '', values: values, byMachine: byMachine });
    });
    var newest = -Infinity;
    list.forEach(function (m) { if (isFinite(m.t)) newest = Math.max(newest, m.t); });
    return { label: str(f.label) || FLEET_LABEL, machines: list, rows: rows, newest: newest };
  })();
  // "AMD EPYC 9654 96-Core Processor (96 cores, x86_64, Linux 6.1)" -> "AMD EPYC 9654".
  function shortMachine(d) {
    var s = d.replace(/\s*\([^()]*\)\s*$/, '').replace(/\((R|TM|C)\)/gi, '').replace(/\b\d+-Core\b/gi, '')
      .replace(/\b(Processor|CPU)\b/g, '').replace(/\s*@.*$/, '').replace(/\s+/g, ' ').trim();
    return s || d;
  }
  function coresWords(m) {
    return (m.cpus ? m.cpus + ' CPUs' : 'CPUs unknown') + ', ' + (m.smt === true ? 'SMT' : m.smt === false ? 'no SMT' : 'SMT unknown');
  }

  // ---------- charts ----------
  var vlConfig = {
    font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
    view: { stroke: '#d0d7de' },
    axis: { labelOverlap: true, labelFontSize: 11, titleFontSize: 11, titleFontWeight: 600, gridColor: '#eaeef2', labelColor: '#1f2328', titleColor: '#57606a' },
    legend: { labelFontSize: 11, titleFontSize: 11, orient: 'top', direction: 'horizontal', titleFontWeight: 600, labelLimit: 320 }
  };
  // Charts are drawn when they come near the viewport (a chart of a year costs a few hundred
  // ms; a page of them drawn at once would take seconds). `draw` counts this generation's charts:
  // the page is "ok" once every chart started so far has rendered; drawAll() starts the rest.
  var views = [], generation = 0;
  var draw = { started: 0, settled: 0, failed: 0, jobs: [], fatal: false, waiters: [] };
  var observer = typeof IntersectionObserver === 'function' ? new IntersectionObserver(function (entries) {
    entries.forEach(function (e) {
      var job = e.target.__ftbenchJob;
      if (!job || job.generation !== generation) return;  // a late report on a chart since replaced
      draw.observed = true;
      if (e.isIntersecting) start(job);
    });
    settle();
  }, { rootMargin: '600px 0px' }) : null;

  // `minHeight`: the place kept for a spec without a height of its own (a concatenation).
  function embed(container, spec, record, minHeight) {
    spec.config = vlConfig;
    if (!spec.background) spec.background = 'white';
    record.rendered = false;
    record.started = false;
    summary.charts.push(record);
    var job = { container: container, spec: spec, record: record, generation: generation, started: false };
    draw.jobs.push(job);
    container.__ftbenchJob = job;
    container.style.minHeight = ((minHeight || spec.height) + 70) + 'px';  // its place kept: no jumps while scrolling
    if (observer) observer.observe(container);
    else start(job);
  }

  function start(job) {
    if (!job || job.started || job.generation !== generation) return;
    job.started = true;
    job.record.started = true;
    if (observer) observer.unobserve(job.container);
    draw.started++;
    setState();
    var t0 = Date.now();
    vegaEmbed(job.container, job.spec, { renderer: 'svg', actions: false, mode: 'vega-lite' })
      .then(function (result) {
        if (job.generation !== generation) { result.finalize(); return; }  // redrawn meanwhile
        job.record.ms = Date.now() - t0;
        views.push(result);
        job.container.dataset.rendered = 'true';
        job.record.rendered = true;
        draw.settled++;
        settle();
      }, function (e) {
        if (job.generation !== generation) return;
        console.error('history chart ' + job.record.id + ' failed: ' + (e && e.message ? e.message : e));
        draw.settled++;
        draw.failed++;
        settle();
      });
  }

  function setState() {
    var busy = draw.settled < draw.started || (observer && !draw.observed && draw.started < draw.jobs.length);
    summary.state = draw.fatal || draw.failed ? 'error' : busy ? 'pending' : 'ok';
    summary.started = draw.started;
    summary.waiting = draw.jobs.length - draw.started;
    root.dataset.ftbenchCharts = String(draw.started);
    root.dataset.ftbenchRendered = summary.state;
  }
  function settle() {
    setState();
    if (summary.state === 'pending') return;
    var w = draw.waiters;
    draw.waiters = [];
    w.forEach(function (f) { f(summary.state); });
  }
  // Draws every chart of the current view now (printing, tests); resolves with the final state.
  summary.drawAll = function () {
    draw.jobs.forEach(start);
    return new Promise(function (resolve) { draw.waiters.push(resolve); settle(); });
  };
  window.addEventListener('beforeprint', function () { summary.drawAll(); });

  var xDomain = dated.length ? [dated[0].t - DAY / 2, dated[dated.length - 1].t + DAY / 2] : null;
  // Months for long histories (Vega's own choice); whole days for short ones, never hours.
  var spanDays = xDomain ? (xDomain[1] - xDomain[0]) / DAY : 0;
  var xAxis = spanDays > 60 ? { title: null, grid: true, tickCount: 12 }
    : { title: null, grid: true, format: '%b %d', tickCount: { interval: 'day', step: Math.max(1, Math.ceil(spanDays / 10)) } };

  // One night's value of one series as a chart row, with what its tooltip says.
  function commitText(n, label) {
    var i = n.interpreters[label];
    if (!i) return '';
    return label + ' ' + (str(i.commit) ? str(i.commit) : str(i.sha256) ? 'binary ' + str(i.sha256) : '') + (str(i.version) ? ' (' + str(i.version) + ')' : '');
  }

  // Builds the layered time-line spec of a set of series: lines coloured by `lineOf(s)`, 95%
  // interval bands where `bands`, change points, annotations, regressions and excluded nights.
  function timeline(list, opts) {
    var rows = [], excluded = [], cps = [], regs = [], skipped = 0, excludedNights = {};
    var lines = [], lineColour = {};
    var metricSeries = list[0];
    var scale = 1, unitName = metricSeries.unit;
    if (metricSeries.unit === 'ns') {
      var max = 0;
      list.forEach(function (s) { s.points.forEach(function (p) { if (positive(p.value) && !p.night.excluded) max = Math.max(max, p.value); }); });
      if (!max) list.forEach(function (s) { s.points.forEach(function (p) { if (positive(p.value)) max = Math.max(max, p.value); }); });
      var u = unitFor(max);
      scale = u.scale;
      unitName = u.name;
    }
    var lo = Infinity, hi = -Infinity;
    list.forEach(function (s) {
      var line = opts.lineOf(s);
      if (lines.indexOf(line) < 0) { lines.push(line); lineColour[line] = opts.colourOf(s); }
      var valueAt = {};
      s.points.forEach(function (p) {
        var n = p.night;
        if (!isFinite(n.t) || !positive(p.value)) { skipped++; return; }
        var band = opts.bands && positive(p.low) && positive(p.high) && p.low <= p.value && p.value <= p.high;
        var commits = [commitText(n, s.interpreter)];
        if (s.reference) commits.push(commitText(n, s.reference));
        var row = {
          key: String(s.id), line: line, f: line, series: s.name, t: n.t, v: p.value / scale,
          lo: band ? p.low / scale : null, hi: band ? p.high / scale : null,
          when: dayTime(n.created), run: n.run, shown: formatValue(p.value, s),
          interval: positive(p.low) && positive(p.high) ? '[' + formatValue(p.low, s) + ', ' + formatValue(p.high, s) + ']' : 'none',
          processes: p.processes ? String(p.processes) : '-', commit: commits.filter(Boolean).join(' · '),
          night: n.excluded ? 'excluded: ' + (n.reason || 'no reason given') : 'counts'
        };
        valueAt[n.id] = row.v;
        if (n.excluded) { excluded.push(row); excludedNights[n.id] = true; return; }
        rows.push(row);
        lo = Math.min(lo, row.v, band ? row.lo : row.v);
        hi = Math.max(hi, row.v, band ? row.hi : row.v);
      });
      (changesBySeries[s.id] || []).forEach(function (c) {
        if (!isFinite(c.night.t) || valueAt[c.night.id] === undefined) return;
        cps.push({ line: line, f: line, series: s.name, t: c.night.t, v: valueAt[c.night.id], when: day(c.night.created), run: c.night.run,
          change: changeWords(c.ratio, s) + ' (after / before this night)', p: pValue(c.p) });
      });
      (regressionsBySeries[s.id] || []).forEach(function (r) {
        var first = nightById[r.first_bad_night] || nightById[r.detected_night];
        var found = nightById[r.detected_night] || first;
        if (!first || !isFinite(first.t)) return;
        var v = r.view;
        regs.push({ t: first.t, t2: found && isFinite(found.t) ? found.t : first.t, series: s.name, mark: '#' + str(v.id) + ' ' + str(v.state),
          state: str(v.state), change: changeWords(num(v.ratio), s) + ' ' + ratioInterval(num(v.ratio), num(v.low), num(v.high)),
          first: day(first.created) + ' ' + first.run, found: found ? day(found.created) + ' ' + found.run : '' });
      });
    });
    var anns = [];
    annotations.forEach(function (a) {
      var n = nightById[a.night];
      if (!isFinite(n.t)) return;
      var hits = list.filter(function (s) { return (!a.machine || a.machine === s.machine) && globMatch(a.series_glob, s.name); });
      if (!hits.length) return;
      anns.push({ t: n.t, label: str(a.kind).replace(/_/g, ' ') || 'note', note: str(a.note), glob: str(a.series_glob), when: day(n.created), run: n.run });
    });
    if (!rows.length && !excluded.length) return null;
    if (!isFinite(lo)) { excluded.forEach(function (r) { lo = Math.min(lo, r.v); hi = Math.max(hi, r.v); }); }
    if (opts.reference !== undefined && opts.keepReference) { lo = Math.min(lo, opts.reference); hi = Math.max(hi, opts.reference); }
    var pad = (hi - lo) * 0.06 || Math.abs(hi) * 0.05 || 1;
    // The domain of the nights that count: an excluded night far off is drawn at the edge
    // (clamped; its tooltip has the value) rather than squashing every line.
    var domain = opts.log && lo > 0 ? [lo / 1.08, hi * 1.08] : [lo - pad, hi + pad];
    if (opts.zeroFloor && domain[0] < 0) domain[0] = 0;

    var colour = { field: 'line', type: 'nominal', scale: { domain: lines, range: lines.map(function (l) { return lineColour[l]; }) },
      legend: { title: opts.legendTitle, orient: 'top', symbolType: 'stroke', symbolStrokeWidth: 3, symbolOpacity: 1, columns: Math.min(lines.length, opts.legendColumns || 6) } };
    // Bands, points and markers take the lines' colours through a copy of the field (`f`): on the
    // same field Vega-Lite merges their legends into the lines' one, faint band swatch included.
    var fillNoLegend = { field: 'f', type: 'nominal', scale: colour.scale, legend: null };
    var x = { field: 't', type: 'temporal', scale: { type: 'utc', domain: xDomain || undefined }, axis: xAxis };
    if (opts.log && domain[0] <= 0) domain[0] = lo > 0 ? lo / 1.05 : 1e-3;
    var yScale = { type: opts.log ? 'log' : 'linear', zero: false, domain: domain, clamp: true, nice: false };
    // An explicit precision in the format: Vega would otherwise pick one from the tick step ("8e+1").
    var yFormat = opts.yFormat ? opts.yFormat(domain) : undefined;
    var y = { field: 'v', type: 'quantitative', scale: yScale, axis: { title: opts.yTitle(unitName), format: yFormat, tickCount: 6 } };
    var tooltip = [{ field: 'series' }, { field: 'run' }, { field: 'when', title: 'night' }, { field: 'shown', title: opts.valueTitle },
      { field: 'interval', title: '95% interval' }, { field: 'processes' }, { field: 'commit', title: 'interpreter' }, { field: 'night', title: 'this night' }];
    var picked = { param: 'pick', empty: true };
    var layers = [];
    // Off the scale the (clamped) reference would sit on the edge, looking like data.
    if (opts.reference !== undefined && opts.reference >= domain[0] && opts.reference <= domain[1])
      layers.push({ data: { values: [{ v: opts.reference }] }, mark: { type: 'rule', strokeDash: [5, 4], color: '#57606a', strokeWidth: 1 }, encoding: { y: { field: 'v', type: 'quantitative', scale: yScale } } });
    if (regs.length)
      layers.push({ data: { values: regs }, mark: { type: 'rect', color: '#cf222e', opacity: 0.07 },
        encoding: { x: x, x2: { field: 't2' } } },
        { data: { values: regs }, mark: { type: 'rule', color: '#cf222e', strokeWidth: 2, opacity: 0.75 },
          encoding: { x: x, tooltip: [{ field: 'mark', title: 'regression' }, { field: 'series' }, { field: 'change' }, { field: 'first', title: 'first bad night' }, { field: 'found', title: 'detected' }] } },
        { data: { values: regs }, mark: { type: 'text', align: 'left', dx: 4, baseline: 'bottom', fontSize: 10, fontWeight: 600, color: '#cf222e' },
          encoding: { x: x, y: { value: opts.height - 4 }, text: { field: 'mark' }, tooltip: [{ field: 'mark', title: 'regression' }, { field: 'series' }, { field: 'change' }, { field: 'first', title: 'first bad night' }, { field: 'found', title: 'detected' }] } });
    if (anns.length)
      layers.push({ data: { values: anns }, mark: { type: 'rule', color: '#6e7781', strokeDash: [6, 3], strokeWidth: 1.5 },
        encoding: { x: x, tooltip: [{ field: 'label', title: 'annotation' }, { field: 'note' }, { field: 'when', title: 'from' }, { field: 'glob', title: 'series' }] } },
        { data: { values: anns }, mark: { type: 'text', align: 'left', dx: 4, baseline: 'top', fontSize: 10, color: '#57606a' },
          encoding: { x: x, y: { value: 3 }, text: { field: 'label' }, tooltip: [{ field: 'label', title: 'annotation' }, { field: 'note' }, { field: 'when', title: 'from' }, { field: 'glob', title: 'series' }] } });
    layers.push({ data: { values: rows }, mark: { type: 'line', interpolate: 'linear', strokeWidth: 1.5 },
      params: [{ name: 'pick', select: { type: 'point', fields: ['line'] }, bind: 'legend' }],
      encoding: { x: x, y: y, color: colour, detail: { field: 'key' },
        strokeWidth: opts.highlight ? { condition: { test: 'datum.line === ' + JSON.stringify(opts.highlight), value: 2.6 }, value: 1.2 } : { value: 1.5 },
        opacity: { condition: picked, value: 0.12 } } });
    // After the line: a band layer before it drops the lines' legend (a Vega-Lite legend merge).
    if (opts.bands && rows.some(function (r) { return r.lo !== null; }))
      layers.push({ data: { values: rows }, transform: [{ filter: 'datum.lo !== null' }],
        mark: { type: 'area', opacity: 0.16, interpolate: 'linear' },
        encoding: { x: x, y: { field: 'lo', type: 'quantitative', scale: yScale }, y2: { field: 'hi' }, fill: fillNoLegend, detail: { field: 'key' },
          opacity: { condition: { param: 'pick', empty: true, value: 0.16 }, value: 0.03 } } });
    layers.push({ data: { values: rows }, mark: { type: 'point', filled: true, size: opts.pointSize || 14 },
      encoding: { x: x, y: { field: 'v', type: 'quantitative', scale: yScale }, fill: fillNoLegend, tooltip: tooltip, opacity: { condition: picked, value: 0.08 } } });
    if (excluded.length)
      layers.push({ data: { values: excluded }, mark: { type: 'point', filled: false, size: 40, strokeWidth: 1.4, color: '#8c959f', fill: 'white', fillOpacity: 1 },
        encoding: { x: x, y: { field: 'v', type: 'quantitative', scale: yScale }, tooltip: tooltip } });
    if (cps.length)
      layers.push({ data: { values: cps }, mark: { type: 'point', shape: 'triangle-down', filled: true, size: 110, stroke: 'white', strokeWidth: 1, yOffset: -9 },
        encoding: { x: x, y: { field: 'v', type: 'quantitative', scale: yScale }, fill: fillNoLegend,
          tooltip: [{ field: 'series' }, { field: 'change', title: 'change point' }, { field: 'p', title: 'Welch t-test' }, { field: 'when', title: 'first night after' }, { field: 'run' }] } });
    return {
      spec: { width: 'container', autosize: { type: 'fit-x', contains: 'padding' }, height: opts.height, layer: layers },
      lines: lines.length, points: rows.length + excluded.length, changes: cps.length, annotations: anns.length, regressions: regs.length,
      excluded: Object.keys(excludedNights).length, skipped: skipped
    };
  }

  function chartCard(parent, title, caption, id, sectionName) {
    var chart = el('div', { class: 'chart', 'data-chart': id });
    var node = el('div', { class: 'card' }, el('h3', { text: title }), caption ? el('p', { class: 'caption', text: caption }) : null, chart);
    parent.appendChild(node);
    return chart;
  }

  function marksCaption(t) {
    var parts = [];
    if (t.changes) parts.push(plural(t.changes, 'change point') + ' (▼)');
    if (t.regressions) parts.push(plural(t.regressions, 'regression') + ' (red: first bad night to detection)');
    if (t.annotations) parts.push(plural(t.annotations, 'annotation') + ' (dashed)');
    if (t.excluded) parts.push(plural(t.excluded, 'excluded night') + ' (hollow grey, at the edge when off the scale; not evidence)');
    if (t.skipped) parts.push(plural(t.skipped, 'value') + ' missing or not positive, not drawn');
    return parts.join(' · ');
  }

  // ---------- filters ----------
  var state = { machine: '', benchmark: '', interpreter: '', threads: '', search: '' };
  (function readHash() {
    var h = (location.hash || '').replace(/^#/, '');
    h.split('&').forEach(function (kv) {
      var i = kv.indexOf('=');
      if (i < 0) return;
      var k = kv.slice(0, i), v;
      try { v = decodeURIComponent(kv.slice(i + 1)); } catch (e) { return; }
      if (Object.prototype.hasOwnProperty.call(state, k)) state[k] = v;
    });
  })();
  function writeHash() {
    var parts = Object.keys(state).filter(function (k) { return state[k]; }).map(function (k) { return k + '=' + encodeURIComponent(state[k]); });
    try { history.replaceState(null, '', parts.length ? '#' + parts.join('&') : location.pathname + location.search); } catch (e) { /* file:// in some browsers */ }
  }
  var searched = { text: null, words: [] };
  function words() {
    if (searched.text !== state.search) searched = { text: state.search, words: state.search.toLowerCase().split(/\s+/).filter(Boolean) };
    return searched.words;
  }
  function matches(s, useBenchmark) {
    if (state.machine && String(s.machine) !== state.machine) return false;
    if (state.interpreter && s.interpreter !== state.interpreter && s.reference !== state.interpreter) return false;
    if (state.threads && String(s.threads) !== state.threads) return false;
    if (useBenchmark && s.benchmark !== state.benchmark) return false;
    var name = s.name.toLowerCase();
    return words().every(function (w) { return name.indexOf(w) >= 0; });
  }

  var controls = {};
  function select(name, label, onChange) {
    var s = el('select', { id: 'filter-' + name, 'aria-label': label });
    s.addEventListener('change', function () { state[name] = s.value; onChange(); });
    controls[name] = s;
    return el('label', null, el('span', { text: label }), s);
  }
  function fillSelect(s, options, value) {
    s.textContent = '';
    var groups = {};
    options.forEach(function (o) {
      var parent = s;
      if (o.group) {
        if (!groups[o.group]) { groups[o.group] = el('optgroup', { label: o.group }); s.appendChild(groups[o.group]); }
        parent = groups[o.group];
      }
      parent.appendChild(el('option', { value: o.value, text: o.text }));
    });
    s.value = value;
  }

  // ---------- header ----------
  function header() {
    var open = regressions.filter(isOpen).length;
    var excludedNights = nights.filter(function (n) { return n.excluded; }).length;
    var first = dated[0], last = dated[dated.length - 1] || nights[nights.length - 1];
    var h = el('header', { class: 'run' }, el('h1', { text: 'ftbench · nightly history' }),
      el('span', { class: 'badge ' + (open ? 'failed' : 'complete'), text: open ? plural(open, 'open regression') : 'no open regressions' }));
    var desc = machines.map(function (m) { return (str(m.description) || 'machine ' + str(m.id)) + (m.fingerprint ? ' [' + str(m.fingerprint) + ']' : ''); });
    h.appendChild(el('div', { class: 'meta', text: (machines.length > 1 ? 'machines: ' : 'machine: ') + (desc.join(' · ') || 'none yet') }));
    var facts = [plural(nights.length, 'night')];
    if (first) facts.push(day(first.created) + ' to ' + day(last.created));
    facts.push(plural(excludedNights, 'excluded night'));
    facts.push(series.length + ' series');
    facts.push(plural(regressions.length, 'regression') + ' recorded (' + open + ' open: ' +
      regressions.filter(function (r) { return r.view.state === 'suspect'; }).length + ' suspect, ' +
      regressions.filter(function (r) { return r.view.state === 'confirmed'; }).length + ' confirmed)');
    h.appendChild(el('div', { class: 'meta', text: facts.join(' · ') }));
    // A fleet's page draws a window (history_page.h PageOptions): say what it left out.
    var win = data.window && typeof data.window === 'object' ? data.window : {};
    var left = [];
    if (num(win.nights) > 0 && num(win.nights_left_out) > 0)
      left.push('each machine\'s last ' + num(win.nights) + ' nights (' + plural(num(win.nights_left_out), 'older night') + ' not drawn)');
    if (num(win.series_left_out) > 0)
      left.push(plural(num(win.series_left_out), 'time-per-op series') + ' without a regression not drawn (--all-series draws them)');
    if (left.length)
      h.appendChild(el('div', { class: 'meta window', text: 'This page shows ' + left.join('; ') + '. `orchestrate history show SERIES --from URL` prints any series in full.' }));
    if (last) {
      var latest = el('div', { class: 'meta' }, 'latest night: ');
      latest.appendChild(last.dashboard ? el('a', { href: last.dashboard, text: last.run }) : el('span', { text: last.run }));
      latest.appendChild(document.createTextNode(' (' + dayTime(last.created) + (last.excluded ? ', excluded: ' + last.reason : '') + ')'));
      h.appendChild(latest);
    }
    app.appendChild(h);
  }

  // ---------- regressions ----------
  // The date, linked to the night's run dashboard when it still exists; the run id in its tooltip.
  function nightCell(n, run) {
    if (!n) return el('td', { text: run || '-' });
    return el('td', { class: 'nowrap' }, n.dashboard
      ? el('a', { href: n.dashboard, text: day(n.created), title: n.run + ': its run dashboard' })
      : el('span', { text: day(n.created), title: n.run + ' (no run dashboard: its directory was removed)' }));
  }
  function confirmationText(text) {
    if (!text) return '';
    try {
      var c = JSON.parse(text);
      var parts = [];
      if (c.mode) parts.push(str(c.mode));
      if (c.verdict) parts.push(str(c.verdict));
      if (positive(c.ratio)) parts.push(ratioWords(c.ratio));
      if (c.processes) parts.push(c.processes + ' processes');
      if (c.how) parts.push(str(c.how));
      return 'confirmation: ' + parts.join(', ');
    } catch (e) { return 'confirmation: ' + text; }
  }
  function regressionSection() {
    var s = section('Regressions', 'Newest first. Open ones (suspect, confirmed) are highlighted; cleared, acknowledged, expected and fixed ones stay listed. ' +
      'Ratio: the nights of evidence over the series before them, with its 95% interval. The series link shows it in the charts below.', 'regressions');
    if (!regressions.length) { s.appendChild(el('p', { class: 'empty', text: 'No regressions recorded.' })); return; }
    var t = el('table', { class: 'data', id: 'regressions-table' });
    var cols = ['state', 'series', 'change', 'evidence', 'interpreter commits', 'counters that moved', 'first bad night', 'detected', 'note'];
    var head = el('tr');
    cols.forEach(function (c) { head.appendChild(el('th', { text: c })); });
    t.appendChild(el('thead', null, head));
    var tb = el('tbody');
    regressions.forEach(function (r) {
      var v = r.view, ser = seriesById[r.series_id];
      var said = changeWords(num(v.ratio), ser || { kind: 'cell' });
      var cls = v.direction === 'faster' ? 'faster' : 'slower';
      var link = el('a', { href: '#series', class: 'series-link', text: str(v.series) || (ser ? ser.name : '#' + r.series_id) });
      link.addEventListener('click', function (e) { e.preventDefault(); if (ser) showSeries(ser); });
      var counters = arr(v.counters).map(str).filter(Boolean);
      tb.appendChild(el('tr', { class: isOpen(r) ? 'open' : 'closed', 'data-state': str(v.state), title: str(v.display && v.display.line) },
        el('td', null, el('span', { class: 'badge state-' + str(v.state), text: str(v.state) || '?', title: confirmationText(str(v.confirmation)) || null })),
        el('td', null, link, ser ? null : el('div', { class: 'small', text: 'series not in this page' })),
        el('td', { class: 'change' }, el('span', { class: cls, text: said }), ' ', el('span', { class: 'small nowrap', text: ratioInterval(num(v.ratio), num(v.low), num(v.high)) }),
          el('div', { class: 'small', text: [pValue(v.p_value), num(v.q_value) !== null ? 'q=' + v.q_value.toPrecision(2) : ''].filter(Boolean).join(' · ') })),
        el('td', { class: 'num', text: num(v.nights_of_evidence) !== null ? plural(v.nights_of_evidence, 'night') : '-' }),
        el('td', null, v.commit_range ? el('code', { text: str(v.commit_range) }) : el('span', { class: 'small', text: 'unchanged or unknown' })),
        el('td', { class: 'small', text: counters.length ? counters.join(', ') : '-' }),
        nightCell(nightById[r.first_bad_night], str(v.first_bad_run)),
        nightCell(nightById[r.detected_night], str(v.detected_run)),
        el('td', { class: 'small', text: str(v.note) })));
    });
    t.appendChild(tb);
    s.appendChild(el('div', { class: 'table-wrap' }, t));
  }

  // ---------- fleet: the machines of a shared store, side by side ----------
  // Detection compares each machine with itself only; this section is where machines meet, and
  // it says so (fleet.label). Per benchmark a table (it reads without a chart) beside a chart.
  var fleetBoxes = [];
  var SOFTWARE_COUNTER = /^(context-switches|cpu-migrations|migrations|page-faults|minor-faults|major-faults|task-clock|cpu-clock|futex.*)$/;
  function signedPercent(d) { return (d < 0 ? '-' : '+') + Math.abs(d * 100).toFixed(1) + ' %'; }
  function fleetValueText(kind, v) { return kind === 'scaling' ? (v * 100).toFixed(1) + '%' : v.toFixed(2) + 'x'; }
  function fleetIntervalText(kind, x) {
    if (x.low === null || x.high === null || x.low > x.high) return '';
    return '[' + fleetValueText(kind, x.low).replace(/[x%]$/, '') + ', ' + fleetValueText(kind, x.high).replace(/[x%]$/, '') + ']';
  }
  // "ratio 3.13t / 3.13", "efficiency 3.13t": the table's measure column and the chart's rows.
  function fleetMeasure(r) { return r.kind === 'scaling' ? r.interpreter : r.interpreter + ' / ' + r.reference; }
  function fleetThreadsOrder(t) { return t === 0 ? Infinity : t; }  // "most threads" last
  function fleetKindOrder(k) { return k === 'free_threading' ? 0 : 1; }
  function labelOrder(l) { var i = labels.indexOf(l); return i < 0 ? labels.length : i; }
  function fleetStale(m) { return isFinite(m.t) && isFinite(fleet.newest) && fleet.newest - m.t > 2 * DAY; }

  function fleetSection() {
    var s = section('Fleet', 'The machines that pushed their nights to this shared store, then per benchmark the newest free-threaded / default time ratio ' +
      '(above 1: free-threading slower) and scaling efficiency (100% = ideal) on every machine, value [95% interval]. ' +
      'Regressions are found within one machine\'s own series only.', 'fleet');
    s.insertBefore(el('p', { class: 'fleet-label', id: 'fleet-label', text: fleet.label }), s.children[1] || null);
    s.appendChild(el('div', { class: 'table-wrap' }, fleetMachinesTable()));

    if (!fleet.rows.length) { note(s, 'No benchmark has a free-threaded / default ratio or a scaling efficiency on these machines yet.'); placeFleet(s); return; }
    var key = el('div', { class: 'fleet-key small' }, 'Machines in the charts: ');
    fleet.machines.forEach(function (m) {
      key.appendChild(el('span', { class: 'nowrap' }, el('span', { class: 'swatch', style: 'background:' + m.colour }), el('span', { text: m.label })));
    });
    s.appendChild(key);
    var box = el('div', { class: 'charts', id: 'fleet-benchmarks' });
    s.appendChild(box);
    var groups = groupBy(fleet.rows, function (r) { return r.benchmark; });
    groups.sort(function (a, b) { return a.key < b.key ? -1 : a.key > b.key ? 1 : 0; });
    if (groups.length > MAX_CHARTS) note(box, 'Every benchmark\'s table; charts for the first ' + MAX_CHARTS + ' of ' + groups.length + ' benchmarks.');
    groups.forEach(function (g, i) {
      g.list.sort(function (a, b) {
        return fleetKindOrder(a.kind) - fleetKindOrder(b.kind) || fleetThreadsOrder(a.threads) - fleetThreadsOrder(b.threads) || labelOrder(a.interpreter) - labelOrder(b.interpreter) ||
          (a.interpreter < b.interpreter ? -1 : a.interpreter > b.interpreter ? 1 : 0);
      });
      var title = el('h3', null, el('span', { text: g.key }));
      if (seriesBox && benchmarks.indexOf(g.key) >= 0) {
        var link = el('a', { href: '#series', class: 'small title-link', text: 'its series' });
        link.addEventListener('click', function (e) { e.preventDefault(); showBenchmark(g.key); });
        title.appendChild(link);
      }
      var holder = i < MAX_CHARTS ? el('div', { class: 'fleet-chart' }) : null;
      box.appendChild(el('div', { class: 'card fleet-card', 'data-benchmark': g.key }, title,
        el('div', { class: 'fleet-pair' }, el('div', { class: 'table-wrap' }, fleetCompareTable(g.key, g.list)), holder)));
      if (holder) fleetBoxes.push({ benchmark: g.key, rows: g.list, holder: holder });
    });
    note(s, 'Italic: a value from an older night than the newest in its row (its run and date in the tooltip).');
    placeFleet(s);
  }
  // Above the series (built first: the fleet's links drive its filters).
  function placeFleet(s) {
    var at = document.getElementById('series');
    if (at && at.parentNode === app) app.insertBefore(s, at);
  }

  // One row per machine: what it is, what it can count, how its nights went, what is open on it.
  function fleetMachinesTable() {
    var t = el('table', { class: 'data', id: 'fleet-machines' });
    var head = el('tr');
    ['machine', 'hosts', 'logical CPUs', 'SMT', 'counters', 'nights', 'excluded', 'last night', 'machine factor', 'drift (14 nights)', 'open regressions']
      .forEach(function (c) { head.appendChild(el('th', { text: c })); });
    t.appendChild(el('thead', null, head));
    var tb = el('tbody');
    fleet.machines.forEach(function (m) {
      var hitm = m.counters.indexOf('hitm') >= 0;
      var hardware = m.counters.some(function (c) { return !SOFTWARE_COUNTER.test(c); });
      var stale = fleetStale(m);
      var open = m.open || 0;
      var sub = el('div', { class: 'small' }, m.fingerprint ? 'fingerprint ' + m.fingerprint : null);
      if (seriesBox && machines.length > 1 && machineById[m.id]) {
        var link = el('a', { href: '#series', text: 'its series' });
        link.addEventListener('click', function (e) { e.preventDefault(); showMachine(m.id); });
        sub.appendChild(document.createTextNode(m.fingerprint ? ' · ' : ''));
        sub.appendChild(link);
      }
      var others = m.counters.filter(function (c) { return c !== 'hitm'; });
      var last = el('td', { class: 'nowrap' });
      if (m.last) {
        last.appendChild(stale ? el('span', { class: 'badge stale', text: 'silent since ' + day(m.last),
          title: 'its newest night is ' + Math.round((fleet.newest - m.t) / DAY) + ' days older than the fleet\'s newest (' + dayTime(m.last) + ')' })
          : el('div', { text: day(m.last), title: dayTime(m.last) }));
        if (m.lastRun) last.appendChild(el('div', null, el('code', { text: m.lastRun })));
      } else last.appendChild(el('span', { class: 'small', text: 'no night' }));
      var factorOff = m.factor !== null && Math.abs(m.factor - 1) >= 0.05, driftOff = m.drift !== null && m.drift >= 0.05;
      tb.appendChild(el('tr', { class: [open ? 'open' : '', stale ? 'stale' : ''].join(' ').trim() || null, 'data-machine': m.key,
        'data-hosts': m.hosts.join(' '), 'data-hitm': hitm ? 'counted' : 'not-counted', 'data-stale': stale ? 'true' : 'false', 'data-open': String(open) },
        el('td', null, el('span', { class: 'swatch', style: 'background:' + m.colour }), el('span', { class: 'fleet-machine', text: m.description || 'machine ' + m.key }), sub),
        el('td', { text: m.hosts.length ? m.hosts.join(', ') : '-' }),
        el('td', { class: 'num', text: m.cpus ? String(m.cpus) : '-' }),
        el('td', { text: m.smt === true ? 'yes' : m.smt === false ? 'no' : 'unknown' }),
        el('td', null, el('span', { class: 'badge ' + (hitm ? 'hitm-yes' : 'hitm-no'), text: hitm ? 'HITM: counted' : 'HITM: not counted' + (hardware ? '' : ' (no PMU)'),
          title: hitm ? 'cache-line contention (HITM) counted per operation' : hardware ? 'hardware counters, but no HITM event'
            : 'no hardware counter counted on any night: a VM or a container without perf access has no PMU' }),
          el('div', { class: 'small', text: others.length ? others.join(', ') : 'no other counter' })),
        el('td', { class: 'num', text: m.nights !== null ? String(m.nights) : '-' }),
        el('td', { class: 'num' + (m.excluded ? ' warn' : ''), text: m.excluded !== null ? String(m.excluded) : '-' },
          m.lastExcluded ? el('div', { class: 'small warn wrap', text: 'last night excluded: ' + (m.lastReason || 'no reason given') }) : null),
        last,
        el('td', { class: 'num' + (factorOff ? ' warn' : ''), text: m.factor !== null ? signedPercent(m.factor - 1) : '-',
          title: 'the newest night against this machine\'s recent nights (its machine factor): + ran slow, - ran fast' }),
        el('td', { class: 'num' + (driftOff ? ' warn' : ''), text: m.drift !== null ? '±' + (Math.abs(m.drift) * 100).toFixed(1) + ' %' : '-',
          title: 'the largest |machine factor - 1| over its last 14 nights' }),
        el('td', { class: 'num' + (open ? ' slower strong' : '') }, open ? el('a', { href: '#regressions', text: String(open) }) : '0')));
    });
    t.appendChild(tb);
    return t;
  }

  // One benchmark: a row per measure and thread count, a column per machine.
  function fleetCompareTable(benchmark, rows) {
    var t = el('table', { class: 'data fleet-compare', 'data-benchmark': benchmark });
    var h = el('tr', null, el('th', { text: 'measure' }), el('th', { class: 'num', text: 'threads' }));
    fleet.machines.forEach(function (m) {
      h.appendChild(el('th', { class: 'num', 'data-machine': m.key, title: m.description },
        el('div', { class: 'nowrap' }, el('span', { class: 'swatch', style: 'background:' + m.colour }), el('span', { text: m.name })),
        m.short && m.short !== m.name ? el('div', { class: 'small nowrap', text: m.short }) : null,
        el('div', { class: 'small nowrap', text: coresWords(m) })));
    });
    t.appendChild(el('thead', null, h));
    var body = el('tbody');
    rows.forEach(function (r) {
      var newest = '';
      r.values.forEach(function (x) { if (day(x.created) > newest) newest = day(x.created); });
      var tr = el('tr', { class: r.kind === 'scaling' ? 'scaling' : 'ratio', 'data-kind': r.kind, 'data-threads': String(r.threads), 'data-interpreter': r.interpreter, 'data-reference': r.reference },
        el('td', { class: 'nowrap', title: r.kind === 'scaling' ? 'scaling efficiency: speedup over one thread / threads' : 'free-threaded / default build: time per operation ratio' },
          el('span', { class: 'small', text: r.kind === 'scaling' ? 'efficiency ' : 'ratio ' }), el('span', { text: fleetMeasure(r) })),
        el('td', { class: 'num', text: r.threads === 0 ? 'most' : String(r.threads), title: r.threads === 0 ? 'each machine\'s most threads (its count beside each value)' : '' }));
      fleet.machines.forEach(function (m) {
        var x = r.byMachine[m.key];
        if (!x) { tr.appendChild(el('td', { class: 'num empty', 'data-machine': m.key, text: '—', title: 'no value on ' + m.name })); return; }
        var older = day(x.created) && day(x.created) < newest;
        tr.appendChild(el('td', { class: 'num' + (older ? ' older' : ''), 'data-machine': m.key, 'data-value': String(x.value),
          title: m.name + ': ' + (x.run ? x.run + ', ' : '') + (x.created ? dayTime(x.created) : 'date unknown') + (older ? ' (an older night than the row\'s newest)' : '') },
          el('span', { class: 'value', text: fleetValueText(r.kind, x.value) }), ' ', el('span', { class: 'small', text: fleetIntervalText(r.kind, x) }),
          r.threads === 0 && x.threads ? el('span', { class: 'small', text: ' at ' + threadsLabel(x.threads) }) : null));
      });
      body.appendChild(tr);
    });
    t.appendChild(body);
    return t;
  }

  // One panel of a benchmark's chart: per measure (row) and machine (offset, colour) the value as a
  // point and its interval as a rule; the dashed line at 1 (the same time / perfect scaling).
  function fleetPanel(kind, rows, width) {
    var efficiency = kind === 'scaling';
    var values = [], order = [], lo = Infinity, hi = -Infinity, drawn = {};
    rows.forEach(function (r) {
      if (r.kind !== kind) return;
      var row = fleetMeasure(r) + ' · ' + (r.threads === 0 ? 'most threads' : threadsLabel(r.threads));
      r.values.forEach(function (x) {
        if (!efficiency && !positive(x.value)) return;  // a log scale
        var band = x.low !== null && x.high !== null && x.low <= x.value && x.value <= x.high && (efficiency || x.low > 0);
        if (order.indexOf(row) < 0) order.push(row);
        values.push({ row: row, machine: x.m.label, v: x.value, lo: band ? x.low : null, hi: band ? x.high : null,
          shown: fleetValueText(kind, x.value), interval: fleetIntervalText(kind, x) || 'none', run: x.run, when: x.created ? dayTime(x.created) : '' });
        lo = Math.min(lo, band ? x.low : x.value);
        hi = Math.max(hi, band ? x.high : x.value);
        drawn[x.m.key] = true;
      });
    });
    if (!values.length) return null;
    var domain = efficiency ? [Math.min(0, lo), Math.max(1, hi) * 1.04] : [Math.min(lo, 1) / 1.08, Math.max(hi, 1) * 1.08];
    var scale = { type: efficiency ? 'linear' : 'log', domain: domain, nice: false, zero: false };
    var axis = { title: efficiency ? 'scaling efficiency (speedup / threads; 100% = ideal)' : 'time ratio free-threaded / default (log; above 1: free-threading slower)',
      format: efficiency ? '.0%' : '.2~f', grid: true, tickCount: 6 };
    var names = fleet.machines.map(function (m) { return m.label; });
    var y = { field: 'row', type: 'nominal', sort: order, axis: { title: null, labelLimit: 200, labelFontSize: 11, grid: true, gridColor: '#f3f4f6' } };
    var yOffset = { field: 'machine', type: 'nominal', scale: { domain: names, paddingOuter: 0.6 } };
    var colour = { field: 'machine', type: 'nominal', scale: { domain: names, range: fleet.machines.map(function (m) { return m.colour; }) },
      legend: null };  // the section's own key above the charts, the tables' swatches
    var tooltip = [{ field: 'machine' }, { field: 'row', title: 'measure' }, { field: 'shown', title: efficiency ? 'efficiency' : 'ratio' },
      { field: 'interval', title: '95% interval' }, { field: 'run' }, { field: 'when', title: 'night' }];
    var step = Math.max(20, 9 * names.length + 10);
    return {
      rows: order.length, step: step, points: values.length, machines: Object.keys(drawn).length,
      spec: {
        width: width, height: { step: step, for: 'position' },
        layer: [
          { data: { values: [{ v: 1 }] }, mark: { type: 'rule', strokeDash: [5, 4], color: '#57606a', strokeWidth: 1 },
            encoding: { x: { field: 'v', type: 'quantitative', scale: scale, axis: axis } } },
          { data: { values: values }, transform: [{ filter: 'datum.lo !== null' }], mark: { type: 'rule', strokeWidth: 2.5, opacity: 0.55 },
            encoding: { y: y, yOffset: yOffset, x: { field: 'lo', type: 'quantitative', scale: scale, axis: axis }, x2: { field: 'hi' }, color: colour, tooltip: tooltip } },
          { data: { values: values }, mark: { type: 'point', filled: true, size: 50, opacity: 1 },
            encoding: { y: y, yOffset: yOffset, x: { field: 'v', type: 'quantitative', scale: scale, axis: axis }, color: colour, tooltip: tooltip } }
        ]
      }
    };
  }

  // Redrawn with every generation (redraw() drops the charts it finds); the tables stay.
  function drawFleetCharts() {
    fleetBoxes.forEach(function (b) {
      b.holder.textContent = '';
      var width = Math.max(220, Math.min(640, (b.holder.clientWidth || 560) - 190));
      var panels = ['free_threading', 'scaling'].map(function (k) { return fleetPanel(k, b.rows, width); }).filter(Boolean);
      if (!panels.length) { note(b.holder, 'No value to draw.'); return; }
      var id = 'fleet-' + (++chartCount);
      var chart = el('div', { class: 'chart', 'data-chart': id });
      b.holder.appendChild(chart);
      var height = 0, points = 0, drawnMachines = 0;
      // Each panel: its rows, its axis and title; embed() adds 70 for a legend these charts do not have.
      panels.forEach(function (p) { height += p.rows * p.step + 50; points += p.points; drawnMachines = Math.max(drawnMachines, p.machines); });
      height += 14 * (panels.length - 1) - 60;
      var spec = { vconcat: panels.map(function (p) { return p.spec; }), spacing: 14,
        resolve: { scale: { x: 'independent', y: 'independent', yOffset: 'independent', color: 'shared' }, axis: { x: 'independent' }, legend: { color: 'shared' } } };
      embed(chart, spec, { id: id, section: 'fleet', title: b.benchmark + ' across machines', lines: drawnMachines, points: points }, height);
    });
  }

  function showMachine(id) {
    state.machine = String(id);
    redraw();
    var target = document.getElementById('series');
    if (target && target.scrollIntoView) target.scrollIntoView({ block: 'start' });
  }
  function showBenchmark(b) {
    state.benchmark = b;
    state.search = '';
    redraw();
    var target = document.getElementById('series');
    if (target && target.scrollIntoView) target.scrollIntoView({ block: 'start' });
  }

  // ---------- series browser and overviews ----------
  var filterBar, seriesBox, overviewBoxes = {}, countLabel;

  function seriesSection() {
    var s = section('Series night by night', 'The selected benchmark\'s time per operation, one chart per thread count and one line per interpreter: ' +
      'the median of the process medians of each night, its 95% interval as a band. ▼ change point (after/before in its tooltip), dashed grey line: annotation, ' +
      'red: a regression from its first bad night to the night it was found, hollow grey: an excluded night (stored, not evidence). Click a legend entry to single out a line.', 'series');
    filterBar = el('div', { class: 'filters' });
    if (machines.length > 1) filterBar.appendChild(select('machine', 'machine', redraw));
    filterBar.appendChild(select('benchmark', 'benchmark', redraw));
    filterBar.appendChild(select('interpreter', 'interpreter', redraw));
    filterBar.appendChild(select('threads', 'threads', redraw));
    var search = el('input', { type: 'search', id: 'filter-search', placeholder: 'search series: 3.13t t4 object_churn', 'aria-label': 'search series' });
    search.value = state.search;
    var timer = null;
    search.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { state.search = search.value; redraw(); }, 250);
    });
    controls.search = search;
    filterBar.appendChild(el('label', { class: 'grow' }, el('span', { text: 'search' }), search));
    countLabel = el('span', { class: 'small count' });
    filterBar.appendChild(countLabel);
    s.appendChild(filterBar);
    seriesBox = el('div', { class: 'charts' });
    s.appendChild(seriesBox);

    var kinds = [
      ['free_threading', 'Free-threaded / default build ratio over time',
        'Time of the free-threaded build (GIL off) over the default build of the same version, each night, one line per benchmark; a panel per pair and thread count. Above the dashed line at 1 free-threading costs time. Interval band for the selected benchmark.'],
      ['gil_switch', 'PYTHON_GIL=1 ratio over time',
        'Time of the free-threaded binary with the GIL switched back on over the same binary without it: the GIL alone, night by night. Above 1 the GIL costs time.'],
      ['scaling', 'Scaling efficiency over time',
        'Speedup over one thread divided by the threads (100% = ideal), per interpreter and thread count, one line per benchmark. Interval band for the selected benchmark.']
    ];
    kinds.forEach(function (k) {
      if (!series.some(function (x) { return x.kind === k[0]; })) return;
      var sec = section(k[1], k[2] + ' The filters above apply (the benchmark list only highlights); at most ' + MAX_LINES + ' lines per chart.', 'overview-' + k[0]);
      overviewBoxes[k[0]] = el('div', { class: 'grid' });
      sec.appendChild(overviewBoxes[k[0]]);
    });
  }

  function refreshControls() {
    if (controls.machine)
      fillSelect(controls.machine, [{ value: '', text: 'all machines' }].concat(machines.map(function (m) { return { value: String(m.id), text: str(m.description) || String(m.id) }; })), state.machine);
    if (!labels.some(function (l) { return l === state.interpreter; })) state.interpreter = '';
    fillSelect(controls.interpreter, [{ value: '', text: 'all interpreters' }].concat(labels.map(function (l) { return { value: l, text: l + (versionOf[l] ? ' (' + versionOf[l] + ')' : '') }; })), state.interpreter);
    if (!threadCounts.some(function (t) { return String(t) === state.threads; })) state.threads = '';
    fillSelect(controls.threads, [{ value: '', text: 'all thread counts' }].concat(threadCounts.map(function (t) { return { value: String(t), text: threadsLabel(t) }; })), state.threads);
    // The benchmark list narrows to what the other filters leave.
    var available = benchmarks.filter(function (b) { return series.some(function (s) { return s.benchmark === b && matches(s, false); }); });
    if (available.indexOf(state.benchmark) < 0) state.benchmark = available[0] || '';
    fillSelect(controls.benchmark, available.length ? available.map(function (b) {
      var slash = b.indexOf('/');
      return { value: b, text: b, group: slash > 0 ? b.slice(0, slash) : 'other' };
    }) : [{ value: '', text: 'no benchmark matches' }], state.benchmark);
    if (controls.search.value !== state.search) controls.search.value = state.search;
    var n = series.filter(function (s) { return matches(s, false); }).length;
    countLabel.textContent = n + ' of ' + series.length + ' series match';
  }

  function groupBy(list, keyOf) {
    var keys = [], groups = {};
    list.forEach(function (s) {
      var k = keyOf(s);
      if (!groups[k]) { groups[k] = []; keys.push(k); }
      groups[k].push(s);
    });
    return keys.map(function (k) { return { key: k, list: groups[k] }; });
  }
  function machineSuffix(s) { return machines.length > 1 && machineById[s.machine] ? ' · ' + str(machineById[s.machine].description) : ''; }
  function filterWords() {
    var f = [];
    if (state.interpreter) f.push('interpreter ' + state.interpreter);
    if (state.threads) f.push(threadsLabel(Number(state.threads)));
    if (state.search) f.push('"' + state.search + '"');
    return f.length ? ' (' + f.join(', ') + ')' : '';
  }
  function note(parent, text) { parent.appendChild(el('p', { class: 'note', text: text })); }
  function byInterpreter(a, b) { return labels.indexOf(a.interpreter) - labels.indexOf(b.interpreter); }

  var chartCount = 0;
  function drawSeries() {
    seriesBox.textContent = '';
    var cells = series.filter(function (s) { return s.kind === 'cell' && matches(s, true); });
    if (!cells.length) {
      note(seriesBox, nights.length ? 'No time-per-operation series matches the filters' + filterWords() + '.' : 'No nights stored yet.');
      return;
    }
    var groups = groupBy(cells, function (s) { return s.machine + '|' + s.threads; });
    groups.sort(function (a, b) { return a.list[0].threads - b.list[0].threads; });
    if (groups.length > MAX_CHARTS) note(seriesBox, 'Showing ' + MAX_CHARTS + ' of ' + groups.length + ' charts: narrow the filters.');
    groups.slice(0, MAX_CHARTS).forEach(function (g) {
      var first = g.list[0];
      g.list.sort(byInterpreter);
      var t = timeline(g.list, {
        lineOf: function (s) { return s.interpreter; }, colourOf: function (s) { return interpreterColour[s.interpreter] || '#57606a'; },
        legendTitle: 'interpreter', bands: true, height: 230, valueTitle: 'median / op', zeroFloor: true,
        yTitle: function (u) { return 'time per operation (' + u + ')'; }
      });
      var id = 'series-' + (++chartCount);
      var title = first.benchmark + ' · ' + threadsLabel(first.threads) + machineSuffix(first);
      if (!t) { note(seriesBox, title + ': no values to draw.'); return; }
      var chart = chartCard(seriesBox, title, (t.points === 1 ? 'One night so far. ' : '') + marksCaption(t), id);
      embed(chart, t.spec, { id: id, section: 'series', title: title, lines: t.lines, points: t.points });
    });
  }

  function drawOverview(kind) {
    var box = overviewBoxes[kind];
    if (!box) return;
    box.textContent = '';
    var list = series.filter(function (s) { return s.kind === kind && matches(s, false); });
    if (!list.length) { note(box, 'No series of this kind matches the filters' + filterWords() + '.'); return; }
    var groups = groupBy(list, function (s) { return s.machine + '|' + s.interpreter + '|' + s.reference + '|' + s.threads; });
    groups.sort(function (a, b) {
      var x = a.list[0], y = b.list[0];
      return labels.indexOf(x.interpreter) - labels.indexOf(y.interpreter) || x.threads - y.threads;
    });
    if (groups.length > MAX_CHARTS) note(box, 'Showing ' + MAX_CHARTS + ' of ' + groups.length + ' charts: narrow the filters.');
    groups.slice(0, MAX_CHARTS).forEach(function (g) {
      var first = g.list[0];
      // The selected benchmark first, so it is never the line that the cap leaves out.
      g.list.sort(function (a, b) {
        if ((a.benchmark === state.benchmark) !== (b.benchmark === state.benchmark)) return a.benchmark === state.benchmark ? -1 : 1;
        return a.benchmark < b.benchmark ? -1 : a.benchmark > b.benchmark ? 1 : 0;
      });
      var shown = g.list.slice(0, MAX_LINES);
      var selected = shown.filter(function (s) { return s.benchmark === state.benchmark; });
      var efficiency = kind === 'scaling';
      var t = timeline(shown, {
        lineOf: function (s) { return s.benchmark; }, colourOf: function (s) { return benchmarkColour(s.benchmark); },
        legendTitle: 'benchmark', legendColumns: 2, bands: shown.length <= 3 || selected.length > 0, height: 210, highlight: state.benchmark, pointSize: 8,
        reference: 1, keepReference: !efficiency, valueTitle: efficiency ? 'efficiency' : 'ratio', zeroFloor: true, log: !efficiency,
        yFormat: function (d) { return efficiency ? (d[1] - d[0] > 0.2 ? '.0%' : '.1~%') : '.3~r'; },
        yTitle: function () {
          return efficiency ? 'efficiency (speedup / threads)' : 'time ratio ' + first.interpreter + ' / ' + first.reference;
        }
      });
      // Bands only for the selected benchmark: thirty overlapping bands say nothing.
      if (t && shown.length > 3) t.spec.layer.forEach(function (l) {
        if (l.mark && l.mark.type === 'area') l.transform = [{ filter: 'datum.lo !== null && datum.line === ' + JSON.stringify(state.benchmark) }];
      });
      var id = kind + '-' + (++chartCount);
      var title = (efficiency ? first.interpreter : first.interpreter + ' / ' + first.reference) + ' · ' + threadsLabel(first.threads) + machineSuffix(first);
      if (!t) { note(box, title + ': no values to draw.'); return; }
      var caption = [g.list.length > MAX_LINES ? MAX_LINES + ' of ' + g.list.length + ' benchmarks drawn (search to choose)' : '', marksCaption(t)].filter(Boolean).join(' · ');
      var chart = chartCard(box, title, caption, id);
      embed(chart, t.spec, { id: id, section: kind, title: title, lines: t.lines, points: t.points });
    });
  }

  function beginDraw() {
    generation++;
    views.forEach(function (v) { try { v.finalize(); } catch (e) { /* already gone */ } });
    views = [];
    draw.jobs.forEach(function (j) { if (observer) observer.unobserve(j.container); });
    var waiters = draw.waiters;
    draw = { started: 0, settled: 0, failed: 0, jobs: [], fatal: draw.fatal, waiters: waiters, observed: false };
    summary.charts = [];
    setState();
  }
  function finishDraw() {
    summary.generation = generation;
    summary.filters = JSON.parse(JSON.stringify(state));
    if (!draw.jobs.length) draw.observed = true;  // nothing to wait for
    settle();
  }
  function redraw() {
    beginDraw();
    try {
      refreshControls();
      writeHash();
      drawSeries();
      ['free_threading', 'gil_switch', 'scaling'].forEach(drawOverview);
      drawFleetCharts();
    } catch (e) {
      console.error('history: ' + (e && e.stack ? e.stack : e));
      app.appendChild(el('div', { class: 'error-box', text: 'The charts could not be drawn: ' + e }));
      draw.fatal = true;
    }
    finishDraw();
  }

  // From the regressions table: the series' benchmark, interpreter and threads, then scroll to it.
  function showSeries(s) {
    state.benchmark = s.benchmark;
    state.interpreter = s.interpreter;  // the one line in focus; "all interpreters" brings the others back
    state.threads = String(s.threads);
    state.search = '';
    if (machines.length > 1) state.machine = String(s.machine);
    redraw();
    var target = document.getElementById(s.kind === 'cell' ? 'series' : 'overview-' + s.kind);
    if (target && target.scrollIntoView) target.scrollIntoView({ block: 'start' });
  }

  // ---------- nights ----------
  function nightsSection() {
    var s = section('Nights', 'Every stored night, newest first: its run (linked to the run\'s dashboard while its directory exists), whether it counts, and the interpreter builds it ran ' +
      '(source commit, else the binary\'s hash; "new" where it changed since the night before).', 'nights');
    var pointsPerNight = {};
    series.forEach(function (x) { x.points.forEach(function (p) { pointsPerNight[p.night.id] = (pointsPerNight[p.night.id] || 0) + 1; }); });
    var det = el('details', { id: 'nights-details' }, el('summary', { text: 'Show ' + plural(nights.length, 'night') }));
    s.appendChild(det);
    var built = false;
    // Rows are made when opened: a year of nights is a long table nobody needs at load.
    det.addEventListener('toggle', function () {
      if (built || !det.open) return;
      built = true;
      var t = el('table', { class: 'data', id: 'nights-table' });
      // One column per interpreter: a night is one line, builds read down a column.
      var nightLabels = labels.slice();
      nights.forEach(function (n) { Object.keys(n.interpreters).forEach(function (l) { if (nightLabels.indexOf(l) < 0) nightLabels.push(l); }); });
      var head = el('tr', null, el('th', { text: 'night' }), el('th', { text: 'run' }), el('th', { text: 'config' }),
        el('th', { text: 'series' }), el('th', { text: 'counts?' }));
      nightLabels.forEach(function (l) { head.appendChild(el('th', { text: l })); });
      t.appendChild(el('thead', null, head));
      var tb = el('tbody');
      for (var i = nights.length - 1; i >= 0; i--) {
        var n = nights[i], prev = nights[i - 1];
        var count = pointsPerNight[n.id] || 0;
        var tr = el('tr', { class: n.excluded ? 'excluded' : '' },
          el('td', { class: 'nowrap', text: dayTime(n.created) }),
          el('td', { class: 'nowrap' }, n.dashboard ? el('a', { href: n.dashboard, text: n.run }) : el('span', { text: n.run, title: 'no run dashboard (directory removed)' })),
          el('td', { text: n.config }),
          el('td', { class: 'num' + (count ? '' : ' slower'), text: String(count) }),
          el('td', { class: n.excluded ? 'warn' : '', text: n.excluded ? 'excluded: ' + (n.reason || 'no reason given') : 'yes' }));
        nightLabels.forEach(function (l) {
          var x = n.interpreters[l];
          if (!x || typeof x !== 'object') { tr.appendChild(el('td', { class: 'small', text: '-' })); return; }
          var build = str(x.commit) ? str(x.commit) : str(x.sha256) ? 'binary ' + str(x.sha256) : 'build unknown';
          var p = prev && prev.interpreters[l];
          var changed = p && (str(p.commit) !== str(x.commit) || str(p.sha256) !== str(x.sha256));
          tr.appendChild(el('td', { class: 'small nowrap', title: str(x.commit) ? 'source commit' : 'sha256 of the binary (no source commit known)' },
            str(x.version) + ' ', el('code', { text: build }), changed ? el('span', { class: 'badge new', text: 'new' }) : null));
        });
        tb.appendChild(tr);
      }
      t.appendChild(tb);
      det.appendChild(el('div', { class: 'table-wrap' }, t));
    });
  }

  function footer() {
    app.appendChild(el('footer', null,
      el('div', { text: 'Change points: E-divisive means over the nightly values, each kept only where a Welch t-test finds the two sides differ and the shift is at least 2%; excluded nights are left out. ' +
        'Regressions: each night against the series\' segment before it (its processes by Mann-Whitney and its median against the night-to-night noise; Benjamini-Hochberg q over the night\'s series), re-measured before they are confirmed. Definitions in docs/history.md.' }),
      el('div', { text: 'Text versions: `orchestrate history regressions`, `orchestrate history show SERIES`, `orchestrate history list`. Generated by ftbench orchestrate' +
        (data.generated_at ? ' at ' + dayTime(data.generated_at) : '') + '.' })));
  }

  try {
    if (data.schema && data.schema !== 'ftbench-history-page/1') console.warn('history: unknown page schema ' + data.schema);
    summary.nights = nights.length;
    summary.series = series.length;
    summary.regressions = regressions.length;
    // Default view: the benchmark of the newest open regression, else the first.
    if (!state.benchmark) {
      var open = regressions.filter(function (r) { return isOpen(r) && seriesById[r.series_id]; })[0];
      if (open) state.benchmark = seriesById[open.series_id].benchmark;
    }
    header();
    if (!nights.length)
      app.appendChild(el('div', { class: 'findings' }, el('h2', { text: 'No nights yet' }),
        el('p', { text: 'This history holds no night. `orchestrate nightly --config FILE` stores one per run; `orchestrate history import RUN_DIR...` adds finished run directories.' })));
    regressionSection();
    if (series.length) seriesSection();
    else if (nights.length) section('Series night by night', 'The stored nights have no measured values (every process failed?): nothing to draw.', 'series');
    if (fleet && fleet.machines.length > 1) fleetSection();
    if (nights.length) nightsSection();
    footer();
  } catch (e) {
    console.error('history: ' + (e && e.stack ? e.stack : e));
    app.appendChild(el('div', { class: 'error-box', text: 'The page could not be built: ' + e }));
    draw.fatal = true;
  }
  if (seriesBox) redraw();
  else {
    try { drawFleetCharts(); } catch (e) { console.error('history: ' + (e && e.stack ? e.stack : e)); draw.fatal = true; }
    finishDraw();
  }
})();
