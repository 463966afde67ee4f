// The HTML run report's writer: safe embedding of the run's data, failures marked at their time
// with both sides, the empty run, the size budget, and the ladder's rungs and faults drawn.
#define BOOST_TEST_MODULE scenarios_report_html
#include <boost/test/unit_test.hpp>

#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "scenarios/loader.hpp"
#include "scenarios/report_html.hpp"
#include "scenarios/runner.hpp"

using namespace connsim::scenarios;
using nlohmann::json;

namespace {

// Two wallets behind symmetric NATs: the WebRTC rung fails, the relay rung succeeds at 11 s;
// the relay goes down at 20 s. The second expectation is wrong on purpose.
const char* kScenario = R"({
  "format": "connsim/1", "name": "html-shapes", "until": "1m", "seed": 7,
  "network": {"latency": "40ms", "relays": [{"id": "relay-1"}]},
  "wallets": [{"id": "alice", "nat": "symmetric"}, {"id": "bob", "nat": "symmetric", "nickname": "Bob"}],
  "timeline": [{"at": "5s", "do": "connect", "wallet": "alice", "peer": "bob", "id": "c1"},
               {"at": "20s", "do": "relay_down", "relay": "relay-1"}],
  "expect": [{"result": "c1", "success": true},
             {"status": {"wallet": "alice", "peer": "bob"}, "sequence": ["connecting", "connected"],
              "connection_type": "webrtc"}]
})";

RunReport run_it() {
  LoadResult loaded = load_scenario_text(kScenario, "html-shapes.json");
  BOOST_REQUIRE(loaded.ok());
  return run_scenario(loaded.scenario());
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

/// The JSON between the data element's tags.
json embedded_data(const std::string& page) {
  const std::string open = "<script type=\"application/json\" id=\"connsim-data\">";
  const auto from = page.find(open);
  BOOST_REQUIRE(from != std::string::npos);
  const auto to = page.find("</script>", from);
  BOOST_REQUIRE(to != std::string::npos);
  return json::parse(page.substr(from + open.size(), to - from - open.size()));
}

}  // namespace

BOOST_AUTO_TEST_CASE(json_for_script_escapes_what_could_end_the_element) {
  const std::string hostile = "</script><script>alert(1)</script> <!-- & \xe2\x80\xa8 \xe2\x80\xa9 >";
  const std::string text = json_for_script(json{{"name", hostile}});
  BOOST_TEST(text.find('<') == std::string::npos);
  BOOST_TEST(text.find('>') == std::string::npos);
  BOOST_TEST(text.find('&') == std::string::npos);
  BOOST_TEST(text.find("\xe2\x80\xa8") == std::string::npos);
  BOOST_TEST(text.find("\\u003c/script\\u003e") != std::string::npos);
  BOOST_TEST(json::parse(text)["name"].get<std::string>() == hostile);  // reads back the same
  // Invalid UTF-8 is replaced, not thrown on.
  BOOST_CHECK_NO_THROW(json_for_script(json{{"name", std::string("bad \xff byte")}}));
}

BOOST_AUTO_TEST_CASE(a_hostile_scenario_name_stays_data) {
  RunReport report = run_it();
  report.name = "</script><script>alert('x')</script>";
  report.wallet_ids[0] = "<img src=x onerror=alert(1)>";
  std::ostringstream page;
  write_html_report(page, {report});
  const std::string html = page.str();
  // Only the page's own two script elements close; the names live in the JSON only, escaped.
  BOOST_TEST(count(html, "</script") == 2u);
  BOOST_TEST(html.find("<img src=x") == std::string::npos);
  BOOST_TEST(count(html, "alert('x')") == 1u);  // once, as a JSON string in the data element
  const json data = embedded_data(html);
  BOOST_TEST(data["scenarios"][0]["name"].get<std::string>() == report.name);
  BOOST_TEST(data["scenarios"][0]["wallets"][0]["id"].get<std::string>() == report.wallet_ids[0]);
  // Self-contained: a policy that forbids every fetch, and no placeholder left unfilled.
  BOOST_TEST(html.find("default-src 'none'") != std::string::npos);
  BOOST_TEST(html.find("@CONNSIM_") == std::string::npos);
  for (const char* fetch : {"src=\"http", "href=\"http", "src=\"//", "url(", "@import", "fetch(", "XMLHttpRequest"}) {
    BOOST_TEST(html.find(fetch) == std::string::npos, fetch);
  }
}

BOOST_AUTO_TEST_CASE(a_failing_expectation_is_marked_at_its_time_with_both_sides) {
  const RunReport report = run_it();
  BOOST_REQUIRE(!report.passed);
  const json scenario = html_report_model({report})["scenarios"][0];
  BOOST_TEST(scenario["passed"].get<bool>() == false);
  BOOST_TEST(scenario["seed"].get<std::string>() == "7");
  BOOST_TEST(scenario["fingerprint"].get<std::string>() == report.stats.fingerprint);
  BOOST_TEST(scenario["reproduce"].get<std::string>() == "connsim run html-shapes.json --seed 7 --log");
  BOOST_REQUIRE(scenario["failures"].size() == 1u);
  const json& failure = scenario["failures"][0];
  BOOST_TEST(failure["pointer"].get<std::string>() == "/expect/1");
  BOOST_TEST(failure["expected"].get<std::string>() == "last connection_type webrtc");
  BOOST_TEST(failure["got"].get<std::string>().rfind("relay in [connecting@5.000000s", 0) == 0);
  BOOST_TEST(failure["at"].get<double>() == 11000.0);  // the last write, connected via relay at 11 s
  // The summary the console prints is the two sides put together.
  BOOST_TEST(failure["summary"].get<std::string>() ==
             "expect[1] status alice->bob: expected " + failure["expected"].get<std::string>() + ", got " +
                 failure["got"].get<std::string>());
}

BOOST_AUTO_TEST_CASE(lanes_hold_connects_attempts_rungs_and_faults) {
  const json scenario = html_report_model({run_it()})["scenarios"][0];
  BOOST_REQUIRE(scenario["lanes"].size() == 2u);
  const json& alice = scenario["lanes"][0];
  BOOST_REQUIRE(alice["c"].size() == 1u);
  BOOST_TEST(alice["c"][0][0].get<double>() == 5000.0);
  BOOST_TEST(alice["c"][0][2].get<int>() == 1);  // the peer: bob's lane
  BOOST_TEST(alice["c"][0][3].get<bool>() == true);
  BOOST_TEST(alice["c"][0][4].get<std::string>() == "relay");
  BOOST_REQUIRE(alice["a"].size() == 1u);
  // The ladder's rungs: the WebRTC dial failed, a relay dial succeeded.
  bool webrtc_failed = false, relay_ok = false;
  for (const auto& dial : alice["d"]) {
    webrtc_failed |= dial[2] == "webrtc" && dial[4] == false;
    relay_ok |= dial[2] == "relay" && dial[4] == true;
  }
  BOOST_TEST(webrtc_failed);
  BOOST_TEST(relay_ok);
  BOOST_TEST(alice["s"].size() == 2u);
  BOOST_TEST(alice["e"].size() >= 2u);
  // relay_down at 20 s: a band across every lane until the end of the run.
  bool relay_band = false;
  for (const auto& fault : scenario["faults"]) {
    relay_band |= fault["t0"] == 20000.0 && fault["t1"] == 60000.0 && fault["lanes"].is_null() &&
                  fault["label"].get<std::string>().find("relay-1 relay down") != std::string::npos;
  }
  BOOST_TEST(relay_band);
  BOOST_TEST(scenario["steps"].size() == 2u);
  BOOST_TEST(scenario["cap"]["cutoff"].is_null());
}

BOOST_AUTO_TEST_CASE(an_empty_run_is_a_page_with_no_scenarios) {
  std::ostringstream page;
  write_html_report(page, {});
  const std::string html = page.str();
  BOOST_TEST(html.rfind("<!doctype html>", 0) == 0);
  BOOST_TEST(embedded_data(html)["scenarios"].empty());
  BOOST_TEST(html.find("0 passed, 0 failed") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_size_budget_keeps_the_earliest_items_and_says_so) {
  const RunReport report = run_it();
  HtmlReportOptions options;
  options.max_items_per_scenario = 4;
  const json scenario = html_report_model({report}, options)["scenarios"][0];
  const json& cap = scenario["cap"];
  BOOST_TEST(cap["limit"].get<std::size_t>() == 4u);
  BOOST_TEST(cap["total"].get<std::size_t>() > 4u);
  BOOST_TEST(cap["kept"].get<std::size_t>() <= 4u);
  BOOST_REQUIRE(!cap["cutoff"].is_null());
  const double cutoff = cap["cutoff"].get<double>();
  std::size_t kept = 0;
  for (const auto& lane : scenario["lanes"]) {
    for (const char* key : {"s", "e", "c", "a", "d", "x"}) {
      for (const auto& item : lane[key]) {
        BOOST_TEST(item[0].get<double>() < cutoff);
        ++kept;
      }
    }
  }
  BOOST_TEST(kept == cap["kept"].get<std::size_t>());
  // Failures are never cut: they are what the page is for.
  BOOST_TEST(scenario["failures"].size() == 1u);
}
