// The real js-libp2p nodes of a live run: relays (circuit-relay-v2 servers), the bootstrap node
// and wallets, all over TCP + Noise + Yamux with identify and ping; wallets add the
// circuit-relay transport and WebRTC (ICE with the run's own STUN server only).
import { createHash } from 'node:crypto'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { webRTC } from '@libp2p/webrtc'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { FaultTolerance } from '@libp2p/interface'
import { STUN_ADDRESS, STUN_PORT } from './addresses.js'

/// The Ed25519 key of a host of the run: derived from the run's seed and the host's name, so
/// every process (and a restart of it) knows every peer id in advance and a restarted relay or
/// reloaded wallet keeps its peer id, as in the scenario model.
export async function hostKey(seed, name) {
  const digest = createHash('sha256').update(`connsim-live/${seed}/${name}`).digest()
  return generateKeyPairFromSeed('Ed25519', new Uint8Array(digest))
}

export async function hostPeerId(seed, name) {
  return peerIdFromPrivateKey(await hostKey(seed, name)).toString()
}

// The run's addresses are in 198.18.0.0/15 and 10.0.0.0/8, which libp2p's defaults may treat as
// undialable; every address of the run is dialable.
const allowAll = { denyDialMultiaddr: async () => false }

const base = (privateKey, listen) => ({
  privateKey,
  addresses: { listen },
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  connectionGater: allowAll,
})

/// A circuit-relay-v2 relay listening on `listen` with the scenario relay's numbers.
export async function createRelay({ privateKey, listen, relay }) {
  return createLibp2p({
    ...base(privateKey, [listen]),
    transports: [tcp()],
    connectionManager: { inboundConnectionThreshold: 1000, maxConnections: 1000, maxIncomingPendingConnections: 1000 },
    services: {
      identify: identify(),
      ping: ping(),
      relay: circuitRelayServer({
        reservations: {
          maxReservations: relay.max_reservations,
          reservationTtl: relay.reservation_ttl_ms,
          defaultDurationLimit: relay.circuit_duration_ms,
          defaultDataLimit: BigInt(relay.circuit_bytes),
          applyDefaultLimit: relay.circuit_duration_ms > 0 || relay.circuit_bytes > 0,
        },
      }),
    },
  })
}

/// The bootstrap node: a plain libp2p node; its presence hub and peer exchange are protocols
/// (presence_hub.js).
export async function createBootstrap({ privateKey, listen }) {
  return createLibp2p({
    ...base(privateKey, [listen]),
    transports: [tcp()],
    connectionManager: { inboundConnectionThreshold: 1000, maxConnections: 1000, maxIncomingPendingConnections: 1000 },
    services: { identify: identify(), ping: ping() },
  })
}

/// A wallet's node: TCP, circuit relay (reservations on the relays named in `relayListen`),
/// WebRTC when enabled; `inboundLimit` new inbound connections per second per remote host.
export async function createWallet({ privateKey, relayListen, webrtc, inboundLimit }) {
  const listen = ['/ip4/0.0.0.0/tcp/4001', ...relayListen]
  const transports = [tcp(), circuitRelayTransport()]
  if (webrtc) {
    listen.push('/webrtc')
    transports.push(webRTC({ rtcConfiguration: { iceServers: [{ urls: `stun:${STUN_ADDRESS}:${STUN_PORT}` }] } }))
  }
  return createLibp2p({
    ...base(privateKey, listen),
    transports,
    connectionManager: { inboundConnectionThreshold: inboundLimit },
    // A refused reservation (a full relay) must not stop the node: it joins without that relay.
    transportManager: { faultTolerance: FaultTolerance.NO_FATAL },
    services: { identify: identify(), ping: ping() },
  })
}

/// The type the store sees for a live connection: its remote address tells.
export function connectionType(connection) {
  const addr = connection.remoteAddr.toString()
  if (addr.includes('/webrtc')) return 'webrtc'
  if (addr.includes('/p2p-circuit')) return 'relay'
  return 'direct'
}
