// stores/p2p.ts: the P2P store of the seed (Tasks 3.1, 3.2, 3.5), the project's own
// implementation. Connecting to discovered peers, per-peer connection status and the activity
// feed. The seed's defaults are the defaults; the scenario's `store` options select the named
// fixes and knobs, with the same meaning as in the C++ port (store/p2p_store.hpp).
import { defineStore } from 'pinia'
import { connectToDiscoveredPeerWithRetry } from '../services/p2p'
import { throwIfAborted } from '../services/cancellation'
import { useContactsStore } from './contacts'
import { p2pBaseActions, p2pBaseGetters, p2pOptions, p2pState } from './p2p_base'
import type {
  ConnectionStatus, ConnectionType, ConnectResult, PeerConnectionStatus, UIPeerInfo,
  UIPresenceAdvertisement,
} from '../types/p2p'

export const PEER_NOT_FOUND = 'Peer not found in online peers'

function displayName(presence: UIPresenceAdvertisement, peerId: string): string {
  return presence.nickname || peerId.slice(0, 12)
}

/** Connects in flight, per peer, when `dedupe_concurrent_connects` is on (fix for field bug 5). */
const inFlight = new Map<string, Promise<ConnectResult>>()

export const useP2PStore = defineStore('p2p', {
  state: p2pState,

  getters: {
    ...p2pBaseGetters,

    /** Online peers that are connected: by their status, or by a live libp2p connection. */
    connectedOnlinePeers: (state): UIPresenceAdvertisement[] =>
      state.onlinePeers.filter(p =>
        p.connectionStatus === 'connected' || state.connectedPeers.some(c => c.peerId === p.peerId)),

    connectedOnlinePeerCount(): number {
      return this.connectedOnlinePeers.length
    },
  },

  actions: {
    ...p2pBaseActions,

    /** Connects to an online peer by its peer id (Task 3.1). */
    async connectToOnlinePeer(peerId: string): Promise<ConnectResult> {
      const presence = this.onlinePeers.find(p => p.peerId === peerId)
      if (!presence) {
        return { success: false, connectionType: 'none', error: PEER_NOT_FOUND }
      }
      if (!p2pOptions.dedupeConcurrentConnects) {
        return await this.connectToPresence(presence)
      }
      // The dedupe fix: a second connect to a peer being connected to shares the first's result.
      const running = inFlight.get(peerId)
      if (running) return await running
      const attempt = this.connectToPresence(presence)
      inFlight.set(peerId, attempt)
      try {
        return await attempt
      } finally {
        if (inFlight.get(peerId) === attempt) inFlight.delete(peerId)
      }
    },

    /** Connects through the connection service and reports it in status and feed (Task 3.5). */
    async connectToPresence(presence: UIPresenceAdvertisement): Promise<ConnectResult> {
      const { peerId } = presence
      this._updatePeerConnectionStatus(peerId, 'connecting')
      this._emitConnectionEvent('connecting', peerId, presence)
      try {
        const result = await connectToDiscoveredPeerWithRetry(presence, 3, 1000)
        if (result.success) {
          const type = result.connectionType as ConnectionType
          this._updatePeerConnectionStatus(peerId, 'connected', type)
          this._emitConnectionEvent('connected', peerId, presence, type)
          useContactsStore().updateLastSeen(peerId)
        } else {
          this._updatePeerConnectionStatus(peerId, 'failed', undefined, result.error)
          this._emitConnectionEvent('failed', peerId, presence, undefined, result.error)
        }
        return result
      } catch (error) {
        const message = error instanceof Error ? error.message : 'Unknown error'
        this._updatePeerConnectionStatus(peerId, 'failed', undefined, message)
        this._emitConnectionEvent('failed', peerId, presence, undefined, message)
        return { success: false, connectionType: 'none', error: message }
      }
    },

    /** Connects to several peers: batches of `limit` awaited whole (the seed, limit 3), or a
     *  sliding window of `limit` (concurrency.mode "window"). Results keyed by peer id. */
    async connectToMultiplePeers(peerIds: string[]): Promise<Map<string, ConnectResult>> {
      const limit = Math.max(1, p2pOptions.concurrency.limit)
      const results = new Map<string, ConnectResult>()
      if (p2pOptions.concurrency.mode === 'window') {
        const outcomes: ConnectResult[] = new Array(peerIds.length)
        let next = 0
        const worker = async () => {
          while (next < peerIds.length) {
            throwIfAborted()  // aborted work (cancel_on_timeout) starts no further connect
            const index = next++
            outcomes[index] = await this.connectToOnlinePeer(peerIds[index])
          }
        }
        const workers = Math.min(peerIds.length, limit)
        await Promise.all(Array.from({ length: workers }, () => worker()))
        peerIds.forEach((peerId, index) => results.set(peerId, outcomes[index]))
        return results
      }
      for (let i = 0; i < peerIds.length; i += limit) {
        const batch = peerIds.slice(i, i + limit)
        throwIfAborted()  // aborted work (cancel_on_timeout) starts no further batch
        const batchResults = await Promise.all(batch.map(peerId => this.connectToOnlinePeer(peerId)))
        batch.forEach((peerId, index) => results.set(peerId, batchResults[index]))
      }
      return results
    },

    /** Records a status for the peer and mirrors it onto its onlinePeers entry (Task 3.2). */
    _updatePeerConnectionStatus(peerId: string, status: ConnectionStatus,
      connectionType?: ConnectionType, error?: string) {
      const now = Date.now()
      this.peerConnectionStatus.set(peerId, { status, connectionType, lastAttempt: now, error })
      const index = this.onlinePeers.findIndex(p => p.peerId === peerId)
      if (index >= 0) {
        this.onlinePeers[index] = {
          ...this.onlinePeers[index],
          connectionStatus: status,
          connectionType,
          lastConnectionAttempt: now,
        }
      }
    },

    /** The recorded status, else 'connected' when libp2p holds a connection, else 'disconnected'. */
    getPeerConnectionStatus(peerId: string): PeerConnectionStatus {
      const recorded = this.peerConnectionStatus.get(peerId)
      if (recorded) return recorded
      if (this.connectedPeers.some((p: UIPeerInfo) => p.peerId === peerId)) return { status: 'connected' }
      return { status: 'disconnected' }
    },

    isPeerConnected(peerId: string): boolean {
      return this.getPeerConnectionStatus(peerId).status === 'connected'
    },

    /** The activity feed's three connection messages (field-notes §1). */
    _emitConnectionEvent(event: 'connecting' | 'connected' | 'failed', peerId: string,
      presence: UIPresenceAdvertisement, connectionType?: ConnectionType, error?: string) {
      const name = displayName(presence, peerId)
      if (event === 'connecting') {
        this._addActivityEvent({ type: 'info', peerId, message: `Connecting to ${name}...` })
      } else if (event === 'connected') {
        this._addActivityEvent({ type: 'peer_joined', peerId, message: `Connected to ${name}... via ${connectionType}` })
      } else {
        this._addActivityEvent({ type: 'error', peerId, message: `Failed to connect to ${name}...: ${error}` })
      }
    },
  },
})
