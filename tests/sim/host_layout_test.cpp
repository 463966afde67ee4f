// HostLayout: which host id is which wallet, relay, the bootstrap and the STUN server, their
// names, addresses and access latencies; and what it refuses.
#define BOOST_TEST_MODULE sim_host_layout
#include <boost/test/unit_test.hpp>

#include <set>
#include <stdexcept>
#include <type_traits>

#include "sim/config.hpp"
#include "sim/host_layout.hpp"
#include "sim/nat.hpp"

using namespace connsim::sim;
using namespace std::chrono_literals;

namespace {

// Two wallets (the first behind a NAT) and three relays.
HostLayout small_layout() {
  return HostLayout({{"alice", LatencyModel::fixed(5ms), true}, {"bob", LatencyModel::uniform(1ms, 3ms), false}},
                    {{"r0", LatencyModel::fixed(7ms)}, {"r1"}, {"r2"}});
}

}  // namespace

// The typed indices do not stand in for one another or for plain numbers.
static_assert(!std::is_convertible_v<RelayIndex, HostId>);
static_assert(!std::is_convertible_v<WalletIndex, HostId>);
static_assert(!std::is_convertible_v<std::size_t, HostId>);
static_assert(!std::is_convertible_v<WalletIndex, RelayIndex>);
static_assert(!std::is_constructible_v<HostId, WalletIndex>);
static_assert(sizeof(HostId) == sizeof(std::uint32_t) && std::is_trivially_copyable_v<HostId>);

BOOST_AUTO_TEST_CASE(wallets_then_relays_then_the_bootstrap_then_stun) {
  const HostLayout layout = small_layout();
  BOOST_TEST(layout.wallet_count() == 2u);
  BOOST_TEST(layout.relay_count() == 3u);
  BOOST_TEST(layout.world_host_count() == 6u);
  BOOST_TEST(layout.host_count() == 7u);
  BOOST_TEST(layout.host(WalletIndex{1}).value == 1u);
  BOOST_TEST(layout.host(RelayIndex{0}).value == 2u);
  BOOST_TEST(layout.host(RelayIndex{2}).value == 4u);
  BOOST_TEST(layout.bootstrap().value == 5u);
  BOOST_TEST(layout.stun().value == 6u);
  BOOST_TEST(layout.in_world(layout.bootstrap()));
  BOOST_TEST(!layout.in_world(layout.stun()));

  BOOST_TEST((layout.role(HostId{0}) == HostRole::wallet));
  BOOST_TEST((layout.role(HostId{3}) == HostRole::relay));
  BOOST_TEST((layout.role(HostId{5}) == HostRole::bootstrap));
  BOOST_TEST((layout.role(HostId{6}) == HostRole::stun));
  BOOST_TEST((layout.wallet(HostId{1}) == WalletIndex{1}));
  BOOST_TEST(!layout.wallet(HostId{2}).has_value());
  BOOST_TEST((layout.relay(HostId{3}) == RelayIndex{1}));
  BOOST_TEST(!layout.relay(HostId{1}).has_value());
  BOOST_TEST(!layout.relay(layout.bootstrap()).has_value());
}

BOOST_AUTO_TEST_CASE(every_host_round_trips_through_its_kind) {
  const HostLayout layout = small_layout();
  for (WalletIndex w{0}; w.value < layout.wallet_count(); ++w.value) {
    BOOST_TEST((layout.wallet(layout.host(w)) == w));
  }
  for (RelayIndex r{0}; r.value < layout.relay_count(); ++r.value) {
    BOOST_TEST((layout.relay(layout.host(r)) == r));
  }
}

BOOST_AUTO_TEST_CASE(names_for_the_history_and_for_ns3_nodes) {
  const HostLayout layout = small_layout();
  BOOST_TEST(layout.name(HostId{0}) == "alice");
  BOOST_TEST(layout.name(layout.host(RelayIndex{1})) == "r1");
  BOOST_TEST(layout.name(layout.bootstrap()) == "bootstrap");
  BOOST_TEST(layout.name(layout.stun()) == "stun");
  BOOST_TEST(layout.node_name(HostId{1}) == "wallet-bob");
  BOOST_TEST(layout.node_name(layout.host(RelayIndex{2})) == "relay-r2");
  BOOST_TEST(layout.node_name(layout.bootstrap()) == "bootstrap");
  BOOST_TEST(layout.node_name(layout.stun()) == "stun");
}

BOOST_AUTO_TEST_CASE(public_addresses_by_kind_and_all_distinct) {
  const HostLayout layout = small_layout();
  BOOST_TEST(layout.public_ip(HostId{0}) == ipv4(11, 0, 0, 0));
  BOOST_TEST(layout.public_ip(HostId{1}) == ipv4(11, 0, 0, 1));
  BOOST_TEST(layout.public_ip(layout.host(RelayIndex{0})) == ipv4(12, 0, 0, 1));
  BOOST_TEST(layout.public_ip(layout.host(RelayIndex{2})) == ipv4(12, 0, 0, 3));
  BOOST_TEST(layout.public_ip(layout.bootstrap()) == ipv4(13, 0, 0, 1));
  BOOST_TEST(layout.public_ip(layout.stun()) == ipv4(74, 125, 250, 129));
  std::set<std::uint32_t> seen;
  for (HostId h{0}; h.value < layout.host_count(); ++h.value) seen.insert(layout.public_ip(h));
  BOOST_TEST(seen.size() == layout.host_count());
}

BOOST_AUTO_TEST_CASE(each_public_address_leads_back_to_its_host_and_no_other_does) {
  const HostLayout layout = small_layout();
  for (HostId h{0}; h.value < layout.host_count(); ++h.value) {
    BOOST_TEST((layout.host_at(layout.public_ip(h)) == h));
  }
  for (std::uint32_t ip : {ipv4(10, 0, 0, 2), ipv4(11, 0, 0, 2), ipv4(12, 0, 0, 0), ipv4(12, 0, 0, 4), ipv4(13, 0, 0, 2),
                           ipv4(10, 255, 255, 255), ipv4(255, 255, 255, 255), std::uint32_t{0}}) {
    BOOST_TEST(!layout.host_at(ip).has_value());
  }
}

BOOST_AUTO_TEST_CASE(relay_addresses_carry_into_the_third_octet) {
  std::vector<HostSpec> relays(300);
  for (std::size_t r = 0; r < relays.size(); ++r) relays[r].name = "r" + std::to_string(r);
  const HostLayout layout({}, relays);
  BOOST_TEST(layout.public_ip(layout.host(RelayIndex{254})) == ipv4(12, 0, 0, 255));
  BOOST_TEST(layout.public_ip(layout.host(RelayIndex{255})) == ipv4(12, 0, 1, 0));
  BOOST_TEST(layout.public_ip(layout.host(RelayIndex{299})) == ipv4(12, 0, 1, 44));
  BOOST_TEST((layout.host_at(ipv4(12, 0, 1, 0)) == layout.host(RelayIndex{255})));
  BOOST_TEST(!layout.host_at(ipv4(12, 0, 1, 45)).has_value());
}

BOOST_AUTO_TEST_CASE(a_wallet_behind_a_nat_knows_itself_by_its_home_lan_address) {
  const HostLayout layout = small_layout();
  BOOST_TEST(layout.behind_nat(HostId{0}));
  BOOST_TEST(!layout.behind_nat(HostId{1}));
  BOOST_TEST(!layout.behind_nat(layout.host(RelayIndex{0})));
  BOOST_TEST(!layout.behind_nat(layout.stun()));
  BOOST_TEST(layout.private_ip(WalletIndex{0}) == ipv4(10, 0, 0, 2));
  BOOST_TEST(layout.private_ip(WalletIndex{1}) == layout.public_ip(HostId{1}));
  BOOST_TEST(layout.lan_ip(WalletIndex{1}) == layout.public_ip(HostId{1}));

  std::vector<HostSpec> wallets(300, HostSpec{"w", LatencyModel::fixed(0ms), true});
  const HostLayout many(wallets, {});
  BOOST_TEST(many.lan_ip(WalletIndex{0}) == ipv4(10, 0, 0, 2));
  BOOST_TEST(many.lan_ip(WalletIndex{299}) == ipv4(10, 1, 43, 2));
  BOOST_TEST(many.private_ip(WalletIndex{299}) == ipv4(10, 0, 0, 2));
}

BOOST_AUTO_TEST_CASE(access_latency_of_wallets_and_relays_none_for_the_rest) {
  const HostLayout layout = small_layout();
  BOOST_TEST(layout.access_latency(HostId{0}).floor().count() == Duration(5ms).count());
  BOOST_TEST((layout.access_latency(HostId{1}).kind == LatencyModel::Kind::uniform));
  BOOST_TEST(layout.access_latency(layout.host(RelayIndex{0})).floor().count() == Duration(7ms).count());
  for (HostId h : {layout.bootstrap(), layout.stun()}) {
    const LatencyModel& none = layout.access_latency(h);
    BOOST_TEST((none.kind == LatencyModel::Kind::fixed));
    BOOST_TEST(none.a.count() == 0);
  }
}

BOOST_AUTO_TEST_CASE(the_layout_of_a_world_config) {
  WorldConfig config;
  config.relays.push_back(relay_defaults("relay-a", RelayImplementation::go));
  config.relays.back().access_latency = LatencyModel::fixed(9ms);
  WalletConfig open;
  open.id = "open";
  open.nat = NatConfig::none();
  WalletConfig natted;
  natted.id = "natted";
  natted.nat = NatConfig::port_restricted_cone();
  config.wallets = {open, natted};
  const HostLayout layout = HostLayout::of(config);
  BOOST_TEST(layout.name(HostId{0}) == "open");
  BOOST_TEST(layout.name(HostId{2}) == "relay-a");
  BOOST_TEST(!layout.behind_nat(HostId{0}));
  BOOST_TEST(layout.behind_nat(HostId{1}));
  BOOST_TEST(layout.access_latency(HostId{2}).floor().count() == Duration(9ms).count());
}

BOOST_AUTO_TEST_CASE(an_id_of_no_host_is_refused) {
  const HostLayout layout = small_layout();
  const HostId beyond{static_cast<std::uint32_t>(layout.host_count())};
  BOOST_CHECK_THROW(layout.role(beyond), std::out_of_range);
  BOOST_CHECK_THROW(layout.name(beyond), std::out_of_range);
  BOOST_CHECK_THROW(layout.node_name(beyond), std::out_of_range);
  BOOST_CHECK_THROW(layout.public_ip(beyond), std::out_of_range);
  BOOST_CHECK_THROW(layout.wallet(beyond), std::out_of_range);
  BOOST_CHECK_THROW(layout.relay(HostId{4'000'000'000u}), std::out_of_range);
  BOOST_CHECK_THROW(layout.access_latency(beyond), std::out_of_range);
  BOOST_TEST(!layout.behind_nat(beyond));
}

BOOST_AUTO_TEST_CASE(more_hosts_than_the_addresses_hold_are_refused) {
  const std::vector<HostSpec> too_many_relays(HostLayout::kMaxRelays + 1);
  BOOST_CHECK_THROW(HostLayout({}, too_many_relays), std::invalid_argument);
  const std::vector<HostSpec> most_relays(HostLayout::kMaxRelays);
  const HostLayout full({}, most_relays);
  BOOST_TEST(full.public_ip(full.host(RelayIndex{HostLayout::kMaxRelays - 1})) == ipv4(12, 0, 255, 255));

  // (Checked on the counts: 2^24 wallet specs would take a gigabyte.)
  BOOST_CHECK_NO_THROW(HostLayout::check_fits(HostLayout::kMaxWallets, HostLayout::kMaxRelays));
  BOOST_CHECK_THROW(HostLayout::check_fits(HostLayout::kMaxWallets + 1, 0), std::invalid_argument);
  BOOST_CHECK_THROW(HostLayout::check_fits(0, HostLayout::kMaxRelays + 1), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(a_relay_behind_a_nat_is_refused) {
  BOOST_CHECK_THROW(HostLayout({}, {{"r", LatencyModel::fixed(0ms), true}}), std::invalid_argument);
}
