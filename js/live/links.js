// Userspace links (docs/LIVE.md, "Latency and loss"): this kernel has no sch_netem, so every
// host's access link is a pair of TAP devices joined by a `connsim-live-link` process
// (live/link/link_forwarder.cpp), which delays each frame and drops some, per direction.
// Every path between two hosts crosses exactly two links (each host's own, through the
// internet's bridge), so a link carries half the network's one-way latency plus its host's
// access latency, and loses frames with 1 - sqrt(1 - loss) so that a one-way trip is lost
// with the network's `loss`.
import { spawn } from 'node:child_process'
import readline from 'node:readline'

/// The forwarder's commands for a link: `latency` is the plan's {kind, ...} in ms
/// (fixed: ms; uniform: min_ms, max_ms; lognormal: median_ms, p99_ms), `accessMs` the host's.
export function shapingCommands(latency, accessMs, loss) {
  const ns = (ms) => Math.round(ms * 1e6)
  const half = (ms) => ms / 2
  let set
  if (latency.kind === 'uniform') {
    set = `set uniform ${ns(half(latency.min_ms) + accessMs)} ${ns(half(latency.max_ms) + accessMs)}`
  } else if (latency.kind === 'lognormal') {
    // Half the median per link; sigma from the p99 (z = 2.326). With an access latency the
    // median moves by it (approximate: a log-normal plus a constant).
    const sigma = Math.log(latency.p99_ms / latency.median_ms) / 2.326
    set = `set lognormal ${ns(half(latency.median_ms) + accessMs)} ${sigma}`
  } else {
    set = `set fixed ${ns(half(latency.ms) + accessMs)}`
  }
  const perLink = loss > 0 ? 1 - Math.sqrt(1 - loss) : 0
  return [set, `loss ${perLink}`]
}

export class Link {
  /// Creates TAP `ifA` in namespace `nsA` and `ifB` in `nsB`, joined by the forwarder.
  constructor(binary, nsA, ifA, nsB, ifB, seed) {
    this.child = spawn(binary, [nsA, ifA, nsB, ifB, String(seed)], { stdio: ['pipe', 'pipe', 'inherit'] })
    this.child.stdin.on('error', () => {})
    this.exited = false
    this.ready = new Promise((resolve, reject) => {
      this.child.on('exit', (code, signal) => {
        this.exited = true
        reject(new Error(`connsim-live-link ${nsA}/${ifA} - ${nsB}/${ifB} exited (${signal ?? code})`))
      })
      readline.createInterface({ input: this.child.stdout }).once('line', (line) => {
        if (line.trim() === 'ready') resolve()
      })
    })
  }

  shape(commands) {
    if (!this.exited) this.child.stdin.write(commands.map((c) => c + '\n').join(''))
  }

  stop() {
    if (!this.exited) this.child.kill('SIGTERM')
  }
}
