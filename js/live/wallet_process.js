// One wallet of a live run: the wallet's JavaScript store (js/store, the same code the lockstep
// host runs; HostedWallet from js/host) driving a real js-libp2p node through '@connsim/node'.
// The store's timers run on the wall clock; every report carries `t`, nanoseconds since the
// run's start (the conductor's clock, shared by every process of the run).
//
// Store-facing calls, as js/PROTOCOL.md defines them, on libp2p:
//   getConnections(peer)  libp2p.getConnections(peer): the best open one (webrtc/direct before
//                         relay), typed by its remote address (libp2p_nodes.connectionType)
//   dial(addr)            libp2p.dial(addr) with libp2p's own timeouts
//   dialViaRelay(peer)    the SDK helper: a circuit through each connected relay in turn
//   send(peer, p, data)   one stream of MESSAGE_PROTOCOL on the best connection; with the SDK's
//                         `broadcast_skips_relay` (default) nothing is sent over a relay-only
//                         connection and the call succeeds, as the shipped SDK did
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import { createWallet, connectionType, hostKey } from './libp2p_nodes.js'
import { GOSSIP_PROTOCOL, PRESENCE_TOPIC } from './presence_hub.js'
import { sendJson, readJsonLines } from './json_lines.js'
import { CppStore } from './cpp_store.js'
import { RelayReconnect, relayListenAddrs } from './relay_reconnect.js'
import { relayDialHelper } from './relay_dial.js'

const require = createRequire(import.meta.url)
const JS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const { HostedWallet } = require(path.join(JS_DIR, 'host', 'hosted_wallet.js'))
const { StoreLoader } = require(path.join(JS_DIR, 'host', 'store_loader.js'))

export const MESSAGE_PROTOCOL = '/connsim/musig2/1.0.0'
// libp2p's start() has tried every reservation; their addresses may take a moment to show.
const RESERVATION_WAIT_MS = 1000
const TYPE_RANK = { webrtc: 0, direct: 1, relay: 2 }

/** `promise`, rejecting with `signal`'s reason as soon as the signal aborts (no signal: itself). */
function untilAborted(promise, signal) {
  if (!signal) return promise
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then((value) => {
      signal.removeEventListener('abort', onAbort)
      resolve(value)
    }, (error) => {
      signal.removeEventListener('abort', onAbort)
      reject(error)
    })
  })
}

/// xorshift64*: the store's `random()` stream, seeded per wallet.
function makeRandom(seedText) {
  let state = 0x9e3779b97f4a7c15n
  for (const ch of seedText) state = BigInt.asUintN(64, (state ^ BigInt(ch.charCodeAt(0))) * 0x100000001b3n)
  if (state === 0n) state = 1n
  return () => {
    state ^= state >> 12n; state = BigInt.asUintN(64, state ^ (state << 25n)); state ^= state >> 27n
    const out = BigInt.asUintN(64, state * 0x2545f4914f6cdd1dn)
    return Number(out >> 11n) / 2 ** 53
  }
}

export class LiveWallet {
  /// `config`: the conductor's wallet entry (conductor.js walletConfig), `emit`: writes a report.
  constructor(config, emit) {
    this.config = config
    this.emit = emit
    this.libp2p = null
    this.online = false
    this.gossip = null
    this.advertised = 0
    this.byLibp2p = new Map(Object.entries(config.directory).map(([peer, id]) => [id, peer]))
    this.random = makeRandom(`${config.seed}/${config.wallet}`)
  }

  nowNs() { return Math.max(0, Math.round((performance.timeOrigin + performance.now() - this.config.start_epoch_ms) * 1e6)) }

  async start() {
    if (this.config.store === 'cpp') return this.startCppStore()
    this.loader = await new StoreLoader(this.config.store_dir).build()
    const live = this
    const host = {
      loader: this.loader,
      clock: { get now_ns() { return live.nowNs() } },
      report: (message) => this.emit({ ...message, t: this.nowNs() }),
      report_store_error: (wallet, where, error, id) => {
        const message = { ev: 'error', kind: 'store', wallet, where, message: error instanceof Error ? error.message : String(error) }
        if (id !== undefined) message.id = id
        this.emit({ ...message, t: this.nowNs() })
      },
    }
    class Wallet extends HostedWallet {
      make_node(proc) { return live.storeNode(proc) }
    }
    this.store = new Wallet(host, {
      wallet: this.config.wallet, peer_id: this.config.peer_id,
      options: this.config.options, shared_wallets: this.config.shared_wallets,
    })
    this.store.host.report({ ev: 'created', wallet: this.config.wallet })
  }

  /// The C++ store (connsim-live-store) on this wallet's node, through the same storeNode seam.
  /// If its process dies, so does this one: the wallet has lost its store (the conductor ends
  /// the run, docs/LIVE.md).
  startCppStore() {
    this.store = new CppStore({
      binary: this.config.store_binary,
      config: this.config,
      node: this.storeNode({ alive: true, pubsub: [] }),
      emit: this.emit,
      onExit: (code, signal) => {
        process.stderr.write(`the C++ store process (${this.config.store_binary}) exited (${signal ?? code})\n`)
        process.exit(1)
      },
    })
  }

  // --- the network --------------------------------------------------------------------------

  libp2pId(peer) { return this.config.directory[peer] }

  bestConnection(peer) {
    if (!this.online || !this.libp2p) return null
    const id = this.libp2pId(peer)
    if (!id) return null
    const open = this.libp2p.getConnections(peerIdFromString(id)).filter((c) => c.status === 'open')
    open.sort((a, b) => TYPE_RANK[connectionType(a)] - TYPE_RANK[connectionType(b)])
    return open[0] ?? null
  }

  storeNode(proc) {
    const live = this
    const wallet = this.config.wallet
    const handlers = proc.pubsub
    this.pubsubHandlers = handlers
    const relayDial = relayDialHelper(live)
    return {
      peerId: this.config.peer_id,
      options: this.config.options,
      now: () => live.nowNs(),
      getConnections(peer) {
        const c = live.bestConnection(String(peer))
        return c ? [{ remotePeer: String(peer), type: connectionType(c) }] : []
      },
      // `options.signal` (cancel_on_timeout's AbortController): passed to libp2p, and the call
      // rejects with the signal's reason as soon as it aborts, as the simulated node does.
      async dial(addr, options = undefined) {
        const signal = options?.signal
        signal?.throwIfAborted()
        if (!live.online) throw new Error('Node is offline')
        await untilAborted(live.libp2p.dial(multiaddr(String(addr)), { signal }), signal)
      },
      async dialViaRelay(peer, options = undefined) {
        const signal = options?.signal
        signal?.throwIfAborted()
        return await untilAborted(relayDial(peer, signal), signal)
      },
      async send(peer, protocol, payload) {
        if (!live.online) throw new Error('Node is offline')
        const c = live.bestConnection(String(peer))
        if (!c) throw new Error('Peer not connected')
        if (connectionType(c) === 'relay' && live.config.broadcast_skips_relay) return
        const stream = await c.newStream(MESSAGE_PROTOCOL, { runOnLimitedConnection: true })
        sendJson(stream, { protocol: String(protocol), payload: String(payload), from: live.config.peer_id })
        await stream.close()
      },
      on(kind, handler) {
        if (kind !== 'pubsub') throw new Error(`@connsim/node: no event "${kind}" (only "pubsub")`)
        handlers.push(handler)
      },
      random: () => live.random(),
      reportAttempt(peer, attempt, started, result) {
        if (!proc.alive) return
        const r = result ?? {}
        const wire = { success: !!r.success, connection_type: r.connectionType ?? 'none' }
        if (r.error !== undefined) wire.error = r.error
        live.emit({ ev: 'attempt', wallet, peer, attempt, started, result: wire, t: live.nowNs() })
      },
    }
  }

  /// Starts the libp2p node and joins: reservations on the wallet's relays, the gossip stream to
  /// the bootstrap node, then the presence advertisement.
  async goOnline() {
    const relayListen = relayListenAddrs(this.config.relays, this.config.relay_reconnect)
    this.libp2p = await createWallet({
      privateKey: await hostKey(this.config.seed, this.config.wallet),
      relayListen, webrtc: this.config.webrtc, inboundLimit: this.config.inbound_limit,
    })
    this.online = true
    this.joining = true
    this.lastRelayCount = 0
    const node = this.libp2p
    node.addEventListener('peer:connect', (event) => {
      const peer = this.byLibp2p.get(event.detail.toString())
      if (!peer || node !== this.libp2p) return
      const c = this.bestConnection(peer)
      this.store.deliver({ kind: 'peer_connect', peer, connection_type: c ? connectionType(c) : 'direct' })
    })
    node.addEventListener('peer:disconnect', (event) => {
      const peer = this.byLibp2p.get(event.detail.toString())
      if (peer && node === this.libp2p) this.store.deliver({ kind: 'peer_disconnect', peer })
    })
    // The C++ store mirrors getConnections (cpp_store.js); the JavaScript store asks libp2p.
    const connectionsChanged = () => { if (node === this.libp2p) this.store.connectionsChanged?.() }
    node.addEventListener('connection:open', connectionsChanged)
    node.addEventListener('connection:close', connectionsChanged)
    node.addEventListener('self:peer:update', () => {
      // A reservation gained after joining (a relay that came back, for example) is advertised;
      // a lost one lowers the count, so that regaining it is advertised again.
      if (node !== this.libp2p || this.joining) return
      const count = this.relayAddrs().length
      if (count > this.lastRelayCount) this.advertise()
      else this.lastRelayCount = count
    })
    await node.handle(MESSAGE_PROTOCOL, (stream) => {
      readJsonLines(stream, (m) => {
        if (node === this.libp2p && typeof m.from === 'string') {
          this.store.deliver({ kind: 'message', from: m.from, protocol: m.protocol, payload: m.payload })
        }
      })
    }, { runOnLimitedConnection: true })
    this.reconnect = new RelayReconnect({
      node, relays: this.config.relays, mode: this.config.relay_reconnect,
      reservedOn: (relay) => this.relayAddrs().includes(`${relay.addr}/p2p-circuit/p2p/${node.peerId.toString()}`),
      current: () => node === this.libp2p,
    })
    await this.reconnect.start()
    await this.waitForReservations()
    this.emit({ ev: 'joined', wallet: this.config.wallet, relays: this.relayAddrs().length, t: this.nowNs() })
    await this.subscribe()
    this.joining = false
    this.advertise()
  }

  async waitForReservations() {
    const deadline = Date.now() + RESERVATION_WAIT_MS
    while (Date.now() < deadline && this.relayAddrs().length < this.config.relays.length) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  async goOffline() {
    this.online = false
    const node = this.libp2p
    this.libp2p = null
    this.gossip = null
    this.store?.connectionsChanged?.()
    if (node) await node.stop()
  }

  /// The wallet's circuit addresses, one per relay it holds a reservation on, in its relay order.
  relayAddrs() {
    if (!this.libp2p) return []
    const self = this.libp2p.peerId.toString()
    const mine = this.libp2p.getMultiaddrs().map(String)
    return this.config.relays
      .map((r) => `${r.addr}/p2p-circuit/p2p/${self}`)
      .filter((a) => mine.includes(a))
  }

  async subscribe() {
    const node = this.libp2p
    const boot = this.config.bootstrap
    try {
      const stream = await node.dialProtocol(multiaddr(`${boot.addr}/p2p/${boot.peerId}`), GOSSIP_PROTOCOL)
      this.gossip = stream
      readJsonLines(stream, (object) => {
        if (node !== this.libp2p) return
        if (object.topic === PRESENCE_TOPIC) {
          this.store.deliver({ kind: 'presence', presence: object.message })
        } else {
          this.store.deliver({ kind: 'pubsub', topic: object.topic, message: object.message })
        }
      })
    } catch (error) {
      this.emit({ ev: 'notice', wallet: this.config.wallet, message: `cannot reach the bootstrap node: ${error.message}`, t: this.nowNs() })
    }
  }

  advertise() {
    if (!this.libp2p) return
    const self = this.libp2p.peerId.toString()
    const relayAddrs = this.relayAddrs()
    this.lastRelayCount = relayAddrs.length
    const listen = this.libp2p.getMultiaddrs().map(String).filter((a) => a.includes('/tcp/') && !a.includes('/p2p-circuit'))
    const webrtcAddr = this.config.webrtc && relayAddrs.length > 0
      ? relayAddrs[0].replace(/\/p2p\/[^/]+$/, `/webrtc/p2p/${self}`) : null
    const createdAt = Date.now()
    const presence = {
      id: `presence-${this.config.peer_id}-${++this.advertised}`,
      peerId: this.config.peer_id,
      multiaddrs: [...listen.slice(0, 1), ...relayAddrs, ...(webrtcAddr ? [webrtcAddr] : [])],
      relayAddrs,
      webrtcAddr,
      walletAddress: `lotus_${this.config.peer_id}`,
      createdAt,
      expiresAt: createdAt + this.config.presence_ttl_ms,
    }
    if (this.config.nickname) presence.nickname = this.config.nickname
    this.emit({ ev: 'advertised', wallet: this.config.wallet, relays: relayAddrs.length, webrtc: webrtcAddr !== null, t: this.nowNs() })
    if (this.gossip) sendJson(this.gossip, { topic: PRESENCE_TOPIC, message: presence })
  }

  async dropConnection(peer) {
    const id = this.libp2pId(peer)
    if (this.libp2p && id) await this.libp2p.hangUp(peerIdFromString(id))
  }
}
