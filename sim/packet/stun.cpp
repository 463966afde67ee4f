#include "sim/packet/stun.hpp"

#include "store/splitmix64.hpp"

namespace connsim::sim::packet::stun {
namespace {

void put16(std::vector<std::uint8_t>& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value));
}

void put32(std::vector<std::uint8_t>& out, std::uint32_t value) {
  put16(out, static_cast<std::uint16_t>(value >> 16));
  put16(out, static_cast<std::uint16_t>(value));
}

std::uint16_t get16(std::span<const std::uint8_t> bytes, std::size_t at) {
  return static_cast<std::uint16_t>((bytes[at] << 8) | bytes[at + 1]);
}

std::uint32_t get32(std::span<const std::uint8_t> bytes, std::size_t at) {
  return (std::uint32_t{get16(bytes, at)} << 16) | get16(bytes, at + 2);
}

}  // namespace

std::vector<std::uint8_t> encode(const Message& message) {
  std::vector<std::uint8_t> out;
  out.reserve(header_size + 12);
  put16(out, static_cast<std::uint16_t>(message.type));
  put16(out, message.mapped ? 12 : 0);
  put32(out, magic_cookie);
  out.insert(out.end(), message.transaction.begin(), message.transaction.end());
  if (message.mapped) {
    put16(out, xor_mapped_address_type);
    put16(out, 8);
    out.push_back(0);     // reserved
    out.push_back(0x01);  // IPv4
    put16(out, static_cast<std::uint16_t>(message.mapped->port ^ (magic_cookie >> 16)));
    put32(out, message.mapped->ip ^ magic_cookie);
  }
  return out;
}

std::optional<Message> decode(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < header_size) return std::nullopt;
  const std::uint16_t type = get16(bytes, 0);
  const std::size_t length = get16(bytes, 2);
  if ((type & 0xC000) != 0 || length % 4 != 0 || header_size + length != bytes.size()) {
    return std::nullopt;
  }
  if (get32(bytes, 4) != magic_cookie) return std::nullopt;
  Message message;
  if (type == static_cast<std::uint16_t>(MessageType::binding_request)) {
    message.type = MessageType::binding_request;
  } else if (type == static_cast<std::uint16_t>(MessageType::binding_success)) {
    message.type = MessageType::binding_success;
  } else {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < message.transaction.size(); ++i) message.transaction[i] = bytes[8 + i];

  std::size_t at = header_size;
  while (at < bytes.size()) {
    if (bytes.size() - at < 4) return std::nullopt;
    const std::uint16_t attribute = get16(bytes, at);
    const std::size_t value_length = get16(bytes, at + 2);
    const std::size_t padded = (value_length + 3) / 4 * 4;
    const std::size_t value = at + 4;
    if (bytes.size() - value < padded) return std::nullopt;
    if (attribute == xor_mapped_address_type) {
      if (value_length != 8 || bytes[value + 1] != 0x01) return std::nullopt;
      if (!message.mapped) {
        message.mapped = Endpoint{get32(bytes, value + 4) ^ magic_cookie,
                                  static_cast<std::uint16_t>(get16(bytes, value + 2) ^ (magic_cookie >> 16))};
      }
    } else if (attribute < 0x8000) {
      return std::nullopt;  // unknown comprehension-required
    }
    at = value + padded;
  }
  return message;
}

ns3::Ptr<ns3::Packet> to_packet(const Message& message) {
  const std::vector<std::uint8_t> bytes = encode(message);
  return ns3::Create<ns3::Packet>(bytes.data(), static_cast<std::uint32_t>(bytes.size()));
}

std::optional<Message> from_packet(const ns3::Packet& packet) {
  std::vector<std::uint8_t> bytes(packet.GetSize());
  if (!bytes.empty()) packet.CopyData(bytes.data(), static_cast<std::uint32_t>(bytes.size()));
  return decode(bytes);
}

TransactionId TransactionIds::next() {
  const std::uint64_t high = store::splitmix64(state_);
  const std::uint64_t low = store::splitmix64(state_);
  TransactionId id{};
  for (std::size_t i = 0; i < 8; ++i) id[i] = static_cast<std::uint8_t>(high >> (56 - 8 * i));
  for (std::size_t i = 0; i < 4; ++i) id[8 + i] = static_cast<std::uint8_t>(low >> (24 - 8 * i));
  return id;
}

}  // namespace connsim::sim::packet::stun
