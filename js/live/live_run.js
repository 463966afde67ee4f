// LiveRun: the processes of one live run and its timeline on the wall clock.
//
// Time: t = 0 is when every process is ready and every wallet online from the start has joined
// (Node and libp2p start in a second or more each, which is not part of the scenario); every
// `t` reported is nanoseconds since then. A step at
// `at` is started at t = at (timers: a few ms late under load, never early). The run ends at
// the plan's `until`, or earlier once every step has started, every action has settled, every
// getter has been read and nothing has been reported for `quiet_ms` (the scenario's default
// `until` of 10 minutes would otherwise keep a live run waiting on nothing).
import fs from 'node:fs'
import { PeerProcess } from './processes.js'
import { hostPeerId } from './libp2p_nodes.js'
import { run as runCommand } from './topology.js'
import {
  BOOTSTRAP_ADDRESS, BOOTSTRAP_PORT, RELAY_PORT, STUN_ADDRESS, STUN_PORT, relayAddress, walletPublicAddress,
} from './addresses.js'

const RELOAD_TIME_MS = 1000

export class LiveRun {
  constructor(plan, topology, emit) {
    this.plan = plan
    this.topology = topology
    this.emit = emit
    this.logDir = `/tmp/connsim-live-${topology.run_id}`
    fs.mkdirSync(this.logDir, { recursive: true })
    this.startEpochMs = null
    this.relays = []        // PeerProcess | null per relay
    this.wallets = []       // PeerProcess per wallet (the current one)
    this.others = []        // stun, bootstrap
    this.pending = new Map()  // action id -> {kind: 'step'|'getter', step, run, expectation, wallet}
    this.nextActionId = 1
    this.lastReportMs = 0
    this.stepsLeft = 0
    this.timers = []
    this.stopping = false
  }

  nowNs() {
    if (this.startEpochMs === null) return 0
    return Math.max(0, Math.round((performance.timeOrigin + performance.now() - this.startEpochMs) * 1e6))
  }

  nowMs() { return this.nowNs() / 1e6 }

  spawn(name, ns, config, onReport, onUnexpectedExit) {
    return new PeerProcess({
      name, ns, config,
      logFile: `${this.logDir}/${name}.log`,
      onReport: (report) => { this.lastReportMs = this.nowMs(); onReport?.(report) },
      onExit: (code, signal) => {
        if (!this.stopping && !this.expectedExits.has(name)) {
          const message = `${name} exited unexpectedly (${signal ?? code}); see ${this.logDir}/${name}.log`
          this.emit({ ev: 'notice', message, t: this.nowNs() })
          onUnexpectedExit?.()
          this.abort(message)
        }
        this.expectedExits.delete(name)
      },
    })
  }

  /// A process of the run died unexpectedly: the run cannot go on as the scenario says. It ends
  /// within 50 ms (play's poll; the conductor tears everything down as at a normal end) and connsim fails it with
  /// `message` (an `aborted` report).
  abort(message) {
    if (this.aborted) return
    this.aborted = message
    this.emit({ ev: 'aborted', message, t: this.nowNs() })
  }

  relayConfig(k) {
    const relay = this.plan.relays[k]
    return {
      role: 'relay', name: `relay:${relay.id}`, seed: this.plan.seed, relay,
      listen: `/ip4/${relayAddress(k)}/tcp/${RELAY_PORT}`,
    }
  }

  startRelay(k) {
    const config = this.relayConfig(k)
    this.relays[k] = this.spawn(`relay-${this.plan.relays[k].id}`, this.topology.serverNs(`relay${k}`), config)
    return this.relays[k].ready
  }

  async walletConfig(i, online) {
    const w = this.plan.wallets[i]
    return {
      role: 'wallet', wallet: w.id, peer_id: w.peer_id, nickname: w.nickname ?? null, seed: this.plan.seed,
      start_epoch_ms: this.startEpochMs ?? performance.timeOrigin + performance.now(),
      store: w.store ?? 'js', store_binary: this.plan.store_binary,
      store_dir: this.plan.store_dir, options: w.store_options ?? {}, shared_wallets: w.shared_wallets,
      webrtc: w.webrtc, inbound_limit: w.inbound_limit, broadcast_skips_relay: w.broadcast_skips_relay,
      relay_reconnect: w.relay_reconnect,
      presence_ttl_ms: this.plan.bootstrap.presence_ttl_ms,
      relays: w.relays.map((k) => ({ id: this.plan.relays[k].id, addr: `/ip4/${relayAddress(k)}/tcp/${RELAY_PORT}/p2p/${this.relayPeerIds[k]}` })),
      bootstrap: { addr: `/ip4/${BOOTSTRAP_ADDRESS}/tcp/${BOOTSTRAP_PORT}`, peerId: this.bootstrapPeerId },
      directory: this.directory, online,
      public_address: walletPublicAddress(i),
    }
  }

  async startWallet(i) {
    const config = await this.walletConfig(i, false)
    const name = `wallet-${this.plan.wallets[i].id}`
    const proc = this.spawn(name, this.topology.walletNs(i), config, (report) => this.onWalletReport(i, proc, report), () => {
      // Its actions will never answer: they fail with the reason, so the run does not wait on them.
      for (const [id, entry] of this.pending) {
        if (entry.walletIndex !== i || this.wallets[i] !== proc) continue
        this.pending.delete(id)
        if (entry.kind === 'step') this.emit({ ev: 'step_error', step: entry.step, run: entry.run, wallet: entry.wallet, message: `${name} exited`, t: this.nowNs() })
      }
    })
    this.wallets[i] = proc
    await proc.ready
    return proc
  }

  async start() {
    this.expectedExits = new Set()
    this.relayPeerIds = await Promise.all(this.plan.relays.map((r) => hostPeerId(this.plan.seed, `relay:${r.id}`)))
    this.bootstrapPeerId = await hostPeerId(this.plan.seed, 'bootstrap')
    this.directory = {}
    for (const w of this.plan.wallets) this.directory[w.peer_id] = await hostPeerId(this.plan.seed, w.id)
    const stun = this.spawn('stun', this.topology.serverNs('stun'), { role: 'stun', name: 'stun', address: STUN_ADDRESS, port: STUN_PORT })
    const boot = this.spawn('bootstrap', this.topology.serverNs('boot'), {
      role: 'bootstrap', name: 'bootstrap', seed: this.plan.seed,
      listen: `/ip4/${BOOTSTRAP_ADDRESS}/tcp/${BOOTSTRAP_PORT}`,
      first_peer_exchange_ms: this.plan.bootstrap.first_peer_exchange_ms,
      peer_exchange_interval_ms: this.plan.bootstrap.peer_exchange_interval_ms,
    })
    this.others.push(stun, boot)
    await Promise.all([stun.ready, boot.ready, ...this.plan.relays.map((_, k) => this.startRelay(k))])
    // Wallet processes start a few at a time: each builds the store bundle (esbuild) and loads
    // libp2p, which takes a core for about a second.
    const order = this.plan.wallets.map((_, i) => i)
    const workers = Array.from({ length: 2 }, async () => {
      while (order.length > 0) await this.startWallet(order.shift())
    })
    await Promise.all(workers)
    // Wallets online from the start join before t = 0: their reservations and presence are in
    // place when the timeline begins, as the simulation's ~0.5 s join would have them for its
    // first steps (a dozen Node processes joining at once take seconds of CPU here).
    this.joined = this.plan.wallets.map(() => null)
    const joins = []
    this.plan.wallets.forEach((w, i) => {
      if (w.online_at_ms !== 0) return
      joins.push(new Promise((resolve) => { this.joined[i] = resolve }))
      this.wallets[i].send({ op: 'go_online' })
    })
    const joinDeadline = new Promise((resolve) => setTimeout(resolve, 60000))
    await Promise.race([Promise.all(joins), joinDeadline])
    this.startEpochMs = performance.timeOrigin + performance.now()
    for (const proc of this.wallets) proc.send({ op: 'start', start_epoch_ms: this.startEpochMs })
    this.emit({ ev: 'started', wallets: this.wallets.length, relays: this.relays.length, t: 0 })
  }

  onWalletReport(i, proc, report) {
    if (proc !== this.wallets[i]) return  // a retired process (reload): nothing it does counts
    if ((report.ev === 'advertised' || report.ev === 'notice') && this.joined?.[i]) {
      this.joined[i]()
      this.joined[i] = null
    }
    if (report.ev === 'result' || (report.ev === 'error' && report.id !== undefined)) {
      const entry = this.pending.get(report.id)
      if (!entry) return
      this.pending.delete(report.id)
      if (entry.kind === 'getter') {
        this.emit({ ev: 'getter', expectation: entry.expectation, value: report.value ?? null, error: report.ev === 'error' ? report.message : undefined, t: report.t })
      } else if (report.ev === 'result') {
        this.emit({ ev: 'result', step: entry.step, run: entry.run, wallet: entry.wallet, value: report.value, t: report.t })
      } else {
        this.emit({ ev: 'step_error', step: entry.step, run: entry.run, wallet: entry.wallet, message: report.message, t: report.t })
      }
      return
    }
    if (report.ev === 'created') return
    this.emit(report)
  }

  /// Sends an action to wallet `i`; the answer comes back through onWalletReport.
  act(i, entry, body) {
    const id = this.nextActionId++
    this.pending.set(id, { ...entry, wallet: this.plan.wallets[i].id, walletIndex: i })
    this.wallets[i].send({ op: 'action', id, ...body })
  }

  at(ms, fn) {
    const delay = Math.max(0, Math.ceil(ms - this.nowMs()))
    this.timers.push(setTimeout(() => { if (!this.stopping) fn() }, delay))
  }

  async play() {
    const steps = this.plan.timeline
    this.stepsLeft = steps.length
    this.plan.wallets.forEach((w, i) => {
      if (w.online_at_ms > 0) this.at(w.online_at_ms, () => this.wallets[i].send({ op: 'go_online' }))
    })
    for (const step of steps) {
      this.at(step.at_ms, () => {
        this.stepsLeft--
        this.emit({ ev: 'step', step: step.index, run: step.run, t: this.nowNs() })
        this.runStep(step).catch((error) => this.emit({ ev: 'notice', message: `step ${step.index}: ${error.message}`, t: this.nowNs() }))
      })
    }
    // Getters with a time are read then; the others when the run ends (below).
    const timedGetters = this.plan.getters.filter((g) => g.at_ms !== null && g.at_ms !== undefined)
    let gettersLeft = timedGetters.length
    for (const g of timedGetters) {
      this.at(g.at_ms, () => {
        gettersLeft--
        this.act(g.wallet_index, { kind: 'getter', expectation: g.expectation }, { name: 'getter', getter: g.getter, peer: g.peer })
      })
    }
    const untilMs = this.plan.until_ms
    const lastTimedMs = Math.max(0, ...steps.map((s) => s.at_ms), ...this.plan.getters.map((g) => g.at_ms ?? 0))
    await new Promise((resolve) => {
      const poll = setInterval(() => {
        const now = this.nowMs()
        const settled = this.stepsLeft === 0 && gettersLeft === 0 && this.pendingSteps() === 0
        const quiet = now - this.lastReportMs >= this.plan.quiet_ms && now >= lastTimedMs
        if (now >= untilMs || (settled && quiet) || this.aborted) { clearInterval(poll); resolve() }
      }, 50)
    })
    // Getters at the end of the run (those without `at` whose time had not come).
    const endGetters = this.aborted ? [] : this.plan.getters.filter((g) => g.at_ms === null || g.at_ms === undefined)
    if (endGetters.length > 0) {
      for (const g of endGetters) this.act(g.wallet_index, { kind: 'getter', expectation: g.expectation }, { name: 'getter', getter: g.getter, peer: g.peer })
    }
    const deadline = Date.now() + 3000
    while ([...this.pending.values()].some((p) => p.kind === 'getter') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    this.emit({ ev: 'end', t: this.nowNs(), pending_steps: this.pendingSteps() })
  }

  pendingSteps() {
    let n = 0
    for (const entry of this.pending.values()) if (entry.kind === 'step') n++
    return n
  }

  async runStep(step) {
    const i = step.wallet_index
    switch (step.do) {
      case 'connect':
        return this.act(i, { kind: 'step', step: step.index, run: step.run }, { name: 'connect', peer: step.peer_id })
      case 'connect_many':
        return this.act(i, { kind: 'step', step: step.index, run: step.run }, { name: 'connect_many', peers: step.peer_ids })
      case 'propose_spend':
        return this.act(i, { kind: 'step', step: step.index, run: step.run }, {
          name: 'propose_spend', shared_wallet: step.shared_wallet, recipient: step.recipient, amount_sats: step.amount_sats,
        })
      case 'go_offline': return this.wallets[i].send({ op: 'go_offline' })
      case 'go_online': return this.wallets[i].send({ op: 'go_online' })
      case 'drop_connection': return this.wallets[i].send({ op: 'drop_connection', peer: step.peer_id })
      case 'reload': return this.reload(i)
      case 'relay_down': return this.relayDown(step.relay_index, step.for_ms)
      case 'relay_up': return this.relayUp(step.relay_index)
      case 'partition': return this.partition(step, step.for_ms)
      case 'heal': return this.heal()
      case 'nat_rebind': return this.natRebind(i)
      case 'set_network':
        this.topology.reshape(step.latency ?? null, step.loss ?? null)
        return this.emit({ ev: 'fault', what: 'set_network', t: this.nowNs() })
      default:
        throw new Error(`unknown action ${step.do}`)
    }
  }

  /// The page reloads: the process is killed (its stores are lost), a fresh one starts and
  /// rejoins RELOAD_TIME_MS later (or as soon as it is ready). Its pending actions are abandoned.
  async reload(i) {
    const old = this.wallets[i]
    const name = `wallet-${this.plan.wallets[i].id}`
    this.expectedExits.add(name)
    for (const [id, entry] of this.pending) {
      if (entry.walletIndex === i && entry.kind === 'step') {
        this.pending.delete(id)
        this.emit({ ev: 'abandoned', step: entry.step, run: entry.run, t: this.nowNs() })
      }
    }
    this.wallets[i] = null
    old.kill()
    const rejoinAt = this.nowMs() + RELOAD_TIME_MS
    const proc = await this.startWallet(i)
    proc.send({ op: 'start', start_epoch_ms: this.startEpochMs })
    this.at(rejoinAt, () => proc.send({ op: 'go_online' }))
  }

  async relayDown(k, forMs) {
    const proc = this.relays[k]
    if (proc) {
      this.expectedExits.add(`relay-${this.plan.relays[k].id}`)
      this.relays[k] = null
      await proc.stop(1000)
    }
    this.emit({ ev: 'fault', what: 'relay_down', relay: this.plan.relays[k].id, t: this.nowNs() })
    if (forMs !== null && forMs !== undefined) this.at(this.nowMs() + forMs, () => this.relayUp(k))
  }

  async relayUp(k) {
    if (this.relays[k]) return
    await this.startRelay(k)
    this.emit({ ev: 'fault', what: 'relay_up', relay: this.plan.relays[k].id, t: this.nowNs() })
  }

  memberAddress(member) {
    return member.wallet !== undefined ? walletPublicAddress(member.wallet) : relayAddress(member.relay)
  }

  partition(step, forMs) {
    const [a, b] = step.between
    const block = (side, other) => {
      const addresses = other.map((m) => this.memberAddress(m))
      for (const member of side) {
        if (member.wallet === undefined) continue
        const box = this.topology.filterBox(member.wallet)
        runCommand('ip', ['netns', 'exec', box.ns, 'nft', 'add', 'element', 'ip', 'connsim_partition', 'blocked', `{ ${addresses.join(', ')} }`])
      }
    }
    block(a, b)
    block(b, a)
    this.emit({ ev: 'fault', what: 'partition', t: this.nowNs() })
    if (forMs !== null && forMs !== undefined) this.at(this.nowMs() + forMs, () => this.heal())
  }

  heal() {
    this.plan.wallets.forEach((_, i) => {
      const box = this.topology.filterBox(i)
      runCommand('ip', ['netns', 'exec', box.ns, 'nft', 'flush', 'set', 'ip', 'connsim_partition', 'blocked'], { allowFail: true })
    })
    this.emit({ ev: 'fault', what: 'heal', t: this.nowNs() })
  }

  /// The wallet's NAT forgets every mapping: its router's conntrack table is flushed.
  natRebind(i) {
    const box = this.topology.filterBox(i)
    if (box.router) runCommand('ip', ['netns', 'exec', box.ns, 'conntrack', '-F'], { allowFail: true })
    this.emit({ ev: 'fault', what: 'nat_rebind', wallet: this.plan.wallets[i].id, t: this.nowNs() })
  }

  async stopAll() {
    this.stopping = true
    for (const timer of this.timers) clearTimeout(timer)
    const all = [...this.wallets, ...this.relays, ...this.others].filter(Boolean)
    await Promise.all(all.map((p) => p.stop(1500)))
  }
}
