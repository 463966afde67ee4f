// The connsim run report: draws the run's data (the JSON in #connsim-data) as a summary table
// and, for the chosen scenario, a timeline with a lane per wallet. Only visible lanes are drawn
// (a 1,000-wallet run stays fast); every text goes in through textContent, never as markup.
//
// Data, per scenario (times in milliseconds of virtual time; a peer is a wallet index or an id):
//   name, file, seed (string), passed, fingerprint, backend, until, reproduce, connects, ...
//   wallets: [{id, peer}]
//   lanes[w]: s: [t, peer, status, type, error]            status writes
//             e: [t, type, message, peer|null]             activity events
//             c: [t0, t1, peer, ok, type, attempts, error]  connects (connectToPresence)
//             a: [t0, t1, peer, n, ok, type or error]       attempts (passes down the ladder)
//             d: [t0, t1, rung, target, ok, error]          dials: the ladder's rungs
//             x: [t, session, state, failure]              signing session changes
//             off: [t0, t1, cause]                         offline spells
//   faults: [{t0, t1|null, label, lanes: [w]|null}]        bands (t1) or instants; null: all lanes
//   steps: [[t, label]]; failures: [{pointer, summary, expected, got, at|null, detail}]
//   cap: {limit, total, kept, cutoff|null}                 the size budget
'use strict';
(function () {
  const DATA = JSON.parse(document.getElementById('connsim-data').textContent);
  const SCENARIOS = DATA.scenarios;
  const SVG = 'http://www.w3.org/2000/svg';
  const LANE_H = 32, LABEL_W = 160, RIGHT_PAD = 12, MAX_VIEW_H = 620, OVERDRAW = 6;
  const $ = (id) => document.getElementById(id);

  // Anything the page tries to fetch is blocked by its Content-Security-Policy; count it where a
  // test (chromium --dump-dom) can see it.
  document.addEventListener('securitypolicyviolation', (e) => {
    const html = document.documentElement;
    html.setAttribute('data-blocked-requests', String(Number(html.getAttribute('data-blocked-requests') || 0) + 1));
    html.setAttribute('data-blocked-uri', e.blockedURI);
  });
  const state = { scenario: -1, t0: 0, t1: 1, walletFilter: '', peerFilter: '', lanes: [] };

  function el(name, attrs, parent, text) {
    const node = name.startsWith('svg:') ? document.createElementNS(SVG, name.slice(4)) : document.createElement(name);
    for (const key in attrs || {}) node.setAttribute(key, attrs[key]);
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }
  const seconds = (ms) => (ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 3) + ' s';
  const precise = (ms) => (ms / 1000).toFixed(6) + ' s';

  // --- the summary ------------------------------------------------------------------------------
  function drawSummary() {
    const body = document.querySelector('#summary-table tbody');
    SCENARIOS.forEach((s, i) => {
      const row = el('tr', { class: s.passed ? 'pass' : 'fail', 'data-scenario': String(i) }, body);
      el('span', { class: 'badge ' + (s.passed ? 'pass' : 'fail') }, el('td', {}, row), s.passed ? 'PASS' : 'FAIL');
      el('td', {}, row, s.name);
      el('td', { class: 'mono' }, row, s.seed);
      el('td', { class: 'mono' }, row, s.fingerprint);
      el('td', {}, row, s.backend);
      el('td', { class: 'num' }, row, String(s.wallets.length));
      el('td', { class: 'num' }, row, String(s.connects));
      el('td', { class: 'num' }, row, String(s.failures.length));
      el('code', {}, el('td', {}, row), s.reproduce);
      row.addEventListener('click', () => select(i));
    });
    if (SCENARIOS.length === 0) {
      el('td', { colspan: '9' }, el('tr', {}, body), 'No scenarios were run.');
      $('scenario').hidden = true;
    }
  }

  // --- choosing a scenario ------------------------------------------------------------------------
  function select(index) {
    state.scenario = index;
    const s = SCENARIOS[index];
    document.querySelectorAll('#summary-table tbody tr').forEach((row) =>
      row.classList.toggle('selected', row.dataset.scenario === String(index)));
    const title = $('scenario-title');
    title.textContent = '';
    el('span', { class: 'badge ' + (s.passed ? 'pass' : 'fail') }, title, s.passed ? 'PASS' : 'FAIL');
    title.appendChild(document.createTextNode(' ' + s.name));
    $('scenario-file').textContent = s.file + ' \u00b7 seed ' + s.seed + ' \u00b7 fingerprint ' + s.fingerprint +
      ' \u00b7 ' + s.backend + ' backend \u00b7 ' + seconds(s.until) + ' of virtual time \u00b7 ' +
      s.history_entries + ' history entries';
    const budget = $('budget');
    budget.hidden = s.cap.cutoff === null;
    if (s.cap.cutoff !== null) {
      budget.textContent = 'Size budget: this page keeps at most ' + s.cap.limit.toLocaleString('en') +
        ' items per scenario. This scenario recorded ' + s.cap.total.toLocaleString('en') + '; the ' +
        s.cap.kept.toLocaleString('en') + ' before ' + precise(s.cap.cutoff) +
        ' are drawn, later ones are left out (rerun the reproduce command with --log for all of them).';
    }
    drawFailures(s);
    state.t0 = 0;
    state.t1 = activityEnd(s);
    applyFilters();
  }

  // The first view: from the start to a little after the last thing drawn (a quiet tail of a long
  // run is left for the 'all' button).
  function activityEnd(s) {
    let end = 0;
    for (const lane of s.lanes) {
      for (const key of ['s', 'e', 'x']) for (const item of lane[key] || []) end = Math.max(end, item[0]);
      for (const key of ['c', 'a', 'd']) for (const item of lane[key] || []) end = Math.max(end, item[1]);
    }
    for (const f of s.faults) end = Math.max(end, f.t1 === null ? f.t0 : Math.min(f.t1, s.until));
    for (const f of s.failures) end = Math.max(end, f.at === null ? s.until : f.at);
    for (const [t] of s.steps) end = Math.max(end, t);
    return Math.min(Math.max(end * 1.15, 1), Math.max(s.until, 1));
  }

  function drawFailures(s) {
    const box = $('failures');
    box.textContent = '';
    if (s.failures.length === 0) return;
    const table = el('table', { class: 'failures' }, box);
    const head = el('tr', {}, el('thead', {}, table));
    for (const h of ['expectation', 'at', 'expected', 'got']) el('th', {}, head, h);
    const body = el('tbody', {}, table);
    for (const f of s.failures) {
      const row = el('tr', { class: 'failure' }, body);
      el('td', { class: 'mono' }, row, f.pointer || '(run)');
      el('td', { class: 'mono' }, row, f.at === null ? 'end of run' : precise(f.at));
      if (f.expected || f.got) {
        el('td', { class: 'expected' }, row, f.expected);
        el('td', { class: 'got' }, row, f.got);
      } else {
        el('td', { colspan: '2' }, row, f.summary);
      }
      row.title = f.summary + (f.detail ? '\n' + f.detail : '');
      row.addEventListener('click', () => {
        const at = f.at === null ? s.until : f.at;
        const span = Math.max((state.t1 - state.t0) / 8, 50);
        zoomTo(at - span, at + span);
      });
    }
  }

  // --- filters ------------------------------------------------------------------------------------
  function peerName(s, p) { return typeof p === 'number' ? s.wallets[p].id : String(p); }
  function matchesPeer(s, p) {
    if (!state.peerFilter) return true;
    if (p === null || p === undefined) return false;
    const f = state.peerFilter;
    return peerName(s, p).toLowerCase().includes(f) ||
      (typeof p === 'number' && s.wallets[p].peer.toLowerCase().includes(f));
  }
  function matchesTarget(s, target) {
    if (!state.peerFilter) return true;
    const t = String(target).toLowerCase();
    if (t.includes(state.peerFilter)) return true;
    return s.wallets.some((w) => w.id.toLowerCase().includes(state.peerFilter) && t.includes(w.peer.toLowerCase()));
  }

  function applyFilters() {
    const s = SCENARIOS[state.scenario];
    const words = state.walletFilter.split(',').map((w) => w.trim().toLowerCase()).filter((w) => w);
    state.lanes = [];
    s.wallets.forEach((w, i) => {
      if (words.length === 0 || words.some((word) => w.id.toLowerCase().includes(word))) state.lanes.push(i);
    });
    $('lane-count').textContent = state.lanes.length + ' of ' + s.wallets.length + ' wallets';
    const height = state.lanes.length * LANE_H;
    $('spacer').style.height = height + 'px';
    $('viewport').style.height = Math.min(Math.max(height, LANE_H), MAX_VIEW_H) + 'px';
    draw();
  }

  // --- drawing ------------------------------------------------------------------------------------
  function scale() {
    const width = $('viewport').clientWidth || 900;
    const plot = Math.max(width - LABEL_W - RIGHT_PAD, 50);
    const k = plot / Math.max(state.t1 - state.t0, 1e-6);
    return { width, x: (t) => LABEL_W + (t - state.t0) * k, k };
  }
  function visible(t0, t1) { return t1 >= state.t0 && t0 <= state.t1; }
  function clampX(sc, t) { return Math.min(Math.max(sc.x(t), LABEL_W), sc.width - RIGHT_PAD); }
  function span(parent, sc, t0, t1, y, h, cls, tip) {
    const x0 = clampX(sc, t0), x1 = clampX(sc, t1);
    return el('svg:rect', { x: x0, y, width: Math.max(x1 - x0, 1.5), height: h, class: cls, 'data-tip': tip }, parent);
  }

  function draw() {
    if (state.scenario < 0) return;
    drawAxis();
    drawLanes();
    $('window').textContent = precise(state.t0) + ' \u2013 ' + precise(state.t1);
  }

  function niceStep(range, count) {
    const raw = range / count, power = Math.pow(10, Math.floor(Math.log10(raw)));
    for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
    return 10 * power;
  }

  function drawAxis() {
    const s = SCENARIOS[state.scenario];
    const axis = $('axis');
    axis.textContent = '';
    const sc = scale();
    const step = niceStep(state.t1 - state.t0, Math.max(sc.width / 110, 2));
    for (let t = Math.ceil(state.t0 / step) * step; t <= state.t1; t += step) {
      el('svg:line', { x1: sc.x(t), x2: sc.x(t), y1: 18, y2: 30, class: 'tick' }, axis);
      el('svg:text', { x: sc.x(t) + 2, y: 14, class: 'tick-label' }, axis, seconds(t));
    }
    el('svg:text', { x: 6, y: 20 }, axis, 'wallet \u2193  time \u2192');
    for (const [t, label] of s.steps) {
      if (!visible(t, t)) continue;
      el('svg:line', { x1: sc.x(t), x2: sc.x(t), y1: 22, y2: 30, class: 'step-tick', 'data-tip': 'step ' + label + ' at ' + precise(t) }, axis);
    }
    s.failures.forEach((f) => {
      const t = f.at === null ? s.until : f.at;
      if (!visible(t, t)) return;
      const x = sc.x(t);
      el('svg:path', { d: `M${x - 6},16 L${x + 6},16 L${x},29 Z`, class: 'failure-mark',
        'data-tip': 'FAILED ' + f.summary }, axis);
    });
  }

  function drawLanes() {
    const s = SCENARIOS[state.scenario];
    const svg = $('lanes');
    svg.textContent = '';
    const sc = scale();
    const viewport = $('viewport');
    const first = Math.max(Math.floor(viewport.scrollTop / LANE_H) - OVERDRAW, 0);
    const last = Math.min(Math.ceil((viewport.scrollTop + viewport.clientHeight) / LANE_H) + OVERDRAW, state.lanes.length);
    const top = first * LANE_H, height = Math.max((last - first) * LANE_H, 1);
    svg.style.top = top + 'px';
    svg.setAttribute('height', height);
    svg.setAttribute('viewBox', `0 ${top} ${sc.width} ${height}`);
    const shown = new Map();
    for (let row = first; row < last; ++row) {
      shown.set(state.lanes[row], row);
      drawLane(svg, s, sc, state.lanes[row], row * LANE_H, row);
    }
    // Faults: bands across the lanes they affect (all lanes when unnamed), instants as lines.
    for (const f of s.faults) {
      const t1 = f.t1 === null ? f.t0 : f.t1;
      if (!visible(f.t0, t1)) continue;
      const tip = 'fault ' + f.label + (f.t1 === null ? ' at ' + precise(f.t0) : ', ' + precise(f.t0) + ' \u2013 ' + precise(f.t1));
      const rows = f.lanes === null ? [[top, height]]
        : f.lanes.filter((w) => shown.has(w)).map((w) => [shown.get(w) * LANE_H, LANE_H]);
      for (const [y, h] of rows) {
        if (f.t1 === null) {
          el('svg:line', { x1: sc.x(f.t0), x2: sc.x(f.t0), y1: y, y2: y + h, class: 'fault-line', 'data-tip': tip }, svg);
        } else {
          span(svg, sc, f.t0, f.t1, y, h, 'fault-band', tip);
        }
      }
    }
    // Failing expectations: a line across every lane at the failure's time.
    for (const f of s.failures) {
      const t = f.at === null ? s.until : f.at;
      if (!visible(t, t)) continue;
      el('svg:line', { x1: sc.x(t), x2: sc.x(t), y1: top, y2: top + height, class: 'failure-line',
        'data-tip': 'FAILED at ' + (f.at === null ? 'the end of the run' : precise(f.at)) + '\n' +
          (f.expected || f.got ? 'expected: ' + f.expected + '\n     got: ' + f.got : f.summary) }, svg);
    }
    const selection = el('svg:rect', { id: 'selection', class: 'selection', x: 0, y: top, width: 0, height, visibility: 'hidden' }, svg);
    selection.style.pointerEvents = 'none';
  }

  function drawLane(svg, s, sc, w, y, row) {
    const lane = s.lanes[w];
    const g = el('svg:g', { class: 'lane', 'data-wallet': s.wallets[w].id }, svg);
    el('svg:rect', { x: 0, y, width: sc.width, height: LANE_H, class: 'lane-bg' + (row % 2 ? ' odd' : '') }, g);
    for (const [t0, t1, cause] of lane.off || []) {
      if (visible(t0, t1)) span(g, sc, t0, t1, y, LANE_H, 'offline', 'offline ' + precise(t0) + ' \u2013 ' + precise(t1) + ': ' + cause);
    }
    for (const [t0, t1, peer, ok, type, attempts, error] of lane.c || []) {
      if (!visible(t0, t1) || !matchesPeer(s, peer)) continue;
      span(g, sc, t0, t1, y + 3, 9, 'connect ' + (ok ? 'ok' : 'failed'),
        'connect ' + s.wallets[w].id + ' \u2192 ' + peerName(s, peer) + ': ' + (ok ? 'ok via ' + type : 'failed: ' + error) +
        '\n' + precise(t0) + ' \u2013 ' + precise(t1) + ' (' + (t1 - t0).toFixed(1) + ' ms), ' + attempts + ' attempt' + (attempts === 1 ? '' : 's'));
    }
    for (const [t0, t1, peer, n, ok, what] of lane.a || []) {
      if (!visible(t0, t1) || !matchesPeer(s, peer)) continue;
      span(g, sc, t0, t1, y + 13, 5, 'attempt' + (ok ? ' ok' : ''),
        'attempt #' + n + ' to ' + peerName(s, peer) + ': ' + (ok ? 'ok via ' + what : 'failed: ' + what) +
        '\n' + precise(t0) + ' \u2013 ' + precise(t1));
    }
    for (const [t0, t1, rung, target, ok, error] of lane.d || []) {
      if (!visible(t0, t1) || !matchesTarget(s, target)) continue;
      span(g, sc, t0, t1, y + 19, 5, 'rung ' + rung + (ok ? '' : ' failed'),
        'ladder rung ' + rung + ': ' + (ok ? 'ok' : 'failed: ' + error) + '\n' + target + '\n' + precise(t0) + ' \u2013 ' + precise(t1));
    }
    for (const [t, peer, status, type, error] of lane.s || []) {
      if (!visible(t, t) || !matchesPeer(s, peer)) continue;
      const x = sc.x(t);
      el('svg:path', { d: `M${x},${y + 25} l4,4 l-4,4 l-4,-4 Z`, class: 'status ' + status,
        'data-tip': 'status ' + peerName(s, peer) + ' ' + status + (type ? ' ' + type : '') + (error ? ' (' + error + ')' : '') + ' at ' + precise(t) }, g);
    }
    for (const [t, type, message, peer] of lane.e || []) {
      if (!visible(t, t) || (state.peerFilter && !matchesPeer(s, peer))) continue;
      el('svg:circle', { cx: sc.x(t), cy: y + 29, r: 2.6, class: 'event ' + type,
        'data-tip': 'event ' + type + ': ' + message + ' at ' + precise(t) }, g);
    }
    for (const [t, session, st, failure] of lane.x || []) {
      if (!visible(t, t) || state.peerFilter) continue;
      el('svg:rect', { x: sc.x(t) - 2.5, y: y + 24, width: 5, height: 5, class: 'session',
        'data-tip': 'session ' + session + ' ' + st + (failure ? ' (' + failure + ')' : '') + ' at ' + precise(t) }, g);
    }
    // The label last, over a backdrop, so spans starting at time zero never hide it.
    el('svg:rect', { x: 0, y, width: LABEL_W - 4, height: LANE_H, class: 'lane-bg' + (row % 2 ? ' odd' : '') }, g);
    el('svg:text', { x: 6, y: y + 19, class: 'lane-label', 'data-tip': s.wallets[w].id + ' (peer id ' + s.wallets[w].peer + ')' },
      g, s.wallets[w].id.length > 22 ? s.wallets[w].id.slice(0, 21) + '\u2026' : s.wallets[w].id);
  }

  // --- zoom, pan, tooltips -------------------------------------------------------------------------
  function zoomTo(t0, t1) {
    const s = SCENARIOS[state.scenario];
    const until = Math.max(s.until, 1);
    const width = Math.min(Math.max(t1 - t0, 0.01), until);
    t0 = Math.min(Math.max(t0, 0), until - width);
    state.t0 = t0;
    state.t1 = t0 + width;
    draw();
  }
  function zoomBy(factor, around) {
    const at = around === undefined ? (state.t0 + state.t1) / 2 : around;
    zoomTo(at - (at - state.t0) * factor, at + (state.t1 - at) * factor);
  }
  function timeAt(clientX) {
    const rect = $('lanes').getBoundingClientRect();
    const sc = scale();
    return state.t0 + (clientX - rect.left - LABEL_W) / sc.k;
  }

  function wire() {
    $('wallet-filter').addEventListener('input', (e) => { state.walletFilter = e.target.value; applyFilters(); });
    $('peer-filter').addEventListener('input', (e) => { state.peerFilter = e.target.value.trim().toLowerCase(); draw(); });
    $('zoom-in').addEventListener('click', () => zoomBy(0.5));
    $('zoom-out').addEventListener('click', () => zoomBy(2));
    $('zoom-reset').addEventListener('click', () => zoomTo(0, SCENARIOS[state.scenario].until));
    $('pan-left').addEventListener('click', () => zoomTo(state.t0 - (state.t1 - state.t0) / 2, state.t1 - (state.t1 - state.t0) / 2));
    $('pan-right').addEventListener('click', () => zoomTo(state.t0 + (state.t1 - state.t0) / 2, state.t1 + (state.t1 - state.t0) / 2));
    let pending = false;
    const redraw = () => { if (!pending) { pending = true; requestAnimationFrame(() => { pending = false; drawLanes(); }); } };
    $('viewport').addEventListener('scroll', redraw);
    window.addEventListener('resize', () => { if (state.scenario >= 0) draw(); });
    $('viewport').addEventListener('wheel', (e) => {
      if (!e.ctrlKey) return;
      e.preventDefault();
      zoomBy(e.deltaY > 0 ? 1.25 : 0.8, timeAt(e.clientX));
    }, { passive: false });
    // Drag across the lanes: zoom to the dragged time window.
    let dragFrom = null;
    $('lanes').addEventListener('mousedown', (e) => { if (e.button === 0) dragFrom = e.clientX; });
    window.addEventListener('mousemove', (e) => {
      if (dragFrom === null) return;
      const sel = $('selection');
      if (!sel) return;
      const left = Math.min(dragFrom, e.clientX) - $('lanes').getBoundingClientRect().left;
      sel.setAttribute('x', left);
      sel.setAttribute('width', Math.abs(e.clientX - dragFrom));
      sel.setAttribute('visibility', 'visible');
    });
    window.addEventListener('mouseup', (e) => {
      if (dragFrom === null) return;
      const from = dragFrom;
      dragFrom = null;
      if (Math.abs(e.clientX - from) < 5) { drawLanes(); return; }
      const a = timeAt(Math.min(from, e.clientX)), b = timeAt(Math.max(from, e.clientX));
      zoomTo(a, b);
    });
    const tip = $('tip');
    document.addEventListener('mousemove', (e) => {
      const target = e.target.closest ? e.target.closest('[data-tip]') : null;
      if (!target) { tip.hidden = true; return; }
      tip.textContent = target.getAttribute('data-tip');
      tip.hidden = false;
      const x = Math.min(e.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
      tip.style.left = Math.max(x, 4) + 'px';
      tip.style.top = (e.clientY + 16) + 'px';
    });
  }

  function drawLegend() {
    const legend = $('legend');
    const items = [['connect ok', 'var(--pass)'], ['connect failed', 'var(--fail)'], ['attempt', '#7c8698'],
      ['rung webrtc', 'var(--webrtc)'], ['rung relay', 'var(--relay)'], ['rung direct', 'var(--direct)'],
      ['rung relay helper', 'var(--helper)'], ['status connecting', 'var(--connecting)'],
      ['event', '#3a4a6b'], ['session', '#6b3fa0'], ['fault', 'rgba(214,48,49,0.35)'],
      ['offline', 'rgba(40,40,60,0.25)'], ['failed expectation', 'var(--fail)']];
    for (const [label, colour] of items) el('span', { style: '--swatch: ' + colour }, legend, label);
  }

  drawSummary();
  drawLegend();
  wire();
  if (SCENARIOS.length > 0) {
    const failing = SCENARIOS.findIndex((s) => !s.passed);
    select(failing >= 0 ? failing : 0);
  }
  document.documentElement.setAttribute('data-ready', '1');
})();
