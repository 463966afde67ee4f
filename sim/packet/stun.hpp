// STUN (RFC 5389) as far as ICE over packets needs it: Binding requests and Binding success
// responses, with XOR-MAPPED-ADDRESS for IPv4. Wire format (all big-endian):
//   0                   1                   2                   3
//   |0 0|  message type (14 bits)  |        message length         |
//   |                  magic cookie 0x2112A442                       |
//   |                  transaction id (96 bits)                      |
//   attributes: type (16) | length (16) | value, padded to a multiple of 4 bytes
//
// Contract of decode(): never throws or reads out of bounds; returns nullopt for anything that
// is not exactly one well-formed Binding request or Binding success response:
// - shorter than the 20-byte header, top two bits of the type not zero, wrong magic cookie,
//   a message length that is not a multiple of 4 or does not equal the bytes after the header;
// - any other message type (indications, error responses, other methods);
// - an attribute header or (padded) value running past the end of the message;
// - an XOR-MAPPED-ADDRESS that is not 8 bytes of IPv4 (family 0x01; IPv6 is not supported);
// - an unknown comprehension-required attribute (type < 0x8000). Unknown
//   comprehension-optional attributes (e.g. FINGERPRINT, SOFTWARE) are skipped.
// Only the first XOR-MAPPED-ADDRESS counts (RFC 5389 §15). No MESSAGE-INTEGRITY, USERNAME or
// FINGERPRINT is produced (ICE credentials are not modelled).
//
// Transaction ids come from a seeded generator, not from a CSPRNG as RFC 5389 §6 asks: runs
// must be deterministic.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include <ns3/packet.h>
#include <ns3/ptr.h>

#include "sim/nat.hpp"

namespace connsim::sim::packet::stun {

inline constexpr std::uint32_t magic_cookie = 0x2112A442;
inline constexpr std::size_t header_size = 20;
inline constexpr std::uint16_t xor_mapped_address_type = 0x0020;

enum class MessageType : std::uint16_t {
  binding_request = 0x0001,
  binding_success = 0x0101,
};

using TransactionId = std::array<std::uint8_t, 12>;

struct Message {
  MessageType type = MessageType::binding_request;
  TransactionId transaction{};
  /// The XOR-MAPPED-ADDRESS attribute (encoded only when set; responses carry it).
  std::optional<Endpoint> mapped;

  bool operator==(const Message&) const = default;
};

std::vector<std::uint8_t> encode(const Message& message);
/// See the contract at the top of this file.
std::optional<Message> decode(std::span<const std::uint8_t> bytes);

/// encode() as an ns-3 packet payload, and decode() of a packet's whole payload.
ns3::Ptr<ns3::Packet> to_packet(const Message& message);
std::optional<Message> from_packet(const ns3::Packet& packet);

/// Deterministic transaction ids: a splitmix64 stream from `seed` (equal seeds, equal ids).
/// Not unique by construction: ids from different seeds collide with negligible odds only.
class TransactionIds {
 public:
  explicit TransactionIds(std::uint64_t seed) : state_(seed) {}
  TransactionId next();

 private:
  std::uint64_t state_;
};

}  // namespace connsim::sim::packet::stun
