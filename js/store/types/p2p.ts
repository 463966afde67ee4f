// types/p2p.ts: the shapes the stores share (the seed's Task 3.4 and the result shapes of
// stores/p2p.ts).

export type ConnectionStatus = 'disconnected' | 'connecting' | 'connected' | 'failed'
export type ConnectionType = 'webrtc' | 'relay' | 'direct'

/** UI-friendly wallet presence: the gossiped record plus the wallet-side connection fields. */
export interface UIPresenceAdvertisement {
  id: string
  peerId: string
  multiaddrs: string[]
  relayAddrs: string[]
  webrtcAddr: string | null
  walletAddress: string
  nickname?: string
  avatar?: string
  createdAt: number
  expiresAt: number
  connectionStatus?: ConnectionStatus
  connectionType?: ConnectionType
  lastConnectionAttempt?: number
}

export interface PeerConnectionStatus {
  status: ConnectionStatus
  connectionType?: ConnectionType
  lastAttempt?: number
  error?: string
}

export interface ConnectResult {
  success: boolean
  connectionType: ConnectionType | 'none'
  error?: string
}

/** A peer libp2p holds a live connection to. */
export interface UIPeerInfo {
  peerId: string
  connectionType: ConnectionType
  connectedAt: number
}

export interface P2PActivityEvent {
  id: number
  type: 'info' | 'peer_joined' | 'error'
  peerId: string
  message: string
  timestamp: number
}

export interface SpendProposalParams {
  walletId: string
  recipient: string
  amountSats: number | bigint
}
