// live/store_host: the C++ store of a live wallet, driven over its line protocol as the wallet's
// Node process drives it (js/live/cpp_store.js), on a manual clock: calls go out for the node,
// their settlements resume the ladder, the getConnections mirror answers the "already
// connected" step, reports carry the clock's time; bad lines are protocol errors, bad options a
// store error at create. RunClock reads the run's wall-clock time from the start epoch on.
#define BOOST_TEST_MODULE live_store_host
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "live/store_host/run_clock.hpp"
#include "live/store_host/store_host.hpp"
#include "live/store_host/wire.hpp"
#include "tests/support/manual_clock.hpp"

using namespace connsim;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

const char* kCreate = R"({"op":"create","wallet":"alice","peer_id":"alice-id","seed":3,
  "options":{"retry":{"max_attempts":1},"mark_disconnected_on_close":true},
  "shared_wallets":[{"id":"vault","participants":[{"peer_id":"alice-id"},{"peer_id":"bob-id"}]}]})";

const char* kBobPresence = R"({"op":"event","kind":"presence","presence":{"id":"p1","peerId":"bob-id",
  "multiaddrs":[],"relayAddrs":["/ip4/198.18.1.1/tcp/4001/p2p/R/p2p-circuit/p2p/B"],
  "webrtcAddr":"/ip4/198.18.1.1/tcp/4001/p2p/R/p2p-circuit/webrtc/p2p/B","walletAddress":"lotus_bob",
  "nickname":"Bob","createdAt":0,"expiresAt":3600000}})";

/// The host on a manual clock, with every line it writes kept.
struct Fixture {
  boost::asio::io_context io;
  testing::ManualClock clock{io};
  std::vector<json> out;
  std::vector<double> starts;
  live::LiveStoreHost host{io.get_executor(), clock, [this](const json& line) { out.push_back(line); },
                           [this](double epoch) { starts.push_back(epoch); }};

  void send(const std::string& line) {
    host.handle_line(line);
    clock.run_until_idle();
  }
  std::vector<json> reports(const std::string& ev) const {
    std::vector<json> found;
    for (const auto& line : out) {
      if (line.value("ev", "") == ev) found.push_back(line);
    }
    return found;
  }
  std::vector<json> calls() const {
    std::vector<json> found;
    for (const auto& line : out) {
      if (line.contains("call")) found.push_back(line);
    }
    return found;
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(a_connect_dials_through_the_node_and_reads_its_connection) {
  Fixture f;
  f.send(kCreate);
  BOOST_TEST_REQUIRE(f.reports("created").size() == 1u);
  f.send(kBobPresence);
  f.clock.advance(2s);
  f.send(R"({"op":"action","id":7,"name":"connect","peer":"bob-id"})");
  auto calls = f.calls();
  BOOST_TEST_REQUIRE(calls.size() == 1u);
  BOOST_TEST(calls[0]["call"] == "dial");
  BOOST_TEST(calls[0]["addr"] == "/ip4/198.18.1.1/tcp/4001/p2p/R/p2p-circuit/webrtc/p2p/B");
  BOOST_TEST(f.reports("result").empty());
  // The node connected: the mirror first, then the settlement (cpp_store.js's order).
  f.clock.advance(500ms);
  f.send(R"({"op":"connections","types":{"bob-id":"webrtc"}})");
  BOOST_TEST((f.host.network()->existing_connection("bob-id") == store::ConnectionType::webrtc));
  f.send(R"({"op":"resolve","id":)" + calls[0]["id"].dump() + R"(,"ok":true})");
  const auto results = f.reports("result");
  BOOST_TEST_REQUIRE(results.size() == 1u);
  BOOST_TEST(results[0]["id"] == 7);
  BOOST_TEST(results[0]["wallet"] == "alice");
  BOOST_TEST(results[0]["value"] == json::parse(R"({"success":true,"connection_type":"webrtc"})"));
  BOOST_TEST(results[0]["t"] == std::chrono::nanoseconds(2500ms).count());
  const auto statuses = f.reports("status");
  BOOST_TEST_REQUIRE(statuses.size() == 2u);
  BOOST_TEST(statuses[0]["status"] == "connecting");
  BOOST_TEST(statuses[0]["t"] == std::chrono::nanoseconds(2s).count());
  BOOST_TEST(statuses[1]["status"] == "connected");
  BOOST_TEST(statuses[1]["connection_type"] == "webrtc");
  const auto attempts = f.reports("attempt");
  BOOST_TEST_REQUIRE(attempts.size() == 1u);
  BOOST_TEST(attempts[0]["started"] == std::chrono::nanoseconds(2s).count());
  BOOST_TEST(f.reports("connect_started").size() == 1u);
  BOOST_TEST(f.reports("connect_finished").size() == 1u);
  BOOST_TEST(f.reports("activity").back()["message"] == "Connected to Bob... via webrtc");
  // A getter answers at once from the store.
  f.send(R"({"op":"action","id":8,"name":"getter","getter":"peer_status","peer":"bob-id"})");
  BOOST_TEST(f.reports("result").back()["value"] ==
             json::parse(R"({"status":"connected","connection_type":"webrtc","error":null})"));
  f.send(R"({"op":"action","id":9,"name":"getter","getter":"connected_online_peer_count"})");
  BOOST_TEST(f.reports("result").back()["value"] == 1);
  f.send(R"({"op":"event","kind":"peer_disconnect","peer":"bob-id"})");
  f.send(R"({"op":"action","id":10,"name":"getter","getter":"is_peer_connected","peer":"bob-id"})");
  BOOST_TEST(f.reports("result").back()["value"] == false);  // peer:disconnect reached the store (mark_disconnected_on_close)
  BOOST_TEST(f.reports("error").empty());
  BOOST_TEST(f.host.network()->pending_calls() == 0u);
}

BOOST_AUTO_TEST_CASE(failed_dials_go_down_the_ladder_to_a_failed_result) {
  Fixture f;
  f.send(kCreate);
  f.send(kBobPresence);
  f.send(R"({"op":"action","id":1,"name":"connect","peer":"bob-id"})");
  std::vector<std::string> kinds;
  for (std::size_t settled = 0; f.reports("result").empty() && settled < 20; ++settled) {
    const auto calls = f.calls();
    BOOST_TEST_REQUIRE(calls.size() == settled + 1);
    kinds.push_back(calls.back()["call"].get<std::string>());
    f.send(R"({"op":"resolve","id":)" + calls.back()["id"].dump() + R"(,"ok":false,"error":"Connection timeout"})");
  }
  BOOST_TEST_REQUIRE(kinds.size() >= 3u);
  BOOST_TEST(kinds[0] == "dial");  // WebRTC
  BOOST_TEST(kinds[1] == "dial");  // the relay address
  BOOST_TEST((std::find(kinds.begin(), kinds.end(), "dial_via_relay") != kinds.end()));
  const json result = f.reports("result").at(0)["value"];
  BOOST_TEST(result["success"] == false);
  BOOST_TEST(result["connection_type"] == "none");
  BOOST_TEST(result.contains("error"));
  BOOST_TEST(f.reports("status").back()["status"] == "failed");
}

BOOST_AUTO_TEST_CASE(a_spend_sends_its_proposal_through_the_node) {
  Fixture f;
  f.send(kCreate);
  f.send(kBobPresence);
  f.send(R"({"op":"connections","types":{"bob-id":"webrtc"}})");
  f.send(R"({"op":"action","id":4,"name":"propose_spend","shared_wallet":"vault","recipient":"r","amount_sats":500})");
  const auto calls = f.calls();
  BOOST_TEST_REQUIRE(calls.size() == 1u);  // already connected: no dial, the proposal goes out
  BOOST_TEST(calls[0]["call"] == "send");
  BOOST_TEST(calls[0]["peer"] == "bob-id");
  BOOST_TEST(calls[0]["payload"].is_string());
  f.send(R"({"op":"resolve","id":)" + calls[0]["id"].dump() + R"(,"ok":true})");
  const auto results = f.reports("result");
  BOOST_TEST_REQUIRE(results.size() == 1u);
  BOOST_TEST(results[0]["value"]["success"] == true);
  BOOST_TEST(results[0]["value"]["session_id"].is_string());
  const auto sessions = f.reports("session");
  BOOST_TEST_REQUIRE(!sessions.empty());
  BOOST_TEST(sessions[0]["coordinator"] == true);
  BOOST_TEST(sessions[0]["session_id"] == results[0]["value"]["session_id"]);
}

BOOST_AUTO_TEST_CASE(bad_lines_are_protocol_errors_and_the_host_goes_on) {
  Fixture f;
  f.send(R"({"op":"event","kind":"presence"})");  // before create
  f.send("not json");
  f.send(kCreate);
  f.send(kCreate);
  f.send(R"({"op":"fly"})");
  f.send(R"({"op":"resolve","id":99,"ok":true})");
  f.send(R"({"op":"event","kind":"presence","presence":{"id":"x"}})");
  f.send(R"({"op":"event","kind":"peer_connect","peer":"b","connection_type":"carrier-pigeon"})");
  f.send(R"({"op":"connections","types":{"b":"smoke"}})");
  f.send(R"({"op":"start"})");
  f.send(R"({"op":"start","start_epoch_ms":1234.5})");
  const auto errors = f.reports("error");
  BOOST_TEST_REQUIRE(errors.size() == 9u);
  for (const auto& error : errors) BOOST_TEST(error["kind"] == "protocol");
  BOOST_TEST(errors[0]["message"].get<std::string>().find("before \"create\"") != std::string::npos);
  BOOST_TEST(errors[1]["message"].get<std::string>().find("not a JSON object") != std::string::npos);
  BOOST_TEST(errors[2]["message"].get<std::string>().find("second") != std::string::npos);
  BOOST_TEST(errors[4]["message"].get<std::string>().find("no pending call 99") != std::string::npos);
  BOOST_TEST(errors[5]["message"].get<std::string>().find("peerId") != std::string::npos);
  BOOST_TEST(f.starts == std::vector<double>{1234.5});
  // An unknown action or getter answers its id with a store error.
  f.send(R"({"op":"action","id":5,"name":"dance"})");
  f.send(R"({"op":"action","id":6,"name":"getter","getter":"mood"})");
  const auto after = f.reports("error");
  BOOST_TEST_REQUIRE(after.size() == 11u);
  BOOST_TEST(after[9]["id"] == 5);
  BOOST_TEST(after[9]["kind"] == "store");
  BOOST_TEST(after[10]["id"] == 6);
}

BOOST_AUTO_TEST_CASE(bad_store_options_fail_create) {
  Fixture f;
  f.send(R"({"op":"create","wallet":"alice","peer_id":"a","options":{"retry":{"max_attempts":0}}})");
  BOOST_TEST(!f.host.created());
  const auto errors = f.reports("error");
  BOOST_TEST_REQUIRE(errors.size() == 1u);
  BOOST_TEST(errors[0]["kind"] == "store");
  BOOST_TEST(errors[0]["where"] == "create");
  BOOST_TEST(errors[0]["message"].get<std::string>().find("max_attempts") != std::string::npos);
  f.send(R"({"op":"create","wallet":"alice","peer_id":"a","options":{"retyr":{}}})");
  BOOST_TEST(f.reports("error").back()["message"].get<std::string>().find("retyr") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_run_clock_reads_zero_until_the_start_then_the_time_since_it) {
  live::RunClock clock;
  BOOST_TEST(clock.now() == store::Duration::zero());
  BOOST_TEST(!clock.started());
  const double epoch_now_ms =
      std::chrono::duration<double, std::milli>(std::chrono::system_clock::now().time_since_epoch()).count();
  clock.start_at(epoch_now_ms - 5000);
  BOOST_TEST(clock.started());
  BOOST_TEST(clock.now() >= store::Duration(5s));
  BOOST_TEST(clock.now() < store::Duration(65s));  // generous: a loaded machine
  const store::Duration before = clock.now();
  clock.start_at(epoch_now_ms + 100000);  // only the first start counts
  BOOST_TEST(clock.now() >= before);
  live::RunClock future;
  future.start_at(epoch_now_ms + 3600000);  // t = 0 an hour from now: still 0, never negative
  BOOST_TEST(future.now() == store::Duration::zero());
}

BOOST_AUTO_TEST_CASE(presence_records_decode_or_say_what_is_wrong) {
  std::string error;
  auto p = live::wire::presence_from_json(json::parse(R"({"id":"p","peerId":"b","relayAddrs":["/r"],
    "webrtcAddr":null,"createdAt":5,"expiresAt":9})"), error);
  BOOST_TEST_REQUIRE(p.has_value());
  BOOST_TEST(p->relay_addrs == std::vector<std::string>{"/r"});
  BOOST_TEST(!p->webrtc_addr.has_value());
  BOOST_TEST(p->expires_at == 9);
  BOOST_TEST(!live::wire::presence_from_json(json::parse(R"({"id":"p","peerId":"b","multiaddrs":[1]})"), error));
  BOOST_TEST(error.find("multiaddrs") != std::string::npos);
  BOOST_TEST(!live::wire::presence_from_json(json::array(), error));
}
