// cpp_store.js with the real connsim-live-store (CONNSIM_LIVE_STORE; skipped without it) and a
// scripted '@connsim/node': the C++ store's dials reach the node, the node's connection is
// mirrored before the settlement, and the store's reports come back with its clock's time.
import test from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { CppStore } from '../cpp_store.js'

const binary = process.env.CONNSIM_LIVE_STORE
const skip = !binary || !fs.existsSync(binary) ? 'CONNSIM_LIVE_STORE not set to a built connsim-live-store' : false

function scriptedNode() {
  const node = {
    connected: new Map(),
    dials: [],
    getConnections(peer) { return node.connected.has(peer) ? [{ remotePeer: peer, type: node.connected.get(peer) }] : [] },
    async dial(addr) {
      node.dials.push(addr)
      if (!addr.includes('/webrtc')) throw new Error('Connection timeout')
      node.connected.set('bob', 'webrtc')
    },
    async dialViaRelay() { throw new Error('No relay addresses available') },
    async send() {},
  }
  return node
}

test('a connect from the C++ store dials through the node and succeeds on its connection', { skip }, async () => {
  const node = scriptedNode()
  const reports = []
  let exited = null
  const store = new CppStore({
    binary,
    config: { wallet: 'alice', peer_id: 'alice', seed: 1, directory: { alice: 'A', bob: 'B' }, options: {}, shared_wallets: [] },
    node,
    emit: (report) => reports.push(report),
    onExit: (code, signal) => { exited = signal ?? code },
  })
  const result = new Promise((resolve) => {
    const poll = setInterval(() => {
      const found = reports.find((r) => r.ev === 'result' && r.id === 1)
      if (found || exited !== null) { clearInterval(poll); resolve(found) }
    }, 10)
  })
  store.start(performance.timeOrigin + performance.now() - 2000)
  store.deliver({
    kind: 'presence',
    presence: {
      id: 'p', peerId: 'bob', multiaddrs: [], relayAddrs: ['/ip4/198.18.1.1/tcp/4001/p2p/R/p2p-circuit/p2p/B'],
      webrtcAddr: '/ip4/198.18.1.1/tcp/4001/p2p/R/p2p-circuit/webrtc/p2p/B', walletAddress: 'w', nickname: 'Bob', createdAt: 0, expiresAt: 1,
    },
  })
  store.act(1, { op: 'action', id: 1, name: 'connect', peer: 'bob' })
  const answer = await result
  store.stop()
  assert.equal(exited, null)
  assert.deepEqual(answer.value, { success: true, connection_type: 'webrtc' })
  assert.equal(answer.wallet, 'alice')
  assert.ok(answer.t >= 2e9, `t ${answer.t} counts from the start epoch`)
  assert.deepEqual(node.dials, ['/ip4/198.18.1.1/tcp/4001/p2p/R/p2p-circuit/webrtc/p2p/B'])
  assert.deepEqual(reports.filter((r) => r.ev === 'status').map((r) => r.status), ['connecting', 'connected'])
  assert.ok(!reports.some((r) => r.ev === 'error'), JSON.stringify(reports))
})

test('the C++ store process ending unasked is reported', { skip }, async () => {
  const exited = new Promise((resolve) => {
    const store = new CppStore({
      binary,
      config: { wallet: 'alice', peer_id: 'alice', seed: 1, directory: {}, options: {}, shared_wallets: [] },
      node: scriptedNode(),
      emit: () => {},
      onExit: (code, signal) => resolve(signal ?? code),
    })
    store.child.kill('SIGKILL')
  })
  assert.equal(await exited, 'SIGKILL')
})
