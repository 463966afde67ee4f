// The built-in invariants: for each, hand-built records that keep it and records that break it;
// then a whole run whose invariants all hold.
#define BOOST_TEST_MODULE scenarios_invariants
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "scenarios/invariants.hpp"
#include "scenarios/loader.hpp"
#include "scenarios/runner.hpp"

using namespace connsim::scenarios;
using namespace std::chrono_literals;
namespace sim = connsim::sim;
namespace store = connsim::store;
using store::ConnectionStatus;
using sim::LifecycleChange;

namespace {

/// Builds a run's records and the history entries written with them, wallet by wallet.
class Run {
 public:
  explicit Run(std::vector<std::string> ids, Duration until = 10min) {
    input_.until = until;
    for (auto& id : ids) {
      WalletRules rules;
      rules.id = id;
      rules.peer_id = id;
      input_.wallets.push_back(rules);
      input_.feed_sizes.push_back(std::nullopt);
    }
    records_.resize(input_.wallets.size());
  }

  WalletRules& rules(std::size_t w) { return input_.wallets[w]; }
  InvariantInput& input() { return input_; }
  std::vector<sim::HistoryEntry>& history() { return history_; }
  std::vector<sim::WalletRecords>& records() { return records_; }

  Run& lifecycle(std::size_t w, Duration at, LifecycleChange change, std::string cause = {}) {
    history_.push_back({at, sim::LifecycleChanged{id(w), change, std::move(cause)}});
    return *this;
  }
  Run& status(std::size_t w, Duration at, const std::string& peer, ConnectionStatus status) {
    const store::PeerConnectionStatus written{status, {}, {}, {}};
    records_[w].statuses.push_back({at, peer, written});
    history_.push_back({at, sim::StatusWritten{id(w), peer, written}});
    return *this;
  }
  Run& event(std::size_t w, Duration at, const std::string& peer, std::string type = "info") {
    store::ActivityEvent event{records_[w].events.size() + 1, type, peer, "Connecting to " + peer + "...", 0};
    records_[w].events.push_back({at, event});
    history_.push_back({at, sim::EventAdded{id(w), type, event.message}});
    return *this;
  }
  Run& connect_end(std::size_t w, Duration started, Duration at, const std::string& peer, bool success) {
    const store::ConnectResult result{success, {}, {}};
    records_[w].connects.push_back({peer, started, at, 1, result});
    history_.push_back({at, sim::ConnectFinished{id(w), peer, result}});
    return *this;
  }
  /// A whole successful connectToPresence as the store writes it.
  Run& connect(std::size_t w, Duration from, Duration to, const std::string& peer) {
    status(w, from, peer, ConnectionStatus::connecting);
    event(w, from, peer);
    status(w, to, peer, ConnectionStatus::connected);
    event(w, to, peer, "peer_joined");
    return connect_end(w, from, to, peer, true);
  }

  /// The input, pointing at this run's records and history.
  const InvariantInput& done() {
    input_.records = records_;
    input_.history = history_;
    return input_;
  }

 private:
  const std::string& id(std::size_t w) const { return input_.wallets[w].id; }

  InvariantInput input_;
  std::vector<sim::WalletRecords> records_;
  std::vector<sim::HistoryEntry> history_;
};

std::string messages(const std::vector<InvariantViolation>& violations) {
  std::string out;
  for (const auto& v : violations) out += "[" + v.invariant + "] " + v.message + "\n";
  return out;
}

bool mentions(const std::vector<InvariantViolation>& violations, const std::string& text) {
  return messages(violations).find(text) != std::string::npos;
}

/// `found` holds exactly `count` violations, which mention each of `texts`.
void expect_violations(const std::vector<InvariantViolation>& found, std::size_t count,
                       const std::vector<std::string>& texts) {
  BOOST_TEST(found.size() == count, messages(found));
  for (const std::string& text : texts)
    BOOST_TEST(mentions(found, text), "mentions \"" << text << '"');
}

}  // namespace

// --- status-machine ----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(status_machine_accepts_the_store_paths) {
  Run run({"alice", "bob"});
  run.lifecycle(0, 0s, LifecycleChange::online).lifecycle(1, 0s, LifecycleChange::online);
  run.connect(0, 1s, 2s, "bob");
  // Two connects to one peer overlap (no dedupe): both 'connecting', then both final.
  run.status(0, 3s, "bob", ConnectionStatus::connecting).status(0, 3s, "bob", ConnectionStatus::connecting);
  run.status(0, 4s, "bob", ConnectionStatus::failed).connect_end(0, 3s, 4s, "bob", false);
  run.status(0, 5s, "bob", ConnectionStatus::connected).connect_end(0, 3s, 5s, "bob", true);
  // A connect still under way when the run ends.
  run.status(1, 6s, "alice", ConnectionStatus::connecting);
  const auto found = check_status_machine(run.done());
  BOOST_TEST(found.empty(), messages(found));
}

BOOST_AUTO_TEST_CASE(status_machine_catches_a_final_write_without_connecting) {
  Run run({"alice"});
  run.lifecycle(0, 0s, LifecycleChange::online);
  run.status(0, 2s, "bob", ConnectionStatus::connected).connect_end(0, 1s, 2s, "bob", true);
  const auto found = check_status_machine(run.done());
  expect_violations(found, 1,
                    {"alice: 2.000000s wrote 'connected' for bob with no connect under way"});
}

BOOST_AUTO_TEST_CASE(status_machine_catches_two_final_writes_for_one_connect) {
  Run run({"alice"});
  run.status(0, 1s, "bob", ConnectionStatus::connecting);
  run.status(0, 2s, "bob", ConnectionStatus::failed);
  run.status(0, 2s, "bob", ConnectionStatus::failed).connect_end(0, 1s, 2s, "bob", false);
  BOOST_TEST(mentions(check_status_machine(run.done()), "wrote 'failed' for bob with no connect under way"));
}

BOOST_AUTO_TEST_CASE(status_machine_catches_a_connect_that_ends_without_a_final_write) {
  Run run({"alice"});
  run.status(0, 1s, "bob", ConnectionStatus::connecting).connect_end(0, 1s, 3s, "bob", true);
  BOOST_TEST(mentions(check_status_machine(run.done()),
                      "alice: connect to bob ended at 3.000000s without writing 'connected' or 'failed'"));
}

BOOST_AUTO_TEST_CASE(status_machine_resets_at_a_reload) {
  // The connect begun before the reload died with its process; a final write after the reload
  // must belong to a new connect.
  Run run({"alice"});
  run.status(0, 1s, "bob", ConnectionStatus::connecting);
  run.lifecycle(0, 2s, LifecycleChange::offline, "step 1")
      .lifecycle(0, 2s, LifecycleChange::reload, "step 1")
      .lifecycle(0, 3s, LifecycleChange::online);
  run.status(0, 4s, "bob", ConnectionStatus::connected);
  BOOST_TEST(mentions(check_status_machine(run.done()), "4.000000s wrote 'connected' for bob with no connect"));
}

BOOST_AUTO_TEST_CASE(status_machine_disconnected_only_by_documented_paths) {
  {  // The seed's options: nothing writes 'disconnected'.
    Run run({"alice"});
    run.connect(0, 1s, 2s, "bob");
    run.status(0, 5s, "bob", ConnectionStatus::disconnected);
    BOOST_TEST(mentions(check_status_machine(run.done()),
                        "5.000000s wrote 'disconnected' for bob after 'connected': no documented path"));
  }
  {  // mark_disconnected_on_close: over 'connected' only.
    Run run({"alice"});
    run.rules(0).mark_disconnected_on_close = true;
    run.connect(0, 1s, 2s, "bob");
    run.status(0, 5s, "bob", ConnectionStatus::disconnected);
    BOOST_TEST(check_status_machine(run.done()).empty());
    run.status(0, 6s, "bob", ConnectionStatus::disconnected);
    BOOST_TEST(mentions(check_status_machine(run.done()), "after 'disconnected': no documented path"));
  }
  {  // merge-reset: over anything but 'connected', an in-flight 'connecting' included (field bug 4).
    Run run({"alice"});
    run.rules(0).presence_update = store::PresenceUpdate::merge_reset;
    run.status(0, 1s, "bob", ConnectionStatus::disconnected);
    run.status(0, 2s, "bob", ConnectionStatus::connecting);
    run.status(0, 3s, "bob", ConnectionStatus::disconnected);
    run.status(0, 4s, "bob", ConnectionStatus::connected).connect_end(0, 2s, 4s, "bob", true);
    BOOST_TEST(check_status_machine(run.done()).empty(), messages(check_status_machine(run.done())));
    run.status(0, 5s, "bob", ConnectionStatus::disconnected);
    BOOST_TEST(mentions(check_status_machine(run.done()), "after 'connected': no documented path"));
  }
}

BOOST_AUTO_TEST_CASE(status_machine_without_history_uses_the_records) {
  Run run({"alice"});
  run.status(0, 2s, "bob", ConnectionStatus::failed);
  run.history().clear();
  run.input().history_kept = false;
  BOOST_TEST(mentions(check_status_machine(run.done()), "wrote 'failed' for bob with no connect under way"));
}

// --- activity-feed-limit -----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(activity_feed_keeps_the_newest_fifty) {
  Run run({"alice"});
  run.lifecycle(0, 0s, LifecycleChange::online);
  for (int i = 0; i < 60; ++i) run.event(0, 1s, "bob");
  run.input().feed_sizes[0] = 50;
  BOOST_TEST(check_activity_feed_limit(run.done()).empty());

  run.input().feed_sizes[0] = 51;
  BOOST_TEST(mentions(check_activity_feed_limit(run.done()), "alice: the activity feed holds 51 events, more than 50"));
  run.input().feed_sizes[0] = 49;
  BOOST_TEST(mentions(check_activity_feed_limit(run.done()),
                      "holds 49 events; the store added 60 since it started, so it should keep 50"));
}

BOOST_AUTO_TEST_CASE(activity_feed_starts_empty_after_a_reload) {
  Run run({"alice"});
  for (int i = 0; i < 30; ++i) run.event(0, 1s, "bob");
  run.lifecycle(0, 2s, LifecycleChange::reload, "step 0");
  for (int i = 0; i < 3; ++i) run.event(0, 4s, "bob");
  run.input().feed_sizes[0] = 3;
  BOOST_TEST(check_activity_feed_limit(run.done()).empty());
  run.input().feed_sizes[0] = 33;  // the old process's events kept: wrong
  BOOST_TEST(mentions(check_activity_feed_limit(run.done()), "should keep 3"));
}

// --- relay-circuit-limits ----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(relay_circuit_limits) {
  Run run({"alice", "bob"}, 10min);
  run.input().relays = {RelayLimits{"go-relay", 2min, 131072, false}, RelayLimits{"js-relay", 2min, 131072, true},
                        RelayLimits{"unlimited", Duration::zero(), 0, false}};
  const auto circuit = [](std::uint64_t id, std::size_t relay, std::uint64_t forward, std::uint64_t backward) {
    CircuitObservation c;
    c.id = id;
    c.relay = relay;
    c.between = "alice -> bob";
    c.opened_at = 10s;
    c.closed_at = 40s;
    c.carried_forward = forward;
    c.carried_backward = backward;
    c.last_carried = 30s;
    return c;
  };
  // Within limits: go counts each direction, js both together; 0 = no limit.
  run.input().circuits = {circuit(1, 0, 131072, 131072), circuit(2, 1, 65536, 65536),
                          circuit(3, 2, 1u << 30, 1u << 30)};
  BOOST_TEST(check_relay_circuit_limits(run.done()).empty(), messages(check_relay_circuit_limits(run.done())));

  run.input().circuits = {circuit(4, 0, 131073, 0), circuit(5, 1, 65537, 65536)};
  const auto bytes = check_relay_circuit_limits(run.done());
  BOOST_TEST(bytes.size() == 2u, messages(bytes));
  BOOST_TEST(mentions(bytes, "circuit #4 (alice -> bob via go-relay) carried 131073 bytes (one direction), more than circuit_bytes 131072"));
  BOOST_TEST(mentions(bytes, "circuit #5 (alice -> bob via js-relay) carried 131073 bytes (both directions)"));

  CircuitObservation late = circuit(6, 0, 10, 10);
  late.last_carried = 2min + 11s;  // opened at 10s: the limit ended at 2m10s
  late.closed_at = 2min + 12s;
  CircuitObservation open = circuit(7, 0, 10, 10);
  open.closed_at.reset();
  run.input().circuits = {late, open};
  const auto time = check_relay_circuit_limits(run.done());
  BOOST_TEST(mentions(time, "circuit #6 (alice -> bob via go-relay) carried data at 131.000000s, after its circuit_duration ended at 130.000000s"));
  BOOST_TEST(mentions(time, "circuit #6 (alice -> bob via go-relay) closed at 132.000000s"));
  BOOST_TEST(mentions(time, "circuit #7 (alice -> bob via go-relay) was still open at the end"));
  // A circuit still open when the run ends before its limit is fine.
  run.input().until = 1min;
  run.input().circuits = {open};
  BOOST_TEST(check_relay_circuit_limits(run.done()).empty());
}

// --- no-activity-while-offline -----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(no_activity_while_offline) {
  Run run({"alice"});
  run.event(0, 1s, "bob", "peer_joined");  // before it ever came online
  run.lifecycle(0, 2s, LifecycleChange::online);
  run.event(0, 3s, "bob", "peer_joined");
  run.lifecycle(0, 4s, LifecycleChange::offline, "step 2");
  run.event(0, 5s, "bob", "info").event(0, 5s, "bob", "error");  // a connect that fails: fine
  run.event(0, 5500ms, "bob", "peer_joined");
  run.status(0, 5500ms, "bob", ConnectionStatus::connected);
  run.lifecycle(0, 6s, LifecycleChange::online);
  run.event(0, 7s, "bob", "peer_joined");
  run.lifecycle(0, 8s, LifecycleChange::offline, "step 4").lifecycle(0, 8s, LifecycleChange::reload, "step 4");
  run.event(0, 8500ms, "bob", "peer_joined");
  run.lifecycle(0, 9s, LifecycleChange::online);
  run.event(0, 10s, "bob", "peer_joined");
  const auto found = check_no_activity_while_offline(run.done());
  expect_violations(
      found, 4,
      {"alice: activity event at 1.000000s while offline: peer_joined \"Connecting to bob...\"",
       "activity event at 5.500000s while offline: peer_joined",
       "alice: wrote 'connected' for bob at 5.500000s while offline",
       "at 8.500000s while offline"});
}

// --- time-never-goes-back ----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(time_never_goes_back) {
  {
    Run run({"alice"}, 1min);
    run.lifecycle(0, 0s, LifecycleChange::online).connect(0, 1s, 2s, "bob");
    BOOST_TEST(check_time_never_goes_back(run.done()).empty());
  }
  {
    Run run({"alice"}, 1min);
    run.lifecycle(0, 5s, LifecycleChange::online)
        .lifecycle(0, 4s, LifecycleChange::offline, "x")
        .lifecycle(0, 2min, LifecycleChange::online);
    const auto found = check_time_never_goes_back(run.done());
    BOOST_TEST(mentions(found, "history entry 1 (4.000000s lifecycle alice offline (x)) comes after one at 5.000000s"));
    BOOST_TEST(mentions(found, "history entry 2 (120.000000s lifecycle alice online) lies outside the run [0, 60.000000s]"));
  }
  {
    Run run({"alice"}, 1min);
    run.records()[0].statuses.push_back({3s, "bob", {}});
    run.records()[0].statuses.push_back({2s, "bob", {}});
    run.records()[0].events.push_back({3s, {}});
    run.records()[0].events.push_back({1s, {}});
    run.records()[0].attempts.push_back({5s, 4s, "bob", 1, {}});
    run.records()[0].connects.push_back({"bob", 5s, 4s, 1, {}});
    const auto found = check_time_never_goes_back(run.done());
    expect_violations(found, 4,
                      {"alice: status write 1 at 2.000000s comes after one at 3.000000s",
                       "alice: activity event 1 at 1.000000s",
                       "alice: attempt to bob ended at 4.000000s before it began at 5.000000s",
                       "alice: connect to bob ended at 4.000000s before it began at 5.000000s"});
  }
}

// --- all together ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(check_invariants_caps_each_invariant) {
  Run run({"alice"});
  for (int i = 0; i < 12; ++i) run.status(0, 1s, "bob", ConnectionStatus::failed);
  const auto found = check_invariants(run.done(), 5);
  BOOST_TEST(found.size() == 6u, messages(found));
  BOOST_TEST(found.back().message == "... and 7 more");
  BOOST_TEST(found.back().invariant == "status-machine");
}

BOOST_AUTO_TEST_CASE(violations_fail_the_run_with_a_pointer) {
  RunReport report;
  report.passed = true;
  append_invariant_failures(report, {{"status-machine", "alice: something"}});
  BOOST_TEST(!report.passed);
  BOOST_REQUIRE(report.failures.size() == 1u);
  BOOST_TEST(report.failures[0].pointer == "/invariants/status-machine");
  BOOST_TEST(report.failures[0].summary == "invariant status-machine: alice: something");
}

BOOST_AUTO_TEST_CASE(a_real_run_keeps_every_invariant) {
  // Connects, an outage that drops circuits, a partition, a reload and going offline: the
  // simulated store and world keep every invariant, and the runner checks them.
  const LoadResult loaded = load_scenario_text(R"({"format": "connsim/1", "name": "inv", "until": "5m",
    "network": {"relays": [{"id": "r1", "circuit_duration": "30s"}, {"id": "r2", "implementation": "js", "circuit_bytes": 30000}]},
    "wallets": [{"id": "a", "nat": "symmetric"}, {"id": "b", "nat": "symmetric"}, {"id": "c", "nat": "full-cone"},
                {"id": "g", "count": 3, "nat": "port-restricted-cone"}],
    "timeline": [
      {"at": "5s", "do": "connect", "wallet": "a", "peer": "b"},
      {"at": "5s", "do": "connect_many", "wallet": "c", "peers": ["a", "b", "g"]},
      {"at": "20s", "do": "relay_down", "relay": "r1", "for": "10s"},
      {"at": "40s", "do": "reload", "wallet": "a"},
      {"at": "41s", "do": "connect", "wallet": "a", "peer": "c"},
      {"at": "60s", "do": "go_offline", "wallet": "b"},
      {"at": "61s", "do": "connect", "wallet": "b", "peer": "c"},
      {"at": "90s", "do": "go_online", "wallet": "b"},
      {"at": "100s", "do": "connect", "wallet": "g-1", "peer": "a", "repeat": {"every": "1s", "times": 60}}
    ]})", "inv.json");
  BOOST_REQUIRE(loaded.ok());
  const RunReport report = run_scenario(loaded.scenario());
  std::string failures;
  for (const auto& failure : report.failures) failures += failure.pointer + " " + failure.summary + "\n";
  BOOST_TEST(report.passed, failures);
  BOOST_TEST(report.records[3].events.size() > 50u);  // the feed limit was exercised
}

// --- activity-feed-limit: the content, not only the size ---------------------------------------

namespace {

/// `count` events with distinct times and messages, added by alice's store; the feed a correct
/// store keeps (the newest 50, newest first) and one that kept the oldest 50.
struct FeedRun {
  Run run{{"alice"}};
  std::vector<store::ActivityEvent> newest;
  std::vector<store::ActivityEvent> oldest;

  explicit FeedRun(int count) {
    std::vector<store::ActivityEvent> added;
    for (int i = 0; i < count; ++i) {
      store::ActivityEvent event{static_cast<std::uint64_t>(i + 1), "info", "bob", "Connecting to bob...", 1000 + i};
      run.records()[0].events.push_back({Duration(std::chrono::seconds(i)), event});
      run.history().push_back({Duration(std::chrono::seconds(i)), sim::EventAdded{"alice", "info", event.message}});
      added.push_back(event);
    }
    for (int i = count - 1; i >= 0 && newest.size() < 50; --i) newest.push_back(added[static_cast<std::size_t>(i)]);
    for (int i = std::min(count, 50) - 1; i >= 0; --i) oldest.push_back(added[static_cast<std::size_t>(i)]);
    run.input().feed_sizes[0] = std::min(count, 50);
    run.input().feeds.resize(1);
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(activity_feed_holds_exactly_the_newest_in_order) {
  FeedRun feed(60);
  feed.run.input().feeds[0] = feed.newest;
  BOOST_TEST(check_activity_feed_limit(feed.run.done()).empty());
  // The oldest 50 (same texts, so only the times tell): caught.
  feed.run.input().feeds[0] = feed.oldest;
  BOOST_TEST(mentions(check_activity_feed_limit(feed.run.done()),
                      "alice: activity feed entry 0 (newest first) is info \"Connecting to bob...\" at 1049 ms, but the "
                      "1th newest event added is info \"Connecting to bob...\" at 1059 ms"));
  // The newest 50 oldest first: caught too.
  std::vector<store::ActivityEvent> reversed(feed.newest.rbegin(), feed.newest.rend());
  feed.run.input().feeds[0] = reversed;
  BOOST_TEST(!check_activity_feed_limit(feed.run.done()).empty());
  // Unknown content: only the size is judged.
  feed.run.input().feeds[0] = std::nullopt;
  BOOST_TEST(check_activity_feed_limit(feed.run.done()).empty());
}

// --- activity-event-text -----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(activity_event_text_is_the_seeds) {
  Run run({"alice", "bob"});
  run.rules(1).nickname = "Bobby";
  const auto add = [&](std::string type, std::string message) {
    run.records()[0].events.push_back({1s, store::ActivityEvent{1, std::move(type), "bob", std::move(message), 0}});
  };
  add("info", "Connecting to Bobby...");
  add("info", "Connecting to bob...");
  add("peer_joined", "Connected to Bobby... via relay");
  add("peer_joined", "Connected to bob... via undefined");
  add("error", "Failed to connect to Bobby...: All connection methods failed");
  BOOST_TEST(check_activity_event_text(run.done()).empty(), messages(check_activity_event_text(run.done())));
  add("peer_joined", "Connected with Bobby... via relay");
  add("peer_joined", "Connected to Bobby... via carrier pigeon");
  add("joined", "Connecting to Bobby...");
  const auto found = check_activity_event_text(run.done());
  expect_violations(
      found, 3,
      {"alice: activity event at 1.000000s is peer_joined \"Connected with Bobby... via relay\", "
       "not the seed's text for that type"});
}

// --- online-peers-mirror -----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(online_peers_mirror_the_last_write) {
  Run run({"alice"});
  run.lifecycle(0, 0s, LifecycleChange::online);
  run.status(0, 5s, "bob", ConnectionStatus::connecting).status(0, 8s, "bob", ConnectionStatus::connected);
  run.records()[0].statuses.back().status.connection_type = store::ConnectionType::relay;
  run.input().online_peers = {std::vector<OnlinePeerEntry>{{"bob", ConnectionStatus::connected, store::ConnectionType::relay}}};
  BOOST_TEST(check_online_peers_mirror(run.done()).empty());
  // Not mirrored: caught.
  run.input().online_peers = {std::vector<OnlinePeerEntry>{{"bob", std::nullopt, std::nullopt}}};
  BOOST_TEST(mentions(check_online_peers_mirror(run.done()),
                      "alice: onlinePeers entry of bob holds no status none, but the last status written for it, at "
                      "8.000000s, is 'connected' relay"));
  // Its presence was delivered again after the write (the entry was recreated): not judged.
  run.records()[0].presence_after_status["bob"] = 9s;
  BOOST_TEST(check_online_peers_mirror(run.done()).empty());
  // A peer with no write, or an unknown list: nothing to judge.
  run.records()[0].presence_after_status.clear();
  run.input().online_peers = {std::vector<OnlinePeerEntry>{{"carol", std::nullopt, std::nullopt}}};
  BOOST_TEST(check_online_peers_mirror(run.done()).empty());
  run.input().online_peers = {std::nullopt};
  BOOST_TEST(check_online_peers_mirror(run.done()).empty());
}

// --- connect-concurrency -----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(connect_concurrency_within_the_steps_allowance) {
  Run run({"alice"});
  for (const char* peer : {"b", "c", "d"}) run.connect_end(0, 10s, 20s, peer, true);
  run.input().concurrency_unknown = {false};
  run.input().connect_steps = {ConnectStepSpan{0, 10s, 40s, 3}};
  BOOST_TEST(check_connect_concurrency(run.done()).empty());
  run.connect_end(0, 10s, 20s, "e", true);  // a fourth at once
  BOOST_TEST(mentions(check_connect_concurrency(run.done()),
                      "alice: 4 connects under way at 10.000000s, but its running steps allow 3"));
  // Another step running meanwhile allows one more.
  run.input().connect_steps.push_back(ConnectStepSpan{0, 9s, std::nullopt, 1});
  BOOST_TEST(check_connect_concurrency(run.done()).empty());
  // A wallet not judged (a repeated step, a spend): nothing reported.
  run.input().connect_steps.pop_back();
  run.input().concurrency_unknown = {true};
  BOOST_TEST(check_connect_concurrency(run.done()).empty());
}

// --- retry-exhaustion --------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(retry_exhaustion_counts_attempts_of_failed_connects) {
  Run run({"alice"});
  run.status(0, 5s, "bob", ConnectionStatus::connecting).status(0, 9s, "bob", ConnectionStatus::failed);
  run.connect_end(0, 5s, 9s, "bob", false);
  run.records()[0].connects.back().attempts = 3;
  BOOST_TEST(check_retry_exhaustion(run.done()).empty());
  run.records()[0].connects.back().attempts = 2;
  BOOST_TEST(mentions(check_retry_exhaustion(run.done()),
                      "alice: connect to bob from 5.000000s failed after 2 attempts; retry.max_attempts is 3"));
  // deadline-bounded may stop early; so may a connect sharing its peer with another.
  run.rules(0).retry.kind = store::RetryKind::deadline_bounded;
  BOOST_TEST(check_retry_exhaustion(run.done()).empty());
  run.rules(0).retry.kind = store::RetryKind::exponential;
  run.status(0, 6s, "bob", ConnectionStatus::connecting);
  BOOST_TEST(check_retry_exhaustion(run.done()).empty());
}
