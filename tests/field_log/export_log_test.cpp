// scenarios/field_log/export_log.hpp: a run's field log for one wallet, from the typed history:
// the wallet's own status writes, activity events, connect results and sessions, at whole
// milliseconds, and the peers it named with their nicknames.
#define BOOST_TEST_MODULE field_log_export
#include "scenarios/field_log/export_log.hpp"

#include <boost/test/unit_test.hpp>
#include <string>

#include "scenarios/loader.hpp"

using namespace connsim::scenarios;
using namespace connsim::scenarios::field_log;

namespace {

const char* const kRelayFallback = R"({
  "format": "connsim/1", "name": "relay-fallback",
  "network": {"latency": "40ms", "relays": [{"id": "relay-1"}]},
  "wallets": [{"id": "alice", "nat": "symmetric", "peer_id": "12D3KooWAlice"},
              {"id": "bob", "nat": "symmetric", "nickname": "Bob"}],
  "timeline": [{"at": "5s", "do": "connect", "wallet": "alice", "peer": "bob", "id": "c1"}]
})";

/// Runs kRelayFallback and exports `wallet`'s field log from its history.
FieldLog relay_fallback_log_of(const std::string& wallet) {
  const LoadResult loaded = load_scenario_text(kRelayFallback, "relay-fallback.json");
  BOOST_REQUIRE(loaded.ok());
  const RunReport report = run_scenario(loaded.scenario());
  return export_from_history(loaded.scenario(), report, wallet);
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_dialer_logs_its_connect) {
  const FieldLog log = relay_fallback_log_of("alice");
  BOOST_TEST(log.peer_id == "12D3KooWAlice");
  BOOST_TEST(*log.name == "alice");
  BOOST_TEST(log.started_at == 0);
  BOOST_REQUIRE(log.peers.size() == 1u);
  BOOST_TEST(log.peers[0].peer_id == "bob");
  BOOST_TEST(*log.peers[0].nickname == "Bob");
  BOOST_REQUIRE(log.entries.size() == 5u);
  BOOST_TEST(log.entries[0].t_ms == 5000);
  BOOST_TEST(log.entries[0].status == "connecting");
  BOOST_TEST(log.entries[1].message == "Connecting to Bob...");
  BOOST_TEST(log.entries[2].t_ms == 11000);
  BOOST_TEST(log.entries[2].status == "connected");
  BOOST_TEST(*log.entries[2].connection_type == "relay");
  BOOST_TEST(log.entries[3].message == "Connected to Bob... via relay");
  BOOST_TEST((log.entries[4].kind == EntryKind::connect));
  BOOST_TEST(log.entries[4].success);
  BOOST_TEST(*log.entries[4].connection_type == "relay");
  // What the log writes, the decoder reads back equal.
  const FieldLogLoadResult again = load_field_log_text(to_json(log).dump(), "alice.json");
  BOOST_REQUIRE(again.ok());
  BOOST_TEST((again.log() == log));
}

BOOST_AUTO_TEST_CASE(the_listener_logs_only_its_own_acts) {
  const FieldLog log = relay_fallback_log_of("bob");
  BOOST_TEST(log.peer_id == "bob");
  for (const LogEntry& entry : log.entries) BOOST_TEST((entry.kind != EntryKind::connect));
}
