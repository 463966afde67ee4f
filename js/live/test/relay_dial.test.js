// relay_dial.js: the SDK's relay helper on a scripted libp2p node (which relays are connected,
// what each circuit dial does).
import test from 'node:test'
import assert from 'node:assert/strict'
import { relayDialHelper } from '../relay_dial.js'

// Valid libp2p peer ids (Ed25519), made once for these tests.
const RELAY_1 = '12D3KooWF38QwkHoshcmHgdcvntaqVFxSy66Zf7PMKvhXrSvr7qC'
const RELAY_2 = '12D3KooWEMNMKL4jcog5Y3sLn9EKxZawK6mduwXEEuyWq73BwwwV'
const BOB = '12D3KooWPREVNUL1FaaTkfJ2v2NybGcJn3aZSbQPDvv9Hg6DS4Tc'
const relays = [{ id: 'relay-1', addr: `/ip4/198.18.1.1/tcp/4001/p2p/${RELAY_1}` },
  { id: 'relay-2', addr: `/ip4/198.18.1.2/tcp/4001/p2p/${RELAY_2}` }]
const circuitTo = (relay) => `${relay.addr}/p2p-circuit/p2p/${BOB}`

/// A wallet whose node holds connections to `connected` (relay peer ids) and whose circuit dials
/// answer by `answers[address]` ('ok' or an Error); `dials` records each dial and its signal.
function scriptedWallet({ connected, answers = {}, online = true }) {
  const dials = []
  const libp2p = {
    getConnections: (peerId) => (connected.includes(peerId.toString()) ? [{ status: 'open' }] : []),
    dial: async (address, options) => {
      dials.push({ address: address.toString(), signal: options.signal })
      const answer = answers[address.toString()] ?? 'ok'
      if (answer !== 'ok') throw answer
    },
  }
  const wallet = { online, libp2p, config: { relays }, libp2pId: (peer) => ({ bob: BOB })[peer] }
  return { wallet, dials }
}

test('dials a circuit through the first connected relay, passing the signal on', async () => {
  const { wallet, dials } = scriptedWallet({ connected: [RELAY_2] })
  const signal = new AbortController().signal
  await relayDialHelper(wallet)('bob', signal)
  assert.deepEqual(dials.map((d) => d.address), [circuitTo(relays[1])])
  assert.equal(dials[0].signal, signal)
})

test('a failed circuit goes on to the next connected relay', async () => {
  const { wallet, dials } = scriptedWallet({ connected: [RELAY_1, RELAY_2],
    answers: { [circuitTo(relays[0])]: new Error('NO_RESERVATION') } })
  await relayDialHelper(wallet)('bob')
  assert.deepEqual(dials.map((d) => d.address), [circuitTo(relays[0]), circuitTo(relays[1])])
})

test('when every circuit fails, the last failure is thrown again', async () => {
  const last = new Error('The operation was aborted due to timeout')
  const { wallet } = scriptedWallet({ connected: [RELAY_1, RELAY_2],
    answers: { [circuitTo(relays[0])]: new Error('NO_RESERVATION'), [circuitTo(relays[1])]: last } })
  await assert.rejects(relayDialHelper(wallet)('bob'), (error) => error === last)
})

test('no connected relay: No relay addresses available, and nothing is dialled', async () => {
  const { wallet, dials } = scriptedWallet({ connected: [] })
  await assert.rejects(relayDialHelper(wallet)('bob'), /^Error: No relay addresses available$/)
  assert.equal(dials.length, 0)
})

test('a peer the directory does not know: NO_RESERVATION once a relay is connected', async () => {
  const { wallet, dials } = scriptedWallet({ connected: [RELAY_1] })
  await assert.rejects(relayDialHelper(wallet)('mallory'), /^Error: NO_RESERVATION$/)
  assert.equal(dials.length, 0)
})

test('an offline node throws Node is offline before it looks at any relay', async () => {
  const { wallet, dials } = scriptedWallet({ connected: [RELAY_1], online: false })
  await assert.rejects(relayDialHelper(wallet)('bob'), /^Error: Node is offline$/)
  assert.equal(dials.length, 0)
})

test('the node is read at each call: a reload that replaces it is seen', async () => {
  const first = scriptedWallet({ connected: [] })
  const dial = relayDialHelper(first.wallet)
  await assert.rejects(dial('bob'), /No relay addresses available/)
  const second = scriptedWallet({ connected: [RELAY_1] })
  first.wallet.libp2p = second.wallet.libp2p
  await dial('bob')
  assert.deepEqual(second.dials.map((d) => d.address), [circuitTo(relays[0])])
})
