'use strict';
// The virtual clock on its own: due order, creation order at a tie, intervals, clears, Date.
const test = require('node:test');
const assert = require('node:assert/strict');
const { VirtualClock } = require('../host/virtual_clock');

function fire_all(clock, limit) {
  for (let t = clock.take_due(limit); t !== null; t = clock.take_due(limit)) t.fire();
}

test('timers fire in due order, then creation order; cleared ones never', () => {
  const clock = new VirtualClock();
  const order = [];
  clock.add_timer(() => order.push('b@2'), 2, [], false);
  clock.add_timer(() => order.push('a@1'), 1, [], false);
  clock.add_timer(() => order.push('c@2'), 2, [], false);
  const gone = clock.add_timer(() => order.push('never'), 1.5, [], false);
  clock.clear_timer(gone);
  clock.add_timer((x) => order.push(`zero ${x}`), 0, ['arg'], false);
  assert.equal(clock.next_due(), 0);
  fire_all(clock, 2_000_000);
  assert.deepEqual(order, ['zero arg', 'a@1', 'b@2', 'c@2']);
  assert.equal(clock.now_ns, 2_000_000);
  assert.equal(clock.next_due(), null);
});

test('fractional milliseconds keep nanoseconds; Date.now floors', () => {
  const clock = new VirtualClock();
  clock.set_now(1_500_000_000);
  clock.add_timer(() => {}, 0.25, [], false);
  assert.equal(clock.next_due(), 1_500_250_000);
  clock.set_now(2_999_999_999);
  assert.equal(clock.now_ms(), 2999);
});

test('intervals repeat until cleared; install() replaces the globals', () => {
  const clock = new VirtualClock();
  const target = { setTimeout, clearTimeout, setInterval, clearInterval, setImmediate, clearImmediate, Date, performance: { now: () => 0 } };
  const real = clock.install(target);
  assert.equal(real.Date, Date);
  let ticks = 0;
  const h = target.setInterval(() => { ticks += 1; if (ticks === 3) target.clearInterval(h); }, 1000);
  fire_all(clock, 10_000_000_000);
  assert.equal(ticks, 3);
  assert.equal(clock.now_ns, 3_000_000_000);
  assert.equal(target.Date.now(), 3000);
  assert.equal(new target.Date().getTime(), 3000);
  assert.ok(new target.Date(5) instanceof Date);
  assert.equal(target.performance.now(), 3000);
  assert.equal(typeof +target.setTimeout(() => {}, 1), 'number');
});
