// The multiaddrs the simulated nodes advertise: format_address writes what parse_address reads.
#define BOOST_TEST_MODULE sim_address
#include <boost/test/unit_test.hpp>

#include "sim/address.hpp"
#include "sim/nat.hpp"

using namespace connsim::sim;

BOOST_AUTO_TEST_CASE(each_shape_as_the_nodes_write_it) {
  BOOST_TEST(format_address({.kind = AddressKind::direct, .ip = ipv4(10, 0, 0, 2), .peer = "alice"}) ==
             "/ip4/10.0.0.2/tcp/4001/p2p/alice");
  BOOST_TEST(format_address({.kind = AddressKind::circuit, .relay = "r1", .peer = "bob"}) ==
             "/p2p/r1/p2p-circuit/p2p/bob");
  BOOST_TEST(format_address({.kind = AddressKind::webrtc, .relay = "r1", .peer = "bob"}) ==
             "/p2p/r1/p2p-circuit/webrtc/p2p/bob");
  BOOST_TEST(format_ipv4(ipv4(255, 0, 12, 1)) == "255.0.12.1");
  BOOST_TEST(format_ipv4(0) == "0.0.0.0");
}

BOOST_AUTO_TEST_CASE(parse_reads_back_what_format_writes) {
  const ParsedAddress addresses[] = {
      {.kind = AddressKind::direct, .ip = ipv4(11, 0, 1, 255), .peer = "w-1"},
      {.kind = AddressKind::circuit, .relay = "relay one", .peer = "p"},
      {.kind = AddressKind::webrtc, .relay = "r", .peer = "peer.with.dots"},
  };
  for (const ParsedAddress& address : addresses) {
    const auto parsed = parse_address(format_address(address));
    BOOST_TEST_REQUIRE(parsed.has_value());
    BOOST_TEST((*parsed == address));
  }
}

BOOST_AUTO_TEST_CASE(parse_refuses_what_is_none_of_the_shapes) {
  for (const char* text : {"", "ip4/1.2.3.4/tcp/4001/p2p/a", "/ip4/1.2.3/tcp/4001/p2p/a", "/ip4/1.2.3.256/tcp/4001/p2p/a",
                           "/ip4/1.2.3.4/tcp/4001/p2p/", "/p2p/r/p2p-circuit/p2p", "/p2p//p2p-circuit/p2p/a",
                           "/p2p/r/p2p-circuit/webrtc/a", "/p2p/r/circuit/p2p/a"}) {
    BOOST_TEST(!parse_address(text).has_value(), text);
  }
}
