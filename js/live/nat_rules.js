// nftables rules for one wallet's router namespace: the scenario's `nat` as Linux can do it.
// `nat` is the plan's {public_host, mapping, filtering, mapping_timeout_ms}; mapping and
// filtering are "endpoint-independent", "address-dependent" or "address-and-port-dependent".
//
// Mapping (postrouting, out of "wan"):
//   endpoint-independent       masquerade: the source port is kept when free (one host behind
//                              each router, so always): exact for UDP.
//   address(-and-port)-dependent  masquerade fully-random: a new random port per flow, i.e.
//                              per remote address and port. Exact for APDM; ADM is
//                              approximated by APDM (Linux has no per-address-only mapping).
// Filtering (prerouting, into "wan", before conntrack confirms anything):
//   endpoint-independent       every inbound UDP packet is forwarded to the host on the same
//                              port (dnat to 10.0.0.2): with the port-keeping mapping this is a
//                              full cone (EIM+EIF) for UDP. Inbound TCP: replies only.
//   address-dependent          inbound UDP from an address the host has sent to within the
//                              mapping timeout (set `contacted`) is forwarded as above; the
//                              rest that is not a reply is dropped.
//   address-and-port-dependent only replies (conntrack) pass; every unsolicited packet is
//                              dropped before conntrack confirms an entry for it, as a home
//                              router's firewall does (field notes: without this drop, a
//                              peer's early check takes the port and hole punching fails).
// Mapping timeout: the router namespace's conntrack UDP timeouts (conntrackTimeouts).

import { LAN_HOST } from './addresses.js'

const DEPENDENT = new Set(['address-dependent', 'address-and-port-dependent'])

export function natRules(nat, publicAddress) {
  const timeoutS = Math.max(1, Math.round((nat.mapping_timeout_ms ?? 120000) / 1000))
  const masquerade = DEPENDENT.has(nat.mapping) ? 'masquerade fully-random' : 'masquerade'
  const pre = []
  if (nat.filtering === 'endpoint-independent') {
    pre.push('iifname "wan" ct state new meta l4proto != udp drop')
  } else if (nat.filtering === 'address-dependent') {
    pre.push('iifname "wan" ct state new meta l4proto != udp drop')
    pre.push('iifname "wan" ct state new ip saddr != @contacted drop')
  } else {
    pre.push('iifname "wan" ct state new drop')
  }
  const dnat = nat.filtering === 'address-and-port-dependent'
    ? ''
    : `iifname "wan" ip daddr ${publicAddress} meta l4proto udp ct state new dnat to ${LAN_HOST}`
  return `table ip connsim {
  set contacted { type ipv4_addr; flags timeout; timeout ${timeoutS}s; }
  chain guard {
    type filter hook prerouting priority -150; policy accept;
    ${pre.join('\n    ')}
  }
  chain dstnat {
    type nat hook prerouting priority dstnat; policy accept;
    ${dnat}
  }
  chain remember {
    type filter hook forward priority filter; policy accept;
    iifname "lan" oifname "wan" update @contacted { ip daddr }
  }
  chain srcnat {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "wan" ${masquerade}
  }
}
`
}

/// The router's conntrack UDP timeouts for the mapping timeout (sysctl key, seconds).
export function conntrackTimeouts(nat) {
  const timeoutS = Math.max(1, Math.round((nat.mapping_timeout_ms ?? 120000) / 1000))
  return [
    ['net.netfilter.nf_conntrack_udp_timeout_stream', timeoutS],
    ['net.netfilter.nf_conntrack_udp_timeout', Math.min(30, timeoutS)],
  ]
}

/// The partition table of one filter box (a router forwards; a public wallet's own namespace
/// filters its input and output). Partition steps add the far side's public addresses to
/// `blocked`; heal flushes it.
export function partitionRules(router) {
  const hooks = router ? ['forward'] : ['input', 'output']
  const chains = hooks.map((hook) => `  chain ${hook} {
    type filter hook ${hook} priority -10; policy accept;
    ip saddr @blocked drop
    ip daddr @blocked drop
  }`).join('\n')
  return `table ip connsim_partition {
  set blocked { type ipv4_addr; }
${chains}
}
`
}
