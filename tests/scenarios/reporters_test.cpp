// The reporters' output shapes: console lines, --stats JSON, JUnit XML and Chrome trace events.
#define BOOST_TEST_MODULE scenarios_reporters
#include <boost/test/unit_test.hpp>

#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "scenarios/loader.hpp"
#include "scenarios/reporters.hpp"
#include "scenarios/runner.hpp"

using namespace connsim::scenarios;

namespace {

const char* kScenario = R"({
  "format": "connsim/1", "name": "shapes", "until": "1m", "seed": 5,
  "network": {"relays": [{"id": "relay-1"}]},
  "wallets": [{"id": "alice", "nat": "symmetric"}, {"id": "bob", "nat": "symmetric"}],
  "timeline": [{"at": "5s", "do": "connect", "wallet": "alice", "peer": "bob", "id": "c"},
               {"at": "20s", "do": "relay_down", "relay": "relay-1"}],
  "expect": [{"result": "c", "success": true},
             {"result": "c", "connection_type": "webrtc"},
             {"metric": "share_webrtc", "at_least": 0.5}]
})";

RunReport run_it() {
  LoadResult loaded = load_scenario_text(kScenario, "shapes.json");
  BOOST_REQUIRE(loaded.ok());
  return run_scenario(loaded.scenario());
}

}  // namespace

BOOST_AUTO_TEST_CASE(console_and_summary_lines) {
  const RunReport report = run_it();
  const std::string line = console_line(report);
  BOOST_TEST(line.rfind("FAIL shapes: expect[1] result c: expected connection_type webrtc", 0) == 0u, line);
  BOOST_TEST(line.find(" | expect[2] metric share_webrtc") != std::string::npos, line);
  BOOST_TEST(line.find('\n') == std::string::npos);
  BOOST_TEST(summary_line({report}) == "0 passed, 1 failed");
  const std::string details = failure_details(report);
  BOOST_TEST(details.find("reproduce: connsim run shapes.json --seed 5 --log") != std::string::npos);
  BOOST_TEST(details.find("history:") != std::string::npos);
  // The options of the command line that made the run go into the hint.
  const std::string live = failure_details(report, " --network live --store cpp");
  BOOST_TEST(live.find("reproduce: connsim run shapes.json --seed 5 --network live --store cpp --log") != std::string::npos, live);
}

BOOST_AUTO_TEST_CASE(stats_line_has_the_contract_fields) {
  const RunReport report = run_it();
  const auto stats = nlohmann::json::parse(stats_line(report));
  for (const char* key : {"name", "seed", "events", "connect_attempts", "connections", "sim_seconds",
                          "wall_seconds", "peak_rss_kb", "fingerprint"}) {
    BOOST_TEST(stats.contains(key), key);
  }
  BOOST_TEST(stats["name"] == "shapes");
  BOOST_TEST(stats["seed"] == 5);
  BOOST_TEST(stats["sim_seconds"] == 60.0);
  BOOST_TEST(stats["connect_attempts"] == 1);
  BOOST_TEST(std::regex_match(stats["fingerprint"].get<std::string>(), std::regex("[0-9a-f]{16}")));
}

BOOST_AUTO_TEST_CASE(junit_has_one_testcase_per_scenario_and_one_failure_per_expectation) {
  const RunReport report = run_it();
  std::ostringstream out;
  write_junit(out, {report, report});
  const std::string xml = out.str();
  auto count = [&](const std::string& needle) {
    std::size_t n = 0;
    for (auto at = xml.find(needle); at != std::string::npos; at = xml.find(needle, at + 1)) ++n;
    return n;
  };
  BOOST_TEST(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites tests=\"2\" failures=\"2\"", 0) == 0u);
  BOOST_TEST(count("<testcase classname=\"shapes.json\" name=\"shapes\"") == 2u);
  BOOST_TEST(count("<failure message=\"expect[") == 4u);
  BOOST_TEST(count("</testcase>") == 2u);
  BOOST_TEST(xml.find("</testsuites>") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(trace_has_a_track_per_wallet_spans_and_instants) {
  const RunReport report = run_it();
  std::ostringstream out;
  write_trace(out, {report});
  const auto trace = nlohmann::json::parse(out.str());
  BOOST_REQUIRE(trace.contains("traceEvents"));
  std::map<std::string, int> seen;
  std::set<std::string> tracks;
  for (const auto& event : trace["traceEvents"]) {
    const std::string ph = event["ph"];
    seen[ph + ":" + event.value("cat", event.value("name", ""))]++;
    if (ph == "M" && event["name"] == "thread_name") tracks.insert(event["args"]["name"].get<std::string>());
    if (ph == "X") {
      BOOST_TEST(event["dur"].get<double>() >= 0.0);
      BOOST_TEST(event["ts"].get<double>() >= 0.0);
    }
  }
  BOOST_TEST((tracks == std::set<std::string>{"alice", "bob"}));
  BOOST_TEST(seen["M:process_name"] == 1);
  BOOST_TEST(seen["X:connect"] == 1);
  BOOST_TEST(seen["X:attempt"] == 1);
  BOOST_TEST(seen["i:status"] == 2);
  BOOST_TEST(seen["i:event"] == 2);
  BOOST_TEST(seen["i:fault"] >= 1);  // the relay outage
}
