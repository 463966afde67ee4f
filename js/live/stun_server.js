// A minimal STUN server (RFC 5389): answers every Binding Request with a Binding Success
// Response carrying XOR-MAPPED-ADDRESS (IPv4), which is all ICE's server-reflexive candidate
// gathering needs. Anything else is ignored.
import dgram from 'node:dgram'

const MAGIC_COOKIE = 0x2112a442
const BINDING_REQUEST = 0x0001
const BINDING_SUCCESS = 0x0101
const XOR_MAPPED_ADDRESS = 0x0020

/// The response to `request` (a Buffer) from `remote` ({address, port}), or null if the
/// request is not a well-formed Binding Request.
export function bindingResponse(request, remote) {
  if (request.length < 20 || request.readUInt16BE(0) !== BINDING_REQUEST) return null
  if (request.readUInt32BE(4) !== MAGIC_COOKIE) return null
  const octets = remote.address.split('.').map(Number)
  if (octets.length !== 4) return null
  const response = Buffer.alloc(32)
  response.writeUInt16BE(BINDING_SUCCESS, 0)
  response.writeUInt16BE(12, 2)  // attributes' length
  request.copy(response, 4, 4, 20)  // magic cookie + transaction id
  response.writeUInt16BE(XOR_MAPPED_ADDRESS, 20)
  response.writeUInt16BE(8, 22)
  response.writeUInt8(0, 24)
  response.writeUInt8(0x01, 25)  // IPv4
  response.writeUInt16BE(remote.port ^ (MAGIC_COOKIE >>> 16), 26)
  const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0
  response.writeUInt32BE((address ^ MAGIC_COOKIE) >>> 0, 28)
  return response
}

export function startStunServer(address, port) {
  const socket = dgram.createSocket('udp4')
  socket.on('message', (message, remote) => {
    const response = bindingResponse(message, remote)
    if (response) socket.send(response, remote.port, remote.address)
  })
  return new Promise((resolve, reject) => {
    socket.once('error', reject)
    socket.bind(port, address, () => resolve(socket))
  })
}
