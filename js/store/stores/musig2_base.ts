// The parts of stores/musig2.ts the seed calls "existing": the shared wallets and the signing
// session a successful proposeSpend starts. The proposer coordinates a two-round MuSig2 session
// in a star around itself, with the same messages, rounds and timeouts as the C++ port
// (store/musig2_store.hpp): session-proposal -> nonce (each participant) -> nonces-complete ->
// partial-sig (each participant) -> session-complete. Payloads are JSON with sorted keys.
import { node } from '@connsim/node'
import { resolveStoreOptions } from '../services/store_options'
import type { SpendProposalParams } from '../types/p2p'

export const MUSIG2_PROTOCOL = '/lotus/musig2/1.0.0'
export const musig2Options = resolveStoreOptions(node.options).musig2

export type SessionState = 'proposed' | 'collecting_nonces' | 'signing' | 'completed' | 'failed'

export interface SharedWallet {
  id: string
  participants: { peerId?: string; publicKey: string }[]
}

export interface SigningSession {
  id: string
  walletId: string
  coordinator: string
  participants: string[]
  state: SessionState
  noncesFrom: string[]
  partialSigsFrom: string[]
  failure?: string
  createdAt: number
  generation: number
}

export function musig2State() {
  return {
    sharedWallets: [] as SharedWallet[],
    sessions: new Map<string, SigningSession>(),
    sessionCounter: 0,
    messagesSent: 0,
    messagesFailed: 0,
  }
}

function addUnique(list: string[], peerId: string) {
  if (!list.includes(peerId)) list.push(peerId)
}

function isActive(session: SigningSession): boolean {
  return session.state !== 'completed' && session.state !== 'failed'
}

export const musig2BaseActions = {
  addSharedWallet(this: any, wallet: SharedWallet) {
    const index = this.sharedWallets.findIndex((w: SharedWallet) => w.id === wallet.id)
    if (index >= 0) this.sharedWallets[index] = wallet
    else this.sharedWallets.push(wallet)
  },

  _newSessionId(this: any): string {
    let id = `pending-${Date.now()}`
    this.sessionCounter += 1
    if (musig2Options.uniqueSessionIds) id += `-${this.sessionCounter}`
    return id
  },

  /** Session creation after the participants are connected: the proposer coordinates. A
   *  colliding `pending-<ms>` id replaces the earlier session (field bug 9). */
  _startSigningSession(this: any, wallet: SharedWallet, participantPeerIds: string[],
    params: SpendProposalParams): { success: boolean; sessionId?: string; error?: string } {
    const self: string = this._selfPeerId()
    const id = this._newSessionId()
    const participants = [...participantPeerIds]
    if (!participants.includes(self)) participants.push(self)
    const session: SigningSession = {
      id, walletId: wallet.id, coordinator: self, participants, state: 'proposed',
      noncesFrom: [self], partialSigsFrom: [], createdAt: Date.now(), generation: this.sessionCounter,
    }
    this.sessions.set(id, session)
    this._setSessionState(id, 'collecting_nonces')
    this._startTimeouts(id, session.generation)
    const proposal = JSON.stringify({
      amountSats: Number(params.amountSats), participants, recipient: params.recipient,
      sessionId: id, type: 'session-proposal', walletId: wallet.id,
    })
    for (const peer of participants) {
      if (peer !== self) this._sendTo(peer, proposal)
    }
    if (participants.length === 1) this._setSessionState(id, 'completed')
    return { success: true, sessionId: id }
  },

  _selfPeerId(): string {
    return node.peerId
  },

  _setSessionState(this: any, sessionId: string, state: SessionState, failure?: string) {
    const session = this.sessions.get(sessionId)
    if (!session) return
    session.state = state
    if (failure !== undefined) session.failure = failure
  },

  _sendTo(this: any, peerId: string, payload: string) {
    node.send(peerId, MUSIG2_PROTOCOL, payload).then(
      () => { this.messagesSent += 1 },
      () => { this.messagesFailed += 1 },
    )
  },

  _startTimeouts(this: any, sessionId: string, generation: number) {
    this._failAfter(sessionId, generation, musig2Options.nonceTimeoutNs, 'collecting_nonces', 'Nonce collection timed out')
    this._failAfter(sessionId, generation, musig2Options.sessionTimeoutNs, null, 'Session timed out')
  },

  /** Fails the session (that generation) after `delayNs` if it is still active and, for a round
   *  timeout, still in that round. */
  _failAfter(this: any, sessionId: string, generation: number, delayNs: number,
    whileIn: SessionState | null, reason: string) {
    setTimeout(() => {
      const session = this.sessions.get(sessionId)
      if (!session || session.generation !== generation) return
      if (isActive(session) && (whileIn === null || session.state === whileIn)) {
        this._setSessionState(sessionId, 'failed', reason)
      }
    }, delayNs / 1e6)
  },

  /** A protocol message from a connected peer. A peer's message is untrusted: anything
   *  malformed is ignored, never thrown. */
  _handleMessage(this: any, from: string, protocol: string, payload: string) {
    if (protocol !== MUSIG2_PROTOCOL) return
    let message: any
    try {
      message = JSON.parse(payload)
    } catch {
      return
    }
    if (message === null || typeof message !== 'object' || Array.isArray(message)) return
    const text = (key: string): string => (typeof message[key] === 'string' ? message[key] : '')
    const type = text('type')
    const sessionId = text('sessionId')
    if (sessionId === '') return
    const self: string = this._selfPeerId()

    if (type === 'session-proposal') {
      const walletId = text('walletId')
      if (!this.sharedWallets.some((w: SharedWallet) => w.id === walletId)) return
      const participants: string[] = []
      if (message.participants !== undefined) {
        if (!Array.isArray(message.participants)) return
        for (const peer of message.participants) {
          if (typeof peer !== 'string') return
          participants.push(peer)
        }
      }
      this.sessionCounter += 1
      this.sessions.set(sessionId, {
        id: sessionId, walletId, coordinator: from, participants, state: 'proposed',
        noncesFrom: [], partialSigsFrom: [], createdAt: Date.now(), generation: this.sessionCounter,
      })
      this._setSessionState(sessionId, 'collecting_nonces')
      this._sendTo(from, JSON.stringify({ sessionId, type: 'nonce' }))
      return
    }

    const session: SigningSession | undefined = this.sessions.get(sessionId)
    if (!session || !isActive(session)) return
    const coordinating = session.coordinator === self
    const member = session.participants.includes(from)
    if (coordinating ? !member : from !== session.coordinator) return

    if (type === 'nonce' && coordinating && session.state === 'collecting_nonces') {
      addUnique(session.noncesFrom, from)
      if (session.noncesFrom.length < session.participants.length) return
      this._setSessionState(sessionId, 'signing')
      session.partialSigsFrom.push(self)
      this._failAfter(sessionId, session.generation, musig2Options.partialSigTimeoutNs, 'signing',
        'Partial signature collection timed out')
      const done = JSON.stringify({ sessionId, type: 'nonces-complete' })
      for (const peer of session.participants) if (peer !== self) this._sendTo(peer, done)
    } else if (type === 'nonces-complete' && !coordinating) {
      this._setSessionState(sessionId, 'signing')
      this._sendTo(from, JSON.stringify({ sessionId, type: 'partial-sig' }))
    } else if (type === 'partial-sig' && coordinating && session.state === 'signing') {
      addUnique(session.partialSigsFrom, from)
      if (session.partialSigsFrom.length < session.participants.length) return
      this._setSessionState(sessionId, 'completed')
      const done = JSON.stringify({ sessionId, type: 'session-complete' })
      for (const peer of session.participants) if (peer !== self) this._sendTo(peer, done)
    } else if (type === 'session-complete' && !coordinating) {
      this._setSessionState(sessionId, 'completed')
    }
  },
}
