// The parts of stores/p2p.ts the seed calls "existing": the state, presence handling, the
// libp2p connection events and the activity feed. stores/p2p.ts builds the store on them, and
// so does a store assembled from the seed's code blocks (js/seed/), whose actions replace these.
import { node } from '@connsim/node'
import { resolveStoreOptions } from '../services/store_options'
import type {
  ConnectionType, P2PActivityEvent, PeerConnectionStatus, UIPeerInfo, UIPresenceAdvertisement,
} from '../types/p2p'

export const ACTIVITY_FEED_LIMIT = 50

export const p2pOptions = resolveStoreOptions(node.options)

export function p2pState() {
  return {
    initialized: true,
    connected: true,
    connectionState: 'connected' as string,
    peerId: node.peerId,
    multiaddrs: [] as string[],
    connectedPeers: [] as UIPeerInfo[],
    onlinePeers: [] as UIPresenceAdvertisement[],
    myPresenceConfig: null as unknown,
    activityEvents: [] as P2PActivityEvent[],
    dhtReady: true,
    routingTableSize: 0,
    error: null as string | null,
    settings: {} as Record<string, unknown>,
    settingsLoaded: true,
    /** Connection status per peer (Task 3.2). */
    peerConnectionStatus: new Map<string, PeerConnectionStatus>(),
    nextActivityEventId: 1,
  }
}

function mergeRelayAddresses(oldRecord: UIPresenceAdvertisement, newRecord: UIPresenceAdvertisement): string[] {
  const merged = [...(newRecord.relayAddrs ?? [])]
  for (const address of oldRecord.relayAddrs ?? []) {
    if (!merged.includes(address)) merged.push(address)
  }
  return merged
}

export const p2pBaseActions = {
  /** A presence arrived over gossip. The seed replaces a known peer's record; the options
   *  `merge-reset` (as shipped later, field bug 4) and `merge-keep` (its fix) merge relay sets. */
  _handlePresenceDiscovered(this: any, presence: UIPresenceAdvertisement) {
    if (!presence || presence.peerId === this.peerId) return
    const index = this.onlinePeers.findIndex((p: UIPresenceAdvertisement) => p.peerId === presence.peerId)
    if (index < 0) {
      this.onlinePeers.push(presence)
      return
    }
    if (p2pOptions.presenceUpdate === 'replace') {
      this.onlinePeers[index] = presence
      return
    }
    const existing = this.onlinePeers[index]
    this.onlinePeers[index] = {
      ...presence,
      relayAddrs: mergeRelayAddresses(existing, presence),
      connectionStatus: existing.connectionStatus,
      connectionType: existing.connectionType,
      lastConnectionAttempt: existing.lastConnectionAttempt,
    }
    if (p2pOptions.presenceUpdate === 'merge-reset' &&
        this.getPeerConnectionStatus(presence.peerId).status !== 'connected') {
      this._updatePeerConnectionStatus(presence.peerId, 'disconnected')
    }
  },

  /** libp2p `peer:connect`: the first live connection to the peer opened. */
  _handlePeerConnected(this: any, peerId: string, connectionType: ConnectionType) {
    if (this.connectedPeers.some((p: UIPeerInfo) => p.peerId === peerId)) return
    this.connectedPeers.push({ peerId, connectionType, connectedAt: Date.now() })
  },

  /** libp2p `peer:disconnect`: the last live connection closed. The seed writes no status;
   *  `mark_disconnected_on_close` (fix for field bug 3) writes 'disconnected' over 'connected'. */
  _handlePeerDisconnected(this: any, peerId: string) {
    this.connectedPeers = this.connectedPeers.filter((p: UIPeerInfo) => p.peerId !== peerId)
    if (!p2pOptions.markDisconnectedOnClose) return
    const current = this.peerConnectionStatus.get(peerId)
    if (current && current.status === 'connected') this._updatePeerConnectionStatus(peerId, 'disconnected')
  },

  /** The feed keeps the newest 50 events, newest first. */
  _addActivityEvent(this: any, event: { type: P2PActivityEvent['type']; peerId: string; message: string }) {
    this.activityEvents.unshift({ ...event, id: this.nextActivityEventId++, timestamp: Date.now() })
    if (this.activityEvents.length > ACTIVITY_FEED_LIMIT) {
      this.activityEvents.splice(ACTIVITY_FEED_LIMIT)
    }
  },
}

export const p2pBaseGetters = {}
