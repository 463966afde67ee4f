// P2PStore: connecting to discovered peers, per-peer status, the onlinePeers mirror and the
// activity feed, as a wallet user sees them.
#define BOOST_TEST_MODULE store_p2p_store
#include "store/p2p_store.hpp"

#include "tests/support/store_test_prelude.hpp"

namespace {

P2PStoreOptions with_concurrency(ConcurrencyMode mode, int limit = 3) {
  P2PStoreOptions options;
  options.concurrency = {mode, limit};
  return options;
}

P2PStoreOptions with_presence_update(PresenceUpdate update) {
  P2PStoreOptions options;
  options.presence_update = update;
  return options;
}

/// The feed as "type|message", newest first.
Strings feed(const P2PStore& store) {
  Strings out;
  for (const auto& event : store.activity_events()) out.push_back(event.type + "|" + event.message);
  return out;
}

/// Alice, Bob, Carol and Dave answer after 100, 2000, 500 and 10 ms; connects to all four at
/// once, in that order.
ResultMap<ConnectResult> connect_to_four_peers_of_different_speeds(StoreHarness& h) {
  h.reachable_peer(kAlice, milliseconds(100));
  h.reachable_peer(kBob, milliseconds(2000));
  h.reachable_peer(kCarol, milliseconds(500));
  h.reachable_peer(kDave, milliseconds(10));
  return h.run(h.p2p.connect_to_multiple_peers({kAlice, kBob, kCarol, kDave}));
}

/// Every result of connect_to_multiple_peers succeeded, and the map lists the peers in `order`.
void every_peer_succeeded_in_order(const ResultMap<ConnectResult>& results, const Strings& order) {
  Strings keys;
  for (const auto& [peer, result] : results) {
    keys.push_back(peer);
    BOOST_TEST(result.success);
  }
  BOOST_TEST(keys == order, boost::test_tools::per_element());
}

const OnlinePeer& online(const P2PStore& store, const PeerId& peer) {
  const OnlinePeer* found = store.find_online_peer(peer);
  BOOST_TEST_REQUIRE(found != nullptr);
  return *found;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(status_and_feed)

BOOST_AUTO_TEST_CASE(a_successful_connect_goes_connecting_then_connected_with_its_type) {
  StoreHarness h;
  h.reachable_peer(kAlice, milliseconds(300), "Alice");
  const auto result = h.run(h.p2p.connect_to_online_peer(kAlice));
  BOOST_TEST(result == (ConnectResult{true, ConnectionType::relay, std::nullopt}));
  BOOST_TEST(h.observer.status_sequence(kAlice) == (Strings{"connecting", "connected:relay"}),
             boost::test_tools::per_element());
  BOOST_TEST(h.p2p.get_peer_connection_status(kAlice) ==
             (PeerConnectionStatus{ConnectionStatus::connected, ConnectionType::relay, 300,
                                   std::nullopt}));
  BOOST_TEST(h.p2p.is_peer_connected(kAlice));
}

BOOST_AUTO_TEST_CASE(a_failed_connect_goes_connecting_then_failed_with_the_error) {
  StoreHarness h;
  h.advertise(presence_of(kAlice, "Alice"));
  const auto result = h.run(h.p2p.connect_to_online_peer(kAlice));
  BOOST_TEST(result ==
             (ConnectResult{false, ConnectionType::none, "All connection methods failed"}));
  BOOST_TEST(h.observer.status_sequence(kAlice) == (Strings{"connecting", "failed"}),
             boost::test_tools::per_element());
  BOOST_TEST(h.p2p.get_peer_connection_status(kAlice) ==
             (PeerConnectionStatus{ConnectionStatus::failed, std::nullopt, 3000,
                                   "All connection methods failed"}));
  BOOST_TEST(!h.p2p.is_peer_connected(kAlice));
}

BOOST_AUTO_TEST_CASE(status_is_connecting_for_the_whole_attempt_including_retry_waits) {
  StoreHarness h;
  h.net.script_dial(relay_addr(kAlice), {Scripted::fail("Connection timeout"),
                                         Scripted::fail("Connection timeout"), Scripted::ok()});
  h.advertise(presence_of(kAlice));
  Spawned<ConnectResult> running(h.io, h.p2p.connect_to_online_peer(kAlice));
  for (auto at : {0, 999, 1000, 2999}) {
    h.clock.advance_to(milliseconds(at));
    BOOST_TEST(h.p2p.get_peer_connection_status(kAlice).status == ConnectionStatus::connecting);
    BOOST_TEST(!running.done());
  }
  h.clock.advance_to(seconds(3));
  BOOST_TEST(running.done());
  BOOST_TEST(h.p2p.get_peer_connection_status(kAlice).status == ConnectionStatus::connected);
  // Only two writes: the retries in between are invisible to the store.
  BOOST_TEST(h.observer.status_sequence(kAlice) == (Strings{"connecting", "connected:relay"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(activity_messages_are_exact_with_a_nickname) {
  StoreHarness h;
  auto webrtc_alice = presence_of(kAlice, "Alice");
  webrtc_alice->webrtc_addr = webrtc_addr(kAlice);
  h.net.script_dial(webrtc_addr(kAlice), Scripted::ok());
  h.advertise(webrtc_alice);
  h.advertise(presence_of(kBob, "Bob"));
  h.run(h.p2p.connect_to_online_peer(kAlice));
  h.run(h.p2p.connect_to_online_peer(kBob));
  BOOST_TEST(
      feed(h.p2p) ==
          (Strings{"error|Failed to connect to Bob...: All connection methods failed",
                   "info|Connecting to Bob...", "peer_joined|Connected to Alice... via webrtc",
                   "info|Connecting to Alice..."}),
      boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(activity_messages_use_the_first_12_characters_without_a_nickname) {
  StoreHarness h;
  h.reachable_peer(kAlice);
  h.advertise(presence_of(kBob, ""));  // an empty nickname counts as none
  h.run(h.p2p.connect_to_online_peer(kAlice));
  h.run(h.p2p.connect_to_online_peer(kBob));
  BOOST_TEST(
      feed(h.p2p) ==
          (Strings{"error|Failed to connect to 12D3KooWBobB...: All connection methods failed",
                   "info|Connecting to 12D3KooWBobB...",
                   "peer_joined|Connected to 12D3KooWAlic... via relay",
                   "info|Connecting to 12D3KooWAlic..."}),
      boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(feed_entries_carry_peer_time_and_increasing_ids) {
  StoreHarness h;
  h.reachable_peer(kAlice, milliseconds(1234));
  h.run(h.p2p.connect_to_online_peer(kAlice));
  const auto& events = h.p2p.activity_events();
  BOOST_TEST_REQUIRE(events.size() == 2u);
  BOOST_TEST(events[0].peer_id == kAlice);
  BOOST_TEST(events[1].peer_id == kAlice);
  BOOST_TEST(events[1].timestamp == 0);
  BOOST_TEST(events[0].timestamp == 1234);
  BOOST_TEST(events[0].id > events[1].id);
}

BOOST_AUTO_TEST_CASE(the_feed_keeps_the_newest_50_events_newest_first) {
  StoreHarness h;
  for (int i = 0; i < 60; ++i)
    h.p2p.add_activity_event("info", kAlice, "event " + std::to_string(i));
  const auto& events = h.p2p.activity_events();
  BOOST_TEST(events.size() == 50u);
  BOOST_TEST(events.front().message == "event 59");
  BOOST_TEST(events.back().message == "event 10");
  // Connecting produces two more; still 50, the two oldest dropped.
  h.reachable_peer(kBob);
  h.run(h.p2p.connect_to_online_peer(kBob));
  BOOST_TEST(events.size() == 50u);
  BOOST_TEST(events.front().message == "Connected to 12D3KooWBobB... via relay");
  BOOST_TEST(events.back().message == "event 12");
}

BOOST_AUTO_TEST_CASE(twenty_six_failed_connects_fill_the_feed_with_exactly_50_events) {
  StoreHarness h;
  std::vector<PeerId> peers;
  for (int i = 0; i < 26; ++i) {
    peers.push_back("12D3KooWPeer" + std::to_string(100 + i) + "XXXXXXXXXXXXXXXXXXXXXXXX");
    h.advertise(presence_of(peers.back()));
  }
  for (const auto& peer : peers) h.run(h.p2p.connect_to_online_peer(peer));
  BOOST_TEST(h.observer.events.size() == 52u);
  BOOST_TEST(h.p2p.activity_events().size() == 50u);
  BOOST_TEST(h.p2p.activity_events().back().message == "Connecting to 12D3KooWPeer...");
  BOOST_TEST(h.p2p.activity_events().back().peer_id == peers[1]);
}

BOOST_AUTO_TEST_CASE(online_peers_mirror_status_type_and_last_attempt) {
  StoreHarness h;
  h.clock.advance(seconds(10));
  h.reachable_peer(kAlice, milliseconds(2000));
  BOOST_TEST(!online(h.p2p, kAlice).connection_status.has_value());
  Spawned<ConnectResult> running(h.io, h.p2p.connect_to_online_peer(kAlice));
  h.clock.run_until_idle();
  BOOST_TEST((online(h.p2p, kAlice).connection_status == ConnectionStatus::connecting));
  BOOST_TEST(!online(h.p2p, kAlice).connection_type.has_value());
  BOOST_TEST(online(h.p2p, kAlice).last_connection_attempt.value_or(-1) == 10000);
  h.clock.advance(seconds(2));
  BOOST_TEST_REQUIRE(running.done());
  BOOST_TEST((online(h.p2p, kAlice).connection_status == ConnectionStatus::connected));
  BOOST_TEST((online(h.p2p, kAlice).connection_type == ConnectionType::relay));
  BOOST_TEST(online(h.p2p, kAlice).last_connection_attempt.value_or(-1) == 12000);
}

BOOST_AUTO_TEST_CASE(online_peers_mirror_a_failure_without_a_type) {
  StoreHarness h;
  h.advertise(presence_of(kAlice));
  h.net.set_existing_connection(kBob, ConnectionType::webrtc);
  h.advertise(presence_of(kBob));
  h.run(h.p2p.connect_to_online_peer(kBob));
  h.run(h.p2p.connect_to_online_peer(kAlice));
  BOOST_TEST((online(h.p2p, kAlice).connection_status == ConnectionStatus::failed));
  BOOST_TEST(!online(h.p2p, kAlice).connection_type.has_value());
  BOOST_TEST(online(h.p2p, kAlice).last_connection_attempt.value_or(-1) == 3000);
  BOOST_TEST((online(h.p2p, kBob).connection_status == ConnectionStatus::connected));
  BOOST_TEST((online(h.p2p, kBob).connection_type == ConnectionType::webrtc));
  BOOST_TEST(online(h.p2p, kBob).last_connection_attempt.value_or(-1) == 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(presence)

BOOST_AUTO_TEST_CASE(the_wallets_own_presence_is_ignored) {
  StoreHarness h;
  h.advertise(presence_of(kSelf, "Me"));
  h.advertise(presence_of(kAlice));
  BOOST_TEST(h.p2p.online_peers().size() == 1u);
  BOOST_TEST(h.p2p.online_peers()[0].peer_id() == kAlice);
  BOOST_TEST(h.p2p.find_online_peer(kSelf) == nullptr);
  const auto result = h.run(h.p2p.connect_to_online_peer(kSelf));
  BOOST_TEST(result.error.value_or("") == "Peer not found in online peers");
}

BOOST_AUTO_TEST_CASE(new_peers_are_appended_in_discovery_order) {
  StoreHarness h;
  h.advertise(presence_of(kCarol));
  h.advertise(presence_of(kAlice));
  h.advertise(presence_of(kBob));
  Strings order;
  for (const auto& peer : h.p2p.online_peers()) order.push_back(peer.peer_id());
  BOOST_TEST(order == (Strings{kCarol, kAlice, kBob}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(re_advertisement_replaces_the_record_and_wipes_its_mirrored_status) {
  StoreHarness h;
  h.reachable_peer(kAlice);
  h.advertise(presence_of(kBob));
  h.run(h.p2p.connect_to_online_peer(kAlice));
  auto fresh = presence_of(kAlice, "Alice v2");
  fresh->relay_addrs = {relay_addr(kAlice, 9)};
  h.advertise(fresh);
  const OnlinePeer& entry = online(h.p2p, kAlice);
  BOOST_TEST(h.p2p.online_peers().size() == 2u);
  BOOST_TEST(h.p2p.online_peers()[0].peer_id() == kAlice);  // same position
  BOOST_TEST(entry.presence->nickname.value_or("") == "Alice v2");
  BOOST_TEST(entry.presence->relay_addrs == Strings{relay_addr(kAlice, 9)},
             boost::test_tools::per_element());
  BOOST_TEST(!entry.connection_status.has_value());
  BOOST_TEST(!entry.connection_type.has_value());
  BOOST_TEST(!entry.last_connection_attempt.has_value());
  // The status map still says connected, but the getter that reads the mirror drops Alice.
  BOOST_TEST(h.p2p.is_peer_connected(kAlice));
  BOOST_TEST(h.p2p.connected_online_peer_count() == 0u);
}

BOOST_AUTO_TEST_CASE(merge_reset_merges_relay_addresses_and_wipes_an_in_flight_connecting) {
  StoreHarness h(with_presence_update(PresenceUpdate::merge_reset));
  h.reachable_peer(kAlice, seconds(5));
  Spawned<ConnectResult> running(h.io, h.p2p.connect_to_online_peer(kAlice));
  h.clock.advance(seconds(1));
  auto fresh = presence_of(kAlice);
  fresh->relay_addrs = {relay_addr(kAlice, 2)};
  h.advertise(fresh);
  BOOST_TEST(online(h.p2p, kAlice).presence->relay_addrs ==
                 (Strings{relay_addr(kAlice, 2), relay_addr(kAlice, 1)}),
             boost::test_tools::per_element());
  BOOST_TEST(h.p2p.get_peer_connection_status(kAlice).status == ConnectionStatus::disconnected);
  BOOST_TEST((online(h.p2p, kAlice).connection_status == ConnectionStatus::disconnected));
  h.clock.advance(seconds(4));
  BOOST_TEST_REQUIRE(running.done());
  BOOST_TEST(h.observer.status_sequence(kAlice) ==
                 (Strings{"connecting", "disconnected", "connected:relay"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(merge_reset_leaves_a_connected_peer_connected) {
  StoreHarness h(with_presence_update(PresenceUpdate::merge_reset));
  h.reachable_peer(kAlice);
  h.run(h.p2p.connect_to_online_peer(kAlice));
  h.advertise(presence_of(kAlice));
  BOOST_TEST(h.p2p.get_peer_connection_status(kAlice).status == ConnectionStatus::connected);
  BOOST_TEST((online(h.p2p, kAlice).connection_status == ConnectionStatus::connected));
  BOOST_TEST(h.observer.status_sequence(kAlice).size() == 2u);
}

BOOST_AUTO_TEST_CASE(merge_keep_merges_relay_addresses_and_keeps_connecting) {
  StoreHarness h(with_presence_update(PresenceUpdate::merge_keep));
  h.reachable_peer(kAlice, seconds(5));
  Spawned<ConnectResult> running(h.io, h.p2p.connect_to_online_peer(kAlice));
  h.clock.advance(seconds(1));
  auto fresh = presence_of(kAlice, "Alice");
  fresh->relay_addrs = {relay_addr(kAlice, 2), relay_addr(kAlice, 1)};
  h.advertise(fresh);
  BOOST_TEST(online(h.p2p, kAlice).presence->relay_addrs ==
                 (Strings{relay_addr(kAlice, 2), relay_addr(kAlice, 1)}),
             boost::test_tools::per_element());
  BOOST_TEST(online(h.p2p, kAlice).presence->nickname.value_or("") == "Alice");
  BOOST_TEST((online(h.p2p, kAlice).connection_status == ConnectionStatus::connecting));
  h.clock.advance(seconds(4));
  BOOST_TEST_REQUIRE(running.done());
  BOOST_TEST(h.observer.status_sequence(kAlice) == (Strings{"connecting", "connected:relay"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(connecting)

BOOST_AUTO_TEST_CASE(an_unknown_peer_is_not_found_and_nothing_is_written) {
  StoreHarness h;
  const auto result = h.run(h.p2p.connect_to_online_peer(kAlice));
  BOOST_TEST(result ==
             (ConnectResult{false, ConnectionType::none, "Peer not found in online peers"}));
  BOOST_TEST(h.observer.statuses.empty());
  BOOST_TEST(h.p2p.activity_events().empty());
  BOOST_TEST(h.net.dials().empty());
  BOOST_TEST(h.net.existing_connection_queries() == 0u);
}

BOOST_AUTO_TEST_CASE(the_store_retries_with_waits_of_exactly_one_and_two_seconds) {
  StoreHarness h;
  h.advertise(presence_of(kAlice));
  h.clock.advance(milliseconds(500));
  h.run(h.p2p.connect_to_online_peer(kAlice));
  BOOST_TEST(to_ms(h.net.dial_start_times(relay_addr(kAlice))) == (Millis{500, 1500, 3500}),
             boost::test_tools::per_element());
  BOOST_TEST(h.service.attempts_started() == 3u);
}

BOOST_AUTO_TEST_CASE(the_retry_policy_option_replaces_the_seed_policy) {
  P2PStoreOptions options;
  options.retry.kind = RetryKind::fixed;
  options.retry.max_attempts = 2;
  options.retry.base_delay = milliseconds(400);
  StoreHarness h(options);
  h.advertise(presence_of(kAlice));
  h.run(h.p2p.connect_to_online_peer(kAlice));
  BOOST_TEST(to_ms(h.net.dial_start_times(relay_addr(kAlice))) == (Millis{0, 400}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_exception_escaping_the_service_becomes_failed_with_its_message) {
  StoreHarness h;
  h.net.script_existing_connection_throws(
      kAlice, [] { throw std::runtime_error("libp2p node is stopped"); });
  h.advertise(presence_of(kAlice, "Alice"));
  const auto result = h.run(h.p2p.connect_to_online_peer(kAlice));
  BOOST_TEST(result == (ConnectResult{false, ConnectionType::none, "libp2p node is stopped"}));
  BOOST_TEST(h.observer.status_sequence(kAlice) == (Strings{"connecting", "failed"}),
             boost::test_tools::per_element());
  BOOST_TEST(h.p2p.get_peer_connection_status(kAlice).error.value_or("") ==
             "libp2p node is stopped");
  BOOST_TEST(feed(h.p2p).front() == "error|Failed to connect to Alice...: libp2p node is stopped");
  BOOST_TEST(h.contacts.update_count() == 0u);
}

BOOST_AUTO_TEST_CASE(a_non_std_exception_becomes_unknown_error) {
  StoreHarness h;
  h.net.script_existing_connection_throws(kAlice, [] { throw 7; });
  h.advertise(presence_of(kAlice, "Alice"));
  const auto result = h.run(h.p2p.connect_to_online_peer(kAlice));
  BOOST_TEST(result == (ConnectResult{false, ConnectionType::none, "Unknown error"}));
  BOOST_TEST(h.p2p.get_peer_connection_status(kAlice).error.value_or("") == "Unknown error");
  BOOST_TEST(feed(h.p2p).front() == "error|Failed to connect to Alice...: Unknown error");
}

BOOST_AUTO_TEST_CASE(an_exception_inside_a_dial_does_not_fail_the_connect) {
  StoreHarness h;
  auto alice = presence_of(kAlice);
  alice->webrtc_addr = webrtc_addr(kAlice);
  h.net.script_dial(webrtc_addr(kAlice), Scripted::throws("ICE failed"));
  h.net.script_dial(relay_addr(kAlice), Scripted::ok());
  h.advertise(alice);
  const auto result = h.run(h.p2p.connect_to_online_peer(kAlice));
  BOOST_TEST(result == (ConnectResult{true, ConnectionType::relay, std::nullopt}));
  BOOST_TEST(h.observer.status_sequence(kAlice) == (Strings{"connecting", "connected:relay"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(contacts_last_seen_is_updated_only_on_success) {
  StoreHarness h;
  h.reachable_peer(kAlice, milliseconds(700));
  h.advertise(presence_of(kBob));
  h.run(h.p2p.connect_to_online_peer(kBob));
  BOOST_TEST(!h.contacts.last_seen(kBob).has_value());
  h.run(h.p2p.connect_to_online_peer(kAlice));
  BOOST_TEST(h.contacts.last_seen(kAlice).value_or(-1) == 3700);  // 3 s of Bob, then 0.7 s
  BOOST_TEST(h.contacts.update_count() == 1u);
}

BOOST_AUTO_TEST_CASE(connect_to_presence_works_for_a_peer_not_in_online_peers) {
  StoreHarness h;
  h.net.script_dial(relay_addr(kAlice), Scripted::ok());
  const auto result = h.run(h.p2p.connect_to_presence(presence_of(kAlice)));
  BOOST_TEST(result.success);
  BOOST_TEST(h.p2p.get_peer_connection_status(kAlice).status == ConnectionStatus::connected);
  BOOST_TEST(h.p2p.online_peers().empty());  // nothing to mirror onto
}

BOOST_AUTO_TEST_CASE(seed_two_concurrent_connects_to_one_peer_double_the_work) {
  StoreHarness h;
  h.reachable_peer(kAlice, seconds(1));
  Spawned<ConnectResult> first(h.io, h.p2p.connect_to_online_peer(kAlice));
  Spawned<ConnectResult> second(h.io, h.p2p.connect_to_online_peer(kAlice));
  h.clock.run_until([&] { return first.done() && second.done(); });
  BOOST_TEST(first.get().success);
  BOOST_TEST(second.get().success);
  BOOST_TEST(h.net.dial_start_times(relay_addr(kAlice)).size() == 2u);
  BOOST_TEST(h.observer.status_sequence(kAlice) ==
                 (Strings{"connecting", "connecting", "connected:relay", "connected:relay"}),
             boost::test_tools::per_element());
  BOOST_TEST(h.p2p.activity_events().size() == 4u);
}

BOOST_AUTO_TEST_CASE(dedupe_makes_a_second_connect_share_the_first_ones_result) {
  P2PStoreOptions options;
  options.dedupe_concurrent_connects = true;
  StoreHarness h(options);
  h.reachable_peer(kAlice, seconds(1));
  Spawned<ConnectResult> first(h.io, h.p2p.connect_to_online_peer(kAlice));
  Spawned<ConnectResult> second(h.io, h.p2p.connect_to_online_peer(kAlice));
  h.clock.run_until([&] { return first.done() && second.done(); });
  BOOST_TEST(first.get() == (ConnectResult{true, ConnectionType::relay, std::nullopt}));
  BOOST_TEST(second.get() == first.get());
  BOOST_TEST(h.net.dial_start_times(relay_addr(kAlice)).size() == 1u);
  BOOST_TEST(h.observer.status_sequence(kAlice) == (Strings{"connecting", "connected:relay"}),
             boost::test_tools::per_element());
  BOOST_TEST(h.p2p.activity_events().size() == 2u);
  // Once finished, a new connect runs again.
  h.run(h.p2p.connect_to_online_peer(kAlice));
  BOOST_TEST(h.net.dial_start_times(relay_addr(kAlice)).size() == 2u);
}

BOOST_AUTO_TEST_CASE(dedupe_shares_a_failure_too) {
  P2PStoreOptions options;
  options.dedupe_concurrent_connects = true;
  StoreHarness h(options);
  h.advertise(presence_of(kAlice));
  Spawned<ConnectResult> first(h.io, h.p2p.connect_to_online_peer(kAlice));
  h.clock.advance(milliseconds(1500));  // mid-retry
  Spawned<ConnectResult> second(h.io, h.p2p.connect_to_online_peer(kAlice));
  h.clock.run_until([&] { return first.done() && second.done(); });
  BOOST_TEST(second.get() ==
             (ConnectResult{false, ConnectionType::none, "All connection methods failed"}));
  BOOST_TEST(h.service.attempts_started() == 3u);
  BOOST_TEST(to_ms(h.clock.now()) == 3000);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(multiple_peers)

namespace {

/// Every status write as "peer:status", in order (peer ids shortened to their names).
Strings writes(const RecordingObserver& observer) {
  Strings out;
  for (const auto& write : observer.statuses) {
    out.push_back(write.peer.substr(8, 5) + ":" + std::string(to_string(write.status.status)));
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_batch_of_connected_peers_starts_every_member_before_any_finishes) {
  // Promise.all: each member runs to its first await (the ladder's, though it returns at once)
  // before the next starts; then they finish in batch order, and connect_finished comes one
  // tick after each body (Pinia's after hook), so after all three `connected` writes.
  StoreHarness h;
  for (const auto& peer : {kAlice, kBob, kCarol}) {
    h.advertise(presence_of(peer));
    h.net.set_existing_connection(peer, ConnectionType::webrtc);
  }
  const auto results = h.run(h.p2p.connect_to_multiple_peers({kAlice, kBob, kCarol}));
  BOOST_TEST(writes(h.observer) == (Strings{"Alice:connecting", "BobBB:connecting", "Carol:connecting",
                                            "Alice:connected", "BobBB:connected", "Carol:connected"}),
             boost::test_tools::per_element());
  BOOST_TEST(h.observer.started == (Strings{kAlice, kBob, kCarol}), boost::test_tools::per_element());
  BOOST_TEST(h.observer.finished.size() == 3u);
  BOOST_TEST(results.size() == 3u);
  BOOST_TEST(to_ms(h.clock.now()) == 0);
}

BOOST_AUTO_TEST_CASE(a_mixed_batch_finishes_its_connected_members_first_and_in_order) {
  StoreHarness h;
  h.advertise(presence_of(kAlice));
  h.net.set_existing_connection(kAlice, ConnectionType::relay);
  h.reachable_peer(kBob, milliseconds(300));
  h.advertise(presence_of(kCarol));
  h.net.set_existing_connection(kCarol, ConnectionType::direct);
  h.run(h.p2p.connect_to_multiple_peers({kAlice, kBob, kCarol}));
  BOOST_TEST(writes(h.observer) == (Strings{"Alice:connecting", "BobBB:connecting", "Carol:connecting",
                                            "Alice:connected", "Carol:connected", "BobBB:connected"}),
             boost::test_tools::per_element());
  BOOST_TEST(to_ms(h.clock.now()) == 300);
}

BOOST_AUTO_TEST_CASE(a_ladder_that_throws_fails_its_member_in_the_same_round_as_the_others_succeed) {
  // The ladder throws in its synchronous part; connectToPresence's catch writes `failed` after
  // as many ticks as a success takes, so the batch order holds.
  StoreHarness h;
  h.advertise(presence_of(kAlice));
  h.net.script_existing_connection_throws(kAlice, [] { throw std::runtime_error("node stopped"); });
  h.advertise(presence_of(kBob));
  h.net.set_existing_connection(kBob, ConnectionType::webrtc);
  const auto results = h.run(h.p2p.connect_to_multiple_peers({kAlice, kBob}));
  BOOST_TEST(writes(h.observer) == (Strings{"Alice:connecting", "BobBB:connecting", "Alice:failed", "BobBB:connected"}),
             boost::test_tools::per_element());
  BOOST_TEST(results.get(kAlice)->error.value_or("") == "node stopped");
  BOOST_TEST(h.observer.statuses[2].status.error.value_or("") == "node stopped");
}

BOOST_AUTO_TEST_CASE(batch_mode_starts_the_fourth_peer_only_after_the_slowest_of_the_first_three) {
  StoreHarness h;  // seed: batches of 3
  const auto results = connect_to_four_peers_of_different_speeds(h);
  BOOST_TEST(to_ms(h.net.dial_start_times(relay_addr(kAlice))) == Millis{0},
             boost::test_tools::per_element());
  BOOST_TEST(to_ms(h.net.dial_start_times(relay_addr(kBob))) == Millis{0},
             boost::test_tools::per_element());
  BOOST_TEST(to_ms(h.net.dial_start_times(relay_addr(kCarol))) == Millis{0},
             boost::test_tools::per_element());
  BOOST_TEST(to_ms(h.net.dial_start_times(relay_addr(kDave))) == Millis{2000},
             boost::test_tools::per_element());
  BOOST_TEST(h.observer.started == (Strings{kAlice, kBob, kCarol, kDave}),
             boost::test_tools::per_element());
  every_peer_succeeded_in_order(results, Strings{kAlice, kBob, kCarol, kDave});
  BOOST_TEST(to_ms(h.clock.now()) == 2010);
}

BOOST_AUTO_TEST_CASE(batch_mode_one_dead_peer_delays_the_next_batch_by_its_full_retry_time) {
  StoreHarness h;
  h.advertise(presence_of(kAlice));  // unreachable: 3 attempts over 3 s
  h.reachable_peer(kBob);
  h.reachable_peer(kCarol);
  h.reachable_peer(kDave);
  const auto results = h.run(h.p2p.connect_to_multiple_peers({kAlice, kBob, kCarol, kDave}));
  BOOST_TEST(to_ms(h.net.dial_start_times(relay_addr(kDave))) == Millis{3000},
             boost::test_tools::per_element());
  BOOST_REQUIRE(results.get(kAlice) != nullptr);
  BOOST_TEST(results.get(kAlice)->error.value_or("") == "All connection methods failed");
  BOOST_TEST(results.get(kDave)->success);
}

BOOST_AUTO_TEST_CASE(window_mode_starts_the_fourth_peer_as_soon_as_any_finishes) {
  StoreHarness h(with_concurrency(ConcurrencyMode::window));
  const auto results = connect_to_four_peers_of_different_speeds(h);
  BOOST_TEST(to_ms(h.net.dial_start_times(relay_addr(kDave))) == Millis{100},
             boost::test_tools::per_element());
  every_peer_succeeded_in_order(results, Strings{kAlice, kBob, kCarol, kDave});
  BOOST_TEST(to_ms(h.clock.now()) == 2000);
}

BOOST_AUTO_TEST_CASE(the_concurrency_limit_sets_the_batch_size) {
  StoreHarness h(with_concurrency(ConcurrencyMode::batch, 2));
  h.reachable_peer(kAlice, milliseconds(100));
  h.reachable_peer(kBob, milliseconds(300));
  h.reachable_peer(kCarol, milliseconds(50));
  h.reachable_peer(kDave, milliseconds(50));
  h.run(h.p2p.connect_to_multiple_peers({kAlice, kBob, kCarol, kDave}));
  BOOST_TEST(to_ms(h.net.dial_start_times(relay_addr(kCarol))) == Millis{300},
             boost::test_tools::per_element());
  BOOST_TEST(to_ms(h.net.dial_start_times(relay_addr(kDave))) == Millis{300},
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(unknown_peers_in_a_batch_get_peer_not_found) {
  StoreHarness h;
  h.reachable_peer(kAlice);
  const auto results = h.run(h.p2p.connect_to_multiple_peers({kAlice, kBob}));
  BOOST_TEST_REQUIRE(results.size() == 2u);
  BOOST_TEST(*results.get(kAlice) == (ConnectResult{true, ConnectionType::relay, std::nullopt}));
  BOOST_TEST(*results.get(kBob) ==
             (ConnectResult{false, ConnectionType::none, "Peer not found in online peers"}));
}

BOOST_AUTO_TEST_CASE(an_empty_list_connects_nobody) {
  for (auto mode : {ConcurrencyMode::batch, ConcurrencyMode::window}) {
    StoreHarness h(with_concurrency(mode));
    const auto results = h.run(h.p2p.connect_to_multiple_peers({}));
    BOOST_TEST(results.empty());
    BOOST_TEST(h.observer.started.empty());
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(queries)

BOOST_AUTO_TEST_CASE(status_of_an_unknown_peer_is_disconnected) {
  StoreHarness h;
  BOOST_TEST(h.p2p.get_peer_connection_status(kAlice) ==
             (PeerConnectionStatus{ConnectionStatus::disconnected, std::nullopt, std::nullopt,
                                   std::nullopt}));
  BOOST_TEST(!h.p2p.is_peer_connected(kAlice));
}

BOOST_AUTO_TEST_CASE(a_live_libp2p_connection_counts_as_connected_without_a_type) {
  StoreHarness h;
  h.net.fire_peer_connected(kAlice, ConnectionType::webrtc);
  BOOST_TEST(h.p2p.get_peer_connection_status(kAlice) ==
             (PeerConnectionStatus{ConnectionStatus::connected, std::nullopt, std::nullopt,
                                   std::nullopt}));
  BOOST_TEST(h.p2p.is_peer_connected(kAlice));
  h.net.fire_peer_connected(kAlice, ConnectionType::webrtc);  // no duplicate entry
  BOOST_TEST(h.p2p.connected_peers().size() == 1u);
  h.net.fire_peer_disconnected(kAlice);
  BOOST_TEST(h.p2p.get_peer_connection_status(kAlice).status == ConnectionStatus::disconnected);
}

BOOST_AUTO_TEST_CASE(the_status_map_takes_precedence_over_a_live_connection) {
  StoreHarness h;
  h.advertise(presence_of(kAlice));
  h.run(h.p2p.connect_to_online_peer(kAlice));               // fails
  h.net.fire_peer_connected(kAlice, ConnectionType::relay);  // then Alice dials us
  BOOST_TEST(h.p2p.get_peer_connection_status(kAlice).status == ConnectionStatus::failed);
  BOOST_TEST(!h.p2p.is_peer_connected(kAlice));
  // connectedOnlinePeers reads connectedPeers too, so it does list her.
  BOOST_TEST(h.p2p.connected_online_peer_count() == 1u);
}

BOOST_AUTO_TEST_CASE(connected_online_peers_are_online_and_connected_by_status_or_libp2p) {
  StoreHarness h;
  h.reachable_peer(kAlice);
  h.advertise(presence_of(kBob));
  h.advertise(presence_of(kCarol));
  h.run(h.p2p.connect_to_online_peer(kAlice));              // connected by status
  h.net.fire_peer_connected(kBob, ConnectionType::relay);   // connected by libp2p only
  h.net.fire_peer_connected(kDave, ConnectionType::relay);  // live, but not an online peer
  const auto connected = h.p2p.connected_online_peers();
  Strings ids;
  for (const auto* peer : connected) ids.push_back(peer->peer_id());
  BOOST_TEST(ids == (Strings{kAlice, kBob}), boost::test_tools::per_element());
  BOOST_TEST(h.p2p.connected_online_peer_count() == 2u);
}

BOOST_AUTO_TEST_CASE(seed_a_dropped_connection_leaves_the_status_connected) {
  StoreHarness h;
  h.reachable_peer(kAlice);
  h.run(h.p2p.connect_to_online_peer(kAlice));
  h.net.fire_peer_connected(kAlice, ConnectionType::relay);
  h.net.fire_peer_disconnected(kAlice);
  BOOST_TEST(h.p2p.connected_peers().empty());
  BOOST_TEST(h.p2p.is_peer_connected(kAlice));  // field bug 3: nothing writes 'disconnected'
  BOOST_TEST((online(h.p2p, kAlice).connection_status == ConnectionStatus::connected));
  BOOST_TEST(h.p2p.connected_online_peer_count() == 1u);
}

BOOST_AUTO_TEST_CASE(
    mark_disconnected_on_close_writes_disconnected_when_the_last_connection_closes) {
  P2PStoreOptions options;
  options.mark_disconnected_on_close = true;
  StoreHarness h(options);
  h.reachable_peer(kAlice);
  h.advertise(presence_of(kBob));
  h.run(h.p2p.connect_to_online_peer(kAlice));
  h.run(h.p2p.connect_to_online_peer(kBob));  // fails
  h.net.fire_peer_connected(kAlice, ConnectionType::relay);
  h.clock.advance(seconds(5));
  h.net.fire_peer_disconnected(kAlice);
  h.net.fire_peer_disconnected(kBob);
  BOOST_TEST(
      h.p2p.get_peer_connection_status(kAlice) ==
      (PeerConnectionStatus{ConnectionStatus::disconnected, std::nullopt, 8000, std::nullopt}));
  BOOST_TEST((online(h.p2p, kAlice).connection_status == ConnectionStatus::disconnected));
  BOOST_TEST(h.p2p.connected_online_peer_count() == 0u);
  // A failed status is not rewritten.
  BOOST_TEST(h.p2p.get_peer_connection_status(kBob).status == ConnectionStatus::failed);
  BOOST_TEST(h.observer.status_sequence(kAlice) ==
                 (Strings{"connecting", "connected:relay", "disconnected"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
