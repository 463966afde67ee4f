// The scenario's `store` object (scenarios/FORMAT.md), resolved with the seed's defaults: the same
// keys and the same defaults as the C++ port's P2PStoreOptions, ConnectionServiceOptions and
// Musig2StoreOptions. Times are written as in a scenario: a string with a unit ("250ms", "1.5s",
// "2m", "1h", "10ns") or a number of milliseconds; they are kept as integer nanoseconds.
// An unknown key or a bad value throws: the host reports it when the wallet is created.

export type RetryKind = 'exponential' | 'fixed' | 'exponential-jitter' | 'deadline-bounded'
export type ConcurrencyMode = 'batch' | 'window'
export type PresenceUpdate = 'replace' | 'merge-reset' | 'merge-keep'

export interface RetryOptions {
  kind: RetryKind
  maxAttempts: number
  baseDelayNs: number
  maxDelayNs: number
  deadlineNs: number
}

export interface StoreOptions {
  /** Keys of `retry` the scenario wrote: the others come from the call's arguments. */
  retryGiven: { policy: boolean; maxAttempts: boolean; baseDelay: boolean }
  retry: RetryOptions
  concurrency: { mode: ConcurrencyMode; limit: number }
  presenceUpdate: PresenceUpdate
  markDisconnectedOnClose: boolean
  dedupeConcurrentConnects: boolean
  directFilter: 'shipped' | 'fixed'
  peerExchangeReader: 'shipped' | 'fixed'
  musig2: {
    connectivityTimeoutNs: number
    cancelOnTimeout: boolean
    allowPartialConnectivity: boolean
    minConnectedParticipants: number
    uniqueSessionIds: boolean
    nonceTimeoutNs: number
    partialSigTimeoutNs: number
    sessionTimeoutNs: number
  }
}

const UNIT_NS: Record<string, bigint> = {
  ns: 1n, us: 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n,
}

/** A scenario time as integer nanoseconds (the C++ loader's rounding: half up on the fraction). */
export function parseTimeNs(value: unknown, where: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new Error(`${where}: expected a time, got ${value}`)
    return Math.round(value * 1e6)
  }
  if (typeof value !== 'string') throw new Error(`${where}: expected a time like "250ms"`)
  const match = /^(\d+)(?:\.(\d+))?(ns|us|ms|s|m|h)$/.exec(value)
  if (!match) throw new Error(`${where}: expected a time like "250ms", got "${value}"`)
  const unit = UNIT_NS[match[3]]
  const digits = (match[2] ?? '').slice(0, 18)
  const scale = 10n ** BigInt(digits.length)
  const fraction = digits.length > 0 ? BigInt(digits) : 0n
  const ns = BigInt(match[1]) * unit + (fraction * unit + scale / 2n) / scale
  return Number(ns)
}

function pick<T extends string>(value: unknown, allowed: readonly T[], where: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new Error(`${where}: expected one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`)
  }
  return value as T
}

function integer(value: unknown, min: number, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new Error(`${where}: expected an integer >= ${min}, got ${JSON.stringify(value)}`)
  }
  return value
}

function bool(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') throw new Error(`${where}: expected true or false`)
  return value
}

function object(value: unknown, where: string): Record<string, unknown> {
  if (value === undefined || value === null) return {}
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`${where}: expected an object`)
  return value as Record<string, unknown>
}

function checkKeys(value: Record<string, unknown>, known: string[], where: string) {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw new Error(`${where}: unknown key "${key}"`)
  }
}

export function resolveStoreOptions(raw: unknown): StoreOptions {
  const store = object(raw, 'store')
  checkKeys(store, ['implementation', 'retry', 'concurrency', 'presence_update',
    'mark_disconnected_on_close', 'dedupe_concurrent_connects', 'direct_filter',
    'peer_exchange_reader', 'musig2'], 'store')
  const retry = object(store.retry, 'store.retry')
  checkKeys(retry, ['policy', 'max_attempts', 'base_delay', 'max_delay', 'deadline'], 'store.retry')
  const concurrency = object(store.concurrency, 'store.concurrency')
  checkKeys(concurrency, ['mode', 'limit'], 'store.concurrency')
  const musig2 = object(store.musig2, 'store.musig2')
  checkKeys(musig2, ['connectivity_timeout', 'cancel_on_timeout', 'allow_partial_connectivity',
    'min_connected_participants', 'unique_session_ids', 'nonce_timeout', 'partial_sig_timeout',
    'session_timeout'], 'store.musig2')
  const has = (o: Record<string, unknown>, k: string) => o[k] !== undefined

  return {
    retryGiven: { policy: has(retry, 'policy'), maxAttempts: has(retry, 'max_attempts'), baseDelay: has(retry, 'base_delay') },
    retry: {
      kind: has(retry, 'policy') ? pick(retry.policy, ['exponential', 'fixed', 'exponential-jitter', 'deadline-bounded'] as const, 'store.retry.policy') : 'exponential',
      maxAttempts: has(retry, 'max_attempts') ? integer(retry.max_attempts, 1, 'store.retry.max_attempts') : 3,
      baseDelayNs: has(retry, 'base_delay') ? parseTimeNs(retry.base_delay, 'store.retry.base_delay') : 1_000_000_000,
      maxDelayNs: has(retry, 'max_delay') ? parseTimeNs(retry.max_delay, 'store.retry.max_delay') : 0,
      deadlineNs: has(retry, 'deadline') ? parseTimeNs(retry.deadline, 'store.retry.deadline') : 30_000_000_000,
    },
    concurrency: {
      mode: has(concurrency, 'mode') ? pick(concurrency.mode, ['batch', 'window'] as const, 'store.concurrency.mode') : 'batch',
      limit: has(concurrency, 'limit') ? integer(concurrency.limit, 1, 'store.concurrency.limit') : 3,
    },
    presenceUpdate: has(store, 'presence_update') ? pick(store.presence_update, ['replace', 'merge-reset', 'merge-keep'] as const, 'store.presence_update') : 'replace',
    markDisconnectedOnClose: has(store, 'mark_disconnected_on_close') ? bool(store.mark_disconnected_on_close, 'store.mark_disconnected_on_close') : false,
    dedupeConcurrentConnects: has(store, 'dedupe_concurrent_connects') ? bool(store.dedupe_concurrent_connects, 'store.dedupe_concurrent_connects') : false,
    directFilter: has(store, 'direct_filter') ? pick(store.direct_filter, ['shipped', 'fixed'] as const, 'store.direct_filter') : 'shipped',
    peerExchangeReader: has(store, 'peer_exchange_reader') ? pick(store.peer_exchange_reader, ['shipped', 'fixed'] as const, 'store.peer_exchange_reader') : 'shipped',
    musig2: {
      connectivityTimeoutNs: has(musig2, 'connectivity_timeout') ? parseTimeNs(musig2.connectivity_timeout, 'store.musig2.connectivity_timeout') : 0,
      cancelOnTimeout: has(musig2, 'cancel_on_timeout') ? bool(musig2.cancel_on_timeout, 'store.musig2.cancel_on_timeout') : false,
      allowPartialConnectivity: has(musig2, 'allow_partial_connectivity') ? bool(musig2.allow_partial_connectivity, 'store.musig2.allow_partial_connectivity') : false,
      minConnectedParticipants: has(musig2, 'min_connected_participants') ? integer(musig2.min_connected_participants, 0, 'store.musig2.min_connected_participants') : 0,
      uniqueSessionIds: has(musig2, 'unique_session_ids') ? bool(musig2.unique_session_ids, 'store.musig2.unique_session_ids') : false,
      nonceTimeoutNs: has(musig2, 'nonce_timeout') ? parseTimeNs(musig2.nonce_timeout, 'store.musig2.nonce_timeout') : 60_000_000_000,
      partialSigTimeoutNs: has(musig2, 'partial_sig_timeout') ? parseTimeNs(musig2.partial_sig_timeout, 'store.musig2.partial_sig_timeout') : 60_000_000_000,
      sessionTimeoutNs: has(musig2, 'session_timeout') ? parseTimeNs(musig2.session_timeout, 'store.musig2.session_timeout') : 300_000_000_000,
    },
  }
}
