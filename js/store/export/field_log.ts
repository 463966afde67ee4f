// The field-log exporter a wallet engineer adds to the store: it subscribes to the Pinia stores
// (`$onAction`) and records what this wallet observes of itself, as a `connsim-log/1` document
// (scenarios/FORMAT.md, "Field logs"): status writes, activity feed entries, connect results,
// signing-session states, and optionally the libp2p node's peer:connect / peer:disconnect, each
// stamped with the milliseconds since the log started. A support ticket attaches `log()`;
// `connsim explore SPACE --match LOG.json` finds the worlds that produce it.
//
// It knows nothing of any simulator: it needs the p2p and musig2 stores (any store with the
// seed's action names) and a clock (Date.now by default). It imports nothing, so it bundles with
// any store. After a page reload, pass the previous exporter's `sink` (persisted, e.g. in
// localStorage) to keep one log across the reload; `stop()` detaches an exporter.
//
//   const exporter = createFieldLogExporter({ p2p: useP2PStore(), musig2: useMuSig2Store() },
//                                           { peerId: node.peerId.toString() })
//   download(JSON.stringify(exporter.log()))

export type FieldLogEntry =
  | { t: number; kind: 'status'; peer: string; status: string; connection_type?: string; error?: string }
  | { t: number; kind: 'activity'; type: string; message: string }
  | { t: number; kind: 'connect'; peer: string; success: boolean; connection_type: string; error?: string }
  | { t: number; kind: 'session'; session_id: string; state: string; failure?: string }
  | { t: number; kind: 'libp2p'; event: 'peer:connect' | 'peer:disconnect'; peer: string; connection_type?: string }

export interface FieldLog {
  format: 'connsim-log/1'
  wallet: { peer_id: string; name?: string }
  clock: { unit: 'ms'; started_at: number }
  peers: { peer_id: string; nickname?: string }[]
  entries: FieldLogEntry[]
}

/** What outlives a reload: the clock's start, the entries and the peers' nicknames so far. */
export interface FieldLogSink {
  startedAt: number
  entries: FieldLogEntry[]
  nicknames: Record<string, string>
}

export interface FieldLogOptions {
  peerId: string
  /** An app-level name for this wallet (optional). */
  name?: string
  /** Milliseconds since the epoch (default Date.now). */
  now?: () => number
  /** Also record the libp2p node's peer:connect / peer:disconnect as the store sees them. */
  libp2p?: boolean
  /** The sink of the exporter this one continues (after a reload). */
  sink?: FieldLogSink
}

export interface FieldLogExporter {
  readonly sink: FieldLogSink
  /** The log so far, as a connsim-log/1 document. */
  log(): FieldLog
  /** Stops recording (a retired page). */
  stop(): void
}

/** A Pinia store as the exporter uses it: `$onAction` and, for musig2, its `sessions`. */
interface ObservableStore {
  $onAction(callback: (context: {
    name: string
    args: any[]
    after: (callback: (result: any) => void) => void
    onError: (callback: (error: unknown) => void) => void
  }) => void, detached?: boolean): () => void
  sessions?: Map<string, { id: string; state: string; failure?: string }>
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : 'Unknown error'
}

export function createFieldLogExporter(
  stores: { p2p: ObservableStore; musig2?: ObservableStore },
  options: FieldLogOptions,
): FieldLogExporter {
  const now = options.now ?? (() => Date.now())
  const sink: FieldLogSink = options.sink ?? { startedAt: now(), entries: [], nicknames: {} }
  let stopped = false
  const record = (entry: any) => {
    if (stopped) return
    sink.entries.push({ t: Math.max(0, now() - sink.startedAt), ...entry })
  }
  const unsubscribe: (() => void)[] = []

  unsubscribe.push(stores.p2p.$onAction(({ name, args, after, onError }) => {
    if (stopped) return
    switch (name) {
      case '_handlePresenceDiscovered': {
        const presence = args[0]
        if (presence && typeof presence.nickname === 'string') sink.nicknames[presence.peerId] = presence.nickname
        return
      }
      case '_updatePeerConnectionStatus': {
        const [peer, status, connectionType, error] = args
        const entry: any = { kind: 'status', peer: String(peer), status: String(status) }
        if (connectionType) entry.connection_type = String(connectionType)
        if (error !== undefined && error !== null) entry.error = String(error)
        record(entry)
        return
      }
      case '_addActivityEvent': {
        const event = args[0] ?? {}
        record({ kind: 'activity', type: String(event.type), message: String(event.message) })
        return
      }
      case 'connectToPresence': {
        const peer = String(args[0]?.peerId)
        after((result) => {
          const entry: any = {
            kind: 'connect', peer, success: !!result?.success, connection_type: result?.connectionType ?? 'none',
          }
          if (result?.error !== undefined) entry.error = String(result.error)
          record(entry)
        })
        onError((error) => record({ kind: 'connect', peer, success: false, connection_type: 'none', error: errorText(error) }))
        return
      }
      case '_handlePeerConnected':
        if (options.libp2p) record({ kind: 'libp2p', event: 'peer:connect', peer: String(args[0]), connection_type: String(args[1]) })
        return
      case '_handlePeerDisconnected':
        if (options.libp2p) record({ kind: 'libp2p', event: 'peer:disconnect', peer: String(args[0]) })
        return
      default:
        return
    }
  }, true))

  const musig2 = stores.musig2
  if (musig2) {
    unsubscribe.push(musig2.$onAction(({ name, args, after }) => {
      if (stopped || name !== '_setSessionState') return
      after(() => {
        const session = musig2.sessions?.get(args[0])
        if (!session) return
        const entry: any = { kind: 'session', session_id: session.id, state: session.state }
        if (session.failure !== undefined && session.failure !== null) entry.failure = String(session.failure)
        record(entry)
      })
    }, true))
  }

  return {
    sink,
    log(): FieldLog {
      const peers: { peer_id: string; nickname?: string }[] = []
      const seen = new Set<string>()
      for (const entry of sink.entries) {
        if (!('peer' in entry) || seen.has(entry.peer)) continue
        seen.add(entry.peer)
        const nickname = sink.nicknames[entry.peer]
        peers.push(nickname === undefined ? { peer_id: entry.peer } : { peer_id: entry.peer, nickname })
      }
      const wallet: { peer_id: string; name?: string } = { peer_id: options.peerId }
      if (options.name !== undefined) wallet.name = options.name
      return {
        format: 'connsim-log/1',
        wallet,
        clock: { unit: 'ms', started_at: sink.startedAt },
        peers,
        entries: sink.entries.map((entry) => ({ ...entry })),
      }
    },
    stop() {
      stopped = true
      for (const off of unsubscribe) off()
    },
  }
}
