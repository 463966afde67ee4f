// The connsim sweep dashboard: the plots (data: images) and the summary table from the JSON in
// #connsim-data, sortable by any column; the seed-default row and the paired differences from
// it highlighted. Every text goes in through textContent.
//
// Data: scenario, points, seeds, first_seed, last_seed, columns: [name], paired: [{name, of,
// better: 'higher'|'lower'}], rows: [{policy, max_attempts, base_delay_ms, base_delay,
// concurrency, runs, reference, values: [[mean|null, ci95|null, n]] (columns, then paired)}],
// plots: [{name, src}].
'use strict';
(function () {
  const DATA = JSON.parse(document.getElementById('connsim-data').textContent);
  const $ = (id) => document.getElementById(id);
  document.addEventListener('securitypolicyviolation', (e) => {
    const html = document.documentElement;
    html.setAttribute('data-blocked-requests', String(Number(html.getAttribute('data-blocked-requests') || 0) + 1));
    html.setAttribute('data-blocked-uri', e.blockedURI);
  });
  function el(name, attrs, parent, text) {
    const node = document.createElement(name);
    for (const key in attrs || {}) node.setAttribute(key, attrs[key]);
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }

  $('grid-note').textContent = DATA.points + ' grid points \u00d7 ' + DATA.seeds + ' seeds (' + DATA.first_seed +
    '..' + DATA.last_seed + '); the tables are also in summary.csv, summary.md and runs.csv next to this page.';

  const plots = $('plots');
  if (DATA.plots.length === 0) el('p', { class: 'note' }, plots, 'No plots (gnuplot was not run or not found).');
  for (const plot of DATA.plots) {
    const figure = el('figure', {}, plots);
    el('img', { src: plot.src, alt: plot.name }, figure);
    el('figcaption', { class: 'note' }, figure, plot.name);
  }

  // The table's columns: the grid point's options, runs, every summary column, the paired ones.
  const decimals = (name) => /time|_ms$/.test(name) ? 0 : /rate|share/.test(name) ? 3 : 2;
  const show = (v, name) => v[0] === null ? '\u2013' :
    v[0].toFixed(decimals(name)) + (v[1] === null ? '' : ' \u00b1 ' + v[1].toFixed(decimals(name)));
  const columns = [
    { title: 'policy', key: (r) => r.policy, text: (r) => r.policy },
    { title: 'attempts', key: (r) => r.max_attempts, text: (r) => String(r.max_attempts), num: true },
    { title: 'base delay', key: (r) => r.base_delay_ms, text: (r) => r.base_delay, num: true },
    { title: 'concurrency', key: (r) => r.concurrency, text: (r) => r.concurrency },
    { title: 'runs', key: (r) => r.runs, text: (r) => String(r.runs), num: true },
  ];
  DATA.paired.forEach((p, k) => {
    const index = DATA.columns.length + k;
    columns.push({ title: '\u0394 ' + p.of, key: (r) => r.values[index][0], text: (r) => show(r.values[index], p.of), num: true,
      paired: p, index });
  });
  DATA.columns.forEach((name, index) => {
    columns.push({ title: name, key: (r) => r.values[index][0], text: (r) => show(r.values[index], name), num: true });
  });

  // A paired difference is real when its interval excludes 0; then better or worse by the column.
  function verdict(row, column) {
    const [mean, ci] = row.values[column.index];
    if (mean === null || ci === null || Math.abs(mean) <= ci || row.reference) return '';
    return (mean > 0) === (column.paired.better === 'higher') ? 'better' : 'worse';
  }

  const head = document.querySelector('#summary-table thead tr');
  const body = document.querySelector('#summary-table tbody');
  let sortBy = -1, ascending = true;
  columns.forEach((column, i) => {
    const th = el('th', { class: 'sortable', 'data-column': String(i) }, head, column.title);
    th.addEventListener('click', () => {
      ascending = sortBy === i ? !ascending : true;
      sortBy = i;
      drawRows();
    });
  });

  function drawRows() {
    const rows = DATA.rows.slice();
    if (sortBy >= 0) {
      const key = columns[sortBy].key;
      rows.sort((a, b) => {
        const x = key(a), y = key(b);
        if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;  // no data last
        const order = typeof x === 'number' ? x - y : String(x).localeCompare(String(y));
        return ascending ? order : -order;
      });
    }
    head.querySelectorAll('th').forEach((th, i) => {
      th.classList.toggle('sorted-asc', i === sortBy && ascending);
      th.classList.toggle('sorted-desc', i === sortBy && !ascending);
    });
    body.textContent = '';
    for (const row of rows) {
      const tr = el('tr', { class: row.reference ? 'default-row' : '' }, body);
      for (const column of columns) {
        const cls = (column.num ? 'num ' : '') + (column.paired ? verdict(row, column) : '');
        el('td', { class: cls.trim() }, tr, column.text(row));
      }
    }
  }
  drawRows();
  document.documentElement.setAttribute('data-ready', '1');
})();
