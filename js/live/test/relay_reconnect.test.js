// relay_reconnect.js: which circuit listen addresses each relay_reconnect mode gives the node.
import test from 'node:test'
import assert from 'node:assert/strict'
import { relayListenAddrs, relayPeerId } from '../relay_reconnect.js'

const relays = [{ addr: '/ip4/198.18.1.1/tcp/4001/p2p/R1' }, { addr: '/ip4/198.18.1.2/tcp/4001/p2p/R2' }]

test('"none" (and a missing mode) listens on each relay by name: the default that never re-reserves', () => {
  const named = ['/ip4/198.18.1.1/tcp/4001/p2p/R1/p2p-circuit', '/ip4/198.18.1.2/tcp/4001/p2p/R2/p2p-circuit']
  assert.deepEqual(relayListenAddrs(relays, 'none'), named)
  assert.deepEqual(relayListenAddrs(relays, undefined), named)
})

test('keep-alive and an interval listen through relay discovery, once per relay', () => {
  assert.deepEqual(relayListenAddrs(relays, 'keep-alive'), ['/p2p-circuit', '/p2p-circuit'])
  assert.deepEqual(relayListenAddrs(relays, { interval_ms: 5000 }), ['/p2p-circuit', '/p2p-circuit'])
  assert.deepEqual(relayListenAddrs([], 'keep-alive'), [])
})

test('a relay\'s peer id comes from its address', () => {
  assert.equal(relayPeerId(relays[1]), 'R2')
})
