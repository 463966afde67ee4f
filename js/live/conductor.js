// The conductor of a live run (docs/LIVE.md): builds the run's namespaces and NATs, starts the
// STUN server, the bootstrap node, the relays and one process per wallet, plays the plan's
// timeline on the wall clock, and reports to its parent (connsim) on stdout, one JSON object
// per line; then tears everything down.
//
//   node conductor.js run PLAN.json     a run; the plan is connsim's (apps/live, live/plan.cpp)
//   node conductor.js cleanup           removes what runs whose conductor is gone left behind
//   node conductor.js check             exit 0 if this machine can run live (else 2, reason)
//
// Teardown happens at the end, on SIGINT/SIGTERM/SIGHUP, on an exception, and when stdin ends
// (connsim died, even by SIGKILL). If the conductor itself is killed by SIGKILL, its namespaces
// stay until the next run or `connsim live-cleanup` finds their owner pid gone.
import fs from 'node:fs'
import { Topology, staleRuns, destroyNamespace, STATE_DIR, run as runCommand } from './topology.js'
import { LiveRun } from './live_run.js'

function emit(object) {
  process.stdout.write(JSON.stringify(object) + '\n')
}

function fatal(kind, message, code) {
  emit({ ev: 'fatal', kind, message })
  process.exit(code)
}

/// Why this machine cannot run live, or null.
export function environmentProblem() {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    return 'live mode needs root (network namespaces and nftables); run connsim as root'
  }
  const major = Number(process.versions.node.split('.')[0])
  if (major < 22) return `live mode needs Node >= 22 (libp2p 3), found ${process.version}; run scripts/install-deps.sh`
  for (const tool of [['ip', ['-V']], ['nft', ['--version']], ['conntrack', ['--version']]]) {
    if (runCommand(tool[0], tool[1], { allowFail: true }) === null) {
      return `live mode needs \`${tool[0]}\` (Debian: ${tool[0] === 'ip' ? 'iproute2' : tool[0] === 'nft' ? 'nftables' : 'conntrack'}); run scripts/install-deps.sh`
    }
  }
  const probe = `connsim-probe-${process.pid}`
  if (runCommand('ip', ['netns', 'add', probe], { allowFail: true }) === null) {
    return 'cannot create a network namespace (ip netns add failed): live mode needs CAP_SYS_ADMIN and CAP_NET_ADMIN'
  }
  const nft = runCommand('ip', ['netns', 'exec', probe, 'nft', '-f', '-'], {
    allowFail: true, input: 'table ip probe {\n chain c {\n type nat hook postrouting priority srcnat; policy accept;\n masquerade fully-random\n }\n}\n',
  })
  destroyNamespace(probe)
  if (nft === null) return 'nftables NAT does not work in a network namespace here (nft masquerade failed)'
  return null
}

export function cleanupStale() {
  const removed = []
  for (const stale of staleRuns()) {
    for (const ns of stale.namespaces) destroyNamespace(ns)
    try { fs.unlinkSync(`${STATE_DIR}/${stale.run_id}.pid`) } catch { /* none */ }
    removed.push(...stale.namespaces)
  }
  return removed
}

async function runPlan(planFile) {
  const problem = environmentProblem()
  if (problem) fatal('environment', problem, 2)
  let plan
  try {
    plan = JSON.parse(fs.readFileSync(planFile, 'utf8'))
  } catch (error) {
    fatal('usage', `cannot read the plan ${planFile}: ${error.message}`, 2)
  }
  const removed = cleanupStale()
  if (removed.length > 0) emit({ ev: 'notice', message: `removed ${removed.length} namespaces of earlier runs that did not clean up` })
  const runId = `${process.pid.toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`
  fs.mkdirSync(STATE_DIR, { recursive: true })
  fs.writeFileSync(`${STATE_DIR}/${runId}.pid`, `${process.pid}\n`)
  const topology = new Topology(runId, plan)
  const live = new LiveRun(plan, topology, emit)
  let tearingDown = null
  const teardown = (why) => {
    tearingDown ??= (async () => {
      try { await live.stopAll() } catch { /* killed with the namespaces below */ }
      topology.destroy()
      try { fs.unlinkSync(`${STATE_DIR}/${runId}.pid`) } catch { /* gone */ }
      if (why) emit({ ev: 'notice', message: why })
    })()
    return tearingDown
  }
  const onSignal = (signal) => {
    teardown(`stopped by ${signal}; everything of run ${runId} removed`).finally(() => process.exit(130))
  }
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, onSignal)
  process.stdin.on('end', () => {
    teardown('connsim went away; everything of the run removed').finally(() => process.exit(1))
  })
  process.stdin.resume()
  try {
    emit({ ev: 'setup', run_id: runId, log_dir: live.logDir })
    await topology.build()
    await live.start()
    await live.play()
    await teardown(null)
    emit({ ev: 'done', t: live.nowNs() })
    process.exit(0)
  } catch (error) {
    await teardown(null)
    fatal('setup', error.message, 1)
  }
}

const [command, argument] = process.argv.slice(2)
if (command === 'run' && argument) {
  runPlan(argument)
} else if (command === 'cleanup') {
  const problem = typeof process.getuid === 'function' && process.getuid() !== 0 ? 'live-cleanup needs root' : null
  if (problem) fatal('environment', problem, 2)
  const removed = cleanupStale()
  emit({ ev: 'cleaned', namespaces: removed })
  process.exit(0)
} else if (command === 'check') {
  const problem = environmentProblem()
  if (problem) fatal('environment', problem, 2)
  emit({ ev: 'ok' })
  process.exit(0)
} else {
  fatal('usage', 'usage: conductor.js run PLAN.json | cleanup | check', 2)
}
