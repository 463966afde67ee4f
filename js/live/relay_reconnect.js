// A wallet's `relay_reconnect` on the real node (docs/LIVE.md, "Relay reconnect"):
//   "none"        listen on each relay by name (`<relay>/p2p-circuit`): js-libp2p's default,
//                 which never reserves again on such a relay once its connection closed, even
//                 after a redial (field bug 14, measured);
//   "keep-alive"  listen through relay discovery (`/p2p-circuit`, once per relay: a reservation
//                 is made on a relay whenever a connection to it opens), dial the relays, and tag
//                 each relay peer `keep-alive-…`, so libp2p's reconnect queue redials it ~0, 1, 3,
//                 7, 15 and 31 s after it is lost and then gives up (what the measured recovery
//                 used);
//   {interval_ms} listen through discovery as above and redial each lost relay every interval
//                 until a reservation on it is back (the app's own loop; no give-up).
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'

export const RELAY_KEEP_ALIVE_TAG = 'keep-alive-connsim-relay'

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
/// The relay's peer id (text), from its address (`…/p2p/<id>`).
export const relayPeerId = (relay) => relay.addr.slice(relay.addr.lastIndexOf('/p2p/') + 5)

/// The circuit listen addresses of a wallet's node for its relays (`{addr}`) and mode.
export function relayListenAddrs(relays, mode) {
  if ((mode ?? 'none') === 'none') return relays.map((r) => `${r.addr}/p2p-circuit`)
  return relays.map(() => '/p2p-circuit')
}

export class RelayReconnect {
  /// `node`: the wallet's libp2p node; `relays`: [{addr}] (addr ends in the relay's /p2p/<id>); `mode`: the plan's
  /// relay_reconnect; `reservedOn(relay)`: whether the node holds a reservation on it now;
  /// `current()`: whether `node` is still the wallet's node (a stopped one is left alone).
  constructor({ node, relays, mode, reservedOn, current }) {
    this.node = node
    this.relays = relays
    this.mode = mode ?? 'none'
    this.reservedOn = reservedOn
    this.current = current
    this.redialing = new Set()
  }

  /// After the node started: dials the relays (discovery then reserves on them); with
  /// keep-alive, tags them first; with an interval, watches for lost relays.
  async start() {
    if (this.mode === 'none') return
    if (this.mode === 'keep-alive') {
      for (const relay of this.relays) {
        await this.node.peerStore.merge(peerIdFromString(relayPeerId(relay)), { tags: { [RELAY_KEEP_ALIVE_TAG]: { value: 1 } } })
      }
    } else if (typeof this.mode.interval_ms === 'number') {
      this.node.addEventListener('peer:disconnect', (event) => {
        const relay = this.relays.find((r) => relayPeerId(r) === event.detail.toString())
        if (relay) this.redialEvery(relay, this.mode.interval_ms)
      })
    }
    await Promise.allSettled(this.relays.map((r) => this.node.dial(multiaddr(r.addr))))
  }

  /// Redials `relay` every `intervalMs` (the first after one interval) until reserved on it.
  async redialEvery(relay, intervalMs) {
    const id = relayPeerId(relay)
    if (this.redialing.has(id)) return
    this.redialing.add(id)
    try {
      for (;;) {
        await sleep(intervalMs)
        if (!this.current() || this.reservedOn(relay)) return
        try { await this.node.dial(multiaddr(relay.addr)) } catch { /* refused or down: next interval */ }
      }
    } finally {
      this.redialing.delete(id)
    }
  }
}
