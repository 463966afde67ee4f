// The SDK's relay dial helper (`dialViaRelay`, the ladder's relay-helper rung) on a live wallet's
// libp2p node. Contract, as the SDK ships it:
//   - an offline node throws `Node is offline`;
//   - it tries a circuit to the target through each relay of the wallet (in the wallet's order)
//     that the node holds a connection to, and resolves with the first that opens;
//   - a target the directory does not know has no reservation anywhere: `NO_RESERVATION`;
//   - no relay connected: `No relay addresses available`;
//   - every circuit failed: the last failure is thrown again.
// `signal` (an AbortSignal) goes to each dial, so a cancelled connect stops the dial in flight.
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import { relayPeerId } from './relay_reconnect.js'

/// `wallet`: `{ online, libp2p, config: { relays: [{ addr }] }, libp2pId(peer) }`, read at each
/// call (a reload replaces the node).
export function relayDialHelper(wallet) {
  return async (peer, signal) => {
    if (!wallet.online) throw new Error('Node is offline')
    const target = wallet.libp2pId(String(peer))
    let lastError = null
    let tried = 0
    for (const relay of wallet.config.relays) {
      if (wallet.libp2p.getConnections(peerIdFromString(relayPeerId(relay))).length === 0) continue
      if (!target) throw new Error('NO_RESERVATION')
      tried++
      try {
        await wallet.libp2p.dial(multiaddr(`${relay.addr}/p2p-circuit/p2p/${target}`), { signal })
        return
      } catch (error) { lastError = error }
    }
    if (tried === 0) throw new Error('No relay addresses available')
    throw lastError
  }
}
