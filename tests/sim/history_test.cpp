// The history's typed entries: each renders to exactly the line the history has always
// written, and the fingerprint is FNV-1a over those lines' fields (time, kind, subject,
// detail), whether or not entries are kept.
#define BOOST_TEST_MODULE sim_history
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/history.hpp"

using namespace connsim;
using namespace connsim::sim;
using namespace std::chrono_literals;

namespace {

/// One typed entry and the text it must render to (as the history wrote it before it was typed).
struct Case {
  HistoryDetail what;
  std::string kind;
  std::string subject;
  std::string detail;
};

store::ConnectResult failed(std::optional<std::string> error) { return {false, store::ConnectionType::none, error}; }

std::vector<Case> every_shape() {
  using store::ConnectionStatus;
  using store::ConnectionType;
  return {
      {StepRan{std::string("before-reservation"), 0, "connect"}, "step", "before-reservation", "connect"},
      {StepRan{std::nullopt, 7, "partition"}, "step", "#7", "partition"},
      {StatusWritten{"bob", "alice", {ConnectionStatus::connecting, {}, {}, {}}}, "status", "bob", "alice connecting"},
      {StatusWritten{"bob", "alice", {ConnectionStatus::connected, ConnectionType::relay, 12, {}}}, "status", "bob",
       "alice connected relay"},
      {StatusWritten{"bob", "alice", {ConnectionStatus::failed, {}, {}, std::string("Connection timeout")}}, "status",
       "bob", "alice failed (Connection timeout)"},
      {EventAdded{"bob", "info", "Connecting to alice..."}, "event", "bob", "info Connecting to alice..."},
      {EventAdded{"bob", "", ""}, "event", "bob", " "},
      {AttemptFinished{"bob", "alice", 2, {true, ConnectionType::webrtc, {}}}, "attempt", "bob", "alice #2 webrtc"},
      {AttemptFinished{"bob", "alice", 3, failed("No addresses")}, "attempt", "bob", "alice #3 No addresses"},
      {AttemptFinished{"bob", "alice", 10, failed(std::nullopt)}, "attempt", "bob", "alice #10 "},
      {ConnectFinished{"bob", "alice", {true, ConnectionType::direct, {}}}, "connect", "bob", "alice ok direct"},
      {ConnectFinished{"bob", "alice", failed("Peer not found")}, "connect", "bob", "alice failed Peer not found"},
      {ConnectFinished{"bob", "alice", failed(std::nullopt)}, "connect", "bob", "alice failed "},
      {ConnectionOpened{"bob", 3, ConnectionType::relay, "alice", std::string("relay-0")}, "open", "bob",
       "#3 relay to alice via relay-0"},
      {ConnectionOpened{"bob", 4, ConnectionType::webrtc, "alice", std::nullopt}, "open", "bob", "#4 webrtc to alice"},
      {ConnectionClosed{"bob", 3, ConnectionType::relay, "alice", "circuit duration limit"}, "close", "bob",
       "#3 relay to alice (circuit duration limit)"},
      {ReservationChanged{"bob", "relay-0", ReservationOutcome::reserved, 0, {}}, "reservation", "bob relay-0",
       "reserved"},
      {ReservationChanged{"bob", "relay-0", ReservationOutcome::timed_out, 0, {}}, "reservation", "bob relay-0",
       "failed (Connection timeout)"},
      {ReservationChanged{"bob", "relay-0", ReservationOutcome::connection_refused, 0, {}}, "reservation",
       "bob relay-0", "failed (Connection refused)"},
      {ReservationChanged{"bob", "relay-0", ReservationOutcome::connection_reset, 0, {}}, "reservation",
       "bob relay-0", "failed (Connection reset)"},
      {ReservationChanged{"bob", "relay-0", ReservationOutcome::slots_full, 15, {}}, "reservation", "bob relay-0",
       "refused (RESERVATION_REFUSED: 15 slots taken)"},
      {ReservationChanged{"bob", "relay-0", ReservationOutcome::lost, 0, "NAT rebind"}, "reservation", "bob relay-0",
       "lost (NAT rebind)"},
      {PresenceAdvertised{"bob", 2, true}, "presence", "bob", "2 relay addrs, webrtc"},
      {PresenceAdvertised{"bob", 0, false}, "presence", "bob", "0 relay addrs"},
      {SessionChanged{"bob", "s1", store::SessionState::signing, std::nullopt}, "session", "bob", "s1 signing"},
      {SessionChanged{"bob", "s1", store::SessionState::failed, std::string("timeout")}, "session", "bob",
       "s1 failed (timeout)"},
      {LifecycleChanged{"bob", LifecycleChange::online, {}}, "lifecycle", "bob", "online"},
      {LifecycleChanged{"bob", LifecycleChange::offline, "step 3"}, "lifecycle", "bob", "offline (step 3)"},
      {LifecycleChanged{"bob", LifecycleChange::reload, "step go"}, "lifecycle", "bob", "reload (step go)"},
      {RelaySwitched{"relay-0", false, "step 2"}, "fault", "relay-0", "relay down (step 2)"},
      {RelaySwitched{"relay-0", true, "step 2 (for)"}, "fault", "relay-0", "relay up (step 2 (for))"},
      {PartitionStarted{1, {"alice", "relay-0"}, {"bob"}, "step cut"}, "fault", "network",
       "partition #1 (step cut): alice relay-0 | bob"},
      {PartitionStarted{2, {}, {}, "x"}, "fault", "network", "partition #2 (x): |"},
      {PartitionHealed{1, "step cut (for)"}, "fault", "network", "heal #1 (step cut (for))"},
      {PartitionHealed{std::nullopt, "step heal"}, "fault", "network", "heal all (step heal)"},
      {ConnectionDropped{"bob", "alice", "step 4"}, "fault", "bob", "drop connection to alice (step 4)"},
      {NatRebound{"bob", "step 5"}, "fault", "bob", "NAT rebind (step 5)"},
      {NetworkChanged{LatencyModel::fixed(40ms), 0.01, "step 6"}, "fault", "network",
       "set network latency " + LatencyModel::fixed(40ms).describe() + " loss " + std::to_string(0.01) +
           " (step 6)"},
      {MessageSkipped{"bob", "alice"}, "fault", "bob", "message to alice skipped: relay-only connection"},
  };
}

/// The fingerprint as the history computed it from text: FNV-1a-64 over the time's 8 bytes,
/// the kind, the subject and the detail, each followed by 0xff.
std::uint64_t fnv_of_text(std::uint64_t h, std::string_view bytes) {
  for (char c : bytes) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return (h ^ 0xff) * 0x100000001b3ULL;
}

std::uint64_t text_fingerprint(const std::vector<std::pair<Duration, Case>>& entries) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const auto& [at, c] : entries) {
    const auto ticks = static_cast<std::uint64_t>(at.count());
    char time_bytes[8];
    for (int i = 0; i < 8; ++i) time_bytes[i] = static_cast<char>((ticks >> (8 * i)) & 0xff);
    h = fnv_of_text(h, std::string_view(time_bytes, 8));
    h = fnv_of_text(h, c.kind);
    h = fnv_of_text(h, c.subject);
    h = fnv_of_text(h, c.detail);
  }
  return h;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_entry_renders_the_line_the_history_always_wrote) {
  for (const Case& c : every_shape()) {
    const HistoryEntry entry{1500ms, c.what};
    BOOST_TEST(std::string(spelling_of(entry.kind())) == c.kind);
    BOOST_TEST(entry.subject_text() == c.subject);
    BOOST_TEST(entry.detail_text() == c.detail);
    BOOST_TEST(History::format(entry) == "1.500000s " + c.kind + " " + c.subject + " " + c.detail);
  }
}

BOOST_AUTO_TEST_CASE(fingerprint_is_the_hash_of_the_rendered_text_kept_or_not) {
  std::vector<std::pair<Duration, Case>> entries;
  Duration at = 0ns;
  for (const Case& c : every_shape()) {
    at += 1234567ns;
    entries.push_back({at, c});
  }
  History kept(true);
  History counted(false);
  for (const auto& [when, c] : entries) {
    kept.record(when, c.what);
    counted.record(when, c.what);
  }
  BOOST_TEST(kept.fingerprint() == text_fingerprint(entries));
  BOOST_TEST(counted.fingerprint() == text_fingerprint(entries));
  BOOST_TEST(kept.size() == entries.size());
  BOOST_TEST(counted.size() == entries.size());
  BOOST_TEST(kept.entries().size() == entries.size());
  BOOST_TEST(counted.entries().empty());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const HistoryEntry& entry = kept.entries()[i];
    BOOST_TEST((entry.at == entries[i].first));
    BOOST_TEST(entry.what.index() == entries[i].second.what.index());
    BOOST_TEST(entry.detail_text() == entries[i].second.detail);
  }
}

BOOST_AUTO_TEST_CASE(an_empty_history_has_the_fnv_offset_as_its_fingerprint) {
  const History history;
  BOOST_TEST(history.fingerprint_hex() == "cbf29ce484222325");
  BOOST_TEST(history.size() == 0u);
}

BOOST_AUTO_TEST_CASE(entries_name_the_wallet_they_are_about) {
  const auto wallet_of = [](HistoryDetail what) {
    const HistoryEntry entry{0ns, std::move(what)};
    const std::string* wallet = entry.wallet();
    return wallet ? *wallet : std::string("(none)");
  };
  BOOST_TEST(wallet_of(StatusWritten{"bob", "alice", {}}) == "bob");
  BOOST_TEST(wallet_of(ReservationChanged{"bob", "relay-0", ReservationOutcome::reserved, 0, {}}) == "bob");
  BOOST_TEST(wallet_of(ConnectionOpened{"bob", 1, store::ConnectionType::direct, "alice", {}}) == "bob");
  BOOST_TEST(wallet_of(ConnectionClosed{"carol", 1, store::ConnectionType::direct, "alice", "x"}) == "carol");
  BOOST_TEST(wallet_of(ConnectionDropped{"bob", "alice", "x"}) == "bob");
  BOOST_TEST(wallet_of(MessageSkipped{"bob", "alice"}) == "bob");
  BOOST_TEST(wallet_of(StepRan{std::string("bob"), 0, "connect"}) == "(none)");
  BOOST_TEST(wallet_of(RelaySwitched{"bob", true, "x"}) == "(none)");
  BOOST_TEST(wallet_of(PartitionHealed{std::nullopt, "x"}) == "(none)");
}

BOOST_AUTO_TEST_CASE(kinds_and_reasons_spell_as_the_history_always_has) {
  BOOST_TEST(spelling_of(HistoryKind::connection_open) == "open");
  BOOST_TEST(spelling_of(ReservationOutcome::timed_out) == "failed (Connection timeout)");
  BOOST_TEST(spelling_of(static_cast<HistoryKind>(99)) == "?");
}
