#define BOOST_TEST_MODULE sim.stun
#include "sim/packet/stun.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <set>
#include <vector>

using connsim::sim::Endpoint;
using connsim::sim::ipv4;
namespace stun = connsim::sim::packet::stun;
using Bytes = std::vector<std::uint8_t>;

namespace {

stun::TransactionId id_of(std::uint8_t first) {
  stun::TransactionId id{};
  for (std::size_t i = 0; i < id.size(); ++i) id[i] = static_cast<std::uint8_t>(first + i);
  return id;
}

stun::Message response() {
  return stun::Message{stun::MessageType::binding_success, id_of(1), Endpoint{ipv4(192, 0, 2, 1), 32853}};
}

void set16(Bytes& bytes, std::size_t at, std::uint16_t value) {
  bytes[at] = static_cast<std::uint8_t>(value >> 8);
  bytes[at + 1] = static_cast<std::uint8_t>(value);
}

/// `bytes` (an encoded message) with one more attribute appended, length field updated.
Bytes with_attribute(Bytes bytes, std::uint16_t type, const Bytes& value) {
  bytes.push_back(static_cast<std::uint8_t>(type >> 8));
  bytes.push_back(static_cast<std::uint8_t>(type));
  bytes.push_back(static_cast<std::uint8_t>(value.size() >> 8));
  bytes.push_back(static_cast<std::uint8_t>(value.size()));
  bytes.insert(bytes.end(), value.begin(), value.end());
  while (bytes.size() % 4 != 0) bytes.push_back(0);
  set16(bytes, 2, static_cast<std::uint16_t>(bytes.size() - stun::header_size));
  return bytes;
}

}  // namespace

BOOST_AUTO_TEST_CASE(request_is_a_bare_header) {
  const stun::Message request{stun::MessageType::binding_request, id_of(0xa0), {}};
  const Bytes bytes = stun::encode(request);
  const Bytes expected = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42, 0xa0, 0xa1, 0xa2, 0xa3,
                          0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab};
  BOOST_TEST(bytes == expected, boost::test_tools::per_element());
  BOOST_TEST((stun::decode(bytes) == request));
}

// The XOR-MAPPED-ADDRESS of RFC 5769 §2.2's sample IPv4 response: 192.0.2.1:32853 encodes
// as family 0x01, x-port 0xa147, x-address 0xe112a643.
BOOST_AUTO_TEST_CASE(response_xor_mapped_address_matches_rfc5769) {
  const Bytes bytes = stun::encode(response());
  BOOST_TEST_REQUIRE(bytes.size() == 32u);
  BOOST_TEST(bytes[0] == 0x01);
  BOOST_TEST(bytes[1] == 0x01);
  BOOST_TEST(bytes[3] == 12);  // length
  const Bytes attribute(bytes.begin() + 20, bytes.end());
  const Bytes expected = {0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43};
  BOOST_TEST(attribute == expected, boost::test_tools::per_element());
  BOOST_TEST((stun::decode(bytes) == response()));
}

BOOST_AUTO_TEST_CASE(round_trip_through_an_ns3_packet) {
  const auto packet = stun::to_packet(response());
  BOOST_TEST(packet->GetSize() == 32u);
  BOOST_TEST((stun::from_packet(*packet) == response()));
  const auto empty = ns3::Create<ns3::Packet>();
  BOOST_TEST(!stun::from_packet(*empty).has_value());
}

BOOST_AUTO_TEST_CASE(malformed_input_is_rejected) {
  const Bytes good = stun::encode(response());
  // Every truncation, including the empty buffer.
  for (std::size_t size = 0; size < good.size(); ++size) {
    BOOST_TEST_CONTEXT("truncated to " << size) {
      BOOST_TEST(!stun::decode(Bytes(good.begin(), good.begin() + static_cast<long>(size))).has_value());
    }
  }
  auto broken = [&](auto change) {
    Bytes bytes = good;
    change(bytes);
    return !stun::decode(bytes).has_value();
  };
  BOOST_TEST(broken([](Bytes& b) { b[4] ^= 0x01; }));           // magic cookie
  BOOST_TEST(broken([](Bytes& b) { b[0] |= 0x80; }));           // top bits of the type
  BOOST_TEST(broken([](Bytes& b) { set16(b, 0, 0x0111); }));    // binding error response
  BOOST_TEST(broken([](Bytes& b) { set16(b, 0, 0x0011); }));    // binding indication
  BOOST_TEST(broken([](Bytes& b) { set16(b, 0, 0x0002); }));    // another method
  BOOST_TEST(broken([](Bytes& b) { set16(b, 2, 10); }));        // length not a multiple of 4
  BOOST_TEST(broken([](Bytes& b) { set16(b, 2, 16); }));        // length past the end
  BOOST_TEST(broken([](Bytes& b) { set16(b, 2, 8); }));         // trailing bytes
  BOOST_TEST(broken([](Bytes& b) { set16(b, 2, 0xfffc); }));    // huge length
  BOOST_TEST(broken([](Bytes& b) { b.push_back(0); }));         // datagram longer than length
  BOOST_TEST(broken([](Bytes& b) { set16(b, 22, 12); }));       // attribute runs past the end
  BOOST_TEST(broken([](Bytes& b) { set16(b, 22, 0xffff); }));   // attribute length huge
  BOOST_TEST(broken([](Bytes& b) { set16(b, 22, 4); }));        // XOR-MAPPED-ADDRESS too short
  BOOST_TEST(broken([](Bytes& b) { b[25] = 0x02; }));           // IPv6 family in 8 bytes
  BOOST_TEST(broken([](Bytes& b) { set16(b, 20, 0x0006); }));   // unknown comprehension-required
  // An attribute header with no room for its value.
  Bytes header_only = stun::encode(stun::Message{stun::MessageType::binding_request, id_of(0), {}});
  header_only.insert(header_only.end(), {0x80, 0x22, 0x00, 0x08});
  set16(header_only, 2, 4);
  BOOST_TEST(!stun::decode(header_only).has_value());
}

BOOST_AUTO_TEST_CASE(optional_attributes_are_skipped_and_the_first_mapping_counts) {
  // SOFTWARE (0x8022, 3 bytes + 1 padding) and FINGERPRINT (0x8028) are comprehension-optional.
  Bytes bytes = with_attribute(stun::encode(response()), 0x8022, Bytes{'a', 'b', 'c'});
  bytes = with_attribute(bytes, 0x8028, Bytes{1, 2, 3, 4});
  BOOST_TEST(bytes.size() == 32u + 8u + 8u);
  BOOST_TEST((stun::decode(bytes) == response()));
  // A second XOR-MAPPED-ADDRESS is ignored.
  const stun::Message other{stun::MessageType::binding_success, id_of(1), Endpoint{ipv4(10, 0, 0, 1), 9}};
  const Bytes second = stun::encode(other);
  const Bytes twice = with_attribute(stun::encode(response()), stun::xor_mapped_address_type,
                                     Bytes(second.begin() + 24, second.end()));
  BOOST_TEST(twice.size() == 44u);
  BOOST_TEST((stun::decode(twice) == response()));
}

BOOST_AUTO_TEST_CASE(every_byte_flip_decodes_or_is_rejected_without_crashing) {
  // Exhaustive single-byte corruption of a response: either decodes or not, never UB (run
  // under a sanitizer to make that a hard check).
  const Bytes good = stun::encode(response());
  int rejected = 0;
  for (std::size_t at = 0; at < good.size(); ++at) {
    for (int value = 0; value < 256; ++value) {
      Bytes bytes = good;
      bytes[at] = static_cast<std::uint8_t>(value);
      if (!stun::decode(bytes)) ++rejected;
    }
  }
  BOOST_TEST(rejected > 0);
}

BOOST_AUTO_TEST_CASE(transaction_ids_are_deterministic_and_distinct) {
  stun::TransactionIds first(42);
  stun::TransactionIds again(42);
  stun::TransactionIds other(43);
  std::set<stun::TransactionId> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto id = first.next();
    BOOST_TEST((id == again.next()));
    seen.insert(id);
    seen.insert(other.next());
  }
  BOOST_TEST(seen.size() == 2000u);
}
