// The checkers, each expectation kind passing and failing, through whole runs of small
// scenarios (the runner, the world and the store together), and the metrics.
#define BOOST_TEST_MODULE scenarios_checks
#include <boost/test/unit_test.hpp>

#include "scenarios/loader.hpp"
#include "scenarios/runner.hpp"

using namespace connsim::scenarios;

namespace {

/// Two symmetric wallets and a relay: alice connects to bob at 5 s (step "c"), ending relay.
std::string scenario_with(const std::string& expectations, const std::string& extra_steps = "") {
  return R"({
  "format": "connsim/1", "name": "t", "until": "2m",
  "network": {"relays": [{"id": "relay-1"}]},
  "wallets": [{"id": "alice", "nat": "symmetric"}, {"id": "bob", "nat": "symmetric", "nickname": "Bob"},
              {"id": "carol", "nat": "full-cone"}],
  "shared_wallets": [{"id": "sw", "participants": ["alice", "carol"]}],
  "timeline": [{"at": "5s", "do": "connect", "wallet": "alice", "peer": "bob", "id": "c"})" +
         extra_steps + R"(],
  "expect": [)" + expectations + R"(]
})";
}

RunReport run(const std::string& text) {
  LoadResult loaded = load_scenario_text(text, "t.json");
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors()) BOOST_TEST_MESSAGE(e.to_string());
  }
  BOOST_REQUIRE(loaded.ok());
  return run_scenario(loaded.scenario());
}

void expect_pass(const std::string& expectation, const std::string& steps = "") {
  const RunReport report = run(scenario_with(expectation, steps));
  for (const auto& f : report.failures) BOOST_TEST_MESSAGE(f.summary);
  BOOST_TEST(report.passed, expectation);
}

/// The failure's summary must contain every fragment.
void expect_fail(const std::string& expectation, std::initializer_list<std::string> fragments,
                 const std::string& steps = "") {
  const RunReport report = run(scenario_with(expectation, steps));
  BOOST_TEST_REQUIRE(!report.passed, expectation);
  BOOST_REQUIRE_EQUAL(report.failures.size(), 1u);
  for (const auto& fragment : fragments) {
    BOOST_TEST(report.failures[0].summary.find(fragment) != std::string::npos,
               "missing \"" << fragment << "\" in: " << report.failures[0].summary);
  }
  BOOST_TEST(report.failures[0].pointer == "/expect/0");
}

}  // namespace

BOOST_AUTO_TEST_CASE(status_sequence_and_type) {
  expect_pass(R"({"status": {"wallet": "alice", "peer": "bob"}, "sequence": ["connecting", "connected"], "connection_type": "relay", "within": "7s"})");
  expect_fail(R"({"status": {"wallet": "alice", "peer": "bob"}, "sequence": ["connecting", "failed"]})",
              {"status alice->bob", "expected sequence [connecting, failed]", "connected@"});
  expect_fail(R"({"status": {"wallet": "alice", "peer": "bob"}, "sequence": ["connecting", "connected"], "connection_type": "webrtc"})",
              {"expected last connection_type webrtc", "got relay"});
  expect_fail(R"({"status": {"wallet": "alice", "peer": "bob"}, "sequence": ["connecting", "connected"], "within": "1s"})",
              {"within 1s", "got 6."});
}

BOOST_AUTO_TEST_CASE(status_at_a_time_sees_only_earlier_writes) {
  expect_pass(R"({"status": {"wallet": "alice", "peer": "bob"}, "sequence": ["connecting"], "at": "8s"})");
  expect_pass(R"({"status": {"wallet": "alice", "peer": "bob"}, "sequence": [], "at": "4s"})");
}

BOOST_AUTO_TEST_CASE(events_subsequence_exact_and_absent) {
  expect_pass(R"({"events": {"wallet": "alice"}, "sequence": [{"type": "info", "peer": "bob"}, {"message": "Connected to Bob... via relay"}]})");
  expect_pass(R"({"events": {"wallet": "alice"}, "mode": "exact", "sequence": [{"message": "Connecting to Bob..."}, {"contains": "via relay"}]})");
  expect_pass(R"({"events": {"wallet": "alice"}, "absent": [{"type": "error"}]})");
  expect_fail(R"({"events": {"wallet": "alice"}, "sequence": [{"contains": "via webrtc"}]})",
              {"events alice", "contains \"via webrtc\"", "Connected to Bob... via relay"});
  expect_fail(R"({"events": {"wallet": "alice"}, "mode": "exact", "sequence": [{"message": "Connecting to Bob..."}]})",
              {"expected exactly"});
  expect_fail(R"({"events": {"wallet": "alice"}, "absent": [{"type": "peer_joined"}]})",
              {"expected no event matching {type peer_joined}"});
}

BOOST_AUTO_TEST_CASE(result_of_connect_connect_many_and_propose_spend) {
  expect_pass(R"({"result": "c", "success": true, "connection_type": "relay"})");
  expect_fail(R"({"result": "c", "success": false})", {"result c", "expected success false", "got {success true"});
  expect_pass(R"({"result": "m", "peer": "carol", "success": true})",
              R"(, {"at": "6s", "do": "connect_many", "wallet": "bob", "peers": ["carol", "alice"], "id": "m"})");
  expect_fail(R"({"result": "n", "success": true})",
              {"expected success true", "Peer not found in online peers"},
              R"(, {"at": "0s", "do": "connect", "wallet": "bob", "peer": "carol", "id": "n"})");
  expect_pass(R"({"result": "p", "success": true})",
              R"(, {"at": "10s", "do": "propose_spend", "wallet": "alice", "shared_wallet": "sw", "id": "p"})");
}

BOOST_AUTO_TEST_CASE(result_of_a_step_still_running_at_the_end) {
  expect_fail(R"({"result": "late", "success": true})", {"still running at the end"},
              R"(, {"at": "119990ms", "do": "connect", "wallet": "alice", "peer": "carol", "id": "late"})");
}

BOOST_AUTO_TEST_CASE(getters_at_a_time_and_at_the_end) {
  expect_pass(R"({"getter": "peer_status", "wallet": "alice", "peer": "bob", "equals": {"status": "connected", "connection_type": "relay"}})");
  expect_pass(R"({"getter": "is_peer_connected", "wallet": "alice", "peer": "bob", "equals": false, "at": "4s"})");
  expect_pass(R"({"getter": "connected_online_peer_count", "wallet": "alice", "equals": 1, "at": "30s"})");
  expect_fail(R"({"getter": "connected_online_peer_count", "wallet": "alice", "equals": 2})",
              {"getter connected_online_peer_count alice", "expected 2, got 1"});
  expect_fail(R"({"getter": "peer_status", "wallet": "alice", "peer": "bob", "equals": {"status": "connecting"}, "at": "30s"})",
              {"expected {status connecting}", "got {status connected, connection_type relay}"});
}

BOOST_AUTO_TEST_CASE(metrics_bounds_and_no_data) {
  expect_pass(R"({"metric": "connect_success_rate", "at_least": 1})");
  expect_pass(R"({"metric": "share_relay", "at_least": 1, "at_most": 1})");
  expect_pass(R"({"metric": "connect_time_p50", "at_least": "5s", "at_most": "7s"})");
  expect_fail(R"({"metric": "share_webrtc", "at_least": 0.5})", {"metric share_webrtc", "expected at least 0.5, got 0"});
  expect_fail(R"({"metric": "spend_success_rate", "at_least": 0.5})", {"no data"});
}

BOOST_AUTO_TEST_CASE(session_state_of_a_spend) {
  // alice (symmetric) and carol (full cone) hole-punch, so the signing rounds get through.
  expect_pass(R"({"session": "p", "state": "completed", "within": "10s"})",
              R"(, {"at": "10s", "do": "propose_spend", "wallet": "alice", "shared_wallet": "sw", "id": "p"})");
  expect_fail(R"({"session": "p", "state": "failed"})", {"session p", "expected failed", "got completed"},
              R"(, {"at": "10s", "do": "propose_spend", "wallet": "alice", "shared_wallet": "sw", "id": "p"})");
}

BOOST_AUTO_TEST_CASE(metrics_over_a_run) {
  const RunReport report = run(scenario_with(""));
  BOOST_TEST(*report.metrics.at(Metric::connect_success_rate) == 1.0);
  BOOST_TEST(*report.metrics.at(Metric::first_attempt_success_rate) == 1.0);
  BOOST_TEST(*report.metrics.at(Metric::share_relay) == 1.0);
  BOOST_TEST(*report.metrics.at(Metric::share_webrtc) == 0.0);
  BOOST_TEST(*report.metrics.at(Metric::connect_time_p99) == 6000.0);
  BOOST_TEST(*report.metrics.at(Metric::connections_per_sim_second) == 1.0 / 120.0);
  BOOST_TEST(!report.metrics.at(Metric::spend_success_rate).has_value());
}

BOOST_AUTO_TEST_CASE(seed_override_changes_the_reported_seed_not_the_file) {
  LoadResult loaded = load_scenario_text(scenario_with(""), "t.json");
  BOOST_REQUIRE(loaded.ok());
  RunOptions options;
  options.seed = 99;
  const RunReport report = run_scenario(loaded.scenario(), options);
  BOOST_TEST(report.seed == 99u);
  const RunReport again = run_scenario(loaded.scenario(), options);
  BOOST_TEST(report.stats.fingerprint == again.stats.fingerprint);
}
