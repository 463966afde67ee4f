// The live run's network: Linux network namespaces joined by veth pairs, nftables NAT in one
// router namespace per NATed wallet. Contract (docs/LIVE.md):
//   - every object a run creates is a network namespace named `connsim-<run>-<role>`; veth
//     pairs, bridges, addresses, nft tables and routes live inside those namespaces, so
//     deleting the namespaces removes everything, and nothing is added to the root namespace
//     (traffic stays between the run's namespaces: the "internet" has no link to the host);
//   - `inet`: the internet, one bridge `br0` (198.18.0.0/16, RFC 2544's benchmarking range);
//   - every server in a namespace of its own: `stun`, `boot`, `relay<k>` (eth0 on br0);
//   - a public wallet (`nat: none`): namespace `w<i>` with eth0 on br0 at its public address;
//   - a NATed wallet: `w<i>` (eth0 10.0.0.2/24) behind `r<i>` (lan 10.0.0.1/24, wan on br0
//     at its public address) whose nft table `connsim` implements the wallet's NAT
//     (nat_rules.js).
//   Each host's link to br0 is a userspace link (links.js) carrying its latency and loss.
import { execFileSync } from 'node:child_process'
import { Link, shapingCommands } from './links.js'
import { natRules, conntrackTimeouts, partitionRules } from './nat_rules.js'
import {
  INTERNET_PREFIX_LEN, LAN_HOST, LAN_ROUTER, BOOTSTRAP_ADDRESS, STUN_ADDRESS, walletPublicAddress, relayAddress,
} from './addresses.js'

export const NS_PREFIX = 'connsim-'
export function run(cmd, args, { input, allowFail = false } = {}) {
  try {
    return execFileSync(cmd, args, { input, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] }).toString()
  } catch (error) {
    if (allowFail) return null
    const stderr = error.stderr ? error.stderr.toString().trim() : ''
    throw new Error(`${cmd} ${args.join(' ')}: ${stderr || error.message}`)
  }
}

/// Every namespace whose name starts with `prefix`.
export function listNamespaces(prefix = NS_PREFIX) {
  const out = run('ip', ['netns', 'list'], { allowFail: true }) ?? ''
  return out.split('\n').map((line) => line.split(' ')[0]).filter((name) => name.startsWith(prefix))
}

/// Kills every process inside a namespace (SIGKILL), then deletes it. Idempotent.
export function destroyNamespace(name) {
  const pids = (run('ip', ['netns', 'pids', name], { allowFail: true }) ?? '').split('\n').filter(Boolean)
  for (const pid of pids) {
    try { process.kill(Number(pid), 'SIGKILL') } catch { /* already gone */ }
  }
  run('ip', ['netns', 'del', name], { allowFail: true })
}

/// The run ids that have namespaces, with the pid that owns each (from the `owner` file).
export function staleRuns() {
  const runs = new Map()
  for (const ns of listNamespaces()) {
    const run_id = ns.slice(NS_PREFIX.length).split('-')[0]
    if (!runs.has(run_id)) runs.set(run_id, [])
    runs.get(run_id).push(ns)
  }
  const stale = []
  for (const [run_id, namespaces] of runs) {
    const owner = ownerPid(run_id)
    if (owner !== null && processAlive(owner)) continue
    stale.push({ run_id, namespaces, owner })
  }
  return stale
}

export const STATE_DIR = '/run/connsim-live'

export function ownerPid(run_id) {
  try {
    const text = execFileSync('cat', [`${STATE_DIR}/${run_id}.pid`], { stdio: ['ignore', 'pipe', 'ignore'] }).toString()
    const pid = Number(text.trim())
    return Number.isInteger(pid) && pid > 0 ? pid : null
  } catch {
    return null
  }
}

function processAlive(pid) {
  try { process.kill(pid, 0); return true } catch (error) { return error.code === 'EPERM' }
}

/// The topology of one run: which namespaces exist and every host's addresses.
export class Topology {
  constructor(run_id, plan) {
    this.run_id = run_id
    this.plan = plan
    this.created = []
    this.links = []  // {link, accessMs}
  }

  ns(role) { return `${NS_PREFIX}${this.run_id}-${role}` }
  get internet() { return this.ns('inet') }
  walletNs(i) { return this.ns(`w${i}`) }
  routerNs(i) { return this.ns(`r${i}`) }

  addNamespace(role) {
    const name = this.ns(role)
    run('ip', ['netns', 'add', name])
    this.created.push(name)
    run('ip', ['-n', name, 'link', 'set', 'lo', 'up'])
    return name
  }

  serverNs(role) { return this.ns(role) }

  /// Builds everything. Throws with the failing command on error (the caller tears down).
  async build() {
    const inet = this.addNamespace('inet')
    run('ip', ['-n', inet, 'link', 'add', 'br0', 'type', 'bridge'])
    run('ip', ['-n', inet, 'link', 'set', 'br0', 'up'])
    const servers = [['stun', STUN_ADDRESS, 0], ['boot', BOOTSTRAP_ADDRESS, 0],
      ...this.plan.relays.map((r, k) => [`relay${k}`, relayAddress(k), r.access_latency_ms ?? 0])]
    for (const [role, address, accessMs] of servers) {
      await this.plugIntoInternet(this.addNamespace(role), `s-${role}`, 'eth0', address, accessMs)
    }
    for (const [i, wallet] of this.plan.wallets.entries()) await this.buildWallet(i, wallet)
  }

  /// Joins namespace `ns` to the internet bridge through a userspace link (`port` on the bridge
  /// side, `inside` in `ns`) with `address`, shaped with the network's latency and loss plus the
  /// host's access latency.
  async plugIntoInternet(ns, port, inside, address, accessMs) {
    const link = new Link(this.plan.link_binary, this.internet, port, ns, inside, this.plan.seed * 1000 + this.links.length)
    this.links.push({ link, accessMs })
    await link.ready
    link.shape(shapingCommands(this.plan.latency, accessMs, this.plan.loss))
    run('ip', ['-n', this.internet, 'link', 'set', port, 'master', 'br0', 'up'])
    run('ip', ['-n', ns, 'addr', 'add', `${address}/${INTERNET_PREFIX_LEN}`, 'dev', inside])
    run('ip', ['-n', ns, 'link', 'set', inside, 'up'])
  }

  /// set_network: every link takes the new latency and loss from now on.
  reshape(latency, loss) {
    if (latency) this.plan.latency = latency
    if (loss !== undefined && loss !== null) this.plan.loss = loss
    for (const { link, accessMs } of this.links) link.shape(shapingCommands(this.plan.latency, accessMs, this.plan.loss))
  }

  async buildWallet(i, wallet) {
    const host = this.addNamespace(`w${i}`)
    const publicAddress = walletPublicAddress(i)
    const accessMs = wallet.access_latency_ms ?? 0
    if (wallet.nat.public_host) {
      await this.plugIntoInternet(host, `w${i}`, 'eth0', publicAddress, accessMs)
      run('ip', ['netns', 'exec', host, 'nft', '-f', '-'], { input: partitionRules(false) })
      return
    }
    const router = this.addNamespace(`r${i}`)
    await this.plugIntoInternet(router, `r${i}`, 'wan', publicAddress, accessMs)
    run('ip', ['-n', router, 'link', 'add', 'lan', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', host])
    run('ip', ['-n', router, 'addr', 'add', `${LAN_ROUTER}/24`, 'dev', 'lan'])
    run('ip', ['-n', router, 'link', 'set', 'lan', 'up'])
    run('ip', ['-n', host, 'addr', 'add', `${LAN_HOST}/24`, 'dev', 'eth0'])
    run('ip', ['-n', host, 'link', 'set', 'eth0', 'up'])
    run('ip', ['-n', host, 'route', 'add', 'default', 'via', LAN_ROUTER])
    run('ip', ['netns', 'exec', router, 'sysctl', '-qw', 'net.ipv4.ip_forward=1'])
    for (const [key, value] of conntrackTimeouts(wallet.nat)) {
      run('ip', ['netns', 'exec', router, 'sysctl', '-qw', `${key}=${value}`], { allowFail: true })
    }
    run('ip', ['netns', 'exec', router, 'nft', '-f', '-'], { input: natRules(wallet.nat, publicAddress) + partitionRules(true) })
  }

  /// The namespace a wallet's nft partition rules go into, and whether it forwards (a router)
  /// or is the host itself (a public wallet).
  filterBox(i) {
    const wallet = this.plan.wallets[i]
    return wallet.nat.public_host ? { ns: this.walletNs(i), router: false } : { ns: this.routerNs(i), router: true }
  }

  /// Removes every namespace this run created (and kills what runs in them).
  destroy() {
    for (const { link } of this.links) link.stop()
    this.links = []
    for (const name of this.created.reverse()) destroyNamespace(name)
    this.created = []
    for (const name of listNamespaces(this.ns(''))) destroyNamespace(name)
  }
}
