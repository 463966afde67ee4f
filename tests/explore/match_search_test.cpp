// scenarios/explore/match_search.hpp: a drawn world made into one for a field log (identities
// from the log, the logged wallet's own actions from its connecting writes), scored, and pinned.
#define BOOST_TEST_MODULE explore_match_search
#include <boost/test/unit_test.hpp>

#include "scenarios/explore/match_search.hpp"
#include "scenarios/loader.hpp"
#include "scenarios/runner.hpp"

using namespace connsim::scenarios;
using namespace connsim::scenarios::explore;
using namespace connsim::scenarios::field_log;
using nlohmann::json;

namespace {

FieldLog bob_log() {
  const FieldLogLoadResult result = load_field_log_text(R"({
    "format": "connsim-log/1", "wallet": {"peer_id": "12D3KooWBob", "name": "bob"}, "clock": {"unit": "ms"},
    "peers": [{"peer_id": "alice", "nickname": "Alice"}],
    "entries": [
      {"t": 5000, "kind": "status", "peer": "alice", "status": "connecting"},
      {"t": 5000, "kind": "activity", "type": "info", "message": "Connecting to Alice..."},
      {"t": 5000, "kind": "status", "peer": "w4", "status": "connecting"},
      {"t": 5720, "kind": "status", "peer": "alice", "status": "connected", "connection_type": "webrtc"}
    ]})", "bob.json");
  BOOST_REQUIRE(result.ok());
  return result.log();
}

const json kDrawn = json::parse(R"({
  "format": "connsim/1", "name": "s-7", "seed": 7, "until": "30s",
  "network": {"relays": [{"id": "r1"}]},
  "wallets": [{"id": "w1", "nickname": "W1"}, {"id": "w2"}, {"id": "w3", "nat": "symmetric"}, {"id": "w4"}],
  "shared_wallets": [{"id": "s1", "participants": ["w1", "w3"]}],
  "timeline": [
    {"at": "6s", "do": "connect", "wallet": "w1", "peer": "w2", "id": "a1"},
    {"at": "7s", "do": "connect", "wallet": "w3", "peer": "w1", "id": "a2"},
    {"at": "8s", "do": "partition", "between": [["w1"], ["w3", "r1"]], "for": "2s"},
    {"at": "9s", "do": "drop_connection", "wallet": "w4", "peer": "w2"}
  ],
  "expect": [{"result": "a1", "success": true}]
})");

}  // namespace

BOOST_AUTO_TEST_CASE(the_drawn_wallets_take_the_logs_identities) {
  const json world = world_for_log(kDrawn, bob_log());
  BOOST_TEST(world["wallets"][0]["id"] == "bob");
  BOOST_TEST(world["wallets"][0]["peer_id"] == "12D3KooWBob");
  BOOST_TEST(!world["wallets"][0].contains("nickname"));
  BOOST_TEST(world["wallets"][1]["id"] == "alice");
  BOOST_TEST(world["wallets"][1]["nickname"] == "Alice");
  // The log's second peer is "w4": the drawn w3 becomes it, so the drawn w4 moves aside.
  BOOST_TEST(world["wallets"][2]["id"] == "w4");
  BOOST_TEST(world["wallets"][2]["nat"] == "symmetric");
  BOOST_TEST(world["wallets"][3]["id"] == "w4-other");
  BOOST_TEST(world["shared_wallets"][0]["participants"] == json::parse(R"(["bob", "w4"])"));
  BOOST_TEST(!world.contains("expect"));
  BOOST_TEST(world["until"] == "66s");  // a minute past the log's last entry
  BOOST_TEST(load_scenario_text(world.dump(), "world.json").ok());
}

BOOST_AUTO_TEST_CASE(the_logged_wallets_actions_come_from_the_log) {
  const json world = world_for_log(kDrawn, bob_log());
  const json& timeline = world["timeline"];
  BOOST_REQUIRE(timeline.size() == 5u);
  BOOST_TEST(timeline[0]["wallet"] == "w4");  // another wallet's action stays
  BOOST_TEST(timeline[0]["peer"] == "bob");
  BOOST_TEST(timeline[1]["between"] == json::parse(R"([["bob"], ["w4", "r1"]])"));
  BOOST_TEST(timeline[2]["wallet"] == "w4-other");
  BOOST_TEST(timeline[2]["peer"] == "alice");
  BOOST_TEST(timeline[3] == json::parse(R"({"at": "5000ms", "do": "connect", "wallet": "bob", "peer": "alice", "id": "log-connect-1"})"));
  BOOST_TEST(timeline[4]["peer"] == "w4");
  BOOST_TEST(timeline[4]["id"] == "log-connect-2");
}

BOOST_AUTO_TEST_CASE(a_space_with_too_few_wallets_is_refused) {
  const SpaceLoadResult small = load_space_text(R"({"format": "connsim-space/1", "name": "s", "wallets": {"min": 2, "max": 5}})", "s.json");
  BOOST_REQUIRE(small.ok());
  const auto problem = match_problem(small.space(), bob_log());
  BOOST_REQUIRE(problem.has_value());
  BOOST_TEST(*problem == "the space draws as few as 2 wallets, but the log needs 3 (the logged wallet and the 2 peers it "
                         "names); raise the space's \"wallets\"");
  const SpaceLoadResult enough = load_space_text(R"({"format": "connsim-space/1", "name": "s", "wallets": 3})", "s.json");
  BOOST_REQUIRE(enough.ok());
  BOOST_TEST(!match_problem(enough.space(), bob_log()).has_value());
}

BOOST_AUTO_TEST_CASE(a_world_scores_and_its_pinned_file_passes) {
  // Bob's own log from a world where he reaches Alice over WebRTC: that world matches it fully,
  // and the expectations pinned from it hold.
  const json world = json::parse(R"({
    "format": "connsim/1", "name": "pair", "until": "20s", "network": {"relays": [{"id": "r1"}]},
    "wallets": [{"id": "bob", "peer_id": "12D3KooWBob"}, {"id": "alice", "nickname": "Alice"}],
    "timeline": [{"at": "5s", "do": "connect", "wallet": "bob", "peer": "alice", "id": "log-connect-1"}]
  })");
  const LoadResult loaded = load_scenario_text(world.dump(), "pair.json");
  BOOST_REQUIRE(loaded.ok());
  FieldLog log = bob_log();
  log.entries.erase(log.entries.begin() + 2);  // no w3 in this world
  log.peers.resize(1);
  const auto score = score_world(world, log, {});
  BOOST_REQUIRE(score.has_value());
  BOOST_TEST(score->observations == 3u);
  const json pinned = pin_matched(world, log, {});
  BOOST_REQUIRE(pinned.contains("expect"));
  const LoadResult reloaded = load_scenario_text(pinned.dump(), "pinned.json");
  BOOST_REQUIRE(reloaded.ok());
  BOOST_TEST(run_scenario(reloaded.scenario()).passed);
  BOOST_TEST(!score_world(json::parse(R"({"format": "connsim/1"})"), log, {}).has_value());
}
