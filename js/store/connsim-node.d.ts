// '@connsim/node': the wallet's libp2p node and Lotus SDK as the host gives them to store code
// (one per wallet; see js/PROTOCOL.md for what each call becomes on the wire).
declare module '@connsim/node' {
  export interface ConnsimNode {
    /** This node's own peer id. */
    readonly peerId: string
    /** The wallet's `store` object from the scenario, unresolved. */
    readonly options: unknown
    /** The virtual clock's time, in integer nanoseconds since the run began. */
    now(): number
    /** libp2p getConnections(peerId): [] or one entry with the live connection's type. */
    getConnections(peerId: string): { remotePeer: string; type: 'webrtc' | 'relay' | 'direct' }[]
    /** libp2p dial(multiaddr); rejects with the dial's error. */
    dial(multiaddr: string): Promise<void>
    /** The SDK's relay dial helper; rejects with its error. */
    dialViaRelay(peerId: string): Promise<void>
    /** Sends one protocol message to a connected peer; rejects when it cannot. */
    send(peerId: string, protocol: string, payload: string): Promise<void>
    /** Subscribes to 'pubsub' (topic, message) events. */
    on(kind: 'pubsub', handler: (topic: string, message: unknown) => void): void
    /** Uniform in [0, 1), from the world's seeded stream for this wallet's store. */
    random(): number
    /** The connection service's trace: one pass down the ladder finished. */
    reportAttempt(peerId: string, attempt: number, startedNs: number, result: unknown): void
  }
  export const node: ConnsimNode
}
