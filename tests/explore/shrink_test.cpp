// scenarios/explore/shrink.hpp: greedy delta debugging keeps what the failure needs and drops
// the rest, whatever the batch size; candidates the loader refuses never reach the tester.
#define BOOST_TEST_MODULE explore_shrink
#include <boost/test/unit_test.hpp>

#include "scenarios/explore/shrink.hpp"
#include "scenarios/loader.hpp"

using namespace connsim::scenarios;
using namespace connsim::scenarios::explore;
using json = nlohmann::json;

namespace {

json big_scenario() {
  json doc = {{"format", "connsim/1"}, {"name", "big"}, {"until", "5m"},
              {"network", {{"latency", "80ms"}, {"loss", 0.01}, {"relays", json::array({{{"id", "r1"}, {"implementation", "js"}}, {{"id", "r2"}}})}}},
              {"wallets", json::array()}, {"timeline", json::array()}, {"expect", json::array()}};
  for (int w = 1; w <= 5; ++w) {
    doc["wallets"].push_back({{"id", "w" + std::to_string(w)}, {"nat", "symmetric"}, {"nickname", "W"},
                              {"store", {{"retry", {{"max_attempts", 2}}}}}});
  }
  for (int s = 1; s <= 8; ++s) {
    doc["timeline"].push_back({{"at", std::to_string(s * 5) + "s"}, {"do", "connect"}, {"wallet", "w" + std::to_string(s % 5 + 1)},
                               {"peer", "w" + std::to_string((s + 1) % 5 + 1)}, {"id", "c" + std::to_string(s)}});
  }
  doc["timeline"].push_back({{"at", "42s"}, {"do", "connect"}, {"wallet", "w2"}, {"peer", "w4"}, {"id", "bad"},
                             {"repeat", {{"every", "2s"}, {"times", 6}}}});
  doc["timeline"].push_back({{"at", "50s"}, {"do", "relay_down"}, {"relay", "r2"}, {"for", "10s"}});
  doc["timeline"].push_back({{"at", "60s"}, {"do", "partition"}, {"between", json::array({json::array({"w1", "w2"}), json::array({"w3", "r1"})})}, {"for", "5s"}});
  doc["expect"].push_back({{"result", "c1"}, {"success", true}});
  return doc;
}

bool has_bad_step(const json& doc) {
  for (const json& step : doc["timeline"]) {
    if (step.value("id", "") == "bad") return true;
  }
  return false;
}

CandidateTester tester(std::size_t& seen) {
  return [&seen](const std::vector<json>& candidates) {
    std::vector<bool> out;
    for (const json& c : candidates) {
      BOOST_REQUIRE(load_scenario_text(c.dump(), "c.json").ok());
      ++seen;
      out.push_back(has_bad_step(c));
    }
    return out;
  };
}

}  // namespace

BOOST_AUTO_TEST_CASE(shrinks_to_what_the_failure_needs) {
  std::size_t seen = 0;
  const ShrinkResult result = shrink_scenario(big_scenario(), tester(seen), 4, 10000);
  const json& doc = result.scenario;
  BOOST_TEST(has_bad_step(doc));
  BOOST_TEST(doc["wallets"].size() == 2u);  // w2 and w4
  BOOST_TEST(doc["timeline"].size() == 1u);
  BOOST_TEST(doc["expect"].empty());
  BOOST_TEST(doc["network"]["relays"].empty());
  BOOST_TEST(!doc["network"].contains("loss"));
  BOOST_TEST(doc["network"]["latency"] == "10ms");
  for (const json& w : doc["wallets"]) {
    BOOST_TEST(w["nat"] == "none");
    BOOST_TEST(!w.contains("store"));
    BOOST_TEST(!w.contains("nickname"));
  }
  BOOST_TEST(!doc["timeline"][0].contains("repeat"));
  BOOST_TEST((parse_time(doc["until"].get<std::string>()) < std::chrono::minutes(5)));
  BOOST_TEST(scenario_size(doc) == 3u);
  BOOST_TEST(result.tests > 0u);
  BOOST_TEST(result.accepted > 0u);
}

BOOST_AUTO_TEST_CASE(the_result_does_not_depend_on_the_batch_size) {
  std::size_t seen_one = 0;
  std::size_t seen_many = 0;
  const ShrinkResult one = shrink_scenario(big_scenario(), tester(seen_one), 1, 10000);
  const ShrinkResult many = shrink_scenario(big_scenario(), tester(seen_many), 7, 10000);
  BOOST_TEST(one.scenario == many.scenario);
  BOOST_TEST(one.tests == many.tests);  // counted as if one by one
}

BOOST_AUTO_TEST_CASE(a_spent_budget_stops_where_it_is) {
  std::size_t seen = 0;
  const ShrinkResult none = shrink_scenario(big_scenario(), tester(seen), 4, 0);
  BOOST_TEST(none.scenario == big_scenario());
  BOOST_TEST(seen == 0u);
  const ShrinkResult few = shrink_scenario(big_scenario(), tester(seen), 4, 3);
  BOOST_TEST(few.tests <= 3u);
}

BOOST_AUTO_TEST_CASE(a_failure_nothing_can_be_removed_from_stays) {
  json tiny = {{"format", "connsim/1"}, {"name", "t"}, {"wallets", json::array({{{"id", "a"}}})}};
  std::size_t seen = 0;
  const ShrinkResult result = shrink_scenario(tiny, [&](const std::vector<json>& c) {
    seen += c.size();
    return std::vector<bool>(c.size(), false);
  }, 2, 100);
  BOOST_TEST(result.scenario == tiny);
  BOOST_TEST(result.accepted == 0u);
}

BOOST_AUTO_TEST_CASE(removing_a_host_removes_what_names_it) {
  const json doc = big_scenario();
  bool found = false;
  for (const json& candidate : shrink_candidates(doc)) {
    if (candidate["wallets"].size() != 4u || candidate["wallets"][0]["id"] != "w2") continue;  // w1 removed
    found = true;
    for (const json& step : candidate["timeline"]) {
      BOOST_TEST(step.value("wallet", "") != "w1");
      BOOST_TEST(step.value("peer", "") != "w1");
      if (step.contains("between")) BOOST_TEST(step["between"][0] == json::array({"w2"}));
    }
  }
  BOOST_TEST(found);
}
