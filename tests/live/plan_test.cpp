// live/plan: the conductor's plan from a scenario: NATs as drawn for the simulation, relays'
// numbers, the timeline with repeats expanded and ids resolved, getters; and what live mode
// refuses (exit 2 in the command).
#define BOOST_TEST_MODULE live_plan
#include <boost/test/unit_test.hpp>

#include <string>

#include "live/plan.hpp"
#include "scenarios/loader.hpp"
#include "tests/support/scenario_text.hpp"

using namespace connsim;
using nlohmann::json;

namespace {

using test_support::load_valid_scenario;

const std::string kScenario = R"({"format": "connsim/1", "name": "plan", "until": "30s",
  "network": {"relays": [{"id": "r-go"}, {"id": "r-js", "implementation": "js", "max_reservations": 3}]},
  "wallets": [
    {"id": "alice", "nickname": "Alice", "nat": "symmetric", "relays": ["r-js"]},
    {"id": "bob", "peer_id": "bob-peer", "online_at": "2s", "webrtc": false, "inbound_limit": 7},
    {"id": "fan", "count": 2, "nat": {"mapping": "address-dependent", "filtering": "endpoint-independent", "mapping_timeout": "45s"}}
  ],
  "shared_wallets": [{"id": "vault", "participants": ["alice", "bob"]}],
  "timeline": [
    {"at": "5s", "do": "connect", "wallet": "alice", "peer": "bob", "id": "c"},
    {"at": "1s", "do": "connect_many", "wallet": "bob", "peers": ["alice", "fan-1"]},
    {"at": "3s", "do": "partition", "between": [["fan"], ["r-go", "alice"]], "for": "2s"},
    {"at": "4s", "do": "relay_down", "relay": "r-js"},
    {"at": "10s", "do": "propose_spend", "wallet": "alice", "shared_wallet": "vault", "repeat": {"every": "8s", "times": 3}}
  ],
  "expect": [
    {"getter": "peer_status", "wallet": "bob", "peer": "alice", "at": "6s", "equals": "connected"},
    {"getter": "connected_online_peer_count", "wallet": "alice", "equals": 1}
  ]})";

}  // namespace

BOOST_AUTO_TEST_CASE(wallets_relays_and_nats) {
  const json plan = live::make_plan(load_valid_scenario(kScenario), 7, {.store_dir = "/store"});
  BOOST_TEST(plan["seed"] == 7);
  BOOST_TEST(plan["until_ms"] == 30000.0);
  BOOST_TEST(plan["store_dir"] == "/store");
  BOOST_TEST(plan["relays"].size() == 2u);
  BOOST_TEST(plan["relays"][0]["max_reservations"] == 128);
  BOOST_TEST(plan["relays"][0]["reservation_ends_on_disconnect"] == true);
  BOOST_TEST(plan["relays"][1]["max_reservations"] == 3);
  BOOST_TEST(plan["relays"][1]["reservation_ttl_ms"] == 7200000.0);
  BOOST_TEST(plan["relays"][1]["reservation_ends_on_disconnect"] == false);
  const json& wallets = plan["wallets"];
  BOOST_TEST_REQUIRE(wallets.size() == 4u);  // fan expanded
  BOOST_TEST(wallets[0]["nat"]["public_host"] == false);
  BOOST_TEST(wallets[0]["nat"]["mapping"] == "address-and-port-dependent");
  BOOST_TEST(wallets[0]["relays"] == json::array({1}));
  BOOST_TEST(wallets[0]["nickname"] == "Alice");
  BOOST_TEST(wallets[0]["shared_wallets"][0]["participants"][1]["peer_id"] == "bob-peer");
  BOOST_TEST(wallets[1]["peer_id"] == "bob-peer");
  BOOST_TEST(wallets[1]["nat"]["public_host"] == true);
  BOOST_TEST(wallets[1]["relays"] == json::array({0, 1}));
  BOOST_TEST(wallets[1]["online_at_ms"] == 2000.0);
  BOOST_TEST(wallets[1]["webrtc"] == false);
  BOOST_TEST(wallets[1]["inbound_limit"] == 7);
  BOOST_TEST(wallets[2]["id"] == "fan-1");
  BOOST_TEST(wallets[2]["nat"]["mapping"] == "address-dependent");
  BOOST_TEST(wallets[2]["nat"]["filtering"] == "endpoint-independent");
  BOOST_TEST(wallets[2]["nat"]["mapping_timeout_ms"] == 45000.0);
  BOOST_TEST(wallets[2]["shared_wallets"].empty());
}

BOOST_AUTO_TEST_CASE(timeline_by_time_with_repeats_and_ids_resolved) {
  const json timeline = live::make_plan(load_valid_scenario(kScenario), 1, {})["timeline"];
  BOOST_TEST_REQUIRE(timeline.size() == 7u);  // 4 steps + 3 runs of the repeated one
  BOOST_TEST(timeline[0]["do"] == "connect_many");
  BOOST_TEST(timeline[0]["at_ms"] == 1000.0);
  BOOST_TEST(timeline[0]["peer_ids"] == json::array({"alice", "fan-1"}));
  BOOST_TEST(timeline[0]["wallet_index"] == 1);
  BOOST_TEST(timeline[1]["do"] == "partition");
  BOOST_TEST(timeline[1]["for_ms"] == 2000.0);
  BOOST_TEST(timeline[1]["between"][0] == json::parse(R"([{"wallet": 2}, {"wallet": 3}])"));
  BOOST_TEST(timeline[1]["between"][1] == json::parse(R"([{"relay": 0}, {"wallet": 0}])"));
  BOOST_TEST(timeline[2]["do"] == "relay_down");
  BOOST_TEST(timeline[2]["relay_index"] == 1);
  BOOST_TEST(timeline[2]["for_ms"].is_null());
  BOOST_TEST(timeline[3]["do"] == "connect");
  BOOST_TEST(timeline[3]["peer_id"] == "bob-peer");
  BOOST_TEST(timeline[3]["index"] == 0);
  for (int run = 1; run <= 3; ++run) {
    const json& step = timeline[3 + run];
    BOOST_TEST(step["do"] == "propose_spend");
    BOOST_TEST(step["run"] == run);
    BOOST_TEST(step["at_ms"] == 10000.0 + 8000.0 * (run - 1));
    BOOST_TEST(step["shared_wallet"] == "vault");
    BOOST_TEST(step["amount_sats"] == 10000);
  }
}

BOOST_AUTO_TEST_CASE(getters_with_and_without_a_time) {
  const json getters = live::make_plan(load_valid_scenario(kScenario), 1, {})["getters"];
  BOOST_TEST_REQUIRE(getters.size() == 2u);
  BOOST_TEST(getters[0]["getter"] == "peer_status");
  BOOST_TEST(getters[0]["peer"] == "alice");
  BOOST_TEST(getters[0]["wallet_index"] == 1);
  BOOST_TEST(getters[0]["at_ms"] == 6000.0);
  BOOST_TEST(getters[1]["expectation"] == 1);
  BOOST_TEST(getters[1]["at_ms"].is_null());
  BOOST_TEST(!getters[1].contains("peer"));
}

BOOST_AUTO_TEST_CASE(what_live_mode_refuses) {
  BOOST_TEST(!live::unsupported_in_live(load_valid_scenario(kScenario)));
  const std::string base = R"({"format": "connsim/1", "name": "x", "network": {"relays": [{"id": "r"}]}, )";
  BOOST_TEST(!live::unsupported_in_live(load_valid_scenario(base + R"("wallets": [{"id": "a", "store": {"implementation": "cpp"}}]})")));
  // relay_reconnect other than none: live on every relay of the network (relay discovery), not on some.
  BOOST_TEST(!live::unsupported_in_live(load_valid_scenario(base + R"("wallets": [{"id": "a", "relay_reconnect": "keep-alive"}]})")));
  const std::string two = R"({"format": "connsim/1", "name": "x", "network": {"relays": [{"id": "r1"}, {"id": "r2"}]}, )";
  BOOST_TEST(!live::unsupported_in_live(load_valid_scenario(two + R"("wallets": [{"id": "a", "relay_reconnect": "5s"}]})")));
  BOOST_TEST(!live::unsupported_in_live(load_valid_scenario(two + R"("wallets": [{"id": "a", "relays": ["r2"]}]})")));
  auto why = live::unsupported_in_live(load_valid_scenario(two + R"("wallets": [{"id": "a", "relays": ["r2"], "relay_reconnect": "keep-alive"}]})"));
  BOOST_TEST_REQUIRE(why.has_value());
  BOOST_TEST(why->find("relay_reconnect") != std::string::npos);
  BOOST_TEST(why->find("every relay") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(which_store_each_wallet_runs_live) {
  const auto scenario = load_valid_scenario(R"({"format": "connsim/1", "name": "x", "network": {"relays": [{"id": "r"}]},
    "wallets": [{"id": "a"}, {"id": "b", "store": {"implementation": "cpp"}}, {"id": "c", "store": {"implementation": "js"}}]})");
  // Live mode's default is the JavaScript store; a wallet that names the C++ store runs it.
  json plan = live::make_plan(scenario, 1, {.store_dir = "/s", .store_binary = "/bin/store"});
  BOOST_TEST(plan["store_binary"] == "/bin/store");
  BOOST_TEST(plan["wallets"][0]["store"] == "js");
  BOOST_TEST(plan["wallets"][1]["store"] == "cpp");
  BOOST_TEST(plan["wallets"][2]["store"] == "js");
  // --store overrides every wallet.
  plan = live::make_plan(scenario, 1, {.store = sim::StoreImplementation::cpp});
  for (const auto& wallet : plan["wallets"]) BOOST_TEST(wallet["store"] == "cpp");
  plan = live::make_plan(scenario, 1, {.store = sim::StoreImplementation::js});
  for (const auto& wallet : plan["wallets"]) BOOST_TEST(wallet["store"] == "js");
}

BOOST_AUTO_TEST_CASE(latency_loss_and_set_network_for_the_links) {
  const json plan = live::make_plan(load_valid_scenario(R"({"format": "connsim/1", "name": "x",
    "network": {"latency": {"median": "30ms", "p99": "90ms"}, "loss": 0.1,
                "relays": [{"id": "r", "latency": "5ms"}]},
    "wallets": [{"id": "a", "access_latency": "20ms"}, {"id": "b", "access_latency": {"min": "10ms", "max": "30ms"}}],
    "timeline": [{"at": "1s", "do": "set_network", "latency": "10ms"}]})"), 1, {.store_dir = "/s", .link_binary = "/bin/link"});
  BOOST_TEST(plan["link_binary"] == "/bin/link");
  BOOST_TEST(plan["latency"] == json::parse(R"({"kind": "lognormal", "median_ms": 30.0, "p99_ms": 90.0})"));
  BOOST_TEST(plan["loss"] == 0.1);
  BOOST_TEST(plan["relays"][0]["access_latency_ms"] == 5.0);
  BOOST_TEST(plan["wallets"][0]["access_latency_ms"] == 20.0);
  BOOST_TEST(plan["wallets"][1]["access_latency_ms"] == 20.0);  // a uniform access latency: its mean
  const json& step = plan["timeline"][0];
  BOOST_TEST(step["do"] == "set_network");
  BOOST_TEST(step["latency"] == json::parse(R"({"kind": "fixed", "ms": 10.0})"));
  BOOST_TEST(step["loss"].is_null());
}

BOOST_AUTO_TEST_CASE(a_file_can_ask_for_live) {
  const auto scenario = load_valid_scenario(R"({"format": "connsim/1", "name": "x", "network": {"backend": "live"}, "wallets": [{"id": "a"}]})");
  BOOST_TEST((scenario.network.backend == scenarios::Backend::live));
}
