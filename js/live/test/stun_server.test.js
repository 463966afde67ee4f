// stun_server.js: a Binding Request gets a Binding Success Response with the sender's address
// XORed as RFC 5389 says; anything else gets nothing.
import test from 'node:test'
import assert from 'node:assert/strict'
import { bindingResponse } from '../stun_server.js'

function request(type = 0x0001, cookie = 0x2112a442) {
  const buffer = Buffer.alloc(20)
  buffer.writeUInt16BE(type, 0)
  buffer.writeUInt32BE(cookie, 4)
  for (let i = 8; i < 20; i++) buffer[i] = i  // transaction id
  return buffer
}

test('a binding request is answered with XOR-MAPPED-ADDRESS', () => {
  const response = bindingResponse(request(), { address: '198.18.10.3', port: 40123 })
  assert.equal(response.readUInt16BE(0), 0x0101)
  assert.equal(response.readUInt16BE(2), 12)
  assert.deepEqual([...response.subarray(4, 20)], [...request().subarray(4, 20)])
  assert.equal(response.readUInt16BE(20), 0x0020)
  assert.equal(response.readUInt16BE(26) ^ 0x2112, 40123)
  const address = (response.readUInt32BE(28) ^ 0x2112a442) >>> 0
  assert.equal([address >>> 24, (address >>> 16) & 255, (address >>> 8) & 255, address & 255].join('.'), '198.18.10.3')
})

test('not a binding request, no magic cookie, too short or not IPv4: no answer', () => {
  assert.equal(bindingResponse(request(0x0101), { address: '1.2.3.4', port: 1 }), null)
  assert.equal(bindingResponse(request(0x0001, 0), { address: '1.2.3.4', port: 1 }), null)
  assert.equal(bindingResponse(Buffer.alloc(10), { address: '1.2.3.4', port: 1 }), null)
  assert.equal(bindingResponse(request(), { address: '::1', port: 1 }), null)
})
