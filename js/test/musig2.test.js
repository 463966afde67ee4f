'use strict';
// The MuSig2 store through the host, with two and three wallets in one host process: a spend
// between connected participants runs its signing rounds to completion over the world's
// messages; unreachable participants give the seed's error.
const test = require('node:test');
const assert = require('node:assert/strict');
const { Driver, FakeWorld, presence, SECOND, MS } = require('./support/driver');

const STORE = process.env.CONNSIM_JS_STORE || undefined;
// Knobs only the project's store has (the seed's code has none): skipped on the seed's store.
const PROJECT_ONLY = process.env.CONNSIM_JS_STORE_IS_SEED ? { skip: 'a knob the seed\'s code does not have' } : {};

/// A world that carries protocol messages between the hosted wallets (40 ms one way).
function messaging_world() {
  const world = new FakeWorld();
  const base = world.on_call.bind(world);
  world.on_call = (call, driver) => {
    if (call.call !== 'send') return base(call, driver);
    world.calls.push(call);
    const reachable = world.connections.has(`${call.wallet}>${call.peer}`);
    const t = driver.now + 40 * MS;
    world.at(t, async () => {
      await driver.send({ op: 'resolve', id: call.id, t, ok: reachable, ...(reachable ? {} : { error: 'Not connected' }) });
      if (reachable) {
        await driver.send({ op: 'event', wallet: call.peer, t, kind: 'message', from: call.wallet, protocol: call.protocol, payload: call.payload });
      }
    });
  };
  return world;
}

async function create(driver, wallets, shared, options = {}) {
  for (const w of wallets) {
    await driver.send({ op: 'create', wallet: w, peer_id: w, options, t: 0, shared_wallets: [shared] });
  }
  for (const w of wallets) {
    for (const other of wallets) {
      if (other !== w) await driver.send({ op: 'event', wallet: w, t: 0, kind: 'presence', presence: presence(other) });
    }
  }
}

test('a 3-party spend between connected wallets completes; both sides report their sessions', async () => {
  const world = messaging_world();
  world.dial_policy = (call) => ({ ok: true, type: 'relay', after: 100 * MS, peer: call.addr ? call.addr.split('/').at(-1) : call.peer });
  const driver = await Driver.start({ store: STORE, world });
  try {
    const shared = { id: 'vault', participants: ['alice', 'bob', 'carol'].map((p) => ({ peer_id: p })) };
    await create(driver, ['alice', 'bob', 'carol'], shared);
    for (const [a, b] of [['alice', 'bob'], ['alice', 'carol'], ['bob', 'alice'], ['carol', 'alice']]) world.connect(a, b, 'webrtc');
    await driver.send({ op: 'event', wallet: 'alice', t: 0, kind: 'peer_connect', peer: 'bob', connection_type: 'webrtc' });
    const id = await driver.action('alice', 'propose_spend', { shared_wallet: 'vault', recipient: 'lotus_x', amount_sats: 5000 }, SECOND);
    await world.run(driver, 10 * SECOND);
    const result = driver.settled(id);
    assert.deepEqual(result.value, { success: true, session_id: 'pending-1000', error: null });
    // carol was not connected in the store's eyes: the ladder ran for her only (already connected)
    assert.deepEqual(driver.reports('alice', ['status']).map((m) => `${m.peer} ${m.status}`), ['carol connecting', 'carol connected']);
    const sessions = driver.log.filter((m) => m.ev === 'session').map((m) => `${m.wallet} ${m.state}${m.coordinator ? ' (coordinator)' : ''}`);
    assert.deepEqual(sessions, [
      'alice collecting_nonces (coordinator)',
      'bob collecting_nonces', 'carol collecting_nonces',
      'alice signing (coordinator)',
      'bob signing', 'carol signing',
      'alice completed (coordinator)',
      'bob completed', 'carol completed',
    ]);
    const proposal = JSON.parse(world.calls.find((c) => c.call === 'send').payload);
    assert.deepEqual(Object.keys(proposal), ['amountSats', 'participants', 'recipient', 'sessionId', 'type', 'walletId']);
  } finally {
    await driver.close();
  }
});

test('unreachable participants: "Cannot reach participants: <12 chars>..."; unknown wallet', async () => {
  const world = messaging_world();
  world.dial_policy = () => ({ ok: false, error: 'Connection refused', after: 10 * MS });
  const driver = await Driver.start({ store: STORE, world });
  try {
    const shared = { id: 'vault', participants: [{ peer_id: 'alice' }, { peer_id: 'bob-with-a-long-peer-id' }] };
    await driver.send({ op: 'create', wallet: 'alice', peer_id: 'alice', t: 0, shared_wallets: [shared] });
    await driver.send({ op: 'event', wallet: 'alice', t: 0, kind: 'presence', presence: presence('bob-with-a-long-peer-id') });
    const id = await driver.action('alice', 'propose_spend', { shared_wallet: 'vault' }, SECOND);
    const missing = await driver.action('alice', 'propose_spend', { shared_wallet: 'nope' }, SECOND);
    await world.run(driver, 30 * SECOND);
    assert.deepEqual(driver.settled(id).value, { success: false, session_id: null, error: 'Cannot reach participants: bob-with-a-l...' });
    assert.deepEqual(driver.settled(missing).value, { success: false, session_id: null, error: 'Shared wallet not found' });
  } finally {
    await driver.close();
  }
});

test('a participant that never answers: the nonce round times out after 60 s', async () => {
  const world = messaging_world();
  const driver = await Driver.start({ store: STORE, world });
  try {
    const shared = { id: 'vault', participants: [{ peer_id: 'alice' }, { peer_id: 'bob' }] };
    await driver.send({ op: 'create', wallet: 'alice', peer_id: 'alice', t: 0, shared_wallets: [shared] });
    await driver.send({ op: 'event', wallet: 'alice', t: 0, kind: 'peer_connect', peer: 'bob', connection_type: 'relay' });
    const id = await driver.action('alice', 'propose_spend', { shared_wallet: 'vault' }, SECOND);
    await world.run(driver, 400 * SECOND);
    assert.equal(driver.settled(id).value.success, true);
    const states = driver.log.filter((m) => m.ev === 'session').map((m) => [m.state, m.failure, m.t / SECOND]);
    assert.deepEqual(states, [['collecting_nonces', null, 1], ['failed', 'Nonce collection timed out', 61]]);
  } finally {
    await driver.close();
  }
});

// Field bug 8 and its fix: the connectivity race (musig2.connectivity_timeout) against connection
// work that outlives it. Bob's WebRTC dial takes 6 s; Carol's dials are refused at once, so she
// is in a retry wait when the 2 s timer wins at t = 3 s.
async function race(cancel_on_timeout) {
  const world = messaging_world();
  world.dial_policy = (call) => (call.addr && call.addr.endsWith('/bob')
    ? { ok: true, type: 'webrtc', after: 6 * SECOND, peer: 'bob' }
    : { ok: false, error: 'Connection refused', after: 10 * MS });
  const driver = await Driver.start({ store: STORE, world });
  try {
    const shared = { id: 'vault', participants: ['alice', 'bob', 'carol'].map((p) => ({ peer_id: p })) };
    const options = { musig2: { connectivity_timeout: '2s', cancel_on_timeout } };
    await driver.send({ op: 'create', wallet: 'alice', peer_id: 'alice', options, t: 0, shared_wallets: [shared] });
    await driver.send({ op: 'event', wallet: 'alice', t: 0, kind: 'presence', presence: presence('bob', { webrtcAddr: '/webrtc/p2p/bob' }) });
    await driver.send({ op: 'event', wallet: 'alice', t: 0, kind: 'presence', presence: presence('carol', { webrtcAddr: '/webrtc/p2p/carol' }) });
    const id = await driver.action('alice', 'propose_spend', { shared_wallet: 'vault' }, SECOND);
    await world.run(driver, 20 * SECOND);
    assert.deepEqual(driver.settled(id).value, { success: false, session_id: null, error: 'Connectivity check timed out' });
    // With the fix, the world is told to stop Bob's dial (the only call in flight at 3 s).
    const aborts = world.calls.filter((c) => c.call === 'abort');
    assert.deepEqual(aborts.map((c) => [c.wallet, world.calls.find((d) => d.id === c.id && d.call !== 'abort').addr]),
      cancel_on_timeout ? [['alice', '/webrtc/p2p/bob']] : []);
    return driver.reports('alice', ['status']).map((m) => `${m.t / SECOND}s ${m.peer} ${m.status}${m.error ? ` (${m.error})` : ''}`);
  } finally {
    await driver.close();
  }
}

test('connectivity race, shipped: the work runs on after the timer wins (field bug 8)', PROJECT_ONLY, async () => {
  const statuses = await race(false);
  assert.deepEqual(statuses.slice(0, 2), ['1s bob connecting', '1s carol connecting']);
  assert.ok(statuses.includes('7s bob connected'), statuses.join(', '));
});

test('connectivity race, cancel_on_timeout: the timer aborts every wait of the work at once (AbortController)', PROJECT_ONLY, async () => {
  // Bob's dial and Carol's retry wait reject together; Carol's shorter chain (the wait is the
  // retry loop's own await) writes first.
  assert.deepEqual(await race(true), [
    '1s bob connecting', '1s carol connecting',
    '3s carol failed (This operation was aborted)',
    '3s bob failed (This operation was aborted)',
  ]);
});
