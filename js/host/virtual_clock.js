'use strict';
// VirtualClock: JavaScript's timers and Date on the driver's clock.
//
// Time is an integer number of nanoseconds since the run began (the simulator's Duration), so
// the clock keeps the world's precision: a timer set for `ms` milliseconds is due exactly
// round(ms * 1e6) ns later (browsers would truncate to whole ms; the C++ store sleeps exact
// nanoseconds, and the two must agree). Date.now() is floor(now / 1e6), as the C++ store's
// now_ms(). Timers never fire on their own: the host fires them when the driver advances the
// clock (fire_due), one at a time, in due order and then creation order, so that the host can
// drain microtasks between two timers exactly as an event loop would.
//
// install() replaces the globals setTimeout, clearTimeout, setInterval, clearInterval,
// setImmediate, clearImmediate, Date and performance.now. queueMicrotask, process.nextTick and
// Promise are left alone: they are V8's and decide the order of everything at one instant.

const NS_PER_MS = 1e6;

/// Milliseconds as a timer delay (HTML: a missing or non-finite delay, or a negative one, is 0).
function delay_ns(ms) {
  const value = Number(ms);
  if (!Number.isFinite(value) || value <= 0) return 0;
  return Math.round(value * NS_PER_MS);
}

/// A binary min-heap of timers ordered by (due, seq).
class TimerHeap {
  constructor() { this.items = []; }
  get size() { return this.items.length; }
  peek() { return this.items[0]; }
  static before(a, b) { return a.due < b.due || (a.due === b.due && a.seq < b.seq); }
  push(timer) {
    const items = this.items;
    items.push(timer);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!TimerHeap.before(items[i], items[parent])) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }
  pop() {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && TimerHeap.before(items[l], items[m])) m = l;
        if (r < items.length && TimerHeap.before(items[r], items[m])) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m], items[i]];
        i = m;
      }
    }
    return top;
  }
}

/// What setTimeout returns: Node code may call unref()/ref()/refresh(); browser code treats it
/// as a number (Symbol.toPrimitive gives the id).
class TimerHandle {
  constructor(clock, id) { this._clock = clock; this._id = id; }
  ref() { return this; }
  unref() { return this; }
  hasRef() { return true; }
  refresh() { this._clock._refresh(this._id); return this; }
  [Symbol.toPrimitive]() { return this._id; }
}

class VirtualClock {
  constructor() {
    this.now_ns = 0;
    this._heap = new TimerHeap();
    this._live = new Map();  // id -> timer; a cleared timer stays in the heap but not here
    this._next_id = 1;
    this._next_seq = 1;
    this.installed = false;
  }

  now_ms() { return Math.floor(this.now_ns / NS_PER_MS); }

  /// Moves the clock to `t_ns` without firing anything (the caller fired what was due before).
  set_now(t_ns) {
    if (t_ns > this.now_ns) this.now_ns = t_ns;
  }

  /// The due time of the earliest live timer, or null when none is pending.
  next_due() {
    this._drop_cleared();
    return this._heap.size > 0 ? this._heap.peek().due : null;
  }

  /// Removes and returns the earliest live timer due at or before `limit_ns`, moving the clock
  /// to its due time; null when none is due. The caller runs timer.fire().
  take_due(limit_ns) {
    this._drop_cleared();
    if (this._heap.size === 0 || this._heap.peek().due > limit_ns) return null;
    const timer = this._heap.pop();
    this.set_now(timer.due);
    if (timer.interval_ns !== null) {
      timer.due = this.now_ns + Math.max(timer.interval_ns, 0);
      timer.seq = this._next_seq++;
      this._heap.push(timer);
    } else {
      this._live.delete(timer.id);
    }
    return timer;
  }

  pending_count() { return this._live.size; }

  add_timer(callback, ms, args, repeat) {
    if (typeof callback !== 'function') {
      throw new TypeError('The "callback" argument must be of type function');
    }
    const id = this._next_id++;
    const wait = delay_ns(ms);
    const timer = {
      id,
      due: this.now_ns + wait,
      seq: this._next_seq++,
      interval_ns: repeat ? wait : null,
      fire: () => callback(...args),
    };
    this._live.set(id, timer);
    this._heap.push(timer);
    return new TimerHandle(this, id);
  }

  clear_timer(handle) {
    if (handle === undefined || handle === null) return;
    const id = typeof handle === 'object' ? handle._id : Number(handle);
    this._live.delete(id);
  }

  _refresh(id) {
    const timer = this._live.get(id);
    if (!timer) return;
    this._live.delete(id);
    const wait = timer.interval_ns !== null ? timer.interval_ns : 0;
    const fresh = { ...timer, due: this.now_ns + wait, seq: this._next_seq++ };
    this._live.set(id, fresh);
    this._heap.push(fresh);
  }

  _drop_cleared() {
    while (this._heap.size > 0) {
      const top = this._heap.peek();
      if (this._live.get(top.id) === top) return;
      this._heap.pop();
    }
  }

  /// Replaces the global timers and Date with this clock's. Returns the real functions.
  install(target = globalThis) {
    const real = {
      setTimeout: target.setTimeout,
      clearTimeout: target.clearTimeout,
      setInterval: target.setInterval,
      clearInterval: target.clearInterval,
      setImmediate: target.setImmediate,
      clearImmediate: target.clearImmediate,
      Date: target.Date,
      performance_now: target.performance ? target.performance.now.bind(target.performance) : null,
    };
    const clock = this;
    target.setTimeout = (callback, ms, ...args) => clock.add_timer(callback, ms, args, false);
    target.clearTimeout = (handle) => clock.clear_timer(handle);
    target.setInterval = (callback, ms, ...args) => clock.add_timer(callback, ms, args, true);
    target.clearInterval = (handle) => clock.clear_timer(handle);
    target.setImmediate = (callback, ...args) => clock.add_timer(callback, 0, args, false);
    target.clearImmediate = (handle) => clock.clear_timer(handle);
    target.Date = make_virtual_date(real.Date, clock);
    if (target.performance) target.performance.now = () => clock.now_ns / NS_PER_MS;
    this.installed = true;
    return real;
  }
}

/// A Date whose "now" is the virtual clock's. Everything else is the real Date's.
function make_virtual_date(RealDate, clock) {
  function VirtualDate(...args) {
    if (!new.target) return new RealDate(clock.now_ms()).toString();
    if (args.length === 0) return Reflect.construct(RealDate, [clock.now_ms()], new.target);
    return Reflect.construct(RealDate, args, new.target);
  }
  VirtualDate.prototype = RealDate.prototype;
  VirtualDate.now = () => clock.now_ms();
  VirtualDate.parse = RealDate.parse;
  VirtualDate.UTC = RealDate.UTC;
  return VirtualDate;
}

module.exports = { VirtualClock, delay_ns, NS_PER_MS };
