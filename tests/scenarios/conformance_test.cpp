// The comparison behind `connsim conform` (scenarios/conformance.hpp) on hand-made histories:
// equal runs, a divergence in each compared kind and field, one side longer, a JavaScript store
// failure, expectations that differ, entries that are not compared, and the report's text.
#define BOOST_TEST_MODULE scenarios_conformance
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "scenarios/conformance.hpp"

using namespace connsim;
using namespace connsim::scenarios;
using std::chrono::milliseconds;

BOOST_TEST_DONT_PRINT_LOG_VALUE(connsim::scenarios::DivergenceKind)

namespace {

sim::HistoryEntry at_ms(long ms, sim::HistoryDetail what) { return sim::HistoryEntry{milliseconds(ms), std::move(what)}; }

sim::HistoryEntry status(long ms, const std::string& wallet, const std::string& peer, store::ConnectionStatus s,
                         std::optional<store::ConnectionType> type = std::nullopt,
                         std::optional<std::string> error = std::nullopt) {
  store::PeerConnectionStatus written;
  written.status = s;
  written.connection_type = type;
  written.error = std::move(error);
  return at_ms(ms, sim::StatusWritten{wallet, peer, written});
}

sim::HistoryEntry event(long ms, const std::string& wallet, const std::string& type, const std::string& message) {
  return at_ms(ms, sim::EventAdded{wallet, type, message});
}

sim::HistoryEntry connect(long ms, const std::string& wallet, const std::string& peer, bool success,
                          store::ConnectionType type, std::optional<std::string> error = std::nullopt) {
  return at_ms(ms, sim::ConnectFinished{wallet, peer, store::ConnectResult{success, type, std::move(error)}});
}

sim::HistoryEntry session(long ms, const std::string& wallet, const std::string& id, store::SessionState state,
                          std::optional<std::string> failure = std::nullopt) {
  return at_ms(ms, sim::SessionChanged{wallet, id, state, std::move(failure)});
}

sim::HistoryEntry attempt(long ms, const std::string& wallet, const std::string& peer, int number) {
  return at_ms(ms, sim::AttemptFinished{wallet, peer, number, store::ConnectResult{true, store::ConnectionType::relay, {}}});
}

using store::ConnectionStatus;
using store::ConnectionType;

/// A connect of alice to bob over the relay, with a session afterwards: 7 acts, 1 attempt.
std::vector<sim::HistoryEntry> a_connect() {
  return {status(5000, "alice", "bob", ConnectionStatus::connecting),
          event(5000, "alice", "info", "Connecting to Bob..."),
          attempt(5480, "alice", "bob", 1),
          status(5480, "alice", "bob", ConnectionStatus::connected, ConnectionType::relay),
          event(5480, "alice", "peer_joined", "Connected to Bob... via relay"),
          connect(5480, "alice", "bob", true, ConnectionType::relay),
          session(6000, "alice", "pending-6000", store::SessionState::proposed),
          session(7000, "alice", "pending-6000", store::SessionState::completed)};
}

RunReport report_of(std::vector<sim::HistoryEntry> history, bool passed = true) {
  RunReport report;
  report.name = "two-wallets";
  report.file = "scenarios/two-wallets.json";
  report.seed = 7;
  report.passed = passed;
  report.history = std::move(history);
  return report;
}

/// The JS run's history is `a_connect()` with entry `index` replaced by `entry`.
Conformance with_js_entry(std::size_t index, sim::HistoryEntry entry) {
  auto js = a_connect();
  js[index] = std::move(entry);
  return compare_stores(report_of(a_connect()), report_of(js));
}

}  // namespace

BOOST_AUTO_TEST_CASE(only_status_event_connect_and_session_entries_are_compared) {
  const auto history = a_connect();
  const auto acts = store_acts(history);
  BOOST_TEST(acts.size() == 7u);
  BOOST_TEST(!is_store_act(history[2]));  // the attempt
  BOOST_TEST(acts[2] == &history[3]);
  BOOST_TEST(is_store_act(history[6]));
}

BOOST_AUTO_TEST_CASE(equal_histories_conform) {
  const Conformance result = compare_stores(report_of(a_connect()), report_of(a_connect()));
  BOOST_TEST(result.conforms());
  BOOST_TEST(result.same_acts == 7u);
  BOOST_TEST(result.cpp_acts == 7u);
  BOOST_TEST(result.js_acts == 7u);
  BOOST_TEST(conformance_line(result) == "PASS two-wallets: 7 store acts the same (C++ PASS, JS PASS)");
}

BOOST_AUTO_TEST_CASE(entries_that_are_not_store_acts_may_differ) {
  auto js = a_connect();
  js[2] = attempt(5480, "alice", "bob", 2);  // another attempt number
  js.push_back(at_ms(8000, sim::LifecycleChanged{"alice", sim::LifecycleChange::offline, "step x"}));
  BOOST_TEST(compare_stores(report_of(a_connect()), report_of(js)).conforms());
}

BOOST_AUTO_TEST_CASE(a_status_write_that_differs_diverges) {
  const auto check = [](std::size_t index, sim::HistoryEntry entry) {
    const Conformance result = with_js_entry(index, std::move(entry));
    BOOST_REQUIRE(!result.conforms());
    BOOST_TEST(result.divergence->kind == DivergenceKind::act);
    BOOST_TEST(result.same_acts == (index == 0 ? 0u : index - 1));
  };
  check(0, status(5000, "alice", "bob", ConnectionStatus::failed));                        // status
  check(3, status(5480, "alice", "bob", ConnectionStatus::connected, ConnectionType::webrtc));  // type
  check(3, status(5480, "alice", "bob", ConnectionStatus::connected, ConnectionType::relay, "x"));  // error
  check(3, status(5480, "alice", "carol", ConnectionStatus::connected, ConnectionType::relay));  // peer
  check(3, status(5480, "bob", "bob", ConnectionStatus::connected, ConnectionType::relay));      // wallet
  check(3, status(5481, "alice", "bob", ConnectionStatus::connected, ConnectionType::relay));     // time
}

BOOST_AUTO_TEST_CASE(an_activity_event_that_differs_diverges) {
  for (const auto& entry : {event(5000, "alice", "error", "Connecting to Bob..."),
                            event(5000, "alice", "info", "Connecting to bob..."),
                            event(5000, "bob", "info", "Connecting to Bob...")}) {
    const Conformance result = with_js_entry(1, entry);
    BOOST_REQUIRE(!result.conforms());
    BOOST_TEST(result.divergence->index == 1u);
  }
}

BOOST_AUTO_TEST_CASE(a_connect_result_that_differs_diverges) {
  for (const auto& entry : {connect(5480, "alice", "bob", false, ConnectionType::relay),
                            connect(5480, "alice", "bob", true, ConnectionType::webrtc),
                            connect(5480, "alice", "bob", true, ConnectionType::relay, "late"),
                            connect(5480, "alice", "carol", true, ConnectionType::relay)}) {
    const Conformance result = with_js_entry(5, entry);
    BOOST_REQUIRE(!result.conforms());
    BOOST_TEST(result.divergence->index == 4u);
    BOOST_TEST(result.same_acts == 4u);
  }
}

BOOST_AUTO_TEST_CASE(a_session_outcome_that_differs_diverges) {
  for (const auto& entry : {session(7000, "alice", "pending-6000", store::SessionState::failed),
                            session(7000, "alice", "pending-6000", store::SessionState::completed, "why"),
                            session(7000, "alice", "pending-6001", store::SessionState::completed)}) {
    const Conformance result = with_js_entry(7, entry);
    BOOST_REQUIRE(!result.conforms());
    BOOST_TEST(result.divergence->index == 6u);
  }
}

BOOST_AUTO_TEST_CASE(the_same_acts_in_another_order_diverge) {
  auto js = a_connect();
  std::swap(js[0], js[1]);
  const Conformance result = compare_stores(report_of(a_connect()), report_of(js));
  BOOST_REQUIRE(!result.conforms());
  BOOST_TEST(result.divergence->index == 0u);
  BOOST_TEST(result.divergence->summary ==
             "store act #1 at 5.000000s, wallet alice: C++ store status bob connecting | JS store event info "
             "Connecting to Bob...");
}

BOOST_AUTO_TEST_CASE(one_side_longer_diverges_where_the_other_ends) {
  auto shorter = a_connect();
  shorter.pop_back();
  const Conformance js_short = compare_stores(report_of(a_connect()), report_of(shorter));
  BOOST_REQUIRE(!js_short.conforms());
  BOOST_TEST(js_short.divergence->kind == DivergenceKind::cpp_longer);
  BOOST_TEST(js_short.divergence->index == 6u);
  BOOST_TEST(js_short.same_acts == 6u);
  BOOST_TEST(!js_short.divergence->js.has_value());
  BOOST_TEST(js_short.divergence->summary ==
             "store act #7: C++ store 7.000000s alice session pending-6000 completed | JS store nothing more (its 6 "
             "acts ended)");

  const Conformance cpp_short = compare_stores(report_of(shorter), report_of(a_connect()));
  BOOST_REQUIRE(!cpp_short.conforms());
  BOOST_TEST(cpp_short.divergence->kind == DivergenceKind::js_longer);
  BOOST_TEST(cpp_short.divergence->cpp.has_value() == false);
  BOOST_TEST(cpp_short.divergence->js.has_value());

  const Conformance empty = compare_stores(report_of({}), report_of(a_connect()));
  BOOST_REQUIRE(!empty.conforms());
  BOOST_TEST(empty.divergence->index == 0u);
}

BOOST_AUTO_TEST_CASE(a_javascript_store_failure_diverges) {
  RunReport js = report_of(a_connect(), false);
  js.store_failure = "JavaScript store error in wallet alice (action connect): boom";
  const Conformance result = compare_stores(report_of(a_connect()), js);
  BOOST_REQUIRE(!result.conforms());
  BOOST_TEST(result.divergence->kind == DivergenceKind::store_failed);
  BOOST_TEST(conformance_line(result) ==
             "FAIL two-wallets: the JavaScript store failed after 7 store acts the same: JavaScript store error in "
             "wallet alice (action connect): boom (C++ PASS, JS FAIL)");

  // With acts that differ too, the acts are the divergence and the failure is in the detail.
  auto shorter = a_connect();
  shorter.resize(2);
  RunReport cut = report_of(shorter, false);
  cut.store_failure = "the JavaScript store host stopped answering";
  const Conformance both = compare_stores(report_of(a_connect()), cut);
  BOOST_REQUIRE(!both.conforms());
  BOOST_TEST(both.divergence->kind == DivergenceKind::cpp_longer);
  BOOST_TEST(both.divergence->detail.find("the JavaScript store failed: the JavaScript store host stopped answering") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(expectations_that_pass_on_one_store_only_diverge) {
  RunReport js = report_of(a_connect(), false);
  js.failures.push_back(Failure{0, "/expect/0", "expect[0] getter: expected 1, got 0", ""});
  const Conformance result = compare_stores(report_of(a_connect()), js);
  BOOST_REQUIRE(!result.conforms());
  BOOST_TEST(result.divergence->kind == DivergenceKind::expectations);
  BOOST_TEST(result.divergence->summary ==
             "every store act the same, but the expectations pass on the C++ store and fail on the JS store: "
             "expect[0] getter: expected 1, got 0");
  BOOST_TEST(result.divergence->detail.find("    /expect/0 expect[0] getter: expected 1, got 0\n") != std::string::npos);

  // Failing the same way on both is conformance (the stores did the same).
  BOOST_TEST(compare_stores(report_of(a_connect(), false), report_of(a_connect(), false)).conforms());
}

BOOST_AUTO_TEST_CASE(the_report_shows_the_divergence_side_by_side_with_the_history_around_it) {
  auto js = a_connect();
  js[3] = status(5480, "alice", "bob", ConnectionStatus::failed, std::nullopt, "All connection methods failed");
  const Conformance result = compare_stores(report_of(a_connect()), report_of(js), "/tmp/my store");
  BOOST_REQUIRE(!result.conforms());
  BOOST_TEST(conformance_line(result) ==
             "FAIL two-wallets: store act #3 at 5.480000s, wallet alice: C++ store status bob connected relay | JS "
             "store status bob failed (All connection methods failed) (C++ PASS, JS PASS)");
  const std::string expected =
      "  store acts (C++ store | JS store):\n"
      "         C++ store                                                       | JS store\n"
      "    #1   5.000000s status alice bob connecting                           | 5.000000s status alice bob connecting\n"
      "    #2   5.000000s event alice info Connecting to Bob...                 | 5.000000s event alice info Connecting to Bob...\n"
      "  > #3   5.480000s status alice bob connected relay                      | 5.480000s status alice bob failed (All connection methods failed)\n"
      "    #4   5.480000s event alice peer_joined Connected to Bob... via relay | 5.480000s event alice peer_joined Connected to Bob... via relay\n"
      "    #5   5.480000s connect alice bob ok relay                            | 5.480000s connect alice bob ok relay\n"
      "    #6   6.000000s session alice pending-6000 proposed                   | 6.000000s session alice pending-6000 proposed\n"
      "    #7   7.000000s session alice pending-6000 completed                  | 7.000000s session alice pending-6000 completed\n"
      "  history, C++ store (entries 1-8 of 8):\n"
      "    5.000000s status alice bob connecting\n"
      "    5.000000s event alice info Connecting to Bob...\n"
      "    5.480000s attempt alice bob #1 relay\n"
      "  > 5.480000s status alice bob connected relay\n"
      "    5.480000s event alice peer_joined Connected to Bob... via relay\n"
      "    5.480000s connect alice bob ok relay\n"
      "    6.000000s session alice pending-6000 proposed\n"
      "    7.000000s session alice pending-6000 completed\n"
      "  history, JS store (entries 1-8 of 8):\n"
      "    5.000000s status alice bob connecting\n"
      "    5.000000s event alice info Connecting to Bob...\n"
      "    5.480000s attempt alice bob #1 relay\n"
      "  > 5.480000s status alice bob failed (All connection methods failed)\n"
      "    5.480000s event alice peer_joined Connected to Bob... via relay\n"
      "    5.480000s connect alice bob ok relay\n"
      "    6.000000s session alice pending-6000 proposed\n"
      "    7.000000s session alice pending-6000 completed\n"
      "  reproduce: connsim run scenarios/two-wallets.json --seed 7 --store cpp --log\n"
      "             connsim run scenarios/two-wallets.json --seed 7 --store js --store-path /tmp/my store --log\n";
  BOOST_TEST(result.divergence->detail == expected);
}

BOOST_AUTO_TEST_CASE(a_long_history_is_cut_around_the_divergence) {
  std::vector<sim::HistoryEntry> cpp;
  for (int i = 0; i < 40; ++i) cpp.push_back(event(1000 * i, "alice", "info", "tick " + std::to_string(i)));
  auto js = cpp;
  js[20] = event(20000, "alice", "info", "tock");
  const Conformance result = compare_stores(report_of(cpp), report_of(js));
  BOOST_REQUIRE(!result.conforms());
  const std::string& detail = result.divergence->detail;
  BOOST_TEST(detail.find("    #16  ") != std::string::npos);
  BOOST_TEST(detail.find("#15 ") == std::string::npos);
  BOOST_TEST(detail.find("  > #21  20.000000s event alice info tick 20") != std::string::npos);
  BOOST_TEST(detail.find("    #26  ") != std::string::npos);
  BOOST_TEST(detail.find("#27 ") == std::string::npos);
  BOOST_TEST(detail.find("history, C++ store (entries 15-27 of 40)") != std::string::npos);
  // Same input, same text.
  BOOST_TEST(compare_stores(report_of(cpp), report_of(js)).divergence->detail == detail);

  // Four-digit act numbers still leave a space before the act, and the header follows.
  std::vector<sim::HistoryEntry> many;
  for (int i = 0; i < 1500; ++i) many.push_back(event(i, "alice", "info", "tick"));
  auto other = many;
  other[1400] = event(1400, "alice", "info", "tock");
  const std::string wide = compare_stores(report_of(many), report_of(other)).divergence->detail;
  BOOST_TEST(wide.find("\n          C++ store") != std::string::npos, wide);
  BOOST_TEST(wide.find("\n  > #1401 1.400000s event alice info tick") != std::string::npos, wide);
  BOOST_TEST(wide.find("\n    #1406 1.405000s") != std::string::npos, wide);
}
