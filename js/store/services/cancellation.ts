// services/cancellation: stopping connection work that nobody waits for any more, the fix for
// field bug 8 (`store.musig2.cancel_on_timeout`: proposeSpend's connectivity race cancels the
// connection work when its timer wins). The seed has no such thing; without a CancellableWork
// every function here is a no-op that adds no await, so the seed's order is untouched.
//
// Semantics, those of the C++ port (its Asio cancellation slot on the race's connection work):
// - The work is everything started inside `run`, at any depth: the scope follows the awaits
//   (Node's AsyncLocalStorage; a browser build would thread an AbortSignal through instead).
// - On `cancel`, each wait in progress in the work (a dial, the relay helper, a retry wait)
//   rejects with OPERATION_CANCELED, one connect at a time in the order the connects started,
//   each left to unwind (its catch, its status write and activity event) before the next.
// - From then on, every await of the work that `throwIfCancelled` guards throws AWAIT_CANCELED
//   before it starts anything.
// The two texts are the C++ port's (Asio's), so that both stores write the same errors.
import { AsyncLocalStorage } from 'node:async_hooks'

export const OPERATION_CANCELED = 'Operation canceled [system:125]'
export const AWAIT_CANCELED = 'co_await: Operation canceled [system:125]'

interface Scope {
  work: CancellableWork
  connect: number  // the connect this code runs for, in start order (-1: none yet)
}

const scopes = new AsyncLocalStorage<Scope>()

interface PendingWait {
  connect: number
  order: number
  fail: (error: Error) => void
}

export class CancellableWork {
  private cancelled = false
  private connects = 0
  private waits = 0
  private pending = new Set<PendingWait>()

  /** Runs `body` as this work: everything it starts, at any depth, can be cancelled. */
  run<T>(body: () => Promise<T>): Promise<T> {
    return scopes.run({ work: this, connect: -1 }, body)
  }

  get isCancelled(): boolean {
    return this.cancelled
  }

  /** Cancels the work once: the waits in progress fail, connect by connect (see above). */
  cancel(): void {
    if (this.cancelled) return
    this.cancelled = true
    const waits = [...this.pending].sort((a, b) => a.connect - b.connect || a.order - b.order)
    this.pending.clear()
    const failFrom = (index: number) => {
      waits[index].fail(new Error(OPERATION_CANCELED))
      // A 0 ms timer on the virtual clock: this connect unwinds completely (every microtask)
      // before the next one is told, as the C++ executor runs one cancelled handler at a time.
      if (index + 1 < waits.length) setTimeout(() => failFrom(index + 1), 0)
    }
    if (waits.length > 0) failFrom(0)
  }

  /** @internal */ nextConnect(): number {
    return this.connects++
  }

  /** @internal */ track<T>(connect: number, wait: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry: PendingWait = { connect, order: this.waits++, fail: reject }
      this.pending.add(entry)
      wait.then(
        (value) => {
          this.pending.delete(entry)
          resolve(value)
        },
        (error) => {
          this.pending.delete(entry)
          reject(error)
        },
      )
    })
  }
}

/** Runs `connect` (one connect's retry loop) as the next connect of the current work, if any. */
export function asConnect<T>(connect: () => Promise<T>): Promise<T> {
  const scope = scopes.getStore()
  if (!scope) return connect()
  return scopes.run({ work: scope.work, connect: scope.work.nextConnect() }, connect)
}

/** Throws AWAIT_CANCELED when the current work was cancelled: call it right before an await. */
export function throwIfCancelled(): void {
  if (scopes.getStore()?.work.isCancelled) throw new Error(AWAIT_CANCELED)
}

/** `wait`, failing with OPERATION_CANCELED if the current work is cancelled while it is pending. */
export function cancellable<T>(wait: Promise<T>): Promise<T> {
  const scope = scopes.getStore()
  if (!scope) return wait
  return scope.work.track(scope.connect, wait)
}
