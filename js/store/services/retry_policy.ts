// How connectToDiscoveredPeerWithRetry spaces its attempts (field-notes §1: the seed's call is
// connectToDiscoveredPeerWithRetry(presence, 3, 1000): three attempts, waiting 1 s then 2 s).
// The same arithmetic as the C++ port's RetryPolicy, on integer nanoseconds.
import type { RetryOptions } from './store_options'

/** The wait after the `failedAttempts`-th failure (1-based); `random` is read only for jitter. */
export function delayAfterFailureNs(policy: RetryOptions, failedAttempts: number, random: () => number): number {
  let delay = policy.baseDelayNs
  if (policy.kind !== 'fixed') {
    const doublings = Math.min(Math.max(failedAttempts - 1, 0), 40)
    const scaled = policy.baseDelayNs * 2 ** doublings
    const cap = 9223372036854775807 / 4
    delay = Math.trunc(Math.min(scaled, cap))
  }
  if (policy.kind === 'exponential-jitter') {
    delay = Math.trunc(delay * (0.5 + random()))
  }
  if (policy.maxDelayNs > 0) delay = Math.min(delay, policy.maxDelayNs)
  return delay
}

/** Whether another attempt may start after `failedAttempts` failures, `elapsedNs` after the first. */
export function mayRetry(policy: RetryOptions, failedAttempts: number, elapsedNs: number, nextDelayNs: number): boolean {
  if (failedAttempts >= policy.maxAttempts) return false
  if (policy.kind === 'deadline-bounded' && policy.deadlineNs > 0) {
    return elapsedNs + nextDelayNs <= policy.deadlineNs
  }
  return true
}
