// CppStore: a live wallet's stores run by the C++ port (build/bin/connsim-live-store, the
// process of live/store_host/) instead of js/store. The C++ store drives the wallet's libp2p
// node through the same '@connsim/node' object the JavaScript store gets (LiveWallet.storeNode):
// its calls (dial, dialViaRelay, send) arrive here as lines and are settled with the node's
// answer; getConnections is mirrored into it (every change is sent before any other line, so
// at each line the C++ side handles, its mirror is what libp2p said when the line was
// written); the wallet's events and actions go to it as lines, its reports come back as lines
// and are passed on to the conductor unchanged (they carry the C++ clock's `t`).
// Protocol: live/store_host/store_host.hpp. Same interface as HostedWallet towards LiveWallet:
// deliver(event), act(id, command), start(epochMs), connectionsChanged(), stop().
import { spawn } from 'node:child_process'
import readline from 'node:readline'

export class CppStore {
  /// `binary`: connsim-live-store; `config`: the wallet's conductor entry; `node`: its
  /// '@connsim/node'; `emit`: writes a report; `onExit(code, signal)`: the C++ process ended
  /// while this store was not stopping.
  constructor({ binary, config, node, emit, onExit }) {
    this.node = node
    this.emit = emit
    this.peers = Object.keys(config.directory)
    this.mirror = new Map()
    this.stopping = false
    this.child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'inherit'] })
    this.child.stdin.on('error', () => {})
    this.child.on('error', (error) => {
      process.stderr.write(`cannot start ${binary}: ${error.message}\n`)
      if (!this.stopping) onExit(null, null)
    })
    this.child.on('exit', (code, signal) => { if (!this.stopping) onExit(code, signal) })
    readline.createInterface({ input: this.child.stdout }).on('line', (line) => this.onLine(line))
    this.send({
      op: 'create', wallet: config.wallet, peer_id: config.peer_id, seed: config.seed,
      options: config.options ?? {}, shared_wallets: config.shared_wallets ?? [],
    })
  }

  send(message) {
    if (!this.stopping) this.child.stdin.write(JSON.stringify(message) + '\n')
  }

  /// Sends the peers whose getConnections answer changed since the last time.
  connectionsChanged() {
    const types = {}
    let changed = false
    for (const peer of this.peers) {
      const type = this.node.getConnections(peer)[0]?.type ?? null
      if ((this.mirror.get(peer) ?? null) === type) continue
      this.mirror.set(peer, type)
      types[peer] = type
      changed = true
    }
    if (changed) this.send({ op: 'connections', types })
  }

  onLine(line) {
    let message
    try { message = JSON.parse(line) } catch { return }
    if (typeof message.call === 'string') return this.call(message)
    if (message.ev === 'created') return undefined
    this.emit(message)
  }

  call(message) {
    let promise
    try {
      switch (message.call) {
        case 'dial': promise = this.node.dial(message.addr); break
        case 'dial_via_relay': promise = this.node.dialViaRelay(message.peer); break
        case 'send': promise = this.node.send(message.peer, message.protocol, message.payload); break
        default: throw new Error(`unknown call ${JSON.stringify(message.call)}`)
      }
    } catch (error) {
      promise = Promise.reject(error)
    }
    Promise.resolve(promise).then(
      () => this.settle(message.id, true),
      (error) => this.settle(message.id, false, error instanceof Error ? error.message : String(error)))
  }

  settle(id, ok, error) {
    this.connectionsChanged()
    this.send(ok ? { op: 'resolve', id, ok } : { op: 'resolve', id, ok, error })
  }

  start(startEpochMs) { this.send({ op: 'start', start_epoch_ms: startEpochMs }) }

  deliver(event) {
    this.connectionsChanged()
    this.send({ op: 'event', ...event })
  }

  act(id, command) {
    this.connectionsChanged()
    const { op: _op, ...fields } = command
    this.send({ op: 'action', ...fields, id })
  }

  /// Ends the C++ process (its input closes; it exits).
  stop() {
    this.stopping = true
    this.child.stdin.end()
  }
}
