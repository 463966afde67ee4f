// The decoders of a JavaScript store's report lines (sim/js/store_reports.*): well-formed
// lines decode field by field; missing, mistyped and unknown values take the documented
// fallbacks instead of throwing (a store's report must never take the run down).
#define BOOST_TEST_MODULE sim_store_reports
#include <boost/test/unit_test.hpp>

#include "sim/js/store_reports.hpp"
#include "tests/support/store_harness.hpp"  // Boost.Test printing of the store's types

using namespace connsim;
using namespace connsim::sim::js;
using nlohmann::json;

BOOST_AUTO_TEST_CASE(text_reads_strings_only) {
  const json line{{"peer", "12D3KooA"}, {"attempt", 3}, {"none", nullptr}};
  BOOST_TEST(text(line, "peer") == "12D3KooA");
  BOOST_TEST(text(line, "attempt") == "");
  BOOST_TEST(!optional_text(line, "attempt").has_value());
  BOOST_TEST(!optional_text(line, "none").has_value());
  BOOST_TEST(!optional_text(line, "missing").has_value());
  BOOST_TEST(!optional_text(json::array(), "peer").has_value());
}

BOOST_AUTO_TEST_CASE(connect_result_decodes_fields_and_refuses_non_objects) {
  const auto ok = connect_result(json{{"success", true}, {"connection_type", "relay"}});
  BOOST_TEST(ok.success);
  BOOST_TEST(ok.connection_type == store::ConnectionType::relay);
  BOOST_TEST(!ok.error.has_value());

  const auto failed = connect_result(json{{"success", false}, {"connection_type", "teleport"}, {"error", "Dial timeout"}});
  BOOST_TEST(!failed.success);
  BOOST_TEST(failed.connection_type == store::ConnectionType::none);
  BOOST_TEST(failed.error.value_or("") == "Dial timeout");

  const auto none = connect_result(json());
  BOOST_TEST(!none.success);
  BOOST_TEST(none.error.value_or("") == "the JavaScript store returned no result");
}

BOOST_AUTO_TEST_CASE(finished_connect_prefers_result_then_the_thrown_text) {
  const auto returned = finished_connect_result(json{{"result", {{"success", true}, {"connection_type", "webrtc"}}}});
  BOOST_TEST(returned.success);
  BOOST_TEST(returned.connection_type == store::ConnectionType::webrtc);

  const auto threw = finished_connect_result(json{{"threw", "TypeError: x is undefined"}});
  BOOST_TEST(!threw.success);
  BOOST_TEST(threw.connection_type == store::ConnectionType::none);
  BOOST_TEST(threw.error.value_or("") == "TypeError: x is undefined");
}

BOOST_AUTO_TEST_CASE(peer_status_falls_back_to_disconnected) {
  const auto connected = peer_status(json{{"status", "connected"}, {"connection_type", "relay"}});
  BOOST_TEST(connected.status == store::ConnectionStatus::connected);
  BOOST_TEST(connected.connection_type.value_or(store::ConnectionType::none) == store::ConnectionType::relay);

  const auto unknown = peer_status(json{{"status", "dancing"}, {"error", "boom"}});
  BOOST_TEST(unknown.status == store::ConnectionStatus::disconnected);
  BOOST_TEST(!unknown.connection_type.has_value());
  BOOST_TEST(unknown.error.value_or("") == "boom");

  BOOST_TEST(peer_status(json("connected")) == store::PeerConnectionStatus{});
}

BOOST_AUTO_TEST_CASE(activity_event_carries_id_and_stamp) {
  const auto event = activity_event(json{{"type", "peer_connected"}, {"peer", "p"}, {"message", "Connected to p"}}, 7, 1500);
  BOOST_TEST(event.id == 7u);
  BOOST_TEST(event.type == "peer_connected");
  BOOST_TEST(event.peer_id == "p");
  BOOST_TEST(event.message == "Connected to p");
  BOOST_TEST(event.timestamp == 1500);
}

BOOST_AUTO_TEST_CASE(session_state_reads_every_spelling_and_falls_back_to_failed) {
  for (auto state : {store::SessionState::proposed, store::SessionState::collecting_nonces, store::SessionState::signing,
                     store::SessionState::completed, store::SessionState::failed}) {
    BOOST_TEST(session_state(json{{"state", std::string(store::to_string(state))}}) == state);
  }
  BOOST_TEST(session_state(json{{"state", "signed"}}) == store::SessionState::failed);
  BOOST_TEST(session_state(json::object()) == store::SessionState::failed);
}
