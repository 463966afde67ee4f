// scenarios/explore/draw.hpp and liveness.hpp: a seed draws one scenario, always the same, that
// the scenario loader accepts; probes are drawn only where the scenario guarantees them.
#define BOOST_TEST_MODULE explore_draw
#include <boost/test/unit_test.hpp>

#include <set>

#include "scenarios/explore/draw.hpp"
#include "scenarios/explore/liveness.hpp"
#include "scenarios/loader.hpp"

using namespace connsim::scenarios;
using namespace connsim::scenarios::explore;
using json = nlohmann::json;

namespace {

const char* kSpace = R"({
  "format": "connsim-space/1", "name": "t",
  "until": {"min": "3m", "max": "5m"},
  "wallets": {"min": 1, "max": 6},
  "nat": {"none": 1, "symmetric": 1, "port-restricted-cone": 1},
  "latency": {"min": "5ms", "max": "100ms"},
  "loss": {"one_of": [0, 0.02]},
  "relay_reconnect": {"none": 1, "keep-alive": 1, "10s": 1},
  "relays": {"count": {"min": 0, "max": 2}, "implementation": {"go": 1, "js": 1},
             "max_reservations": {"one_of": [2, 50]}, "circuit_bytes": {"one_of": [0, 1000]}},
  "actions": {"count": {"min": 0, "max": 6}, "mix": {"connect": 2, "connect_many": 1, "propose_spend": 1},
              "repeat": {"probability": 0.3, "times": {"min": 2, "max": 5}, "every": "2s"}},
  "faults": {"count": {"min": 0, "max": 4},
             "mix": {"relay_down": 1, "partition": 1, "reload": 1, "nat_rebind": 1, "drop_connection": 1,
                     "set_network": 1, "go_offline": 1}},
  "store": {"retry": {"max_attempts": {"one_of": [1, 3]}}, "concurrency": {"mode": {"one_of": ["batch", "window"]}}},
  "expect": [{"metric": "connect_success_rate", "at_least": 0}]
})";

Space space_of(const std::string& text) {
  const SpaceLoadResult result = load_space_text(text, "t.json");
  BOOST_REQUIRE(result.ok());
  return result.space();
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_seed_draws_the_same_scenario_every_time) {
  const Space space = space_of(kSpace);
  BOOST_TEST(draw_scenario(space, 42) == draw_scenario(space, 42));
  BOOST_TEST(draw_scenario(space, 42) != draw_scenario(space, 43));
  BOOST_TEST(draw_scenario(space, 42)["name"] == "t-42");
  BOOST_TEST(draw_scenario(space, 42)["seed"] == 42);
}

BOOST_AUTO_TEST_CASE(run_seeds_are_deterministic_and_distinct) {
  std::set<std::uint64_t> seeds;
  for (std::uint64_t i = 0; i < 1000; ++i) seeds.insert(run_seed(7, i));
  BOOST_TEST(seeds.size() == 1000u);
  BOOST_TEST(run_seed(7, 3) == run_seed(7, 3));
  BOOST_TEST(run_seed(7, 3) != run_seed(8, 3));
}

BOOST_AUTO_TEST_CASE(every_drawn_scenario_loads_and_its_probes_are_guaranteed) {
  const Space space = space_of(kSpace);
  std::size_t probes = 0;
  std::set<std::string> kinds;
  for (std::uint64_t seed = 1; seed <= 400; ++seed) {
    const json doc = draw_scenario(space, seed);
    const LoadResult loaded = load_scenario_text(doc.dump(), "drawn.json");
    BOOST_REQUIRE_MESSAGE(loaded.ok(), "seed " << seed << ": " << (loaded.ok() ? "" : loaded.errors().front().to_string()));
    for (const json& step : doc["timeline"]) kinds.insert(step["do"].get<std::string>());
    for (const json& e : doc["expect"]) {
      if (!e.contains("result")) continue;
      ++probes;
      BOOST_TEST(probe_guaranteed(doc, e["result"].get<std::string>()), "seed " << seed);
    }
    // The space's own expectation comes last, as written.
    BOOST_TEST(doc["expect"].back() == json({{"metric", "connect_success_rate"}, {"at_least", 0}}));
  }
  BOOST_TEST(probes > 0u);
  for (const char* kind : {"connect", "connect_many", "propose_spend", "relay_down", "partition", "reload",
                           "nat_rebind", "drop_connection", "set_network", "go_offline", "go_online"}) {
    BOOST_TEST(kinds.count(kind) == 1u, kind);
  }
}

BOOST_AUTO_TEST_CASE(no_probes_without_liveness) {
  json text = json::parse(kSpace);
  text["liveness"] = false;
  const Space space = space_of(text.dump());
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    const json doc = draw_scenario(space, seed);  // kept alive while its timeline is walked
    for (const json& step : doc["timeline"]) BOOST_TEST(!is_probe_id(step.value("id", "")));
  }
}

namespace {

/// Two public wallets, one relay, a probe at 150 s, and what `extra` adds.
json probe_world(const std::string& reconnect, json extra_steps, json network = json::object()) {
  json doc = {{"format", "connsim/1"}, {"name", "p"}, {"until", "4m"},
              {"network", {{"relays", json::array({{{"id", "r1"}}})}}},
              {"wallets", json::array({{{"id", "a"}}, {{"id", "b"}, {"relay_reconnect", reconnect}}})},
              {"timeline", extra_steps}};
  for (auto it = network.begin(); it != network.end(); ++it) doc["network"][it.key()] = *it;
  doc["timeline"].push_back({{"at", "150s"}, {"do", "connect"}, {"wallet", "a"}, {"peer", "b"}, {"id", "live-connect-1"}});
  return doc;
}

json relay_down(const std::string& at, const std::string& for_time) {
  return {{"at", at}, {"do", "relay_down"}, {"relay", "r1"}, {"for", for_time}};
}

}  // namespace

BOOST_AUTO_TEST_CASE(probe_preconditions) {
  BOOST_TEST(probe_guaranteed(probe_world("none", json::array()), "live-connect-1"));
  BOOST_TEST((target_reach(probe_world("none", json::array()), "b", std::chrono::seconds(150)) == Reach::kept));
  // Loss anywhere: nothing is guaranteed.
  BOOST_TEST(!probe_guaranteed(probe_world("none", json::array(), {{"loss", 0.01}}), "live-connect-1"));
  // No relay: no path the probe can count on.
  json bare = probe_world("none", json::array());
  bare["network"]["relays"] = json::array();
  BOOST_TEST(!probe_guaranteed(bare, "live-connect-1"));
  // The relay went down: without renewal the target is unreachable; keep-alive renews a short
  // outage but not one longer than its last redial (31 s); an interval renews any.
  const json down_20s = json::array({relay_down("20s", "20s")});
  const json down_40s = json::array({relay_down("20s", "40s")});
  BOOST_TEST(!probe_guaranteed(probe_world("none", down_20s), "live-connect-1"));
  BOOST_TEST(probe_guaranteed(probe_world("keep-alive", down_20s), "live-connect-1"));
  BOOST_TEST((target_reach(probe_world("keep-alive", down_20s), "b", std::chrono::seconds(150)) == Reach::renewed));
  BOOST_TEST(!probe_guaranteed(probe_world("keep-alive", down_40s), "live-connect-1"));
  BOOST_TEST(probe_guaranteed(probe_world("10s", down_40s), "live-connect-1"));
  // A second outage over keep-alive's last redial ends the schedule.
  const json two_outages = json::array({relay_down("20s", "20s"), relay_down("45s", "10s")});
  BOOST_TEST(!probe_guaranteed(probe_world("keep-alive", two_outages), "live-connect-1"));
  // A partition touching the target, or a rejoin while the relay is down: not judged.
  const json partition = json::array({{{"at", "10s"}, {"do", "partition"}, {"between", json::array({json::array({"b"}), json::array({"a"})})}, {"for", "5s"}}});
  BOOST_TEST(!probe_guaranteed(probe_world("keep-alive", partition), "live-connect-1"));
  const json reload_into_outage = json::array({{{"at", "19s"}, {"do", "reload"}, {"wallet", "b"}}, relay_down("20s", "10s")});
  BOOST_TEST(!probe_guaranteed(probe_world("keep-alive", reload_into_outage), "live-connect-1"));
  // Too late: the probe's retries would run past `until`.
  json late = probe_world("none", json::array());
  late["until"] = "160s";
  BOOST_TEST(!probe_guaranteed(late, "live-connect-1"));
  // Busy: a connect with retries still running within 30 s of the probe.
  const json busy = json::array({{{"at", "140s"}, {"do", "connect"}, {"wallet", "b"}, {"peer", "a"}}});
  BOOST_TEST(!probe_guaranteed(probe_world("none", busy), "live-connect-1"));
}

BOOST_AUTO_TEST_CASE(retry_span_grows_with_attempts_and_delays) {
  BOOST_TEST((retry_span(json::object()) > std::chrono::seconds(30)));
  BOOST_TEST((retry_span({{"retry", {{"max_attempts", 1}}}}) == std::chrono::seconds(13)));
  BOOST_TEST((retry_span({{"retry", {{"max_attempts", 5}, {"base_delay", "2s"}}}}) >
              retry_span({{"retry", {{"max_attempts", 5}}}})));
}
