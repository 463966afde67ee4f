// services/cancellation: aborting connection work that nobody waits for any more, the fix for
// field bug 8 (`store.musig2.cancel_on_timeout`: proposeSpend's connectivity race aborts the
// connection work when its timer wins). The seed has no such thing; outside aborted work every
// function here adds no await and no tick, so the seed's order is untouched.
//
// The fix is an AbortController, as a JavaScript wallet would write it (the C++ port's
// js::CancelScope, store/js_async.hpp, does exactly this):
// - The work is everything started inside `withSignal`, at any depth: the signal follows the
//   awaits (Node's AsyncLocalStorage, instead of a `signal` argument on every action, so the
//   seed's signatures stay as they are).
// - Its waits (a dial, the relay helper, a retry wait) are given the signal: `controller.abort()`
//   rejects every one still pending at once, in the order they started (abort listeners run in
//   registration order), with the signal's reason, an AbortError "This operation was aborted";
//   a wait started with an aborted signal rejects at once.
// - Nothing else throws by itself: the ladder's catches let an abort through (`isAborted`), and
//   connectToMultiplePeers starts no further batch (`throwIfAborted`).
import { AsyncLocalStorage } from 'node:async_hooks'

const signals = new AsyncLocalStorage<AbortSignal>()

/** Runs `body` with `signal`: everything it starts, at any depth, carries it. */
export function withSignal<T>(signal: AbortSignal, body: () => Promise<T>): Promise<T> {
  return signals.run(signal, body)
}

/** The signal of the work running now, if any. */
export function currentSignal(): AbortSignal | undefined {
  return signals.getStore()
}

/** `signal.aborted` for the work running now. */
export function isAborted(): boolean {
  return signals.getStore()?.aborted ?? false
}

/** `signal.throwIfAborted()` for the work running now. */
export function throwIfAborted(): void {
  signals.getStore()?.throwIfAborted()
}

/** setTimeout as a promise that the current work's signal aborts (the timer is cleared). */
export function abortableDelay(ms: number): Promise<void> {
  const signal = signals.getStore()
  if (!signal) return new Promise(resolve => setTimeout(resolve, ms))
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
