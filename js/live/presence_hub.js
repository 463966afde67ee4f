// The wallet's presence and peer-exchange protocol, as the bootstrap node carries it. The field
// runs presence over gossip; a live run has too few peers for a gossip mesh, so every wallet
// keeps one stream to the bootstrap node (protocol GOSSIP_PROTOCOL), which forwards each
// presence record to every other subscribed wallet (a one-hop gossip through the bootstrap, as
// the simulated world does) and sends a joining wallet the live records (catch-up). On the same
// streams it broadcasts the peer exchange on topic `lotus/peers`, first after
// `first_peer_exchange_ms`, then every `peer_exchange_interval_ms`:
//   {type: 'peer-exchange', bootstrapPeerId, peers: [{peerId, multiaddrs}], timestamp}
// with each subscribed wallet's circuit addresses from its latest presence.
import { sendJson, readJsonLines } from './json_lines.js'

export const GOSSIP_PROTOCOL = '/connsim/lotus-gossip/1.0.0'
export const PRESENCE_TOPIC = 'lotus/presence'
export const PEER_EXCHANGE_TOPIC = 'lotus/peers'

export class PresenceHub {
  constructor(node, { bootstrapPeerId, firstPeerExchangeMs, peerExchangeIntervalMs }) {
    this.node = node
    this.bootstrapPeerId = bootstrapPeerId
    this.subscribers = new Set()  // {stream, peerId (scenario id, once it advertised)}
    this.records = new Map()      // scenario peer id -> latest presence
    this.timers = []
    this.firstPeerExchangeMs = firstPeerExchangeMs
    this.peerExchangeIntervalMs = peerExchangeIntervalMs
  }

  async start() {
    await this.node.handle(GOSSIP_PROTOCOL, (stream) => this.serve(stream), { runOnLimitedConnection: true })
    this.timers.push(setTimeout(() => {
      this.broadcastPeerExchange()
      this.timers.push(setInterval(() => this.broadcastPeerExchange(), this.peerExchangeIntervalMs))
    }, this.firstPeerExchangeMs))
  }

  stop() {
    for (const timer of this.timers) { clearTimeout(timer); clearInterval(timer) }
  }

  serve(stream) {
    const subscriber = { stream, peerId: null }
    this.subscribers.add(subscriber)
    const now = Date.now()
    for (const record of this.records.values()) {
      if (record.expiresAt > now) sendJson(stream, { topic: PRESENCE_TOPIC, message: record })
    }
    readJsonLines(stream, (object) => {
      if (object.topic !== PRESENCE_TOPIC || !object.message || typeof object.message.peerId !== 'string') return
      subscriber.peerId = object.message.peerId
      this.records.set(object.message.peerId, object.message)
      for (const other of this.subscribers) {
        if (other !== subscriber) sendJson(other.stream, object)
      }
    }).then(() => this.subscribers.delete(subscriber))
  }

  broadcastPeerExchange() {
    const peers = []
    for (const subscriber of this.subscribers) {
      const record = subscriber.peerId === null ? undefined : this.records.get(subscriber.peerId)
      if (record && record.relayAddrs.length > 0) peers.push({ peerId: record.peerId, multiaddrs: record.relayAddrs })
    }
    const message = { type: 'peer-exchange', bootstrapPeerId: this.bootstrapPeerId, peers, timestamp: Date.now() }
    for (const subscriber of this.subscribers) sendJson(subscriber.stream, { topic: PEER_EXCHANGE_TOPIC, message })
  }
}
