'use strict';
// Host: the JavaScript side of connsim's lockstep pipe (js/PROTOCOL.md). It owns the virtual
// clock, the wallets and the outstanding libp2p calls; it handles one driver message at a time,
// lets V8 run everything that becomes runnable at that instant (microtasks, and timers only when
// the driver advances the clock), and then reports `idle` with the next timer's due time.

const { HostedWallet, error_text } = require('./hosted_wallet');

const PROTOCOL = 'connsim-js/1';

class ProtocolError extends Error {}

class Host {
  constructor({ wire, clock, loader, real }) {
    this.wire = wire;
    this.clock = clock;
    this.loader = loader;
    this.real = real;  // the real setImmediate etc., captured before the clock was installed
    this.wallets = new Map();
    this.pending = new Map();  // async call id -> {resolve, reject}
    this.aborted = new Set();  // async call ids the store aborted; the driver's resolve is dropped
    this.next_call_id = 1;
    this.stopping = false;
  }

  // --- output ----------------------------------------------------------------------------------

  report(message) {
    this.wire.send({ ...message, t: this.clock.now_ns });
  }

  report_store_error(wallet, where, error, id = undefined) {
    const message = { ev: 'error', kind: 'store', wallet, where, message: error_text(error) };
    if (id !== undefined) message.id = id;
    if (error instanceof Error && error.stack) message.stack = error.stack;
    this.report(message);
  }

  /// Starts wallet `id`'s stores with `start` (its create or a reload) and reports `created`, or
  /// the stores' error as an error `where`.
  start_stores(id, where, start) {
    try {
      start();
      this.report({ ev: 'created', wallet: id });
    } catch (error) {
      this.report_store_error(id, where, error);
    }
  }

  report_protocol_error(text, line = undefined) {
    const message = { ev: 'error', kind: 'protocol', message: text };
    if (line !== undefined) message.line = line;
    this.report(message);
  }

  // --- calls the store makes --------------------------------------------------------------------

  /// A call the driver answers at once: blocks until its `reply`. `valid` checks the value.
  sync_call(call, valid) {
    const id = this.next_call_id++;
    this.report({ ...call, id });
    const line = this.wire.read_line();
    if (line === null) this.exit_on_eof(`while waiting for the reply to call ${id}`);
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      message = null;
    }
    if (!message || message.op !== 'reply' || message.id !== id) {
      const text = `expected {"op":"reply","id":${id}} for ${call.call}, got: ${line.slice(0, 200)}`;
      this.report_protocol_error(text, this.wire.lines_read);
      throw Object.assign(new ProtocolError(`connsim host: ${text}`), { reported: true });
    }
    const value = message.value === undefined ? null : message.value;
    if (!valid(value)) {
      const text = `bad reply value to ${call.call} (call ${id}): ${JSON.stringify(value)}`;
      this.report_protocol_error(text, this.wire.lines_read);
      throw Object.assign(new ProtocolError(`connsim host: ${text}`), { reported: true });
    }
    return value;
  }

  /// A call the driver settles later with `resolve`. With an AbortSignal (libp2p's `{ signal }`
  /// option): already aborted, it rejects with the signal's reason and nothing is sent; aborted
  /// while pending, it rejects at once with the reason and the driver is told (`abort`), which
  /// cancels the operation in the world and still settles the call (that resolve is dropped).
  async_call(call, signal = undefined) {
    if (signal && signal.aborted) return Promise.reject(signal.reason);
    const id = this.next_call_id++;
    return new Promise((resolve, reject) => {
      const entry = { resolve, reject, done: () => {} };
      this.pending.set(id, entry);
      this.report({ ...call, id });
      if (!signal) return;
      const on_abort = () => {
        if (this.pending.get(id) !== entry) return;
        this.pending.delete(id);
        this.aborted.add(id);
        reject(signal.reason);
        this.report({ call: 'abort', wallet: call.wallet, id });
      };
      signal.addEventListener('abort', on_abort, { once: true });
      entry.done = () => signal.removeEventListener('abort', on_abort);
    });
  }

  exit_on_eof(context) {
    process.stderr.write(`connsim js host: input ended ${context}\n`);
    process.exit(3);
  }

  // --- the loop ----------------------------------------------------------------------------------

  async run() {
    this.report({ ev: 'ready', protocol: PROTOCOL, store: this.loader.store_dir, node: process.version });
    for (;;) {
      const line = this.wire.read_line();
      if (line === null) return 0;
      if (line.trim() === '') continue;
      await this.handle_line(line);
      if (this.stopping) {
        this.report({ ev: 'bye' });
        return 0;
      }
      await this.drain();
      this.report({ ev: 'idle', next_timer: this.clock.next_due() });
    }
  }

  /// Lets every microtask (and nextTick) that is runnable now run to completion.
  drain() {
    return new Promise((resolve) => this.real.setImmediate(resolve));
  }

  async handle_line(line) {
    let message;
    try {
      message = JSON.parse(line);
    } catch (error) {
      this.report_protocol_error(`not JSON: ${error.message}`, this.wire.lines_read);
      return;
    }
    try {
      await this.handle(message);
    } catch (error) {
      if (error instanceof ProtocolError) {
        if (!error.reported) this.report_protocol_error(error.message, this.wire.lines_read);
      } else {
        this.report_protocol_error(`host failure: ${error_text(error)}`, this.wire.lines_read);
      }
    }
  }

  wallet(message) {
    const wallet = this.wallets.get(message.wallet);
    if (!wallet) throw new ProtocolError(`unknown wallet ${JSON.stringify(message.wallet)}`);
    return wallet;
  }

  async handle(message) {
    if (message === null || typeof message !== 'object' || Array.isArray(message)) {
      throw new ProtocolError('a message must be a JSON object');
    }
    if (message.t !== undefined) {
      if (!Number.isSafeInteger(message.t) || message.t < 0) {
        throw new ProtocolError(`"t" must be a non-negative integer of nanoseconds, got ${JSON.stringify(message.t)}`);
      }
      if (message.t < this.clock.now_ns) {
        throw new ProtocolError(`"t" ${message.t} is before the clock (${this.clock.now_ns}); time never goes back`);
      }
    }
    switch (message.op) {
      case 'advance':
        if (message.t === undefined) throw new ProtocolError('advance needs "t"');
        await this.fire_timers(message.t, true);
        this.clock.set_now(message.t);
        return;
      case 'shutdown':
        this.stopping = true;
        return;
      default:
        break;
    }
    if (message.t !== undefined) {
      await this.fire_timers(message.t, false);  // the driver should have advanced; be lenient
      this.clock.set_now(message.t);
    }
    switch (message.op) {
      case 'create': {
        if (typeof message.wallet !== 'string' || message.wallet === '') throw new ProtocolError('create needs "wallet"');
        if (this.wallets.has(message.wallet)) throw new ProtocolError(`wallet ${JSON.stringify(message.wallet)} exists`);
        if (typeof message.peer_id !== 'string' || message.peer_id === '') throw new ProtocolError('create needs "peer_id"');
        this.start_stores(message.wallet, 'create', () => {
          this.wallets.set(message.wallet, new HostedWallet(this, message));
        });
        return;
      }
      case 'reload': {
        const wallet = this.wallet(message);
        this.start_stores(wallet.id, 'reload', () => wallet.reload());
        return;
      }
      case 'event': {
        const wallet = this.wallet(message);
        if (!wallet.process) throw new ProtocolError(`wallet ${wallet.id} has no running process`);
        try {
          wallet.deliver(message);
        } catch (error) {
          throw new ProtocolError(error.message);
        }
        return;
      }
      case 'action': {
        if (message.id === undefined) throw new ProtocolError('action needs "id"');
        const wallet = this.wallet(message);
        if (!wallet.process) throw new ProtocolError(`wallet ${wallet.id} has no running process`);
        wallet.act(message.id, message);
        return;
      }
      case 'resolve': {
        if (this.aborted.delete(message.id)) return;  // the store aborted it: nobody waits
        const call = this.pending.get(message.id);
        if (!call) throw new ProtocolError(`no pending call ${JSON.stringify(message.id)}`);
        this.pending.delete(message.id);
        call.done();
        if (message.ok === true) call.resolve(undefined);
        else call.reject(new Error(typeof message.error === 'string' ? message.error : 'Unknown error'));
        return;
      }
      case 'reply':
        throw new ProtocolError(`reply ${JSON.stringify(message.id)} when no call waits for one`);
      default:
        throw new ProtocolError(`unknown op ${JSON.stringify(message.op)}`);
    }
  }

  /// Fires the timers due before `t` (or at `t` when `inclusive`), earliest first, each followed
  /// by a drain: what an event loop would do between two timers.
  async fire_timers(t, inclusive) {
    const limit = inclusive ? t : t - 1;
    for (;;) {
      const timer = this.clock.take_due(limit);
      if (timer === null) return;
      try {
        timer.fire();
      } catch (error) {
        this.report_store_error(null, 'timer', error);
      }
      await this.drain();
    }
  }
}

module.exports = { Host, ProtocolError, PROTOCOL };
