'use strict';
// HostedWallet: one wallet of the run on the JavaScript side: its current process (a fresh
// evaluation of the store bundle with its own Pinia and its own node) and the processes a
// reload retired. A retired process is detached, as the C++ NodeProcess after exit(): its
// libp2p calls fail at once with "Process exited" (getConnections finds nothing), it receives
// no more events and nothing it does is reported; its pending calls still settle.

const util = require('util');
const fs = require('fs');

const PROCESS_EXITED = 'Process exited';
const CONNECTION_TYPES = ['webrtc', 'relay', 'direct'];

function error_text(error) {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}

/// A connect result on the wire: {success, connection_type, error?}.
function wire_connect_result(result) {
  if (result === null || typeof result !== 'object') return { success: false, connection_type: 'none', error: `not a result: ${util.inspect(result)}` };
  const out = { success: !!result.success, connection_type: result.connectionType ?? 'none' };
  if (result.error !== undefined) out.error = result.error;
  return out;
}

/// Any value the store returned, made JSON: Maps become [[key, value], ...] entry lists.
function wire_value(value) {
  if (value instanceof Map) return Array.from(value.entries(), ([k, v]) => [k, wire_value(v)]);
  if (value instanceof Set) return Array.from(value, wire_value);
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(wire_value);
  if (value !== null && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = wire_value(v);
    return out;
  }
  return value;
}

class HostedWallet {
  /// `config`: {wallet, peer_id, options, shared_wallets}. Throws when the store cannot start.
  constructor(host, config) {
    this.host = host;
    this.id = config.wallet;
    this.peer_id = config.peer_id;
    this.options = config.options ?? {};
    this.shared_wallets = config.shared_wallets ?? [];
    this.process = null;
    this.retired = [];
    this.field_log_sink = undefined;
    this.start_process();
  }

  /// A reload: the current process retires and a fresh one starts with empty stores.
  reload() {
    if (this.process) {
      this.process.alive = false;
      this.process.exporter.stop();
      this.retired.push(this.process);
    }
    this.process = null;
    this.start_process();
  }

  start_process() {
    const proc = { alive: true, pubsub: [], p2p: null, musig2: null, contacts: null };
    const node = this.make_node(proc);
    const prefix = `[${this.id}] `;
    const write = (...args) => fs.writeSync(2, prefix + util.format(...args) + '\n');
    const wallet_console = { ...console, log: write, info: write, warn: write, error: write, debug: write, trace: write };
    const exports = this.host.loader.instantiate(node, wallet_console);
    const pinia = exports.createPinia();
    exports.setActivePinia(pinia);
    proc.contacts = exports.useContactsStore(pinia);
    proc.p2p = exports.useP2PStore(pinia);
    proc.musig2 = exports.useMuSig2Store(pinia);
    this.observe(proc);
    // The wallet's field log, one across reloads (the field persists the sink the same way).
    proc.exporter = exports.createFieldLogExporter({ p2p: proc.p2p, musig2: proc.musig2 },
      { peerId: this.peer_id, name: this.id, sink: this.field_log_sink });
    this.field_log_sink = proc.exporter.sink;
    this.process = proc;
    for (const shared of this.shared_wallets) {
      proc.musig2.addSharedWallet({
        id: shared.id,
        participants: (shared.participants ?? []).map((p) => ({ peerId: p.peer_id, publicKey: p.public_key ?? `pubkey-${p.peer_id}` })),
      });
    }
  }

  /// The '@connsim/node' object of one process.
  make_node(proc) {
    const host = this.host;
    const wallet = this.id;
    return {
      peerId: this.peer_id,
      options: this.options,
      now: () => host.clock.now_ns,
      getConnections(peer) {
        if (!proc.alive) return [];
        const type = host.sync_call({ call: 'existing_connection', wallet, peer }, (value) =>
          value === null || CONNECTION_TYPES.includes(value));
        return type === null ? [] : [{ remotePeer: peer, type }];
      },
      // `options.signal`: an AbortSignal, as libp2p's dial takes one (js/PROTOCOL.md, `abort`).
      dial(addr, options = undefined) {
        if (!proc.alive) return Promise.reject(new Error(PROCESS_EXITED));
        return host.async_call({ call: 'dial', wallet, addr: String(addr) }, options?.signal);
      },
      dialViaRelay(peer, options = undefined) {
        if (!proc.alive) return Promise.reject(new Error(PROCESS_EXITED));
        return host.async_call({ call: 'dial_via_relay', wallet, peer: String(peer) }, options?.signal);
      },
      send(peer, protocol, payload) {
        if (!proc.alive) return Promise.reject(new Error(PROCESS_EXITED));
        return host.async_call({ call: 'send', wallet, peer: String(peer), protocol: String(protocol), payload: String(payload) });
      },
      on(kind, handler) {
        if (kind !== 'pubsub') throw new Error(`@connsim/node: no event "${kind}" (only "pubsub")`);
        proc.pubsub.push(handler);
      },
      random() {
        return host.sync_call({ call: 'random', wallet }, (value) => typeof value === 'number' && value >= 0 && value < 1);
      },
      reportAttempt(peer, attempt, started, result) {
        if (!proc.alive) return;
        host.report({ ev: 'attempt', wallet, peer, attempt, started, result: wire_connect_result(result) });
      },
    };
  }

  /// Watches the stores as Pinia's $onAction does: status writes, feed entries, connects and
  /// session states, reported the moment they happen.
  observe(proc) {
    const host = this.host;
    const wallet = this.id;
    proc.p2p.$onAction(({ name, args, after, onError }) => {
      if (!proc.alive) return;
      if (name === '_updatePeerConnectionStatus') {
        host.report({ ev: 'status', wallet, peer: args[0], status: args[1], connection_type: args[2] ?? null, error: args[3] ?? null });
      } else if (name === '_addActivityEvent') {
        const event = args[0] ?? {};
        host.report({ ev: 'activity', wallet, type: event.type, peer: event.peerId ?? null, message: event.message });
      } else if (name === 'connectToPresence') {
        const peer = args[0] ? args[0].peerId : null;
        host.report({ ev: 'connect_started', wallet, peer });
        after((result) => {
          if (proc.alive) host.report({ ev: 'connect_finished', wallet, peer, result: wire_connect_result(result) });
        });
        onError((error) => {
          if (proc.alive) host.report({ ev: 'connect_finished', wallet, peer, threw: error_text(error) });
        });
      }
    }, true);
    proc.musig2.$onAction(({ name, args, after }) => {
      if (!proc.alive || name !== '_setSessionState') return;
      after(() => {
        if (!proc.alive) return;
        const session = proc.musig2.sessions.get(args[0]);
        if (!session) return;
        host.report({
          ev: 'session', wallet, session_id: session.id, state: session.state,
          failure: session.failure ?? null, coordinator: session.coordinator === this.peer_id,
          generation: session.generation,
        });
      });
    }, true);
  }

  // --- events from the world ------------------------------------------------------------------

  deliver(message) {
    const proc = this.process;
    const where = `event ${message.kind}`;
    switch (message.kind) {
      case 'presence':
        return this.guard(where, () => proc.p2p._handlePresenceDiscovered(message.presence));
      case 'peer_connect':
        return this.guard(where, () => proc.p2p._handlePeerConnected?.(message.peer, message.connection_type));
      case 'peer_disconnect':
        return this.guard(where, () => proc.p2p._handlePeerDisconnected?.(message.peer));
      case 'pubsub':
        for (const handler of proc.pubsub) this.guard(where, () => handler(message.topic, message.message));
        return undefined;
      case 'message':
        return this.guard(where, () => proc.musig2._handleMessage?.(message.from, message.protocol, message.payload));
      default:
        throw new Error(`unknown event kind ${JSON.stringify(message.kind)}`);
    }
  }

  /// Runs store code; a throw or a rejection is reported as an error, never propagated.
  guard(where, fn, id = undefined) {
    const report = (error) => this.host.report_store_error(this.id, where, error, id);
    try {
      const value = fn();
      if (value && typeof value.then === 'function') value.then(undefined, report);
    } catch (error) {
      report(error);
    }
  }

  // --- actions ---------------------------------------------------------------------------------

  /// Starts an action; its result (or error) is reported under the driver's request id.
  act(id, message) {
    const proc = this.process;
    const where = `action ${message.name}`;
    const finish = (promise, shape) => {
      Promise.resolve(promise).then(
        (value) => this.host.report({ ev: 'result', id, wallet: this.id, value: shape(value) }),
        (error) => this.host.report_store_error(this.id, where, error, id));
    };
    try {
      switch (message.name) {
        case 'connect':
          return finish(proc.p2p.connectToOnlinePeer(message.peer), wire_connect_result);
        case 'connect_many':
          return finish(proc.p2p.connectToMultiplePeers(message.peers),
            (map) => (map instanceof Map ? Array.from(map.entries(), ([peer, r]) => [peer, wire_connect_result(r)]) : wire_value(map)));
        case 'propose_spend':
          return finish(proc.musig2.proposeSpend({
            walletId: message.shared_wallet, recipient: message.recipient ?? 'recipient', amountSats: message.amount_sats ?? 10000,
          }), (r) => (r === undefined ? null : { success: !!r.success, session_id: r.sessionId ?? null, error: r.error ?? null }));
        case 'getter':
          return this.host.report({ ev: 'result', id, wallet: this.id, value: this.getter(message.getter, message.peer) });
        case 'invoke': {
          const store = { p2p: proc.p2p, musig2: proc.musig2, contacts: proc.contacts }[message.store];
          if (!store) throw new Error(`unknown store ${JSON.stringify(message.store)}`);
          if (typeof store[message.action] !== 'function') throw new Error(`store ${message.store} has no action ${JSON.stringify(message.action)}`);
          return finish(store[message.action](...(message.args ?? [])), wire_value);
        }
        default:
          throw new Error(`unknown action ${JSON.stringify(message.name)}`);
      }
    } catch (error) {
      return this.host.report_store_error(this.id, where, error, id);
    }
  }

  getter(name, peer) {
    const p2p = this.process.p2p;
    switch (name) {
      case 'connected_online_peer_count': return p2p.connectedOnlinePeerCount;
      case 'is_peer_connected': return p2p.isPeerConnected(peer);
      case 'peer_status': {
        const s = p2p.getPeerConnectionStatus(peer);
        return { status: s.status, connection_type: s.connectionType ?? null, error: s.error ?? null };
      }
      case 'field_log': return this.process.exporter.log();
      case 'state': {
        const { p2p: a, musig2: b, contacts: c } = this.process;
        return wire_value({ p2p: a.$state, musig2: b.$state, contacts: c.$state });
      }
      default:
        throw new Error(`unknown getter ${JSON.stringify(name)}`);
    }
  }
}

module.exports = { HostedWallet, error_text, wire_value, PROCESS_EXITED };
