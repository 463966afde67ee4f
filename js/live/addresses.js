// Addresses of a live run (docs/LIVE.md). The internet is 198.18.0.0/16 (RFC 2544's
// benchmarking range, never routed outside the run's namespaces); every NATed wallet sits at
// 10.0.0.2 behind its own router at 10.0.0.1, like a home network.
export const INTERNET_PREFIX_LEN = 16
export const LAN_HOST = '10.0.0.2'
export const LAN_ROUTER = '10.0.0.1'
export const BOOTSTRAP_ADDRESS = '198.18.2.1'
export const STUN_ADDRESS = '198.18.3.1'
export const STUN_PORT = 3478
export const RELAY_PORT = 4001
export const BOOTSTRAP_PORT = 4002

/// The public address of wallet number `i` (0-based): its router's wan, or its own for a
/// public wallet: 198.18.10.1 onward.
export function walletPublicAddress(i) {
  return `198.18.${10 + Math.floor(i / 250)}.${(i % 250) + 1}`
}
/// Relay number `k` (0-based): 198.18.1.1 onward.
export function relayAddress(k) { return `198.18.1.${k + 1}` }
