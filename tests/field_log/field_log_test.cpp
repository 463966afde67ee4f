// scenarios/field_log/field_log.hpp: connsim-log/1 files decode into a FieldLog and write back
// equal; bad ones are refused with file, line, column and JSON pointer, every error at once.
#define BOOST_TEST_MODULE field_log
#include <boost/test/unit_test.hpp>

#include "scenarios/field_log/field_log.hpp"

using namespace connsim::scenarios;
using namespace connsim::scenarios::field_log;

namespace {

const char* const kGood = R"({
  "format": "connsim-log/1",
  "wallet": {"peer_id": "12D3KooWBob", "name": "bob"},
  "clock": {"unit": "ms", "started_at": 1764770000000},
  "peers": [{"peer_id": "alice", "nickname": "Alice"}, {"peer_id": "carol"}],
  "entries": [
    {"t": 0, "kind": "status", "peer": "alice", "status": "connecting"},
    {"t": 0, "kind": "activity", "type": "info", "message": "Connecting to Alice..."},
    {"t": 720, "kind": "libp2p", "event": "peer:connect", "peer": "alice", "connection_type": "webrtc"},
    {"t": 720, "kind": "status", "peer": "alice", "status": "connected", "connection_type": "webrtc"},
    {"t": 720, "kind": "connect", "peer": "alice", "success": true, "connection_type": "webrtc"},
    {"t": 900, "kind": "connect", "peer": "carol", "success": false, "connection_type": "none", "error": "All connection methods failed"},
    {"t": 1000, "kind": "session", "session_id": "pending-1000", "state": "failed", "failure": "Nonce timeout"}
  ]
})";

/// Every error of `text`, one per line, as `connsim` prints them.
std::string errors_of(const std::string& text) {
  const FieldLogLoadResult result = load_field_log_text(text, "log.json");
  BOOST_REQUIRE(!result.ok());
  std::string out;
  for (const auto& error : result.errors()) out += error.to_string() + "\n";
  return out;
}

std::string with_entry(const std::string& entry) {
  return R"({"format": "connsim-log/1", "wallet": {"peer_id": "bob"}, "clock": {"unit": "ms"},
  "entries": [)" + entry + "]}";
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_full_log_decodes) {
  const FieldLogLoadResult result = load_field_log_text(kGood, "log.json");
  BOOST_REQUIRE(result.ok());
  const FieldLog& log = result.log();
  BOOST_TEST(log.peer_id == "12D3KooWBob");
  BOOST_TEST(*log.name == "bob");
  BOOST_TEST(log.started_at == 1764770000000);
  BOOST_REQUIRE(log.peers.size() == 2u);
  BOOST_TEST(*log.peers[0].nickname == "Alice");
  BOOST_TEST(!log.peers[1].nickname.has_value());
  BOOST_REQUIRE(log.entries.size() == 7u);
  BOOST_TEST(log.entries[0].status == "connecting");
  BOOST_TEST(!log.entries[0].connection_type.has_value());
  BOOST_TEST((log.entries[2].kind == EntryKind::libp2p));
  BOOST_TEST(log.entries[2].event == "peer:connect");
  BOOST_TEST(log.entries[4].success);
  BOOST_TEST(*log.entries[5].error == "All connection methods failed");
  BOOST_TEST(*log.entries[6].failure == "Nonce timeout");
}

BOOST_AUTO_TEST_CASE(a_written_log_reads_back_equal) {
  const FieldLogLoadResult first = load_field_log_text(kGood, "log.json");
  BOOST_REQUIRE(first.ok());
  const std::string written = to_json(first.log()).dump(2);
  const FieldLogLoadResult again = load_field_log_text(written, "again.json");
  BOOST_REQUIRE(again.ok());
  BOOST_TEST((again.log() == first.log()));
  BOOST_TEST(written.find("\"format\": \"connsim-log/1\"") < written.find("\"wallet\""));
}

BOOST_AUTO_TEST_CASE(the_format_is_checked_first_and_alone) {
  BOOST_TEST(errors_of(R"({"format": "connsim-log/2", "entries": 5})") ==
             "log.json:1:12: /format: unsupported format \"connsim-log/2\"; expected \"connsim-log/1\"\n");
  BOOST_TEST(errors_of(R"({"wallet": {}})") == "log.json:1:1: missing required key \"format\" (\"connsim-log/1\")\n");
  BOOST_TEST(errors_of("[1]").find("log.json:1:1: expected a field log") == 0u);
  BOOST_TEST(errors_of("{\"format\": ").find("log.json:1:") == 0u);
}

BOOST_AUTO_TEST_CASE(missing_header_parts_are_each_reported) {
  const std::string errors = errors_of(R"({"format": "connsim-log/1",
 "extra": 1})");
  BOOST_TEST(errors.find("log.json:2:2: /extra: unknown key \"extra\"; expected one of: format, wallet, clock, peers, entries") !=
             std::string::npos);
  BOOST_TEST(errors.find("missing required key \"wallet\"") != std::string::npos);
  BOOST_TEST(errors.find("missing required key \"clock\"") != std::string::npos);
  BOOST_TEST(errors.find("missing required key \"entries\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_header_values_are_located) {
  const std::string errors = errors_of(R"({"format": "connsim-log/1",
 "wallet": {"peer_id": ""},
 "clock": {"unit": "s", "started_at": -1},
 "peers": [{"peer_id": "a"}, {"peer_id": "a"}],
 "entries": []})");
  BOOST_TEST(errors.find("log.json:2:24: /wallet/peer_id: an id must not be empty") != std::string::npos);
  BOOST_TEST(errors.find("log.json:3:20: /clock/unit: expected \"ms\", got \"s\"") != std::string::npos);
  BOOST_TEST(errors.find("log.json:3:39: /clock/started_at: must be at least 0, got -1") != std::string::npos);
  BOOST_TEST(errors.find("log.json:4:42: /peers/1/peer_id: peer \"a\" is listed twice") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(entries_are_checked_by_kind) {
  BOOST_TEST(errors_of(with_entry(R"({"t": 1, "kind": "status", "peer": "a", "status": "connecting", "message": "x"})"))
                 .find("/entries/0/message: unknown key \"message\"; expected one of: t, kind, peer, status, "
                       "connection_type, error") != std::string::npos);
  BOOST_TEST(errors_of(with_entry(R"({"t": 1, "kind": "status", "peer": "a", "status": "connected", "connection_type": "none"})"))
                 .find("/entries/0/connection_type: expected \"webrtc\", \"relay\", or \"direct\", got \"none\"") !=
             std::string::npos);
  BOOST_TEST(errors_of(with_entry(R"({"t": 1, "kind": "connect", "peer": "a", "success": "yes", "connection_type": "relay"})"))
                 .find("/entries/0/success: expected true or false, got \"yes\"") != std::string::npos);
  BOOST_TEST(errors_of(with_entry(R"({"t": 1, "kind": "connect", "peer": "a", "success": true})"))
                 .find("/entries/0: missing required key \"connection_type\"") != std::string::npos);
  BOOST_TEST(errors_of(with_entry(R"({"t": 1, "kind": "session", "session_id": "s", "state": "done"})"))
                 .find("/entries/0/state: expected \"proposed\"") != std::string::npos);
  BOOST_TEST(errors_of(with_entry(R"({"t": 1, "kind": "libp2p", "event": "peer:discovery", "peer": "a"})"))
                 .find("/entries/0/event: expected \"peer:connect\" or \"peer:disconnect\"") != std::string::npos);
  BOOST_TEST(errors_of(with_entry(R"({"t": 1, "kind": "gossip"})"))
                 .find("/entries/0/kind: expected \"status\", \"activity\", \"connect\", \"session\", or \"libp2p\", "
                       "got \"gossip\"") != std::string::npos);
  BOOST_TEST(errors_of(with_entry(R"({"kind": "activity", "type": "info", "message": "m"})"))
                 .find("/entries/0: missing required key \"t\"") != std::string::npos);
  BOOST_TEST(errors_of(with_entry(R"({"t": 1.5, "kind": "activity", "type": "info", "message": "m"})"))
                 .find("/entries/0/t: expected an integer, got 1.5") != std::string::npos);
  BOOST_TEST(errors_of(with_entry(R"({"t": 1, "kind": "activity", "type": "", "message": "m"})"))
                 .find("/entries/0/type: must not be empty") != std::string::npos);
  BOOST_TEST(errors_of(with_entry(R"(7)")).find("/entries/0: expected an entry") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(time_never_goes_back) {
  const std::string errors = errors_of(with_entry(R"({"t": 500, "kind": "activity", "type": "info", "message": "a"},
    {"t": 499, "kind": "activity", "type": "info", "message": "b"})"));
  BOOST_TEST(errors == "log.json:3:11: /entries/1/t: time goes back: 499 ms after 500 ms (entries are in the order observed)\n");
}

BOOST_AUTO_TEST_CASE(an_unreadable_file_is_one_error) {
  const FieldLogLoadResult result = load_field_log_file("/nonexistent/log.json");
  BOOST_REQUIRE(!result.ok());
  BOOST_TEST(result.errors().front().to_string() == "/nonexistent/log.json:1:1: cannot read the file: No such file or directory");
}
