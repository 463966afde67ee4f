'use strict';
// The field-log exporter (js/store/export/field_log.ts) inside the host: the `field_log` getter
// returns what the wallet observed of itself as a connsim-log/1 document, at ms since the log
// started; one log across a reload; libp2p events only when asked for.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const { FakeWorld, with_driver, wallet_with_peers, presence, SECOND, MS } = require('./support/driver');

async function field_log(driver, wallet) {
  const id = await driver.action(wallet, 'getter', { getter: 'field_log' });
  const settled = driver.settled(id);
  assert.equal(settled.ev, 'result', JSON.stringify(settled));
  return settled.value;
}

test('a connect that retries and succeeds: status, feed, connect result and nickname', async () => {
  const world = new FakeWorld();
  let dials = 0;
  world.dial_policy = () => (++dials === 1 ? { ok: false, error: 'Connection timeout', after: 480 * MS } : { ok: true, type: 'relay', after: 20 * MS });
  await with_driver({ world }, async (driver) => {
    await driver.send({ op: 'create', wallet: 'alice', peer_id: '12D3KooWAlice', t: 0 });
    await driver.send({ op: 'event', wallet: 'alice', t: 0, kind: 'presence',
      presence: presence('bob', { nickname: 'Bob', relayAddrs: ['/dns4/r/tcp/443/p2p/r/p2p-circuit/p2p/bob'] }) });
    await driver.action('alice', 'connect', { peer: 'bob' }, 5 * SECOND);
    await world.run(driver, 20 * SECOND);
    const log = await field_log(driver, 'alice');
    assert.deepEqual(log.format, 'connsim-log/1');
    assert.deepEqual(log.wallet, { peer_id: '12D3KooWAlice', name: 'alice' });
    assert.deepEqual(log.clock, { unit: 'ms', started_at: 0 });
    assert.deepEqual(log.peers, [{ peer_id: 'bob', nickname: 'Bob' }]);
    const kinds = log.entries.map((e) => `${e.t} ${e.kind} ${e.status ?? e.message ?? e.success}`);
    assert.deepEqual(kinds.slice(0, 2), ['5000 status connecting', '5000 activity Connecting to Bob...']);
    const last = log.entries[log.entries.length - 1];
    assert.equal(last.kind, 'connect');
    assert.equal(last.peer, 'bob');
    assert.equal(last.success, true);
    assert.equal(last.connection_type, 'relay');
    const connected = log.entries.find((e) => e.kind === 'status' && e.status === 'connected');
    assert.equal(connected.connection_type, 'relay');
    assert.ok(connected.t > 5000);
  });
});

test('one log across a reload: the retired process records nothing, the new one goes on', async () => {
  await with_driver({ world: new FakeWorld({ dial_policy: () => 'hold' }) }, async (driver) => {
    await wallet_with_peers(driver, 'alice', ['bob']);
    await driver.action('alice', 'connect', { peer: 'bob' }, 1 * SECOND);
    await driver.send({ op: 'reload', wallet: 'alice', t: 2 * SECOND });
    await driver.send({ op: 'event', wallet: 'alice', t: 2 * SECOND, kind: 'presence', presence: presence('carol', { nickname: 'Carol' }) });
    await driver.action('alice', 'connect', { peer: 'carol' }, 3 * SECOND);
    const log = await field_log(driver, 'alice');
    assert.deepEqual(log.entries.map((e) => `${e.t} ${e.kind} ${e.peer ?? e.message}`), [
      '1000 status bob', '1000 activity Connecting to bob...',
      '3000 status carol', '3000 activity Connecting to Carol...',
    ]);
    assert.deepEqual(log.peers, [{ peer_id: 'bob' }, { peer_id: 'carol', nickname: 'Carol' }]);
  });
});

test('the exporter alone: libp2p events when asked, a clock of its own, stop()', () => {
  // The store as the exporter sees it: $onAction subscribers called with the action's context.
  function fake_store() {
    const subscribers = [];
    return {
      $onAction(callback) {
        subscribers.push(callback);
        return () => subscribers.splice(subscribers.indexOf(callback), 1);
      },
      call(name, args) {
        const afters = [];
        for (const s of [...subscribers]) s({ name, args, after: (f) => afters.push(f), onError: () => {} });
        return (result) => afters.forEach((f) => f(result));
      },
    };
  }
  const esbuild = require('esbuild');
  const source = path.resolve(__dirname, '..', 'store', 'export', 'field_log.ts');
  const { code } = esbuild.transformSync(require('fs').readFileSync(source, 'utf8'), { loader: 'ts', format: 'cjs' });
  const module = { exports: {} };
  new Function('module', 'exports', code)(module, module.exports);
  const p2p = fake_store();
  let clock = 1764770000000;
  const exporter = module.exports.createFieldLogExporter({ p2p }, { peerId: 'me', now: () => clock, libp2p: true });
  clock += 1500;
  p2p.call('_handlePeerConnected', ['bob', 'webrtc']);
  p2p.call('_updatePeerConnectionStatus', ['bob', 'connected', 'webrtc'])();
  clock += 20;
  const finish = p2p.call('connectToPresence', [{ peerId: 'bob' }]);
  finish({ success: false, connectionType: 'none', error: 'All connection methods failed' });
  exporter.stop();
  p2p.call('_addActivityEvent', [{ type: 'info', message: 'after stop' }]);
  const log = exporter.log();
  assert.deepEqual(log.clock, { unit: 'ms', started_at: 1764770000000 });
  assert.deepEqual(log.wallet, { peer_id: 'me' });
  assert.deepEqual(log.entries, [
    { t: 1500, kind: 'libp2p', event: 'peer:connect', peer: 'bob', connection_type: 'webrtc' },
    { t: 1500, kind: 'status', peer: 'bob', status: 'connected', connection_type: 'webrtc' },
    { t: 1520, kind: 'connect', peer: 'bob', success: false, connection_type: 'none', error: 'All connection methods failed' },
  ]);
});
