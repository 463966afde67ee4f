// The store running unchanged in the simulated world: relay fallback, WebRTC, the failure
// ladder, relay limits and outages, peer exchange, gossip, partitions and determinism.
#define BOOST_TEST_MODULE sim_world
#include <boost/test/unit_test.hpp>

#include "sim/kernel.hpp"
#include "sim/wallet_node.hpp"
#include "sim/world.hpp"

using namespace connsim;
using namespace connsim::sim;
using namespace std::chrono_literals;

namespace {

WalletConfig wallet(const std::string& id, NatConfig nat, std::vector<std::size_t> relays = {0}) {
  WalletConfig config;
  config.id = id;
  config.peer_id = id;
  config.nat = nat;
  config.relays = std::move(relays);
  return config;
}

WorldConfig two_wallets(NatConfig a, NatConfig b, bool with_relay = true) {
  WorldConfig config;
  config.transport.close_detection = 0ms;  // these tests were written against this value
  if (with_relay) config.relays.push_back(relay_defaults("relay", RelayImplementation::go));
  const std::vector<std::size_t> relays = with_relay ? std::vector<std::size_t>{0} : std::vector<std::size_t>{};
  config.wallets.push_back(wallet("alice", a, relays));
  config.wallets.push_back(wallet("bob", b, relays));
  return config;
}

/// Runs `config`, makes alice connect to bob at `at`, and returns the result.
struct Outcome {
  std::optional<store::ConnectResult> result;
  std::vector<StatusWrite> statuses;
  std::string fingerprint;
  std::uint64_t attempts = 0;
};

Outcome connect_once(WorldConfig config, Duration at = 5s, Duration until = 2min) {
  Kernel kernel;
  World world(kernel, std::move(config));
  world.start();
  Outcome outcome;
  kernel.schedule(at, [&] {
    asio::co_spawn(kernel.executor(), world.wallet(0).stores().p2p.connect_to_online_peer("bob"),
                   [&](std::exception_ptr, store::ConnectResult r) { outcome.result = r; });
  });
  kernel.run_until(until);
  outcome.statuses = world.wallet(0).records().statuses;
  outcome.fingerprint = world.history().fingerprint_hex();
  outcome.attempts = world.wallet(0).records().attempts.size();
  return outcome;
}

}  // namespace

BOOST_AUTO_TEST_CASE(public_pair_connects_via_webrtc) {
  auto outcome = connect_once(two_wallets(NatConfig::none(), NatConfig::none()));
  BOOST_REQUIRE(outcome.result);
  BOOST_TEST(outcome.result->success);
  BOOST_TEST(store::to_string(outcome.result->connection_type) == "webrtc");
}

BOOST_AUTO_TEST_CASE(symmetric_pair_falls_back_to_relay) {
  auto outcome = connect_once(two_wallets(NatConfig::symmetric(), NatConfig::symmetric()));
  BOOST_REQUIRE(outcome.result);
  BOOST_TEST(outcome.result->success);
  BOOST_TEST(store::to_string(outcome.result->connection_type) == "relay");
  BOOST_REQUIRE_EQUAL(outcome.statuses.size(), 2u);
  BOOST_TEST(store::to_string(outcome.statuses[0].status.status) == "connecting");
  BOOST_TEST(store::to_string(outcome.statuses[1].status.status) == "connected");
}

BOOST_AUTO_TEST_CASE(no_relay_and_symmetric_nats_fail_after_three_attempts) {
  auto outcome = connect_once(two_wallets(NatConfig::symmetric(), NatConfig::symmetric(), false));
  BOOST_REQUIRE(outcome.result);
  BOOST_TEST(!outcome.result->success);
  BOOST_TEST(outcome.result->error.value_or("") == "All connection methods failed");
  BOOST_TEST(outcome.attempts == 3u);
}

BOOST_AUTO_TEST_CASE(same_seed_same_fingerprint_other_seed_differs) {
  auto make = [](std::uint64_t seed) {
    WorldConfig config = two_wallets(NatConfig::port_restricted_cone(), NatConfig::full_cone());
    config.seed = seed;
    config.link.latency = LatencyModel::lognormal(40ms, 200ms);
    return config;
  };
  const auto first = connect_once(make(7));
  const auto again = connect_once(make(7));
  const auto other = connect_once(make(8));
  BOOST_TEST(first.fingerprint == again.fingerprint);
  BOOST_TEST(first.fingerprint != other.fingerprint);
}

namespace {

/// A world with `n` public wallets w0..w(n-1) on one relay.
WorldConfig crowd(std::size_t n, RelayConfig relay) {
  WorldConfig config;
  config.transport.close_detection = 0ms;  // these tests were written against this value
  config.relays.push_back(std::move(relay));
  for (std::size_t i = 0; i < n; ++i) config.wallets.push_back(wallet("w" + std::to_string(i), NatConfig::symmetric()));
  return config;
}

/// How many history entries recorded an `Entry` for which `test` holds.
template <class Entry, class Test>
std::size_t count_history(const World& world, Test test) {
  std::size_t n = 0;
  for (const auto& entry : world.history().entries()) {
    const auto* what = std::get_if<Entry>(&entry.what);
    if (what && test(*what)) ++n;
  }
  return n;
}

std::size_t count_reservations(const World& world, ReservationOutcome outcome) {
  return count_history<ReservationChanged>(world, [&](const auto& e) { return e.outcome == outcome; });
}

std::size_t count_closes(const World& world, std::string_view cause) {
  return count_history<ConnectionClosed>(world, [&](const auto& e) { return e.cause == cause; });
}

void connect_at(Kernel& kernel, World& world, std::size_t from, const std::string& peer, Duration at,
                std::optional<store::ConnectResult>& out) {
  kernel.schedule(at - kernel.now(), [&kernel, &world, from, peer, &out] {
    asio::co_spawn(kernel.executor(), world.wallet(from).stores().p2p.connect_to_online_peer(peer),
                   [&out](std::exception_ptr, store::ConnectResult r) { out = r; });
  });
}

}  // namespace

BOOST_AUTO_TEST_CASE(relay_refuses_reservations_beyond_its_maximum) {
  RelayConfig relay = relay_defaults("relay", RelayImplementation::js);
  relay.max_reservations = 2;
  Kernel kernel;
  World world(kernel, crowd(3, relay));
  world.start();
  kernel.run_until(10s);
  BOOST_TEST(count_reservations(world, ReservationOutcome::reserved) == 2u);
  BOOST_TEST(count_reservations(world, ReservationOutcome::slots_full) == 1u);
  BOOST_TEST(world.relay(0).reservations_refused == 1u);
}

BOOST_AUTO_TEST_CASE(js_relay_keeps_a_departed_wallets_slot_go_relay_frees_it) {
  for (const auto implementation : {RelayImplementation::js, RelayImplementation::go}) {
    RelayConfig relay = relay_defaults("relay", implementation);
    relay.max_reservations = 1;
    WorldConfig config = crowd(2, relay);
    config.wallets[1].online_at = 20s;
    Kernel kernel;
    World world(kernel, std::move(config));
    world.start();
    kernel.schedule(10s, [&] { world.go_offline(0, "test"); });
    kernel.run_until(30s);
    const bool second_reserved = count_history<ReservationChanged>(world, [](const auto& e) {
                                   return e.wallet == "w1" && e.relay == "relay" &&
                                          e.outcome == ReservationOutcome::reserved;
                                 }) == 1;
    BOOST_TEST(second_reserved == (implementation == RelayImplementation::go),
               (implementation == RelayImplementation::go ? "go" : "js"));
  }
}

BOOST_AUTO_TEST_CASE(relayed_connection_closes_at_the_circuit_duration_limit) {
  RelayConfig relay = relay_defaults("relay", RelayImplementation::go);
  relay.circuit_duration = 30s;
  Kernel kernel;
  World world(kernel, crowd(2, relay));
  world.start();
  std::optional<store::ConnectResult> result;
  connect_at(kernel, world, 0, "w1", 5s, result);
  kernel.run_until(60s);
  BOOST_REQUIRE(result);
  BOOST_TEST(result->success);
  BOOST_TEST(count_closes(world, "circuit duration limit") == 1u);
  BOOST_TEST(!world.existing_connection(0, "w1").has_value());
}

BOOST_AUTO_TEST_CASE(relay_outage_drops_circuits_and_reservations_and_keep_alive_recovers) {
  for (auto mode : {RelayReconnect::Mode::none, RelayReconnect::Mode::keep_alive}) {
    WorldConfig config = crowd(2, relay_defaults("relay", RelayImplementation::go));
    for (auto& w : config.wallets) w.relay_reconnect.mode = mode;
    Kernel kernel;
    World world(kernel, std::move(config));
    world.start();
    std::optional<store::ConnectResult> result;
    connect_at(kernel, world, 0, "w1", 5s, result);
    kernel.schedule(20s, [&] { world.relay_down(0, "test"); });
    kernel.schedule(22s, [&] { world.relay_up(0, "test"); });
    kernel.run_until(60s);
    BOOST_REQUIRE(result);
    BOOST_TEST(count_closes(world, "relay down") == 1u);
    BOOST_TEST(count_reservations(world, ReservationOutcome::lost) == 2u);
    const std::size_t reserved = count_reservations(world, ReservationOutcome::reserved);
    BOOST_TEST(reserved == (mode == RelayReconnect::Mode::none ? 2u : 4u));
  }
}

BOOST_AUTO_TEST_CASE(peer_exchange_arrives_at_two_seconds_then_every_ten) {
  WorldConfig config = crowd(2, relay_defaults("relay", RelayImplementation::go));
  config.wallets[0].store.connection.peer_exchange_reader = store::PeerExchangeReader::fixed;
  Kernel kernel;
  World world(kernel, std::move(config));
  world.start();
  kernel.run_until(2s);
  BOOST_TEST(world.wallet(0).stores().service.accepted_peer_exchange_messages() == 0u);
  kernel.run_until(2500ms);
  BOOST_TEST(world.wallet(0).stores().service.accepted_peer_exchange_messages() == 1u);
  kernel.run_until(33s);
  BOOST_TEST(world.wallet(0).stores().service.accepted_peer_exchange_messages() == 4u);
  BOOST_TEST(world.wallet(0).stores().service.cached_relay_addresses("w1").size() == 1u);
  // The shipped reader never caches anything.
  BOOST_TEST(world.wallet(1).stores().service.accepted_peer_exchange_messages() == 0u);
}

BOOST_AUTO_TEST_CASE(presence_reaches_others_after_two_trips_and_expires_at_the_bootstrap) {
  WorldConfig config = crowd(3, relay_defaults("relay", RelayImplementation::go));
  config.bootstrap.presence_ttl = 30s;
  config.wallets[2].online_at = 40s;  // joins after w0's record expired
  Kernel kernel;
  World world(kernel, std::move(config));
  world.start();
  kernel.run_until(10s);
  BOOST_TEST(world.wallet(1).stores().p2p.find_online_peer("w0") != nullptr);
  kernel.run_until(45s);
  BOOST_TEST(world.wallet(2).stores().p2p.find_online_peer("w0") == nullptr);
}

// Three attempts of the whole ladder take about two minutes when every dial times out.
BOOST_AUTO_TEST_CASE(partition_blocks_connects_until_healed) {
  Kernel kernel;
  World world(kernel, crowd(2, relay_defaults("relay", RelayImplementation::go)));
  world.start();
  std::optional<store::ConnectResult> during;
  std::optional<store::ConnectResult> after;
  std::uint64_t partition = 0;
  kernel.schedule(3s, [&] {
    partition = world.partition({world.wallet_host(0)}, {world.wallet_host(1), world.relay_host(0)}, "test");
  });
  connect_at(kernel, world, 0, "w1", 5s, during);
  kernel.schedule(150s, [&] { world.heal_partition(partition, "test"); });
  connect_at(kernel, world, 0, "w1", 160s, after);
  kernel.run_until(240s);
  BOOST_REQUIRE(during);
  BOOST_REQUIRE(after);
  BOOST_TEST(!during->success);
  BOOST_TEST(after->success);
}

BOOST_AUTO_TEST_CASE(inbound_limit_refuses_the_sixth_relayed_dial_within_a_second) {
  Kernel kernel;
  World world(kernel, crowd(8, relay_defaults("relay", RelayImplementation::go)));
  world.start();
  std::vector<std::optional<store::ConnectResult>> results(7);
  for (std::size_t i = 1; i <= 7; ++i) {
    kernel.schedule(5s + (i - 1) * 50ms, [&, i] {
      // One pass, no retry: the raw effect of the limit.
      asio::co_spawn(kernel.executor(),
                     world.wallet(i).stores().service.connect_to_discovered_peer(
                         world.wallet(i).stores().p2p.find_online_peer("w0")->presence),
                     [&, i](std::exception_ptr, store::ConnectResult r) { results[i - 1] = r; });
    });
  }
  kernel.run_until(30s);
  std::size_t ok = 0;
  for (const auto& r : results) ok += (r && r->success) ? 1 : 0;
  // Each relayed dial's WebRTC signalling circuit counts as one inbound connection.
  BOOST_TEST(ok == 5u);
}
