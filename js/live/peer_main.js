// One process of a live run, started by the conductor inside a network namespace:
//   node peer_main.js
// The first line on stdin is its configuration {role: 'stun'|'relay'|'bootstrap'|'wallet', ...};
// later lines are commands (JSON). Every line it writes on stdout is a report (JSON), the first
// {ev:'ready'} once it serves; stderr is free text. It exits 0 on {op:'stop'} or end of input
// (its conductor died: nothing of a run outlives the run).
import readline from 'node:readline'
import { multiaddr } from '@multiformats/multiaddr'
import { createRelay, createBootstrap, hostKey } from './libp2p_nodes.js'
import { PresenceHub } from './presence_hub.js'
import { startStunServer } from './stun_server.js'
import { LiveWallet } from './wallet_process.js'

function emit(object) {
  process.stdout.write(JSON.stringify(object) + '\n')
}

process.on('unhandledRejection', (error) => {
  process.stderr.write(`unhandled rejection: ${error && error.stack ? error.stack : error}\n`)
})

async function startRelay(config) {
  const node = await createRelay({ privateKey: await hostKey(config.seed, config.name), listen: config.listen, relay: config.relay })
  if (config.relay.reservation_ends_on_disconnect) {
    // go-libp2p's relay: a reservation ends when its holder disconnects (field notes §2). The
    // js relay keeps the slot until its TTL; this gives it the go behaviour.
    node.addEventListener('peer:disconnect', (event) => {
      node.services.relay.reservationStore?.removeReservation(event.detail)
    })
  }
  return { stop: () => node.stop() }
}

async function startBootstrap(config) {
  const node = await createBootstrap({ privateKey: await hostKey(config.seed, config.name), listen: config.listen })
  const hub = new PresenceHub(node, {
    bootstrapPeerId: node.peerId.toString(),
    firstPeerExchangeMs: config.first_peer_exchange_ms,
    peerExchangeIntervalMs: config.peer_exchange_interval_ms,
  })
  await hub.start()
  return { stop: async () => { hub.stop(); await node.stop() } }
}

async function main() {
  const lines = readline.createInterface({ input: process.stdin })
  const iterator = lines[Symbol.asyncIterator]()
  const first = await iterator.next()
  if (first.done) process.exit(0)
  const config = JSON.parse(first.value)
  let server = null
  let wallet = null
  if (config.role === 'stun') {
    const socket = await startStunServer(config.address, config.port)
    server = { stop: () => socket.close() }
  } else if (config.role === 'relay') {
    server = await startRelay(config)
  } else if (config.role === 'bootstrap') {
    server = await startBootstrap(config)
  } else if (config.role === 'wallet') {
    wallet = new LiveWallet(config, emit)
    await wallet.start()
    if (config.online) await wallet.goOnline()
  } else {
    throw new Error(`unknown role ${config.role}`)
  }
  emit({ ev: 'ready', role: config.role, name: config.name ?? config.wallet })
  for (;;) {
    const next = await iterator.next()
    if (next.done) break
    let command
    try { command = JSON.parse(next.value) } catch { continue }
    if (command.op === 'stop') break
    if (!wallet) continue
    try {
      await handleWalletCommand(wallet, command)
    } catch (error) {
      emit({ ev: 'notice', wallet: config.wallet, message: `${command.op}: ${error.message}` })
    }
  }
  if (server) await server.stop()
  if (wallet) await wallet.goOffline()
  wallet?.store?.stop?.()
  process.exit(0)
}

async function handleWalletCommand(wallet, command) {
  switch (command.op) {
    case 'start':
      wallet.config.start_epoch_ms = command.start_epoch_ms
      return wallet.store?.start?.(command.start_epoch_ms)
    case 'action': return wallet.store.act(command.id, command)
    case 'go_offline': return wallet.goOffline()
    case 'go_online': return wallet.goOnline()
    case 'drop_connection': return wallet.dropConnection(command.peer)
    case 'dial': return wallet.libp2p?.dial(multiaddr(command.addr))
    default: throw new Error(`unknown command ${JSON.stringify(command.op)}`)
  }
}

main().catch((error) => {
  process.stderr.write(`peer process failed: ${error && error.stack ? error.stack : error}\n`)
  process.exit(1)
})
