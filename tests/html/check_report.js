#!/usr/bin/env node
'use strict';
// The HTML reports in a real browser: writes reports with the connsim command, opens each in
// headless Chromium (Debian's `chromium`) and checks the page as the browser built it:
//   - the script ran to the end (data-ready) and wrote nothing to the console (no errors);
//   - lanes are drawn, and only the visible ones for a large run (virtualised);
//   - a failing run's failures are marked (a marker per failure on the axis, a line across the
//     lanes, expected and got side by side);
//   - no request left the file: none blocked by the page's Content-Security-Policy, and none in
//     Chromium's network log that the page started;
// and saves a screenshot of each page under OUT (CTest: build/tests/html/artifacts/).
// A deliberately bad page (a console error and a fetch) must fail the same checks: the checks
// themselves are tested each run.
//
// usage: check_report.js --connsim BIN --source DIR --out DIR
// Exit 0 pass, 1 fail, 77 skipped (no chromium on PATH and CI is not "true").
// Only node's built-ins are used.
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

function argument(name) {
  const at = process.argv.indexOf(name);
  if (at < 0 || at + 1 >= process.argv.length) {
    process.stderr.write(`usage: check_report.js --connsim BIN --source DIR --out DIR (missing ${name})\n`);
    process.exit(2);
  }
  return path.resolve(process.argv[at + 1]);
}
const connsim = argument('--connsim');
const source = argument('--source');
const out = argument('--out');
fs.mkdirSync(out, { recursive: true });

function findChromium() {
  const names = process.env.CHROMIUM ? [process.env.CHROMIUM] : ['chromium', 'chromium-browser', 'google-chrome'];
  for (const name of names) {
    if (path.isAbsolute(name) && fs.existsSync(name)) return name;
    for (const dir of (process.env.PATH || '').split(path.delimiter)) {
      const candidate = path.join(dir, name);
      if (dir && fs.existsSync(candidate)) return candidate;
    }
  }
  return null;
}
const chromium = findChromium();
if (!chromium) {
  const line = 'html.report: chromium not found; install it with scripts/install-deps.sh (Debian package chromium)';
  if (process.env.CI === 'true') {
    process.stderr.write(`FAIL ${line}\n`);
    process.exit(1);
  }
  process.stdout.write(`SKIP ${line}\n`);
  process.exit(77);
}

// A fresh profile per run, no background traffic, and a resolver that resolves nothing: a page
// that tried to fetch would fail, and its attempt would still show in the network log.
const BROWSER_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-default-apps',
  '--disable-extensions', '--host-resolver-rules=MAP * ~NOTFOUND', '--window-size=1280,900'];

function browse(page, extra) {
  const profile = fs.mkdtempSync(path.join(out, 'profile-'));
  const run = spawnSync(chromium, [...BROWSER_FLAGS, `--user-data-dir=${profile}`, ...extra, 'file://' + page],
    { encoding: 'utf8', timeout: 120000, maxBuffer: 64 * 1024 * 1024 });
  fs.rmSync(profile, { recursive: true, force: true });
  if (run.error) throw run.error;
  return run;
}

/// Requests the page started, from Chromium's network log: those whose network isolation key
/// is the file's (the browser's own traffic has another key) and whose URL is not the file itself.
function pageRequests(netlogFile) {
  const text = fs.readFileSync(netlogFile, 'utf8');
  let log;
  try {
    log = JSON.parse(text);
  } catch (e) {
    log = JSON.parse(text.replace(/,?\s*$/, '') + ']}');  // a log cut short when the browser exited
  }
  const urls = new Set();
  for (const event of log.events || []) {
    const params = event.params || {};
    if (typeof params.url !== 'string' || /^(file|data|about|chrome|blob):/.test(params.url)) continue;
    const key = String(params.network_isolation_key || '');
    if (key.startsWith('file://') || params.initiator === 'null') urls.add(params.url);
  }
  return [...urls];
}

/// Opens `page`, returns {dom, problems}: what is wrong with it as a self-contained page.
function openPage(page) {
  const netlog = page + '.netlog.json';
  const run = browse(page, ['--enable-logging=stderr', '--v=0', `--log-net-log=${netlog}`, '--dump-dom']);
  const dom = run.stdout || '';
  const problems = [];
  if (run.status !== 0) problems.push(`chromium exited ${run.status}`);
  for (const line of (run.stderr || '').split('\n')) {
    if (line.includes(':CONSOLE')) problems.push('console: ' + line.replace(/^.*:CONSOLE[^\]]*\]\s*/, ''));
  }
  if (!/<html[^>]*\sdata-ready="1"/.test(dom)) problems.push('the page script did not finish (no data-ready)');
  const blocked = /data-blocked-requests="(\d+)"/.exec(dom);
  if (blocked) problems.push(`${blocked[1]} request(s) blocked by the page's policy`);
  for (const url of fs.existsSync(netlog) ? pageRequests(netlog) : ['(no network log written)']) {
    problems.push('request left the file: ' + url);
  }
  return { dom, problems };
}

function count(dom, pattern) { return (dom.match(pattern) || []).length; }

function screenshot(page, png) {
  const run = browse(page, [`--screenshot=${png}`]);
  if (run.status !== 0 || !fs.existsSync(png) || fs.statSync(png).size < 10000) {
    return [`no screenshot written to ${png} (chromium exited ${run.status})`];
  }
  return [];
}

function connsimRun(args, expectedStatus) {
  const run = spawnSync(connsim, ['run', ...args], { cwd: source, encoding: 'utf8', timeout: 240000 });
  if (run.status !== expectedStatus) {
    throw new Error(`connsim run ${args.join(' ')} exited ${run.status}, expected ${expectedStatus}\n${run.stderr}`);
  }
}

const failures = [];
function check(name, ok, detail) {
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ': ' + detail : ''}\n`);
  if (!ok) failures.push(name);
}

// 1. A run with a failing scenario: the report opens on it, with its failures marked.
const failingPage = path.join(out, 'run-failing.html');
connsimRun(['examples/relay-fallback-wrong.json', 'examples/relay-fallback.json', 'scenarios/library/21-partitions.json',
  '--html', failingPage], 1);
{
  const { dom, problems } = openPage(failingPage);
  check('failing run: a self-contained page without console errors', problems.length === 0, problems.join('; '));
  check('failing run: summary rows, one failed', count(dom, /<tr class="pass"/g) === 2 && count(dom, /<tr class="fail[ "]/g) === 1);
  check('failing run: a lane per wallet of the failing scenario', count(dom, /<g class="lane"/g) === 2,
    `${count(dom, /<g class="lane"/g)} lanes`);
  check('failing run: both failures marked on the time axis', count(dom, /class="failure-mark"/g) === 2);
  check('failing run: failures drawn across the lanes', count(dom, /class="failure-line"/g) === 2);
  check('failing run: expected and got side by side', count(dom, /<td class="expected">/g) === 2 &&
    dom.includes('<td class="expected">last connection_type webrtc</td>') && count(dom, /<td class="got">/g) === 2);
  check('failing run: connects, attempts and rungs drawn', dom.includes('class="connect ok"') &&
    dom.includes('class="attempt ok"') && dom.includes('class="rung webrtc failed"') && dom.includes('class="rung relay"'));
  const shot = screenshot(failingPage, path.join(out, 'run-failing.png'));
  check('failing run: screenshot saved', shot.length === 0, shot.join('; '));
}

// 2. A larger run: lanes are virtualised (only the visible ones are in the page).
const swarmPage = path.join(out, 'run-swarm-100.html');
connsimRun(['bench/scenarios/swarm-100.json', '--html', swarmPage], 0);
{
  const { dom, problems } = openPage(swarmPage);
  check('swarm: a self-contained page without console errors', problems.length === 0, problems.join('; '));
  const lanes = count(dom, /<g class="lane"/g);
  check('swarm: the visible lanes drawn, not all 100', lanes > 10 && lanes < 100, `${lanes} lanes`);
  check('swarm: no failure marked on a passing run', count(dom, /class="failure-mark"/g) === 0);
  const shot = screenshot(swarmPage, path.join(out, 'run-swarm-100.png'));
  check('swarm: screenshot saved', shot.length === 0, shot.join('; '));
}

// 3. A sweep's dashboard: the plots inline, the summary table with the seed-default row.
const sweepDir = path.join(out, 'sweep');
{
  const run = spawnSync(connsim, ['sweep', 'examples/relay-fallback.json', '--policies', 'fixed,exponential',
    '--max-attempts', '1,3', '--base-delays', '1s', '--concurrency', 'batch:3', '--seeds', '3', '--jobs', '2',
    '--out', sweepDir], { cwd: source, encoding: 'utf8', timeout: 240000 });
  check('sweep: connsim sweep ran', run.status === 0, run.stderr);
  const page = path.join(sweepDir, 'index.html');
  const { dom, problems } = openPage(page);
  check('sweep: a self-contained page without console errors', problems.length === 0, problems.join('; '));
  check('sweep: a row per grid point, the seed default highlighted',
    count(dom, /<tbody>.*?<\/tbody>/s) === 1 && count(dom, /<tr class="default-row">/g) === 1 && count(dom, /<tr class="/g) === 4);
  check('sweep: every column sortable', count(dom, /<th class="sortable"/g) > 10);
  const plots = count(dom, /<img src="data:image\//g);
  check('sweep: the plots inline (or a note that gnuplot is missing)', plots === 4 || dom.includes('No plots'), `${plots} plots`);
  const shot = screenshot(page, path.join(out, 'sweep.png'));
  check('sweep: screenshot saved', shot.length === 0, shot.join('; '));
}

// 4. The checks catch what they look for: a page with a console error and a fetch fails them.
const badPage = path.join(out, 'negative-control.html');
fs.writeFileSync(badPage, '<!doctype html><html><body><script>console.error("boom"); ' +
  'document.documentElement.setAttribute("data-ready", "1");</script><img src="http://connsim.invalid/x.png"></body></html>');
{
  const { problems } = openPage(badPage);
  check('negative control: a console error is caught', problems.some((p) => p.startsWith('console:')), problems.join('; '));
  check('negative control: a request leaving the file is caught',
    problems.some((p) => p.startsWith('request left the file: http://connsim.invalid/')), problems.join('; '));
}

process.stdout.write(failures.length === 0 ? 'all checks passed\n' : `${failures.length} check(s) failed\n`);
process.exit(failures.length === 0 ? 0 : 1);
