// The process supervisor of a live run: every process runs inside one of the run's network
// namespaces (`ip netns exec`), speaks JSON lines (peer_main.js), and is killed at the end;
// tearing a namespace down kills whatever still runs in it (topology.destroyNamespace), so no
// process outlives its run even if the supervisor dies.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import readline from 'node:readline'
import { fileURLToPath } from 'node:url'

const HERE = path.dirname(fileURLToPath(import.meta.url))
export const PEER_MAIN = path.join(HERE, 'peer_main.js')

export class PeerProcess {
  /// Starts `node peer_main.js` in namespace `ns`, sends `config` as its first line; `onReport`
  /// gets every report, `onExit(code, signal)` its end. stderr goes to `logFile`.
  constructor({ name, ns, config, onReport, onExit, logFile }) {
    this.name = name
    this.exited = false
    this.ready = new Promise((resolve, reject) => { this.resolveReady = resolve; this.rejectReady = reject })
    const log = fs.openSync(logFile, 'a')
    this.child = spawn('ip', ['netns', 'exec', ns, process.execPath, PEER_MAIN], { stdio: ['pipe', 'pipe', log] })
    fs.closeSync(log)
    this.child.stdin.on('error', () => {})
    this.child.on('exit', (code, signal) => {
      this.exited = true
      this.rejectReady(new Error(`${name} exited (${signal ?? code}) before it was ready; see ${logFile}`))
      onExit?.(code, signal)
    })
    readline.createInterface({ input: this.child.stdout }).on('line', (line) => {
      let report
      try { report = JSON.parse(line) } catch { return }
      if (report.ev === 'ready') this.resolveReady()
      else onReport?.(report)
    })
    this.send(config)
  }

  send(command) {
    if (!this.exited) this.child.stdin.write(JSON.stringify(command) + '\n')
  }

  /// Asks it to stop (graceful: libp2p closes its connections), kills it after `graceMs`.
  stop(graceMs = 2000) {
    if (this.exited) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.kill(), graceMs)
      this.child.once('exit', () => { clearTimeout(timer); resolve() })
      this.send({ op: 'stop' })
    })
  }

  kill() {
    if (!this.exited) this.child.kill('SIGKILL')
  }
}
