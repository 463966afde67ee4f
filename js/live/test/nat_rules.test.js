// nat_rules.js: each scenario NAT becomes the nftables rules docs/LIVE.md's table promises.
import test from 'node:test'
import assert from 'node:assert/strict'
import { natRules, conntrackTimeouts, partitionRules } from '../nat_rules.js'

const nat = (mapping, filtering, mapping_timeout_ms = 120000) => ({ public_host: false, mapping, filtering, mapping_timeout_ms })
const EIM = 'endpoint-independent'
const ADM = 'address-dependent'
const APDM = 'address-and-port-dependent'

test('port-restricted cone: port-keeping masquerade, every unsolicited packet dropped before conntrack', () => {
  const rules = natRules(nat(EIM, APDM), '198.18.10.1')
  assert.match(rules, /oifname "wan" masquerade\n/)
  assert.doesNotMatch(rules, /fully-random/)
  assert.match(rules, /type filter hook prerouting priority -150;[^}]*iifname "wan" ct state new drop/)
  assert.doesNotMatch(rules, /dnat/)
})

test('symmetric: a random port per flow', () => {
  assert.match(natRules(nat(APDM, APDM), '198.18.10.1'), /oifname "wan" masquerade fully-random/)
  assert.match(natRules(nat(ADM, APDM), '198.18.10.1'), /masquerade fully-random/)  // ADM approximated
})

test('full cone: inbound UDP to the public address goes to the host; TCP only as replies', () => {
  const rules = natRules(nat(EIM, EIM), '198.18.10.7')
  assert.match(rules, /iifname "wan" ip daddr 198\.18\.10\.7 meta l4proto udp ct state new dnat to 10\.0\.0\.2/)
  assert.match(rules, /iifname "wan" ct state new meta l4proto != udp drop/)
  assert.doesNotMatch(rules, /ct state new drop/)
})

test('restricted cone: inbound UDP only from addresses the host sent to, remembered for the mapping timeout', () => {
  const rules = natRules(nat(EIM, ADM, 45000), '198.18.10.2')
  assert.match(rules, /set contacted \{ type ipv4_addr; flags timeout; timeout 45s; \}/)
  assert.match(rules, /iifname "lan" oifname "wan" update @contacted \{ ip daddr \}/)
  assert.match(rules, /iifname "wan" ct state new ip saddr != @contacted drop/)
  assert.match(rules, /dnat to 10\.0\.0\.2/)
})

test('the mapping timeout sets the conntrack UDP timeouts', () => {
  assert.deepEqual(conntrackTimeouts(nat(EIM, APDM, 60000)), [
    ['net.netfilter.nf_conntrack_udp_timeout_stream', 60],
    ['net.netfilter.nf_conntrack_udp_timeout', 30],
  ])
  assert.deepEqual(conntrackTimeouts(nat(EIM, APDM, 10000))[1], ['net.netfilter.nf_conntrack_udp_timeout', 10])
})

test('partition rules: a router filters what it forwards, a public wallet its own traffic', () => {
  assert.match(partitionRules(true), /hook forward/)
  assert.doesNotMatch(partitionRules(true), /hook input/)
  const host = partitionRules(false)
  assert.match(host, /hook input/)
  assert.match(host, /hook output/)
  assert.match(host, /ip saddr @blocked drop\n\s*ip daddr @blocked drop/)
})
