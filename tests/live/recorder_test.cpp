// live/recorder: the conductor's report lines become the records, step outcomes and getter
// values the checkers read; malformed lines are ignored, store errors and fatal setups kept.
#define BOOST_TEST_MODULE live_recorder
#include <boost/test/unit_test.hpp>

#include <string>

#include "live/recorder.hpp"
#include "scenarios/loader.hpp"
#include "tests/support/scenario_text.hpp"

using namespace connsim;
using nlohmann::json;

namespace {

using test_support::load_valid_scenario;

const std::string kScenario = R"({"format": "connsim/1", "name": "rec", "until": "30s",
  "network": {"relays": [{"id": "r"}]},
  "wallets": [{"id": "alice"}, {"id": "bob"}],
  "shared_wallets": [{"id": "vault", "participants": ["alice", "bob"]}],
  "timeline": [
    {"at": "1s", "id": "c", "do": "connect", "wallet": "bob", "peer": "alice"},
    {"at": "2s", "id": "m", "do": "connect_many", "wallet": "bob", "peers": ["alice"]},
    {"at": "3s", "id": "s", "do": "propose_spend", "wallet": "alice", "shared_wallet": "vault"},
    {"at": "4s", "id": "r", "do": "connect", "wallet": "alice", "peer": "bob"}
  ],
  "expect": [{"getter": "peer_status", "wallet": "bob", "peer": "alice", "equals": "connected"},
             {"getter": "connected_online_peer_count", "wallet": "alice", "equals": 1}]})";

void feed(live::LiveRecorder& recorder, const char* text) { recorder.consume(json::parse(text)); }

}  // namespace

BOOST_AUTO_TEST_CASE(a_connect_becomes_records_and_a_step_outcome) {
  const auto scenario = load_valid_scenario(kScenario);
  live::LiveRecorder recorder(scenario);
  feed(recorder, R"({"ev":"step","step":0,"run":1,"t":1000000000})");
  feed(recorder, R"({"ev":"connect_started","wallet":"bob","peer":"alice","t":1000100000})");
  feed(recorder, R"({"ev":"status","wallet":"bob","peer":"alice","status":"connecting","connection_type":null,"error":null,"t":1000200000})");
  feed(recorder, R"({"ev":"activity","wallet":"bob","type":"info","peer":"alice","message":"Connecting to alice...","t":1000300000})");
  feed(recorder, R"({"ev":"attempt","wallet":"bob","peer":"alice","attempt":1,"started":1000250000,"result":{"success":true,"connection_type":"webrtc"},"t":1400000000})");
  feed(recorder, R"({"ev":"status","wallet":"bob","peer":"alice","status":"connected","connection_type":"webrtc","error":null,"t":1400100000})");
  feed(recorder, R"({"ev":"connect_finished","wallet":"bob","peer":"alice","result":{"success":true,"connection_type":"webrtc"},"t":1400200000})");
  feed(recorder, R"({"ev":"result","step":0,"run":1,"wallet":"bob","value":{"success":true,"connection_type":"webrtc"},"t":1400300000})");
  const auto& bob = recorder.records()[1];
  BOOST_TEST_REQUIRE(bob.statuses.size() == 2u);
  BOOST_TEST((bob.statuses[1].status.status == store::ConnectionStatus::connected));
  BOOST_TEST((bob.statuses[1].status.connection_type == store::ConnectionType::webrtc));
  BOOST_TEST(bob.statuses[1].at.count() == 1400100000);
  BOOST_TEST_REQUIRE(bob.events.size() == 1u);
  BOOST_TEST(bob.events[0].event.message == "Connecting to alice...");
  BOOST_TEST(bob.events[0].event.timestamp == 1000);
  BOOST_TEST_REQUIRE(bob.attempts.size() == 1u);
  BOOST_TEST(bob.attempts[0].started.count() == 1000250000);
  BOOST_TEST_REQUIRE(bob.connects.size() == 1u);
  BOOST_TEST(bob.connects[0].started.count() == 1000100000);
  BOOST_TEST(bob.connects[0].attempts == 1);
  BOOST_TEST(bob.connects[0].result.success);
  BOOST_TEST(recorder.records()[0].statuses.empty());
  const auto& step = recorder.steps()[0];
  BOOST_TEST(step.finished);
  BOOST_TEST(step.runs == 1u);
  const auto* value = std::get_if<store::ConnectResult>(&step.value);
  BOOST_TEST_REQUIRE(value != nullptr);
  BOOST_TEST((value->connection_type == store::ConnectionType::webrtc));
}

BOOST_AUTO_TEST_CASE(connect_many_spend_abandoned_and_errors) {
  const auto scenario = load_valid_scenario(kScenario);
  live::LiveRecorder recorder(scenario);
  feed(recorder, R"({"ev":"step","step":1,"run":1,"t":2000000000})");
  feed(recorder, R"({"ev":"result","step":1,"run":1,"value":[["alice",{"success":false,"connection_type":"none","error":"All connection methods failed"}]],"t":2500000000})");
  const auto* many = std::get_if<store::ResultMap<store::ConnectResult>>(&recorder.steps()[1].value);
  BOOST_TEST_REQUIRE(many != nullptr);
  BOOST_TEST(many->size() == 1u);

  feed(recorder, R"({"ev":"step","step":2,"run":1,"t":3000000000})");
  feed(recorder, R"({"ev":"session","wallet":"alice","session_id":"pending-3000","state":"proposed","failure":null,"coordinator":true,"generation":1,"t":3000100000})");
  feed(recorder, R"({"ev":"session","wallet":"alice","session_id":"pending-3000","state":"completed","failure":null,"coordinator":true,"generation":1,"t":3300000000})");
  feed(recorder, R"({"ev":"result","step":2,"run":1,"value":{"success":true,"session_id":"pending-3000","error":null},"t":3000200000})");
  const auto& spend = recorder.steps()[2];
  BOOST_TEST_REQUIRE(spend.spends.size() == 1u);
  BOOST_TEST(spend.spends[0].generation == 1u);
  BOOST_TEST(recorder.records()[0].sessions.size() == 2u);

  feed(recorder, R"({"ev":"step","step":3,"run":1,"t":4000000000})");
  feed(recorder, R"({"ev":"abandoned","step":3,"run":1,"t":4100000000})");
  BOOST_TEST(recorder.steps()[3].abandoned);
  BOOST_TEST(!recorder.steps()[3].finished);

  feed(recorder, R"({"ev":"step_error","step":1,"run":2,"message":"stale run","t":5000000000})");  // another run: ignored
  BOOST_TEST(!recorder.steps()[1].exception.has_value());
  feed(recorder, R"({"ev":"error","kind":"store","wallet":"bob","where":"event presence","message":"boom","t":6000000000})");
  BOOST_TEST_REQUIRE(recorder.store_error().has_value());
  BOOST_TEST(recorder.store_error()->find("boom") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(getters_end_and_bad_lines) {
  const auto scenario = load_valid_scenario(kScenario);
  live::LiveRecorder recorder(scenario);
  feed(recorder, R"({"ev":"getter","expectation":0,"value":{"status":"connected","connection_type":"relay","error":null},"t":7000000000})");
  feed(recorder, R"({"ev":"getter","expectation":1,"value":1,"t":7000000000})");
  feed(recorder, R"({"ev":"getter","expectation":9,"value":1,"t":7000000000})");  // no such expectation
  BOOST_TEST_REQUIRE(recorder.getters()[0].has_value());
  const auto* status = std::get_if<store::PeerConnectionStatus>(&recorder.getters()[0]->value);
  BOOST_TEST_REQUIRE(status != nullptr);
  BOOST_TEST((status->connection_type == store::ConnectionType::relay));
  BOOST_TEST(std::get<std::uint64_t>(recorder.getters()[1]->value) == 1u);
  recorder.consume(json("not an object"));
  feed(recorder, R"({"ev":"status","wallet":"nobody","peer":"x","status":"connected","t":1})");
  feed(recorder, R"({"ev":"step","step":99,"run":1,"t":1})");
  feed(recorder, R"({"ev":"notice","message":"set_network ignored","t":8000000000})");
  BOOST_TEST(recorder.notices().size() == 1u);
  BOOST_TEST(!recorder.finished());
  feed(recorder, R"({"ev":"end","t":9000000000})");
  feed(recorder, R"({"ev":"done","t":9100000000})");
  BOOST_TEST(recorder.finished());
  BOOST_TEST(recorder.end().count() == 9000000000);
  feed(recorder, R"({"ev":"fatal","kind":"setup","message":"ip netns add failed"})");
  BOOST_TEST(recorder.fatal().value_or("") == "ip netns add failed");
}

BOOST_AUTO_TEST_CASE(an_aborted_run_and_a_cpp_store_error) {
  const auto scenario = load_valid_scenario(kScenario);
  live::LiveRecorder recorder(scenario);
  BOOST_TEST(!recorder.aborted().has_value());
  feed(recorder, R"({"ev":"error","kind":"store","store":"cpp","wallet":"bob","where":"event presence","message":"bad","t":5})");
  BOOST_TEST_REQUIRE(recorder.store_error().has_value());
  BOOST_TEST(recorder.store_error()->find("the C++ store of bob threw (event presence): bad") != std::string::npos);
  feed(recorder, R"x({"ev":"aborted","message":"wallet-bob exited unexpectedly (SIGKILL)","t":7})x");
  feed(recorder, R"({"ev":"aborted","message":"a second one","t":8})");
  BOOST_TEST(recorder.aborted().value_or("") == "wallet-bob exited unexpectedly (SIGKILL)");
  BOOST_TEST(recorder.notices().back().find("run aborted: a second one") != std::string::npos);
}
