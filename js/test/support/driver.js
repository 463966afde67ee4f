'use strict';
// A driver for the host, in JavaScript, for the tests: it speaks js/PROTOCOL.md exactly as the
// C++ bridge must (lockstep: one message, then every line up to `idle`, answering the
// synchronous calls as they come), and FakeWorld is a scripted world with a virtual clock of
// its own that advances the host's timers in order with its own events.

const { spawn } = require('child_process');
const path = require('path');

const JS_DIR = path.resolve(__dirname, '..', '..');
const HOST = path.join(JS_DIR, 'host', 'main.js');

if (!require('fs').existsSync(path.join(JS_DIR, 'node_modules', 'pinia'))) {
  throw new Error('js/node_modules is missing: run scripts/install-deps.sh (npm ci in js/)');
}

const SECOND = 1_000_000_000;
const MS = 1_000_000;

class LineReader {
  constructor(stream) {
    this.lines = [];
    this.waiters = [];
    this.buffer = '';
    this.ended = false;
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      this.buffer += chunk;
      let i;
      while ((i = this.buffer.indexOf('\n')) >= 0) {
        this.push(this.buffer.slice(0, i));
        this.buffer = this.buffer.slice(i + 1);
      }
    });
    stream.on('end', () => {
      this.ended = true;
      if (this.buffer) this.push(this.buffer);
      this.buffer = '';
      for (const w of this.waiters.splice(0)) w(null);
    });
  }
  push(line) {
    const w = this.waiters.shift();
    if (w) w(line);
    else this.lines.push(line);
  }
  next(timeout_ms = 20000) {
    if (this.lines.length > 0) return Promise.resolve(this.lines.shift());
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the host did not answer within ' + timeout_ms + ' ms')), timeout_ms);
      this.waiters.push((line) => { clearTimeout(timer); resolve(line); });
    });
  }
}

class Driver {
  /// Starts a host. `world` answers calls: answer(call) for existing_connection/random, and
  /// on_call(call, driver) for dial/dial_via_relay/send.
  static async start({ store, world, args = [] } = {}) {
    const argv = [HOST, ...(store ? ['--store', store] : []), ...args];
    const child = spawn(process.execPath, argv, { stdio: ['pipe', 'pipe', 'pipe'], cwd: JS_DIR });
    const driver = new Driver(child, world);
    const ready = await driver.read();
    driver.ready = ready;
    return driver;
  }

  constructor(child, world) {
    this.child = child;
    this.world = world ?? new FakeWorld();
    this.reader = new LineReader(child.stdout);
    this.stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d) => { this.stderr += d; });
    this.exit = new Promise((resolve) => child.on('close', (code) => resolve(code)));  // after stdout/stderr end
    this.log = [];  // every message from the host, in order
    this.next_timer = null;
    this.now = 0;
    this.next_request = 1;
  }

  async read() {
    const line = await this.reader.next();
    if (line === null) return null;
    const message = JSON.parse(line);
    this.log.push(message);
    return message;
  }

  write(message) {
    this.child.stdin.write((typeof message === 'string' ? message : JSON.stringify(message)) + '\n');
  }

  /// Sends one message and returns what the host said up to and including `idle`.
  async send(message) {
    if (message && typeof message === 'object' && message.t !== undefined) this.now = Math.max(this.now, message.t);
    this.write(message);
    return this.until_idle();
  }

  async until_idle() {
    const said = [];
    for (;;) {
      const m = await this.read();
      if (m === null) throw new Error('host exited: ' + this.stderr);
      said.push(m);
      if (m.call === 'existing_connection' || m.call === 'random') {
        this.write({ op: 'reply', id: m.id, value: this.world.answer(m) });
      } else if (m.call) {
        this.world.on_call(m, this);
      } else if (m.ev === 'idle') {
        this.next_timer = m.next_timer;
        return said;
      } else if (m.ev === 'bye' || m.ev === 'fatal') {
        return said;
      }
    }
  }

  /// An action; returns the request id.
  async action(wallet, name, fields = {}, t = this.now) {
    const id = this.next_request++;
    await this.send({ op: 'action', id, wallet, t, name, ...fields });
    return id;
  }

  /// The `result` (or `error`) message for request `id`, once it has been reported.
  settled(id) {
    return this.log.find((m) => (m.ev === 'result' || m.ev === 'error') && m.id === id);
  }

  reports(wallet, kinds) {
    return this.log.filter((m) => m.wallet === wallet && kinds.includes(m.ev));
  }

  /// Sends `shutdown`, reads up to `bye` (or the end) and returns the exit code.
  async close() {
    if (this.child.exitCode === null && this.child.stdin.writable) {
      this.write({ op: 'shutdown' });
      for (;;) {
        const m = await this.read();
        if (m === null || m.ev === 'bye') break;
      }
    }
    return await this.exit;
  }
}

/// Starts a host with Driver.start's `options`, runs `body(driver)` and closes the host after it,
/// whether the body passed or threw.
async function with_driver(options, body) {
  const driver = await Driver.start(options);
  try {
    await body(driver);
  } finally {
    await driver.close();
  }
}

/// A scripted world: its own event queue in virtual time, a table of live connections, and a
/// dial policy per address. run() interleaves its events with the host's timers, earliest
/// first (the world's own events first at a tie), exactly as a lockstep driver must.
class FakeWorld {
  /// `fields` replace the defaults: dial_policy(call), answer(call), randoms.
  constructor(fields = {}) {
    this.queue = [];
    this.seq = 0;
    this.connections = new Map();  // "wallet>peer" -> type
    this.dial_policy = () => ({ ok: false, error: 'Connection refused', after: 10 * MS });
    this.randoms = [];
    this.calls = [];
    this.in_flight = new Map();  // call id -> { cancelled }
    Object.assign(this, fields);
  }

  connect(wallet, peer, type) { this.connections.set(`${wallet}>${peer}`, type); }

  answer(call) {
    if (call.call === 'existing_connection') return this.connections.get(`${call.wallet}>${call.peer}`) ?? null;
    if (call.call === 'random') return this.randoms.length > 0 ? this.randoms.shift() : 0.5;
    throw new Error('not a sync call: ' + call.call);
  }

  on_call(call, driver) {
    this.calls.push(call);
    if (call.call === 'abort') {  // the store gave up on it: cancel it here, settle it at once
      const operation = this.in_flight.get(call.id);
      if (!operation) return;
      operation.cancelled = true;
      this.in_flight.delete(call.id);
      const t = driver.now;
      this.at(t, () => driver.send({ op: 'resolve', id: call.id, t, ok: false, error: 'Operation aborted' }));
      return;
    }
    const outcome = this.dial_policy(call);
    const operation = { cancelled: false };
    this.in_flight.set(call.id, operation);
    if (outcome === 'hold') return;  // never settled (the test settles it)
    const t = driver.now + (outcome.after ?? 0);
    this.at(t, () => {
      if (operation.cancelled) return;
      this.in_flight.delete(call.id);
      if (outcome.ok && outcome.type) this.connect(call.wallet, outcome.peer ?? call.peer, outcome.type);
      return driver.send({ op: 'resolve', id: call.id, t, ok: !!outcome.ok, ...(outcome.ok ? {} : { error: outcome.error }) });
    });
  }

  at(t, fn) { this.queue.push({ t, seq: this.seq++, fn }); }

  /// Runs world events and host timers up to `until` (ns).
  async run(driver, until) {
    for (;;) {
      this.queue.sort((a, b) => a.t - b.t || a.seq - b.seq);
      const event = this.queue[0];
      const timer = driver.next_timer;
      const event_t = event ? event.t : Infinity;
      const timer_t = timer === null ? Infinity : timer;
      if (Math.min(event_t, timer_t) > until) break;
      if (event_t <= timer_t) {
        this.queue.shift();
        driver.now = Math.max(driver.now, event.t);
        await event.fn();
      } else {
        await driver.send({ op: 'advance', t: timer_t });
      }
    }
    if (until > driver.now && until !== Infinity) driver.now = until;
  }
}

/// Creates `wallet` (its peer id the same) at t 0, with the store `options` when given, and gives it
/// at t 0 the presence of each of `peers`: a peer id, or { id, fields } with presence()'s fields.
async function wallet_with_peers(driver, wallet, peers, options = undefined) {
  await driver.send({ op: 'create', wallet, peer_id: wallet, ...(options === undefined ? {} : { options }), t: 0 });
  for (const p of peers) {
    await driver.send({ op: 'event', wallet, t: 0, kind: 'presence', presence: presence(p.id ?? p, p.fields ?? {}) });
  }
}

/// A presence record as gossiped.
function presence(peerId, fields = {}) {
  return {
    id: `presence-${peerId}`, peerId, multiaddrs: [], relayAddrs: [], webrtcAddr: null,
    walletAddress: `lotus_${peerId}`, createdAt: 0, expiresAt: 3_600_000, ...fields,
  };
}

module.exports = { Driver, FakeWorld, with_driver, wallet_with_peers, presence, SECOND, MS, JS_DIR };
