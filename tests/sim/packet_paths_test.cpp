// PacketPaths alone, under the world: journeys as datagrams (arrival time, retransmission,
// loss after max_transmissions, the deadline, hellos into NATs, partitions), posts, notices,
// counters, and the same journey twice giving the same times.
#define BOOST_TEST_MODULE sim_packet_paths
#include <boost/test/unit_test.hpp>

#include <optional>

#include "sim/kernel.hpp"
#include "sim/packet/nat_routing.hpp"
#include "sim/packet/packet_paths.hpp"
#include "sim/packet/topology.hpp"
#include "sim/wallet_node.hpp"
#include "sim/world.hpp"

using namespace connsim;
using namespace connsim::sim;
using namespace std::chrono_literals;

namespace {

WorldConfig config_with(double loss, NatConfig alice_nat = NatConfig::none()) {
  WorldConfig config;
  config.transport.close_detection = 0ms;  // these tests were written against this value
  config.link.latency = LatencyModel::fixed(40ms);
  config.link.loss = loss;
  config.relays.push_back(relay_defaults("relay", RelayImplementation::go));
  for (const char* id : {"alice", "bob"}) {
    WalletConfig wallet;
    wallet.id = id;
    wallet.peer_id = id;
    wallet.nat = std::string(id) == "alice" ? alice_nat : NatConfig::none();
    wallet.online_at = 1h;  // nobody joins: only the journeys of the test travel
    config.wallets.push_back(wallet);
  }
  return config;
}

/// A world on the packet backend, driven journey by journey.
struct Fixture {
  explicit Fixture(WorldConfig config, packet::PacketOptions options = {})
      : world(kernel, std::move(config), true, packet::packet_paths_factory(options)) {}

  packet::PacketPaths& paths() { return static_cast<packet::PacketPaths&>(world.paths()); }

  /// Departs `legs` at `at`, waits until `deadline` (both absolute, and later than the end of
  /// the previous travel, which runs the kernel to its deadline + 1 s); returns (kind, when).
  std::pair<Arrival, Duration> travel(std::vector<Leg> legs, Duration at, Duration deadline) {
    std::optional<std::pair<Arrival, Duration>> end;
    kernel.schedule(at - kernel.now(), [&] {
      asio::co_spawn(
          kernel.executor(),
          [&]() -> store::Task<void> {
            auto journey = world.paths().depart(legs);
            const Arrival arrival = co_await world.paths().arrive(journey, deadline);
            end = {arrival, kernel.now()};
          },
          asio::detached);
    });
    kernel.run_until(deadline + 1s);
    BOOST_TEST_REQUIRE(end.has_value());
    return *end;
  }

  Kernel kernel;
  World world;
};

const HostId alice{0};
const HostId bob{1};
const HostId relay{2};

}  // namespace

BOOST_AUTO_TEST_CASE(a_round_trip_takes_two_one_way_delays) {
  Fixture f(config_with(0));
  const auto [arrival, at] = f.travel({Leg{alice, bob, 2}}, 1s, 10s);
  BOOST_TEST((arrival == Arrival::arrived));
  BOOST_TEST(at.count() == Duration(1s + 80ms).count());
  BOOST_TEST(f.paths().counters().datagrams_sent == 2u);
  BOOST_TEST(f.paths().counters().retransmissions == 0u);
}

BOOST_AUTO_TEST_CASE(legs_travel_one_after_the_other_through_the_relay) {
  Fixture f(config_with(0));
  const auto [arrival, at] = f.travel({Leg{alice, relay}, Leg{relay, bob}, Leg{bob, relay, 2}}, 1s, 10s);
  BOOST_TEST((arrival == Arrival::arrived));
  BOOST_TEST(at.count() == Duration(1s + 4 * 40ms).count());
}

BOOST_AUTO_TEST_CASE(everything_lost_is_lost_after_max_transmissions_retransmit_timeouts) {
  Fixture f(config_with(1.0));
  const auto [arrival, at] = f.travel({Leg{alice, bob}}, 1s, 60s);
  BOOST_TEST((arrival == Arrival::lost));
  BOOST_TEST(at.count() == Duration(6s).count());  // 5 transmissions, 1 s apart
  BOOST_TEST(f.paths().counters().retransmissions == 4u);
  BOOST_TEST(f.paths().counters().journeys_lost == 1u);
}

BOOST_AUTO_TEST_CASE(a_deadline_before_the_arrival_is_late_at_the_deadline) {
  Fixture f(config_with(0));
  const auto [arrival, at] = f.travel({Leg{alice, bob, 4}}, 1s, 1s + 100ms);
  BOOST_TEST((arrival == Arrival::late));
  BOOST_TEST(at.count() == Duration(1s + 100ms).count());
}

BOOST_AUTO_TEST_CASE(a_natted_wallet_is_reached_after_its_hello) {
  // bob -> alice behind a NAT: bob has never heard from alice, so alice's hello opens the
  // flow first (one more one-way delay); the second journey finds the flow open.
  Fixture f(config_with(0, NatConfig{}));
  const auto [first, first_at] = f.travel({Leg{bob, alice}}, 1s, 10s);
  BOOST_TEST((first == Arrival::arrived));
  BOOST_TEST(first_at.count() == Duration(1s + 80ms).count());
  BOOST_TEST(f.paths().counters().hellos == 1u);
  const auto [second, second_at] = f.travel({Leg{bob, alice}}, 20s, 30s);
  BOOST_TEST((second == Arrival::arrived));
  BOOST_TEST(second_at.count() == Duration(20s + 40ms).count());
  BOOST_TEST(f.paths().counters().hellos == 1u);
}

BOOST_AUTO_TEST_CASE(after_a_nat_rebind_the_flow_is_opened_again) {
  Fixture f(config_with(0, NatConfig{}));
  f.travel({Leg{bob, alice}}, 1s, 10s);
  f.world.nat_rebind(0, "test");
  const auto [arrival, at] = f.travel({Leg{bob, alice}}, 20s, 30s);
  BOOST_TEST((arrival == Arrival::arrived));
  BOOST_TEST(at.count() == Duration(20s + 80ms).count());
  BOOST_TEST(f.paths().counters().hellos == 2u);
}

BOOST_AUTO_TEST_CASE(a_partition_drops_every_transmission) {
  Fixture f(config_with(0));
  f.kernel.schedule(500ms, [&] { f.world.partition({alice}, {bob}, "test"); });
  const auto [arrival, at] = f.travel({Leg{alice, bob}}, 1s, 60s);
  BOOST_TEST((arrival == Arrival::lost));
  BOOST_TEST(f.paths().topology().core()->dropped() == 5u);
  const auto [via_relay, via_at] = f.travel({Leg{alice, relay}}, 70s, 80s);  // not partitioned
  BOOST_TEST((via_relay == Arrival::arrived));
}

BOOST_AUTO_TEST_CASE(posts_arrive_or_report_their_loss) {
  for (double loss : {0.0, 1.0}) {
    Fixture f(config_with(loss));
    std::optional<Duration> arrived;
    bool lost = false;
    f.kernel.schedule(1s, [&] {
      f.world.paths().post({Leg{relay, bob}}, [&] { arrived = f.kernel.now(); }, [&] { lost = true; });
    });
    f.kernel.run_until(30s);
    BOOST_TEST(arrived.has_value() == (loss == 0.0));
    BOOST_TEST(lost == (loss == 1.0));
    if (arrived) BOOST_TEST(arrived->count() == Duration(1s + 40ms).count());
  }
}

BOOST_AUTO_TEST_CASE(notices_take_the_path_delay_and_set_network_moves_the_links) {
  Fixture f(config_with(0));
  BOOST_TEST(f.world.paths().notice_delay(alice, bob).count() == Duration(40ms).count());
  f.world.set_link(LatencyModel::fixed(100ms), std::nullopt, "test");
  BOOST_TEST(f.world.paths().notice_delay(alice, bob).count() == Duration(100ms).count());
  const auto [arrival, at] = f.travel({Leg{alice, bob}}, 1s, 10s);
  BOOST_TEST(at.count() == Duration(1s + 100ms).count());
}

BOOST_AUTO_TEST_CASE(the_same_lossy_journeys_twice_give_the_same_times) {
  auto run = [] {
    Fixture f(config_with(0.3));
    std::vector<Duration> ends;
    for (int i = 0; i < 10; ++i) ends.push_back(f.travel({Leg{alice, bob, 4}}, Duration(1s) * (10 * i + 1), Duration(1s) * (10 * i + 9)).second);
    return ends;
  };
  BOOST_TEST((run() == run()));
}

BOOST_AUTO_TEST_CASE(a_message_datagram_carries_its_bytes_up_to_one_unfragmented_datagram) {
  // At 1 Mb/s a datagram's serialization shows on each of the two core links it crosses:
  // control datagrams carry 96 bytes, a message its own size, at most 1400.
  auto arrival = [](std::uint32_t bytes) {
    packet::PacketOptions options;
    options.bits_per_second = 1'000'000;
    Fixture f(config_with(0), options);
    std::optional<Duration> at;
    f.kernel.schedule(1s, [&] {
      f.world.paths().post({Leg{alice, bob, 1, 0, bytes}}, [&] { at = f.kernel.now(); }, [] {});
    });
    f.kernel.run_until(10s);
    BOOST_TEST_REQUIRE(at.has_value());
    return *at - 1s - 40ms;
  };
  // Frame = payload + UDP 8 + IP 20 + PPP 2; two links.
  auto serialization = [](std::uint32_t payload) { return Duration(2 * (payload + 30) * 8 * 1000); };
  BOOST_TEST(arrival(0).count() == serialization(96).count());
  BOOST_TEST(arrival(50).count() == serialization(96).count());
  BOOST_TEST(arrival(1000).count() == serialization(1000).count());
  BOOST_TEST(arrival(100000).count() == serialization(1400).count());
}
