// services/p2p: the connection service beneath the store (field-notes §1), the project's own
// implementation of what the wallet shipped:
//   connectToDiscoveredPeer(presence)                 one pass down the ladder
//   connectToDiscoveredPeerWithRetry(presence, n, ms) the ladder with retry and backoff
//
// The ladder, one attempt:
//   1. already connected (libp2p getConnections)  -> success, that connection's type
//   2. presence.webrtcAddr                         -> dial -> 'webrtc'
//   3. each presence.relayAddrs, in order          -> dial -> 'relay'
//   4. relay addresses for the peer from the bootstrap's peer exchange (topic lotus/peers),
//      cached 5 minutes                            -> dial -> 'relay'
//   5. the SDK's relay dial helper                 -> 'relay' (whatever it throws, go on)
//   6. "direct": presence.multiaddrs; the shipped filter keeps only /p2p-circuit or /webrtc
//      addresses (an inversion, kept as the default), the fixed one only the others -> 'direct'
//   7. nothing worked -> { success: false, connectionType: 'none', error: 'All connection methods failed' }
//
// The wallet's libp2p node is `node` of '@connsim/node' (the host provides one per wallet).
import { node } from '@connsim/node'
import { resolveStoreOptions } from './store_options'
import type { RetryOptions } from './store_options'
import { delayAfterFailureNs, mayRetry } from './retry_policy'
import { abortableDelay, currentSignal, isAborted } from './cancellation'
import type { UIPresenceAdvertisement, ConnectResult } from '../types/p2p'

export const ALL_METHODS_FAILED = 'All connection methods failed'
export const MAX_RETRIES_EXCEEDED = 'Max retries exceeded'
export const PEER_EXCHANGE_TOPIC = 'lotus/peers'
const PEER_EXCHANGE_CACHE_TTL_NS = 5 * 60 * 1e9

const options = resolveStoreOptions(node.options)

export function isCircuitAddress(address: string): boolean {
  return address.includes('/p2p-circuit')
}

export function isWebRTCAddress(address: string): boolean {
  return address.includes('/webrtc')
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : 'Unknown error'
}

// --- peer-exchange cache ----------------------------------------------------------------------

interface CachedMessage { receivedAtNs: number; message: any }
const peerExchangeCache: CachedMessage[] = []  // oldest first
let acceptedPeerExchangeMessages = 0

/** The shipped reader expects {type:'peers', peers:[{id, addrs}]}; the bootstrap sends
 *  {type:'peer-exchange', peers:[{peerId, multiaddrs}]} (field bug 1). */
function peerList(message: any): any[] | null {
  if (message === null || typeof message !== 'object' || Array.isArray(message)) return null
  const expected = options.peerExchangeReader === 'fixed' ? 'peer-exchange' : 'peers'
  if (message.type !== expected || !Array.isArray(message.peers)) return null
  return message.peers
}

function pruneCache() {
  const now = node.now()
  while (peerExchangeCache.length > 0 && now - peerExchangeCache[0].receivedAtNs > PEER_EXCHANGE_CACHE_TTL_NS) {
    peerExchangeCache.shift()
  }
}

node.on('pubsub', (topic: string, message: unknown) => {
  if (topic !== PEER_EXCHANGE_TOPIC || message === undefined || message === null) return
  if (peerList(message) === null) return
  peerExchangeCache.push({ receivedAtNs: node.now(), message })
  acceptedPeerExchangeMessages += 1
  pruneCache()
})

/** Relay addresses for `peerId` in the cache; the newest message that knows the peer wins. */
export function cachedRelayAddresses(peerId: string): string[] {
  pruneCache()
  const fixed = options.peerExchangeReader === 'fixed'
  const idKey = fixed ? 'peerId' : 'id'
  const addrsKey = fixed ? 'multiaddrs' : 'addrs'
  const found: string[] = []
  for (let i = peerExchangeCache.length - 1; i >= 0; i--) {
    const peers = peerList(peerExchangeCache[i].message)
    if (peers === null) continue
    for (const entry of peers) {
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) continue
      if (typeof entry[idKey] !== 'string' || entry[idKey] !== peerId) continue
      if (!Array.isArray(entry[addrsKey])) continue
      for (const address of entry[addrsKey]) {
        if (typeof address === 'string' && isCircuitAddress(address)) found.push(address)
      }
    }
    if (found.length > 0) break
  }
  return found
}

export function peerExchangeMessagesAccepted(): number {
  return acceptedPeerExchangeMessages
}

// --- the ladder -------------------------------------------------------------------------------

let attemptsStarted = 0
export function attemptsStartedCount(): number {
  return attemptsStarted
}

export async function connectToDiscoveredPeer(presence: UIPresenceAdvertisement): Promise<ConnectResult> {
  attemptsStarted += 1
  const peerId = presence.peerId
  let lastError: string | undefined

  // Under aborted work (services/cancellation: cancel_on_timeout) each wait is given the
  // work's signal, and a catch lets the abort through: it is not a failed dial.
  const tryDial = async (address: string): Promise<boolean> => {
    try {
      await node.dial(address, { signal: currentSignal() })
      return true
    } catch (error) {
      if (isAborted()) throw error
      lastError = errorMessage(error)
      return false
    }
  }

  // 1. Already connected.
  const existing = node.getConnections(peerId)
  if (existing.length > 0) {
    return { success: true, connectionType: existing[0].type }
  }
  // 2. WebRTC.
  if (presence.webrtcAddr) {
    if (await tryDial(presence.webrtcAddr)) return { success: true, connectionType: 'webrtc' }
  }
  // 3. Each advertised relay address, in order.
  for (const address of presence.relayAddrs ?? []) {
    if (await tryDial(address)) return { success: true, connectionType: 'relay' }
  }
  // 4. Relay addresses learned from peer exchange.
  for (const address of cachedRelayAddresses(peerId)) {
    if (await tryDial(address)) return { success: true, connectionType: 'relay' }
  }
  // 5. The SDK's relay dial helper.
  try {
    await node.dialViaRelay(peerId, { signal: currentSignal() })
    return { success: true, connectionType: 'relay' }
  } catch (error) {
    if (isAborted()) throw error  // the ladder goes on whatever the helper threw, but an abort
  }
  // 6. "Direct".
  const inverted = options.directFilter === 'shipped'
  for (const address of presence.multiaddrs ?? []) {
    const relayed = isCircuitAddress(address) || isWebRTCAddress(address)
    if (relayed !== inverted) continue
    if (await tryDial(address)) return { success: true, connectionType: 'direct' }
  }
  // 7. Nothing worked (the last dial's error is not what the shipped code returned).
  void lastError
  return { success: false, connectionType: 'none', error: ALL_METHODS_FAILED }
}

/** The policy a call runs under: the scenario's `store.retry` keys, else the call's arguments. */
export function retryPolicyFor(maxRetries: number, baseDelayMs: number): RetryOptions {
  return {
    ...options.retry,
    maxAttempts: options.retryGiven.maxAttempts ? options.retry.maxAttempts : maxRetries,
    baseDelayNs: options.retryGiven.baseDelay ? options.retry.baseDelayNs : Math.round(baseDelayMs * 1e6),
  }
}

function sleepNs(ns: number): Promise<void> {
  return abortableDelay(ns / 1e6)
}

/** One connect: the ladder under `policy`, retried. */
export async function connectWithPolicy(presence: UIPresenceAdvertisement, policy: RetryOptions): Promise<ConnectResult> {
  let lastError: string | undefined
  const started = node.now()
  let failed = 0
  while (failed < policy.maxAttempts) {
    const attemptStarted = node.now()
    const result = await connectToDiscoveredPeer(presence)
    node.reportAttempt(presence.peerId, failed + 1, attemptStarted, result)
    if (result.success) return result
    lastError = result.error  // `lastError = result.error`, even when undefined
    failed += 1
    const delay = delayAfterFailureNs(policy, failed, () => node.random())
    if (!mayRetry(policy, failed, node.now() - started, delay)) break
    await sleepNs(delay)
  }
  return { success: false, connectionType: 'none', error: lastError ?? MAX_RETRIES_EXCEEDED }
}

export async function connectToDiscoveredPeerWithRetry(
  presence: UIPresenceAdvertisement, maxRetries = 3, baseDelay = 1000,
): Promise<ConnectResult> {
  return await connectWithPolicy(presence, retryPolicyFor(maxRetries, baseDelay))
}
