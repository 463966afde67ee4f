// stores/musig2.ts: the MuSig2 store of the seed (Task 3.3), the project's own implementation:
// participants are connected before a spend is proposed. The options of the later session API
// (connectivity timeout, partial connectivity, unique session ids) are the C++ port's, with the
// seed's behaviour as the default.
import { defineStore } from 'pinia'
import { useP2PStore } from './p2p'
import { musig2BaseActions, musig2Options, musig2State } from './musig2_base'
import { withSignal } from '../services/cancellation'
import type { SharedWallet } from './musig2_base'
import type { ConnectResult, SpendProposalParams } from '../types/p2p'

export const SHARED_WALLET_NOT_FOUND = 'Shared wallet not found'
export const CONNECTION_FAILED = 'Connection failed'
export const CONNECTIVITY_TIMED_OUT = 'Connectivity check timed out'

interface ParticipantResult { success: boolean; error?: string }
interface EnsureResult { allConnected: boolean; results: Map<string, ParticipantResult> }

export const useMuSig2Store = defineStore('musig2', {
  state: musig2State,

  actions: {
    ...musig2BaseActions,

    /** Connects every other participant that is not connected yet. */
    async ensureParticipantsConnected(participantPeerIds: string[]): Promise<EnsureResult> {
      const p2pStore = useP2PStore()
      const results = new Map<string, ParticipantResult>()
      const others = participantPeerIds.filter(id => id !== p2pStore.peerId)
      const needConnection = others.filter(id => !p2pStore.isPeerConnected(id))
      if (needConnection.length === 0) {
        others.forEach(id => results.set(id, { success: true }))
        return { allConnected: true, results }
      }
      const connectionResults: Map<string, ConnectResult> = await p2pStore.connectToMultiplePeers(needConnection)
      let allConnected = true
      for (const peerId of others) {
        if (p2pStore.isPeerConnected(peerId)) {
          results.set(peerId, { success: true })
        } else {
          const result = connectionResults.get(peerId)
          results.set(peerId, { success: false, error: result?.error || CONNECTION_FAILED })
          allConnected = false
        }
      }
      return { allConnected, results }
    },

    /** ensureParticipantsConnected raced against `connectivity_timeout` when one is set. As
     *  shipped the race never cancels the connection work (field bug 8); with `cancel_on_timeout`
     *  the work runs under an AbortController that the timer aborts right after rejecting
     *  (services/cancellation). */
    async _ensureWithDeadline(participantPeerIds: string[]): Promise<EnsureResult> {
      if (musig2Options.connectivityTimeoutNs <= 0) {
        return await this.ensureParticipantsConnected(participantPeerIds)
      }
      const controller = musig2Options.cancelOnTimeout ? new AbortController() : null
      let settled = false
      const connecting = (controller
        ? withSignal(controller.signal, () => this.ensureParticipantsConnected(participantPeerIds))
        : this.ensureParticipantsConnected(participantPeerIds))
      const timeout = new Promise<never>((_, reject) => {
        setTimeout(() => {
          if (settled) return
          reject(new Error(CONNECTIVITY_TIMED_OUT))
          controller?.abort()
        }, musig2Options.connectivityTimeoutNs / 1e6)
      })
      connecting.then(() => { settled = true }, () => { settled = true })
      return await Promise.race([connecting, timeout])
    },

    /** Proposes a spend from a shared wallet once its participants are connected. */
    async proposeSpend(params: SpendProposalParams): Promise<{ success: boolean; sessionId?: string; error?: string }> {
      const wallet: SharedWallet | undefined = this.sharedWallets.find(w => w.id === params.walletId)
      if (!wallet) return { success: false, error: SHARED_WALLET_NOT_FOUND }
      let participantPeerIds = wallet.participants
        .map(p => p.peerId)
        .filter((id): id is string => !!id)

      // The seed awaits ensureParticipantsConnected itself (its await ticks are the seed's);
      // only with a connectivity timeout does the race stand in between.
      let ensured: EnsureResult
      try {
        ensured = musig2Options.connectivityTimeoutNs > 0
          ? await this._ensureWithDeadline(participantPeerIds)
          : await this.ensureParticipantsConnected(participantPeerIds)
      } catch (error) {
        if (error instanceof Error && error.message === CONNECTIVITY_TIMED_OUT) {
          return { success: false, error: CONNECTIVITY_TIMED_OUT }
        }
        throw error
      }

      if (!ensured.allConnected) {
        const entries = Array.from(ensured.results.entries())
        const connected = entries.filter(([, r]) => r.success).length
        const unreachable = entries.filter(([, r]) => !r.success).map(([id]) => id.slice(0, 12) + '...')
        if (!musig2Options.allowPartialConnectivity) {
          return { success: false, error: `Cannot reach participants: ${unreachable.join(', ')}` }
        }
        const required = musig2Options.minConnectedParticipants > 0 ? musig2Options.minConnectedParticipants : entries.length
        if (connected < required) {
          return { success: false, error: `Only ${connected}/${required} required participants connected` }
        }
        participantPeerIds = [this._selfPeerId(), ...entries.filter(([, r]) => r.success).map(([id]) => id)]
      }
      return this._startSigningSession(wallet, participantPeerIds, params)
    },
  },
})
