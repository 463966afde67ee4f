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
  if (with_relay) config.relays.push_back(relay_defaults("relay", "go"));
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
