'use strict';
// The host's protocol: lifecycle, bad input, a store that throws, a store that cannot build,
// reloads.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const { Driver, FakeWorld, with_driver, wallet_with_peers, presence, SECOND } = require('./support/driver');

const THROWING = path.join(__dirname, 'fixtures', 'throwing_store');

test('ready, created, idle, shutdown: bye and exit 0', async () => {
  const driver = await Driver.start();
  assert.equal(driver.ready.ev, 'ready');
  assert.equal(driver.ready.protocol, 'connsim-js/1');
  const said = await driver.send({ op: 'create', wallet: 'w', peer_id: 'p', t: 0 });
  assert.deepEqual(said.map((m) => m.ev), ['created', 'idle']);
  assert.equal(await driver.close(), 0);
  assert.equal(driver.log.at(-1).ev, 'bye');
});

test('end of input: exit 0', async () => {
  const driver = await Driver.start();
  driver.child.stdin.end();
  assert.equal(await driver.exit, 0);
});

test('bad protocol input is reported, then the host goes on', async () => {
  const driver = await Driver.start();
  try {
    const cases = [
      ['this is not json', /not JSON/],
      ['[1,2]', /must be a JSON object/],
      [JSON.stringify({ op: 'fly' }), /unknown op "fly"/],
      [JSON.stringify({ op: 'event', wallet: 'ghost', kind: 'presence' }), /unknown wallet "ghost"/],
      [JSON.stringify({ op: 'advance' }), /advance needs "t"/],
      [JSON.stringify({ op: 'advance', t: -5 }), /non-negative integer/],
      [JSON.stringify({ op: 'advance', t: 1.5 }), /non-negative integer/],
      [JSON.stringify({ op: 'resolve', id: 99, ok: true }), /no pending call 99/],
      [JSON.stringify({ op: 'reply', id: 1, value: null }), /no call waits/],
      [JSON.stringify({ op: 'create', peer_id: 'x' }), /create needs "wallet"/],
    ];
    for (const [line, pattern] of cases) {
      const said = await driver.send(line);
      assert.equal(said.length, 2, line);
      assert.equal(said[0].ev, 'error', line);
      assert.equal(said[0].kind, 'protocol', line);
      assert.match(said[0].message, pattern, line);
      assert.equal(said[1].ev, 'idle');
    }
    await driver.send({ op: 'create', wallet: 'w', peer_id: 'w', t: 10 * SECOND });
    const back = await driver.send({ op: 'advance', t: SECOND });
    assert.match(back[0].message, /before the clock/);
    const dup = await driver.send({ op: 'create', wallet: 'w', peer_id: 'w' });
    assert.match(dup[0].message, /exists/);
    const unknown = await driver.send({ op: 'event', wallet: 'w', kind: 'weather' });
    assert.match(unknown[0].message, /unknown event kind "weather"/);
    const bad_options = await driver.send({ op: 'create', wallet: 'v', peer_id: 'v', options: { retry: { policy: 'sometimes' } } });
    assert.equal(bad_options[0].kind, 'store');
    assert.match(bad_options[0].message, /store.retry.policy: expected one of/);
  } finally {
    assert.equal(await driver.close(), 0);
  }
});

test('a wrong reply to a synchronous call is reported and thrown into the store', async () => {
  await with_driver({ world: new FakeWorld({ answer: () => 'carrier-pigeon' }) }, async (driver) => {
    await wallet_with_peers(driver, 'a', ['b']);
    const id = await driver.action('a', 'connect', { peer: 'b' });
    const error = driver.log.find((m) => m.ev === 'error' && m.kind === 'protocol');
    assert.match(error.message, /bad reply value to existing_connection/);
    // the ladder's try of connectToPresence catches it: the connect fails with that message
    assert.equal(driver.settled(id).value.success, false);
    assert.match(driver.settled(id).value.error, /bad reply value/);
  });
});

test('a store that throws: every throw is an error message with its request id, never a hang', async () => {
  const driver = await Driver.start({ store: THROWING });
  try {
    await driver.send({ op: 'create', wallet: 'a', peer_id: 'a', t: 0 });
    const said = await driver.send({ op: 'event', wallet: 'a', t: 0, kind: 'presence', presence: presence('b') });
    const errors = said.filter((m) => m.ev === 'error');
    assert.deepEqual(errors.map((e) => [e.kind, e.where, e.message]), [
      ['store', 'event presence', 'presence boom'],
      ['store', 'unhandled rejection', 'nobody catches this'],
    ]);
    const a = await driver.action('a', 'connect', { peer: 'b' });
    assert.deepEqual([driver.settled(a).ev, driver.settled(a).where, driver.settled(a).message], ['error', 'action connect', 'boom connecting to b']);
    const b = await driver.action('a', 'connect_many', { peers: ['b'] });
    assert.deepEqual([driver.settled(b).ev, driver.settled(b).message], ['error', 'sync boom']);
    const c = await driver.action('a', 'teleport');
    assert.match(driver.settled(c).message, /unknown action "teleport"/);
    const fired = await driver.send({ op: 'advance', t: SECOND });
    assert.deepEqual(fired.filter((m) => m.ev === 'error').map((e) => [e.where, e.message]), [['timer', 'timer boom']]);
  } finally {
    assert.equal(await driver.close(), 0);
  }
});

test('a store that cannot be built: a fatal line and exit 1; a missing directory too', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'connsim-broken-'));
  fs.mkdirSync(path.join(dir, 'stores'));
  fs.writeFileSync(path.join(dir, 'stores', 'p2p.ts'), 'export const useP2PStore = (;\n');
  for (const store of [dir, path.join(dir, 'nowhere')]) {
    const driver = await Driver.start({ store });
    assert.equal(driver.ready.ev, 'fatal');
    assert.equal(driver.ready.kind, 'store');
    assert.equal(await driver.exit, 1);
  }
  fs.rmSync(dir, { recursive: true });
});

test('reload: fresh stores; the retired process is detached (its calls fail, its writes unreported)', async () => {
  const world = new FakeWorld({ dial_policy: () => 'hold' });
  await with_driver({ world }, async (driver) => {
    await wallet_with_peers(driver, 'a', [{ id: 'b', fields: { relayAddrs: ['/r/p2p-circuit/p2p/b'] } }]);
    const first = await driver.action('a', 'connect', { peer: 'b' }, SECOND);
    const pending = world.calls.at(-1);
    await driver.send({ op: 'reload', wallet: 'a', t: 2 * SECOND });
    const reported = driver.log.length;
    // the old dial fails; the retired store goes on (relay helper -> "Process exited") silently
    await driver.send({ op: 'resolve', id: pending.id, t: 3 * SECOND, ok: false, error: 'closed' });
    await driver.send({ op: 'advance', t: 10 * SECOND });
    // no status, event, attempt or connect of the old process; the driver's request still settles
    assert.deepEqual(driver.log.slice(reported).filter((m) => m.ev !== 'idle' && !m.call).map((m) => m.ev), ['result']);
    assert.deepEqual(driver.settled(first).value, { success: false, connection_type: 'none', error: 'All connection methods failed' });
    assert.equal(driver.settled(first).t, 6 * SECOND);  // retried at 4 s (Process exited at once), then 6 s
    const status = await driver.action('a', 'getter', { getter: 'peer_status', peer: 'b' });
    assert.equal(driver.settled(status).value.status, 'disconnected');
    const missing = await driver.action('a', 'connect', { peer: 'b' });
    assert.equal(driver.settled(missing).value.error, 'Peer not found in online peers');
  });
});

test('invoke and the state getter: any action, Maps as entry lists', async () => {
  await with_driver({}, async (driver) => {
    await driver.send({ op: 'create', wallet: 'a', peer_id: 'a', t: 5 * SECOND });
    const set = await driver.action('a', 'invoke', { store: 'p2p', action: '_updatePeerConnectionStatus', args: ['b', 'failed', null, 'why'] });
    assert.equal(driver.settled(set).ev, 'result');
    const status = await driver.action('a', 'invoke', { store: 'p2p', action: 'getPeerConnectionStatus', args: ['b'] });
    assert.deepEqual(driver.settled(status).value, { status: 'failed', connectionType: null, lastAttempt: 5000, error: 'why' });
    const state = await driver.action('a', 'getter', { getter: 'state' });
    const value = driver.settled(state).value;
    assert.deepEqual(value.p2p.peerConnectionStatus, [['b', { status: 'failed', connectionType: null, lastAttempt: 5000, error: 'why' }]]);
    assert.equal(value.p2p.peerId, 'a');
    assert.deepEqual(value.musig2.sharedWallets, []);
    const nope = await driver.action('a', 'invoke', { store: 'p2p', action: 'fly' });
    assert.match(driver.settled(nope).message, /has no action "fly"/);
  });
});

test('npm packages missing: a fatal line saying how to install them, exit 2', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'connsim-no-modules-'));
  fs.cpSync(path.join(__dirname, '..', 'host'), path.join(dir, 'host'), { recursive: true });
  const { spawnSync } = require('node:child_process');
  const run = spawnSync(process.execPath, [path.join(dir, 'host', 'main.js')], { input: '', encoding: 'utf8', cwd: dir });
  fs.rmSync(dir, { recursive: true });
  assert.equal(run.status, 2);
  const fatal = JSON.parse(run.stdout.split('\n')[0]);
  assert.equal(fatal.ev, 'fatal');
  assert.equal(fatal.kind, 'environment');
  assert.match(fatal.message, /missing from js\/node_modules: run scripts\/install-deps.sh/);
  assert.match(run.stderr, /install-deps/);
});

test('input ends while a reply is awaited: exit 3', async () => {
  const driver = await Driver.start();
  await wallet_with_peers(driver, 'a', ['b']);
  driver.write({ op: 'action', id: 1, wallet: 'a', t: 0, name: 'connect', peer: 'b' });
  driver.child.stdin.end();
  assert.equal(await driver.exit, 3);
  assert.match(driver.stderr, /input ended while waiting for the reply to call 1/);
});
