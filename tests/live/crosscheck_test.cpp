// live/live_crosscheck: simulated and live runs compared connect by connect.
#define BOOST_TEST_MODULE live_crosscheck
#include <boost/test/unit_test.hpp>

#include <sstream>

#include "live/live_crosscheck.hpp"

using namespace connsim;
using std::chrono::milliseconds;

namespace {

scenarios::RunReport report_with(std::vector<sim::ConnectRecord> bob_connects, bool passed = true) {
  scenarios::RunReport report;
  report.name = "x";
  report.passed = passed;
  report.wallet_ids = {"alice", "bob"};
  report.records.resize(2);
  report.records[1].connects = std::move(bob_connects);
  return report;
}

sim::ConnectRecord connect(bool ok, store::ConnectionType type, int started_ms, int finished_ms) {
  return {"alice", milliseconds(started_ms), milliseconds(finished_ms), 1, {ok, type, std::nullopt}};
}

}  // namespace

BOOST_AUTO_TEST_CASE(same_outcomes_with_the_time_difference) {
  const auto simulated = report_with({connect(true, store::ConnectionType::webrtc, 3000, 3720)});
  const auto live = report_with({connect(true, store::ConnectionType::webrtc, 3000, 3450)});
  const auto check = live::compare_with_live(simulated, live);
  BOOST_TEST(check.same());
  std::ostringstream out;
  live::write_live_crosscheck(out, check);
  BOOST_TEST(out.str().find("bob -> alice #1  simulated: ok webrtc 720.0 ms  live: ok webrtc 450.0 ms  live-simulated: -270.0 ms") !=
             std::string::npos);
  BOOST_TEST(out.str().find("SAME x") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(another_type_a_missing_connect_or_expectation_differs) {
  const auto simulated = report_with({connect(true, store::ConnectionType::webrtc, 0, 700)});
  auto check = live::compare_with_live(simulated, report_with({connect(true, store::ConnectionType::relay, 0, 6000)}));
  BOOST_TEST_REQUIRE(!check.same());
  BOOST_TEST(check.differences[0] == "bob -> alice #1: simulated ok webrtc 700.0 ms, live ok relay 6000.0 ms");

  check = live::compare_with_live(simulated, report_with({}));
  BOOST_TEST_REQUIRE(!check.same());
  BOOST_TEST(check.differences[0].find("live (none)") != std::string::npos);

  auto failing = report_with({connect(true, store::ConnectionType::webrtc, 0, 900)}, false);
  failing.failures.push_back(scenarios::Failure{0, "/expect/0", "expect[0] ...", ""});
  check = live::compare_with_live(simulated, failing);
  BOOST_TEST_REQUIRE(check.differences.size() == 1u);
  BOOST_TEST(check.differences[0] == "failed expectations: simulated {none}, live {/expect/0}");
  std::ostringstream out;
  live::write_live_crosscheck(out, check);
  BOOST_TEST(out.str().find("x: simulated PASS, live FAIL") != std::string::npos);
  BOOST_TEST(out.str().find("DIFF x: failed expectations") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(session_outcomes_are_compared) {
  auto simulated = report_with({});
  auto live = report_with({});
  simulated.records[0].sessions.push_back({milliseconds(1), "pending-1", store::SessionState::completed, std::nullopt, true, 1});
  live.records[0].sessions.push_back({milliseconds(1), "pending-1", store::SessionState::failed, "timeout", true, 1});
  const auto check = live::compare_with_live(simulated, live);
  BOOST_TEST_REQUIRE(check.differences.size() == 1u);
  BOOST_TEST(check.differences[0] == "alice signing sessions: simulated [ completed ], live [ failed (timeout) ]");
}
