#define BOOST_TEST_MODULE sim.nat
#include "sim/nat.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <set>
#include <unordered_set>
#include <vector>

using namespace std::chrono_literals;
using namespace connsim::sim;

namespace {

constexpr std::uint32_t public_ip = ipv4(203, 0, 113, 1);
constexpr Endpoint host{ipv4(192, 168, 1, 2), 5000};
constexpr Endpoint other_host{ipv4(192, 168, 1, 3), 5000};
// r1 and r2 share an IP; r3 is elsewhere.
constexpr Endpoint r1{ipv4(198, 51, 100, 7), 4000};
constexpr Endpoint r2{ipv4(198, 51, 100, 7), 4001};
constexpr Endpoint r3{ipv4(192, 0, 2, 9), 4000};

constexpr NatBehaviour eim = NatBehaviour::endpoint_independent;
constexpr NatBehaviour adm = NatBehaviour::address_dependent;
constexpr NatBehaviour apdm = NatBehaviour::address_and_port_dependent;

NatBox box(NatConfig config, std::uint64_t seed = 1) {
  return NatBox(config, public_ip, seed);
}

/// Runs `check(mapping, filtering)` for each of the nine RFC 4787 combinations, in a test
/// context that names the combination.
template <class Check>
void for_every_mapping_and_filtering(Check check) {
  for (NatBehaviour m : connsim::sim::all_nat_behaviours) {
    for (NatBehaviour f : connsim::sim::all_nat_behaviours) {
      BOOST_TEST_CONTEXT(describe(NatConfig::of(m, f))) { check(m, f); }
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(names)

BOOST_AUTO_TEST_CASE(behaviour_names_round_trip) {
  BOOST_TEST(connsim::sim::to_string(eim) == "endpoint-independent");
  BOOST_TEST(connsim::sim::to_string(adm) == "address-dependent");
  BOOST_TEST(connsim::sim::to_string(apdm) == "address-and-port-dependent");
  for (NatBehaviour b : connsim::sim::all_nat_behaviours) {
    BOOST_TEST((connsim::sim::parse_nat_behaviour(connsim::sim::to_string(b)) == b));
  }
  BOOST_TEST(!connsim::sim::parse_nat_behaviour("Endpoint-Independent"));
  BOOST_TEST(!connsim::sim::parse_nat_behaviour(""));
}

BOOST_AUTO_TEST_CASE(classic_names_parse_to_their_rfc4787_pairs) {
  using connsim::sim::parse_nat_config;
  BOOST_TEST(parse_nat_config("none")->public_host);
  BOOST_TEST(
      (*parse_nat_config("full-cone") == NatConfig::of(eim, NatBehaviour::endpoint_independent)));
  BOOST_TEST((*parse_nat_config("restricted-cone") ==
              NatConfig::of(eim, NatBehaviour::address_dependent)));
  BOOST_TEST((*parse_nat_config("port-restricted-cone") ==
              NatConfig::of(eim, NatBehaviour::address_and_port_dependent)));
  BOOST_TEST((*parse_nat_config("symmetric") ==
              NatConfig::of(apdm, NatBehaviour::address_and_port_dependent)));
  BOOST_TEST(
      (*parse_nat_config("ADM+EIF") == NatConfig::of(adm, NatBehaviour::endpoint_independent)));
  BOOST_TEST(
      (*parse_nat_config("APDM+ADF") == NatConfig::of(apdm, NatBehaviour::address_dependent)));
  for (const char* bad : {"", "cone", "EIM", "EIM+", "+EIF", "EIF+EIM", "eim+eif", "EIM+EIF+"}) {
    BOOST_TEST_CONTEXT(bad) {
      BOOST_TEST(!parse_nat_config(bad));
    }
  }
}

BOOST_AUTO_TEST_CASE(describe_gives_the_classic_name_or_the_pair_and_round_trips) {
  using connsim::sim::describe;
  BOOST_TEST(describe(NatConfig::none()) == "none");
  BOOST_TEST(describe(NatConfig::full_cone()) == "full-cone");
  BOOST_TEST(describe(NatConfig::restricted_cone()) == "restricted-cone");
  BOOST_TEST(describe(NatConfig::port_restricted_cone()) == "port-restricted-cone");
  BOOST_TEST(describe(NatConfig::symmetric()) == "symmetric");
  BOOST_TEST(describe(NatConfig::of(adm, NatBehaviour::endpoint_independent)) == "ADM+EIF");
  BOOST_TEST(describe(NatConfig::of(apdm, NatBehaviour::address_dependent)) == "APDM+ADF");
  for (const auto& classic : connsim::sim::kClassicNats) {
    BOOST_TEST(describe(*connsim::sim::parse_nat_config(classic.text)) == classic.text);
    BOOST_TEST((*connsim::sim::parse_nat_config(classic.text) == classic.value));
  }
  for (NatBehaviour m : connsim::sim::all_nat_behaviours) {
    for (NatBehaviour f : connsim::sim::all_nat_behaviours) {
      const NatConfig config = NatConfig::of(m, f);
      BOOST_TEST((connsim::sim::parse_nat_config(describe(config)) == config));
    }
  }
}

BOOST_AUTO_TEST_CASE(defaults) {
  const NatConfig config;
  BOOST_TEST(!config.public_host);
  BOOST_TEST((config.mapping_timeout == Duration(120s)));
  BOOST_TEST((connsim::sim::parse_nat_config("symmetric")->mapping_timeout == Duration(120s)));
}

BOOST_AUTO_TEST_CASE(endpoints_order_hash_and_print) {
  BOOST_TEST((r1 < r2));
  BOOST_TEST((r3 < r1));
  BOOST_TEST((r1 == Endpoint{ipv4(198, 51, 100, 7), 4000}));
  const std::unordered_set<Endpoint> set{r1, r2, r3, r1};
  BOOST_TEST(set.size() == 3u);
  BOOST_TEST(connsim::sim::to_string(host) == "192.168.1.2:5000");
  BOOST_TEST(connsim::sim::to_string(Endpoint{0xffffffffU, 65535}) == "255.255.255.255:65535");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(nat_box)

BOOST_AUTO_TEST_CASE(public_host_is_the_identity) {
  const std::uint32_t ip = ipv4(203, 0, 113, 50);
  NatBox nat(NatConfig::none(), ip, 1);
  const Endpoint self{ip, 5000};
  BOOST_TEST(nat.outbound(self, r1, 0s) == self);
  BOOST_TEST((nat.inbound(r3, self, 0s) == self));
  BOOST_TEST((nat.inbound(r1, self, 1000h) == self));
  BOOST_TEST(nat.mapping_alive(self, r3, 1000h));
  BOOST_TEST((nat.peek_mapping(self, r3, 0s) == self));
  BOOST_TEST(nat.live_mapping_count(0s) == 0u);
}

// Which external port is reused, for every mapping behaviour (filtering must not matter).
BOOST_AUTO_TEST_CASE(mapping_behaviour_decides_port_reuse) {
  for_every_mapping_and_filtering([](NatBehaviour m, NatBehaviour f) {
    NatBox nat = box(NatConfig::of(m, f));
    const Endpoint e1 = nat.outbound(host, r1, 0s);
    const Endpoint e2 = nat.outbound(host, r2, 1s);
    const Endpoint e3 = nat.outbound(host, r3, 2s);
    BOOST_TEST(e1.ip == public_ip);
    BOOST_TEST(e1.port >= 1024);
    BOOST_TEST(nat.outbound(host, r1, 3s) == e1);  // the same flow always reuses its mapping
    switch (m) {
      case NatBehaviour::endpoint_independent:
        BOOST_TEST(e2 == e1);
        BOOST_TEST(e3 == e1);
        BOOST_TEST(nat.live_mapping_count(3s) == 1u);
        break;
      case NatBehaviour::address_dependent:
        BOOST_TEST(e2 == e1);
        BOOST_TEST(e3 != e1);
        BOOST_TEST(nat.live_mapping_count(3s) == 2u);
        break;
      case NatBehaviour::address_and_port_dependent:
        BOOST_TEST(e2 != e1);
        BOOST_TEST(e3 != e1);
        BOOST_TEST(e3 != e2);
        BOOST_TEST(nat.live_mapping_count(3s) == 3u);
        break;
    }
    // Another internal endpoint never shares a mapping.
    BOOST_TEST(nat.outbound(other_host, r1, 4s) != e1);
    BOOST_TEST((nat.peek_mapping(host, r1, 4s) == e1));
  });
}

// Which remote endpoints get in, for every mapping x filtering combination: the host sent only
// to r1, then r1 (sent to), r2 (same IP, other port) and r3 (other IP) try to come in.
BOOST_AUTO_TEST_CASE(filtering_behaviour_decides_who_gets_in) {
  for_every_mapping_and_filtering([](NatBehaviour m, NatBehaviour f) {
    NatBox nat = box(NatConfig::of(m, f));
    const Endpoint external = nat.outbound(host, r1, 0s);
    const bool r2_in = f != NatBehaviour::address_and_port_dependent;
    const bool r3_in = f == NatBehaviour::endpoint_independent;
    BOOST_TEST((nat.inbound(r1, external, 1s) == host));
    BOOST_TEST(nat.inbound(r2, external, 1s).has_value() == r2_in);
    BOOST_TEST(nat.inbound(r3, external, 1s).has_value() == r3_in);
    if (r2_in) BOOST_TEST((nat.inbound(r2, external, 1s) == host));
    // Not our address, or a port with no mapping: dropped whatever the filtering.
    BOOST_TEST(!nat.inbound(r1, Endpoint{public_ip + 1, external.port}, 1s));
    const auto unmapped =
        static_cast<std::uint16_t>(external.port == 65535 ? 1024 : external.port + 1);
    BOOST_TEST(!nat.inbound(r1, Endpoint{public_ip, unmapped}, 1s));
    // Once the host has sent to r3 as well, r3 is admitted on the mapping that did it.
    const Endpoint to_r3 = nat.outbound(host, r3, 2s);
    BOOST_TEST((nat.inbound(r3, to_r3, 3s) == host));
  });
}

BOOST_AUTO_TEST_CASE(permissions_belong_to_the_mapping_that_sent) {
  // Symmetric: the mapping toward r1 does not admit r3 although the host talks to r3 through
  // another mapping.
  NatBox nat = box(NatConfig::symmetric());
  const Endpoint to_r1 = nat.outbound(host, r1, 0s);
  const Endpoint to_r3 = nat.outbound(host, r3, 0s);
  BOOST_TEST(!nat.inbound(r3, to_r1, 1s));
  BOOST_TEST(!nat.inbound(r1, to_r3, 1s));
  BOOST_TEST((nat.inbound(r3, to_r3, 1s) == host));
  // Port-restricted cone: one mapping, permissions accumulate on it.
  NatBox cone = box(NatConfig::port_restricted_cone());
  const Endpoint e = cone.outbound(host, r1, 0s);
  BOOST_TEST(!cone.inbound(r2, e, 1s));
  BOOST_TEST(cone.outbound(host, r2, 1s) == e);
  BOOST_TEST((cone.inbound(r2, e, 2s) == host));
  BOOST_TEST((cone.inbound(r1, e, 2s) == host));
}

BOOST_AUTO_TEST_CASE(mapping_expires_after_mapping_timeout_idle) {
  for (NatBehaviour m : connsim::sim::all_nat_behaviours) {
    for (NatBehaviour f : connsim::sim::all_nat_behaviours) {
      BOOST_TEST_CONTEXT(describe(NatConfig::of(m, f))) {
        NatConfig config = NatConfig::of(m, f);
        config.mapping_timeout = 30s;
        NatBox nat = box(config);
        const Endpoint external = nat.outbound(host, r1, 10s);
        // Idle exactly mapping_timeout: still alive.
        BOOST_TEST(nat.mapping_alive(host, r1, 40s));
        BOOST_TEST((nat.inbound(r1, external, 40s) == host));
        BOOST_TEST(nat.live_mapping_count(40s) == 1u);
        // One nanosecond longer: gone.
        const Duration after = 40s + 1ns;
        BOOST_TEST(!nat.mapping_alive(host, r1, after));
        BOOST_TEST(!nat.peek_mapping(host, r1, after));
        BOOST_TEST(!nat.inbound(r1, external, after));
        BOOST_TEST(nat.live_mapping_count(after) == 0u);
        // The next packet gets a new mapping on another port; the old port stays dead.
        const Endpoint fresh = nat.outbound(host, r1, 50s);
        BOOST_TEST(fresh != external);
        BOOST_TEST(!nat.inbound(r1, external, 50s));
        BOOST_TEST((nat.inbound(r1, fresh, 50s) == host));
        BOOST_TEST(nat.live_mapping_count(50s) == 1u);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(outbound_refreshes_inbound_does_not) {
  NatConfig config = NatConfig::full_cone();
  config.mapping_timeout = 30s;
  NatBox nat = box(config);
  const Endpoint external = nat.outbound(host, r1, 0s);
  // Outbound at 20 s refreshes: alive until 50 s.
  BOOST_TEST(nat.outbound(host, r1, 20s) == external);
  BOOST_TEST((nat.inbound(r3, external, 50s) == host));
  BOOST_TEST(!nat.inbound(r3, external, 51s));
  // Inbound traffic alone never refreshes (RFC 4787 REQ-6: outbound refresh only).
  NatBox quiet = box(config);
  const Endpoint e = quiet.outbound(host, r1, 0s);
  for (Duration t = 1s; t <= 30s; t += 1s) BOOST_TEST((quiet.inbound(r1, e, t) == host));
  BOOST_TEST(!quiet.inbound(r1, e, 31s));
  BOOST_TEST(!quiet.mapping_alive(host, r1, 31s));
}

BOOST_AUTO_TEST_CASE(an_unbounded_timeout_never_expires) {
  NatConfig config = NatConfig::restricted_cone();
  config.mapping_timeout = Duration::max();
  NatBox nat = box(config);
  const Endpoint external = nat.outbound(host, r1, 5s);
  nat.outbound(other_host, r3, 10s);  // a second mapping, to exercise the sweep bound
  BOOST_TEST((nat.inbound(r2, external, Duration::max()) == host));
  BOOST_TEST(nat.live_mapping_count(Duration::max()) == 2u);
}

BOOST_AUTO_TEST_CASE(a_permission_ages_even_while_its_mapping_lives) {
  NatConfig config = NatConfig::port_restricted_cone();
  config.mapping_timeout = 30s;
  NatBox nat = box(config);
  const Endpoint external = nat.outbound(host, r1, 0s);
  // Keep the one EIM mapping busy talking to r3 only.
  for (Duration t = 10s; t <= 60s; t += 10s) BOOST_TEST(nat.outbound(host, r3, t) == external);
  BOOST_TEST(nat.mapping_alive(host, r1, 60s));
  BOOST_TEST((nat.inbound(r1, external, 30s) == host));
  BOOST_TEST(!nat.inbound(r1, external, 31s));  // r1 last sent to at 0 s
  BOOST_TEST((nat.inbound(r3, external, 60s) == host));
}

BOOST_AUTO_TEST_CASE(rebind_forgets_every_mapping) {
  NatBox nat = box(NatConfig::symmetric());
  const Endpoint to_r1 = nat.outbound(host, r1, 0s);
  nat.outbound(host, r3, 0s);
  nat.outbound(other_host, r1, 0s);
  BOOST_TEST(nat.live_mapping_count(1s) == 3u);
  nat.rebind();
  BOOST_TEST(nat.live_mapping_count(1s) == 0u);
  BOOST_TEST(!nat.mapping_alive(host, r1, 1s));
  BOOST_TEST(!nat.inbound(r1, to_r1, 1s));
  const Endpoint again = nat.outbound(host, r1, 2s);
  BOOST_TEST(again.ip == public_ip);
  BOOST_TEST(again != to_r1);
  // With a new public address: the old address receives nothing any more.
  const std::uint32_t new_ip = ipv4(203, 0, 113, 99);
  nat.rebind(new_ip);
  BOOST_TEST(nat.public_ip() == new_ip);
  const Endpoint moved = nat.outbound(host, r1, 3s);
  BOOST_TEST(moved.ip == new_ip);
  BOOST_TEST((nat.inbound(r1, moved, 3s) == host));
  BOOST_TEST(!nat.inbound(r1, Endpoint{public_ip, moved.port}, 3s));
}

BOOST_AUTO_TEST_CASE(ports_are_deterministic_per_seed) {
  auto ports = [](std::uint64_t seed) {
    NatBox nat = box(NatConfig::symmetric(), seed);
    std::vector<std::uint16_t> out;
    for (std::uint16_t p = 1; p <= 50; ++p) {
      out.push_back(nat.outbound(host, Endpoint{r1.ip, p}, 0s).port);
    }
    return out;
  };
  BOOST_TEST(ports(7) == ports(7));
  BOOST_TEST(ports(7) != ports(8));
  for (std::uint16_t p : ports(7)) BOOST_TEST(p >= 1024);
}

BOOST_AUTO_TEST_CASE(many_mappings_stay_distinct_and_expired_ones_are_reclaimed) {
  NatConfig config = NatConfig::symmetric();
  config.mapping_timeout = 10s;
  NatBox nat = box(config);
  std::set<std::uint16_t> seen;
  std::vector<Endpoint> externals;
  for (std::uint32_t i = 0; i < 5000; ++i) {
    const Endpoint remote{ipv4(100, 64, 0, 0) + i / 8, static_cast<std::uint16_t>(1000 + i % 8)};
    externals.push_back(nat.outbound(host, remote, 0s));
    seen.insert(externals.back().port);
  }
  BOOST_TEST(seen.size() == 5000u);
  BOOST_TEST(nat.live_mapping_count(1s) == 5000u);
  for (std::uint32_t i = 0; i < 5000; i += 97) {
    const Endpoint remote{ipv4(100, 64, 0, 0) + i / 8, static_cast<std::uint16_t>(1000 + i % 8)};
    BOOST_TEST((nat.inbound(remote, externals[i], 1s) == host));
  }
  // Past the timeout a new mapping reclaims the expired ones.
  nat.outbound(host, r1, 11s);
  BOOST_TEST(nat.live_mapping_count(11s) == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
