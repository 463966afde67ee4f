// The store's vocabulary: the seed's spellings, `<name>` of the activity messages, JS Map order.
#define BOOST_TEST_MODULE store_types
#include "store/types.hpp"

#include <boost/test/unit_test.hpp>

#include "store/connect_concurrency.hpp"
#include "store/connection_service.hpp"
#include "store/musig2_store.hpp"
#include "store/p2p_store.hpp"
#include "store/result_map.hpp"
#include "tests/support/store_harness.hpp"

using namespace connsim::store;
using connsim::testing::presence_of;

BOOST_AUTO_TEST_CASE(status_and_type_use_the_seed_spelling_and_round_trip) {
  BOOST_TEST(to_string(ConnectionStatus::disconnected) == "disconnected");
  BOOST_TEST(to_string(ConnectionStatus::connecting) == "connecting");
  BOOST_TEST(to_string(ConnectionStatus::connected) == "connected");
  BOOST_TEST(to_string(ConnectionStatus::failed) == "failed");
  BOOST_TEST(to_string(ConnectionType::webrtc) == "webrtc");
  BOOST_TEST(to_string(ConnectionType::relay) == "relay");
  BOOST_TEST(to_string(ConnectionType::direct) == "direct");
  BOOST_TEST(to_string(ConnectionType::none) == "none");
  for (auto s : {ConnectionStatus::disconnected, ConnectionStatus::connecting,
                 ConnectionStatus::connected, ConnectionStatus::failed}) {
    BOOST_TEST((parse_connection_status(to_string(s)) == std::optional<ConnectionStatus>(s)));
  }
  for (auto t : {ConnectionType::webrtc, ConnectionType::relay, ConnectionType::direct,
                 ConnectionType::none}) {
    BOOST_TEST((parse_connection_type(to_string(t)) == std::optional<ConnectionType>(t)));
  }
}

BOOST_AUTO_TEST_CASE(parsers_reject_anything_but_the_exact_spelling) {
  BOOST_TEST(!parse_connection_status("Connected").has_value());
  BOOST_TEST(!parse_connection_status("").has_value());
  BOOST_TEST(!parse_connection_type("WebRTC").has_value());
  BOOST_TEST(!parse_connection_type("relay ").has_value());
  BOOST_TEST(!parse_concurrency_mode("Batch").has_value());
  BOOST_TEST(!parse_presence_update("merge").has_value());
  BOOST_TEST((parse_concurrency_mode("window") == std::optional(ConcurrencyMode::window)));
  BOOST_TEST((parse_concurrency_mode("batch") == std::optional(ConcurrencyMode::batch)));
  for (auto u :
       {PresenceUpdate::replace, PresenceUpdate::merge_reset, PresenceUpdate::merge_keep}) {
    BOOST_TEST((parse_presence_update(to_string(u)) == std::optional(u)));
  }
  BOOST_TEST(to_string(PresenceUpdate::merge_reset) == "merge-reset");
}

BOOST_AUTO_TEST_CASE(display_name_is_the_nickname_or_the_first_12_characters_of_the_peer_id) {
  BOOST_TEST(display_name(*presence_of("12D3KooWAliceAAAA", "Alice")) == "Alice");
  BOOST_TEST(display_name(*presence_of("12D3KooWAliceAAAA")) == "12D3KooWAlic");
  // `presence.nickname || ...`: an empty nickname is falsy in JavaScript.
  BOOST_TEST(display_name(*presence_of("12D3KooWAliceAAAA", "")) == "12D3KooWAlic");
  // slice(0, 12) of a shorter id is the whole id.
  BOOST_TEST(display_name(*presence_of("QmShort")) == "QmShort");
  BOOST_TEST(js_slice12("") == "");
  BOOST_TEST(js_slice12("123456789012345") == "123456789012");
  BOOST_TEST(js_slice12("123456789012") == "123456789012");
}

BOOST_AUTO_TEST_CASE(result_map_iterates_in_insertion_order_and_replaces_in_place) {
  ResultMap<int> map;
  map.set("b", 1);
  map.set("a", 2);
  map.set("c", 3);
  map.set("b", 4);  // JS Map.set on an existing key keeps its position
  std::vector<std::string> keys;
  std::vector<int> values;
  for (const auto& [key, value] : map) {
    keys.push_back(key);
    values.push_back(value);
  }
  BOOST_TEST(keys == (std::vector<std::string>{"b", "a", "c"}), boost::test_tools::per_element());
  BOOST_TEST(values == (std::vector<int>{4, 2, 3}), boost::test_tools::per_element());
  BOOST_TEST(map.size() == 3u);
  BOOST_REQUIRE(map.get("a") != nullptr);
  BOOST_TEST(*map.get("a") == 2);
  BOOST_TEST(map.get("z") == nullptr);
}

BOOST_AUTO_TEST_CASE(multiaddr_classification_used_by_the_ladder) {
  BOOST_TEST(is_circuit_address("/ip4/1.2.3.4/tcp/1/p2p/R/p2p-circuit/p2p/P"));
  BOOST_TEST(!is_circuit_address("/ip4/1.2.3.4/tcp/1/p2p/P"));
  BOOST_TEST(is_webrtc_address("/ip4/1.2.3.4/tcp/1/p2p/R/p2p-circuit/webrtc/p2p/P"));
  BOOST_TEST(!is_webrtc_address("/ip4/1.2.3.4/udp/1/quic-v1/p2p/P"));
}

BOOST_AUTO_TEST_CASE(contract_error_strings_are_exact) {
  BOOST_TEST(kAllMethodsFailed == "All connection methods failed");
  BOOST_TEST(kMaxRetriesExceeded == "Max retries exceeded");
  BOOST_TEST(kPeerNotFound == "Peer not found in online peers");
  BOOST_TEST(kUnknownError == "Unknown error");
  BOOST_TEST(kSharedWalletNotFound == "Shared wallet not found");
  BOOST_TEST(kConnectionFailed == "Connection failed");
  BOOST_TEST(kConnectivityTimedOut == "Connectivity check timed out");
  BOOST_TEST(kPeerExchangeTopic == "lotus/peers");
}

BOOST_AUTO_TEST_CASE(store_defaults_are_the_seed_production_values) {
  const P2PStoreOptions options;
  BOOST_TEST(options.concurrency.mode == ConcurrencyMode::batch);
  BOOST_TEST(options.concurrency.limit == 3);
  BOOST_TEST(options.activity_feed_limit == 50u);
  BOOST_TEST(options.presence_update == PresenceUpdate::replace);
  BOOST_TEST(!options.mark_disconnected_on_close);
  BOOST_TEST(!options.dedupe_concurrent_connects);
  BOOST_TEST(options.retry.kind == RetryKind::exponential);
  BOOST_TEST(options.retry.max_attempts == 3);
  BOOST_TEST((options.retry.base_delay == std::chrono::milliseconds(1000)));
  const ConnectionServiceOptions service;
  BOOST_TEST(service.direct_step_filter == DirectStepFilter::shipped_inverted);
  BOOST_TEST(service.peer_exchange_reader == PeerExchangeReader::shipped_mismatched);
  BOOST_TEST((service.peer_exchange_cache_ttl == std::chrono::minutes(5)));
  const Musig2StoreOptions musig2;
  BOOST_TEST((musig2.connectivity_timeout == Duration::zero()));
  BOOST_TEST(!musig2.allow_partial_connectivity);
  BOOST_TEST(!musig2.unique_session_ids);
  BOOST_TEST(!musig2.cancel_on_timeout);
  BOOST_TEST((musig2.nonce_timeout == std::chrono::seconds(60)));
  BOOST_TEST((musig2.partial_sig_timeout == std::chrono::seconds(60)));
  BOOST_TEST((musig2.session_timeout == std::chrono::minutes(5)));
}
