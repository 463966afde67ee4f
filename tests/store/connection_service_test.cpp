// ConnectionService: the ladder (one attempt) and the retry loop beneath the store.
#define BOOST_TEST_MODULE store_connection_service
#include "store/connection_service.hpp"

#include "tests/support/store_test_prelude.hpp"

namespace {

ConnectionServiceOptions fixed_service() {
  ConnectionServiceOptions options;
  options.direct_step_filter = DirectStepFilter::fixed;
  options.peer_exchange_reader = PeerExchangeReader::fixed;
  return options;
}

/// When each dial of Alice's relay address started, in whole ms.
Millis alice_relay_dial_starts(const StoreHarness& h) {
  return to_ms(h.net.dial_start_times(relay_addr(kAlice)));
}

/// The bootstrap node's peer-exchange message, in the shape it really sends.
nlohmann::json bootstrap_peer_exchange(const PeerId& peer, std::vector<Multiaddr> addrs) {
  return {{"type", "peer-exchange"},
          {"bootstrapPeerId", "12D3KooWBootstrapNode"},
          {"peers", nlohmann::json::array({{{"peerId", peer}, {"multiaddrs", addrs}}})},
          {"timestamp", 2000}};
}

/// Alice with every kind of address: WebRTC, two relay circuits, and three multiaddrs (one
/// plain, one circuit, one WebRTC).
std::shared_ptr<PresenceAdvertisement> alice_everywhere() {
  auto p = presence_of(kAlice, "Alice");
  p->webrtc_addr = webrtc_addr(kAlice);
  p->relay_addrs = {relay_addr(kAlice, 1), relay_addr(kAlice, 2)};
  p->multiaddrs = {plain_addr(kAlice), relay_addr(kAlice, 3), relay_addr(kAlice, 5) + "/webrtc"};
  return p;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ladder)

BOOST_AUTO_TEST_CASE(an_existing_connection_short_circuits_the_ladder_with_its_own_type) {
  StoreHarness h;
  h.net.set_existing_connection(kAlice, ConnectionType::relay);
  const auto result = h.run(h.service.connect_to_discovered_peer(alice_everywhere()));
  BOOST_TEST(result == (ConnectResult{true, ConnectionType::relay, std::nullopt}));
  BOOST_TEST(h.net.dials().empty());
  BOOST_TEST(h.service.attempts_started() == 1u);
}

BOOST_AUTO_TEST_CASE(webrtc_is_tried_first_and_labels_the_connection_webrtc) {
  StoreHarness h;
  h.net.script_dial(webrtc_addr(kAlice), Scripted::ok());
  h.net.set_default_dial(Scripted::ok());  // everything would work: webrtc must still win
  const auto result = h.run(h.service.connect_to_discovered_peer(alice_everywhere()));
  BOOST_TEST(result == (ConnectResult{true, ConnectionType::webrtc, std::nullopt}));
  BOOST_TEST(h.net.dial_targets() == Strings{webrtc_addr(kAlice)},
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(relay_addresses_are_dialled_in_advertised_order_until_one_works) {
  StoreHarness h;
  h.net.script_dial(webrtc_addr(kAlice), Scripted::fail("WebRTC negotiation failed"));
  h.net.script_dial(relay_addr(kAlice, 1), Scripted::fail("Connection timeout"));
  h.net.script_dial(relay_addr(kAlice, 2), Scripted::ok());
  const auto result = h.run(h.service.connect_to_discovered_peer(alice_everywhere()));
  BOOST_TEST(result == (ConnectResult{true, ConnectionType::relay, std::nullopt}));
  BOOST_TEST(h.net.dial_targets() ==
                 (Strings{webrtc_addr(kAlice), relay_addr(kAlice, 1), relay_addr(kAlice, 2)}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(shipped_ladder_order_when_everything_fails) {
  StoreHarness h;  // shipped reader (never caches) and the inverted "direct" filter
  h.net.fire_pubsub(kPeerExchangeTopic, bootstrap_peer_exchange(kAlice, {relay_addr(kAlice, 4)}));
  const auto result = h.run(h.service.connect_to_discovered_peer(alice_everywhere()));
  BOOST_TEST(result ==
             (ConnectResult{false, ConnectionType::none, "All connection methods failed"}));
  // No cached relay address; "direct" dials only the circuit and WebRTC multiaddrs.
  BOOST_TEST(
      h.net.dial_targets() == (Strings{webrtc_addr(kAlice), relay_addr(kAlice, 1),
                                       relay_addr(kAlice, 2), "relay-helper:" + kAlice,
                                       relay_addr(kAlice, 3), relay_addr(kAlice, 5) + "/webrtc"}),
      boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(fixed_ladder_order_when_everything_fails) {
  StoreHarness h({}, fixed_service());
  h.net.fire_pubsub(kPeerExchangeTopic,
                    bootstrap_peer_exchange(kAlice, {relay_addr(kAlice, 4), plain_addr(kAlice)}));
  const auto result = h.run(h.service.connect_to_discovered_peer(alice_everywhere()));
  BOOST_TEST(result ==
             (ConnectResult{false, ConnectionType::none, "All connection methods failed"}));
  // The cached circuit address comes after the advertised ones and before the relay helper
  // (its plain address is not a relay address); "direct" dials only the plain multiaddr.
  BOOST_TEST(h.net.dial_targets() ==
                 (Strings{webrtc_addr(kAlice), relay_addr(kAlice, 1), relay_addr(kAlice, 2),
                          relay_addr(kAlice, 4), "relay-helper:" + kAlice, plain_addr(kAlice)}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_cached_peer_exchange_address_connects_as_relay) {
  StoreHarness h({}, fixed_service());
  h.net.fire_pubsub(kPeerExchangeTopic, bootstrap_peer_exchange(kAlice, {relay_addr(kAlice, 4)}));
  h.net.script_dial(relay_addr(kAlice, 4), Scripted::ok());
  const auto result = h.run(h.service.connect_to_discovered_peer(presence_of(kAlice)));
  BOOST_TEST(result == (ConnectResult{true, ConnectionType::relay, std::nullopt}));
  BOOST_TEST(h.net.dial_targets() == (Strings{relay_addr(kAlice, 1), relay_addr(kAlice, 4)}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(the_relay_helper_connects_as_relay_and_ends_the_ladder) {
  StoreHarness h;
  h.net.script_dial_via_relay(kAlice, Scripted::ok());
  const auto result = h.run(h.service.connect_to_discovered_peer(alice_everywhere()));
  BOOST_TEST(result == (ConnectResult{true, ConnectionType::relay, std::nullopt}));
  BOOST_TEST(h.net.dial_targets().back() == "relay-helper:" + kAlice);
  BOOST_TEST(h.net.dial_start_times(relay_addr(kAlice, 3)).empty());
}

BOOST_AUTO_TEST_CASE(shipped_direct_step_dials_a_circuit_address_and_calls_it_direct) {
  StoreHarness h;
  h.net.script_dial(relay_addr(kAlice, 3), Scripted::ok());
  h.net.script_dial(plain_addr(kAlice), Scripted::ok());
  const auto result = h.run(h.service.connect_to_discovered_peer(alice_everywhere()));
  BOOST_TEST(result == (ConnectResult{true, ConnectionType::direct, std::nullopt}));
  BOOST_TEST(h.net.dial_targets().back() == relay_addr(kAlice, 3));
  BOOST_TEST(h.net.dial_start_times(plain_addr(kAlice)).empty());  // the real direct address
}

BOOST_AUTO_TEST_CASE(fixed_direct_step_dials_only_plain_addresses) {
  StoreHarness h({}, fixed_service());
  h.net.script_dial(relay_addr(kAlice, 3), Scripted::ok());  // must not be used by "direct"
  h.net.script_dial(plain_addr(kAlice), Scripted::ok());
  const auto result = h.run(h.service.connect_to_discovered_peer(alice_everywhere()));
  BOOST_TEST(result == (ConnectResult{true, ConnectionType::direct, std::nullopt}));
  BOOST_TEST(h.net.dial_targets().back() == plain_addr(kAlice));
  BOOST_TEST(h.net.dial_start_times(relay_addr(kAlice, 3)).empty());
}

BOOST_AUTO_TEST_CASE(exceptions_thrown_by_dials_are_swallowed_and_the_ladder_goes_on) {
  StoreHarness h;
  h.net.script_dial(webrtc_addr(kAlice), Scripted::throws("ICE failed"));
  h.net.script_dial(relay_addr(kAlice, 1), Scripted::throws_non_std());
  h.net.script_dial(relay_addr(kAlice, 2), Scripted::throws("stream reset"));
  h.net.script_dial_via_relay(kAlice, Scripted::throws("relay SDK crashed"));
  h.net.script_dial(relay_addr(kAlice, 3), Scripted::ok());
  const auto result = h.run(h.service.connect_to_discovered_peer(alice_everywhere()));
  BOOST_TEST(result == (ConnectResult{true, ConnectionType::direct, std::nullopt}));
  BOOST_TEST(h.net.dials().size() == 5u);
}

BOOST_AUTO_TEST_CASE(an_exception_from_the_node_outside_a_dial_escapes_without_retry) {
  StoreHarness h;
  h.net.script_existing_connection_throws(kAlice, [] { throw std::runtime_error("node stopped"); });
  Spawned<ConnectResult> running(
      h.io, h.service.connect_to_discovered_peer_with_retry(presence_of(kAlice)));
  h.clock.run_until([&] { return running.done(); });
  BOOST_REQUIRE(running.threw());
  BOOST_CHECK_EXCEPTION(running.get(), std::runtime_error, [](const std::runtime_error& e) {
    return std::string(e.what()) == "node stopped";
  });
  BOOST_TEST(h.service.attempts_started() == 1u);
  BOOST_TEST(h.net.dials().empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(peer_exchange_cache)

BOOST_AUTO_TEST_CASE(the_shipped_reader_never_caches_what_the_bootstrap_sends) {
  StoreHarness h;
  for (int i = 0; i < 3; ++i) {
    h.net.fire_pubsub(kPeerExchangeTopic, bootstrap_peer_exchange(kAlice, {relay_addr(kAlice, 4)}));
    h.clock.advance(seconds(10));
  }
  BOOST_TEST(h.service.accepted_peer_exchange_messages() == 0u);
  BOOST_TEST(h.service.cached_relay_addresses(kAlice).empty());
}

BOOST_AUTO_TEST_CASE(cached_addresses_expire_after_five_minutes) {
  StoreHarness h({}, fixed_service());
  h.net.fire_pubsub(kPeerExchangeTopic, bootstrap_peer_exchange(kAlice, {relay_addr(kAlice, 4)}));
  BOOST_TEST(h.service.accepted_peer_exchange_messages() == 1u);
  h.clock.advance(std::chrono::minutes(5) - milliseconds(1));
  BOOST_TEST(h.service.cached_relay_addresses(kAlice) == Strings{relay_addr(kAlice, 4)},
             boost::test_tools::per_element());
  h.clock.advance(milliseconds(2));
  BOOST_TEST(h.service.cached_relay_addresses(kAlice).empty());
  // An expired entry is not dialled either.
  const auto result = h.run(h.service.connect_to_discovered_peer(presence_of(kAlice)));
  BOOST_TEST(!result.success);
  BOOST_TEST(h.net.dial_start_times(relay_addr(kAlice, 4)).empty());
}

BOOST_AUTO_TEST_CASE(the_newest_message_that_knows_the_peer_wins_and_only_circuits_are_kept) {
  StoreHarness h({}, fixed_service());
  h.net.fire_pubsub(kPeerExchangeTopic, bootstrap_peer_exchange(kAlice, {relay_addr(kAlice, 4)}));
  h.clock.advance(seconds(10));
  h.net.fire_pubsub(kPeerExchangeTopic,
                    bootstrap_peer_exchange(kAlice, {plain_addr(kAlice), relay_addr(kAlice, 6)}));
  h.clock.advance(seconds(10));
  h.net.fire_pubsub(kPeerExchangeTopic, bootstrap_peer_exchange(kBob, {relay_addr(kBob, 7)}));
  h.net.fire_pubsub("lotus/presence", bootstrap_peer_exchange(kAlice, {relay_addr(kAlice, 8)}));
  h.net.fire_pubsub(kPeerExchangeTopic, {{"type", "peers"}, {"peers", nlohmann::json::array()}});
  BOOST_TEST(h.service.accepted_peer_exchange_messages() == 3u);
  BOOST_TEST(h.service.cached_relay_addresses(kAlice) == Strings{relay_addr(kAlice, 6)},
             boost::test_tools::per_element());
  BOOST_TEST(h.service.cached_relay_addresses(kBob) == Strings{relay_addr(kBob, 7)},
             boost::test_tools::per_element());
  BOOST_TEST(h.service.cached_relay_addresses(kCarol).empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(retry)

BOOST_AUTO_TEST_CASE(seed_retry_makes_three_attempts_one_then_two_seconds_apart) {
  StoreHarness h;
  const auto result = h.run(h.service.connect_to_discovered_peer_with_retry(presence_of(kAlice)));
  BOOST_TEST(result ==
             (ConnectResult{false, ConnectionType::none, "All connection methods failed"}));
  BOOST_TEST(alice_relay_dial_starts(h) == (Millis{0, 1000, 3000}),
             boost::test_tools::per_element());
  BOOST_TEST(to_ms(h.net.dial_start_times("relay-helper:" + kAlice)) == (Millis{0, 1000, 3000}),
             boost::test_tools::per_element());
  BOOST_TEST(h.service.attempts_started() == 3u);
  BOOST_TEST(to_ms(h.clock.now()) == 3000);  // no wait after the last failure
  BOOST_TEST(h.clock.pending_sleepers() == 0u);
}

BOOST_AUTO_TEST_CASE(retry_stops_at_the_first_success) {
  StoreHarness h;
  h.net.script_dial(relay_addr(kAlice), {Scripted::fail("Connection timeout"), Scripted::ok()});
  const auto result = h.run(h.service.connect_to_discovered_peer_with_retry(presence_of(kAlice)));
  BOOST_TEST(result == (ConnectResult{true, ConnectionType::relay, std::nullopt}));
  BOOST_TEST(alice_relay_dial_starts(h) == (Millis{0, 1000}), boost::test_tools::per_element());
  BOOST_TEST(h.service.attempts_started() == 2u);
}

BOOST_AUTO_TEST_CASE(the_wait_starts_when_a_slow_attempt_has_failed) {
  StoreHarness h;
  h.net.script_dial(relay_addr(kAlice), Scripted::fail("Connection timeout", milliseconds(6000)));
  const auto result = h.run(h.service.connect_to_discovered_peer_with_retry(presence_of(kAlice)));
  BOOST_TEST(!result.success);
  // 6 s dial, 1 s wait, 6 s dial, 2 s wait, 6 s dial.
  BOOST_TEST(alice_relay_dial_starts(h) == (Millis{0, 7000, 15000}),
             boost::test_tools::per_element());
  BOOST_TEST(to_ms(h.clock.now()) == 21000);
}

BOOST_AUTO_TEST_CASE(zero_retries_make_no_attempt_and_report_max_retries_exceeded) {
  StoreHarness h;
  const auto result =
      h.run(h.service.connect_to_discovered_peer_with_retry(presence_of(kAlice), 0));
  BOOST_TEST(result == (ConnectResult{false, ConnectionType::none, "Max retries exceeded"}));
  BOOST_TEST(h.net.dials().empty());
  BOOST_TEST(h.service.attempts_started() == 0u);
}

BOOST_AUTO_TEST_CASE(the_base_delay_argument_scales_the_waits) {
  StoreHarness h;
  h.run(h.service.connect_to_discovered_peer_with_retry(presence_of(kAlice), 4, milliseconds(250)));
  BOOST_TEST(alice_relay_dial_starts(h) == (Millis{0, 250, 750, 1750}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(fixed_policy_waits_the_same_each_time) {
  StoreHarness h;
  h.run(h.service.connect_with_policy(presence_of(kAlice),
                                      {.kind = RetryKind::fixed, .max_attempts = 4}));
  BOOST_TEST(alice_relay_dial_starts(h) == (Millis{0, 1000, 2000, 3000}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(deadline_bounded_policy_starts_no_attempt_after_the_deadline) {
  StoreHarness h;
  const RetryPolicy policy{
      .kind = RetryKind::deadline_bounded, .max_attempts = 10, .deadline = seconds(3)};
  const auto result = h.run(h.service.connect_with_policy(presence_of(kAlice), policy));
  BOOST_TEST(result.error.value_or("") == "All connection methods failed");
  // 0, 1 s, 3 s; a fourth would start at 7 s, past the 3 s deadline.
  BOOST_TEST(alice_relay_dial_starts(h) == (Millis{0, 1000, 3000}),
             boost::test_tools::per_element());
  BOOST_TEST(to_ms(h.clock.now()) == 3000);
}

BOOST_AUTO_TEST_CASE(jittered_policy_uses_the_injected_rng) {
  StoreHarness h;
  ScriptedRng rng({ScriptedRng::for_unit(0.0), ScriptedRng::for_unit(0.75)});
  ConnectionService service(h.io.get_executor(), h.net, h.clock, &rng);
  RetryPolicy policy = RetryPolicy::seed_default();
  policy.kind = RetryKind::exponential_jitter;
  h.run(service.connect_with_policy(presence_of(kAlice), policy));
  // 1 s * 0.5, then 2 s * 1.25.
  BOOST_TEST(alice_relay_dial_starts(h) == (Millis{0, 500, 3000}),
             boost::test_tools::per_element());
  // One draw per failed attempt: the wait after the last failure is computed (a deadline-bounded
  // policy needs it to decide) but never slept.
  BOOST_TEST(rng.draws() == 3u);
}

BOOST_AUTO_TEST_SUITE_END()
