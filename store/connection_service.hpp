// ConnectionService: services/p2p's connectToDiscoveredPeer (the ladder) and
// connectToDiscoveredPeerWithRetry, as shipped beneath the store.
//
// The ladder, one attempt (field-notes §1):
//   1. already connected            -> success, the live connection's type
//   2. presence.webrtcAddr          -> dial            -> 'webrtc'
//   3. each presence.relayAddrs     -> dial            -> 'relay'
//   4. relay addresses for the peer from the bootstrap's peer exchange, cached 5 min -> 'relay'
//   5. the SDK's relay dial helper  -> 'relay'
//   6. "direct": presence.multiaddrs filtered (shipped: only /p2p-circuit or /webrtc ones,
//      an inverted filter kept as the default; fixed: only the others) -> 'direct'
//   7. nothing worked               -> failure "All connection methods failed"
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "store/clock.hpp"
#include "store/js_async.hpp"
#include "store/network.hpp"
#include "store/retry_policy.hpp"
#include "store/rng.hpp"
#include "store/spelling.hpp"
#include "store/types.hpp"

namespace connsim::store {

inline constexpr std::string_view kAllMethodsFailed = "All connection methods failed";
inline constexpr std::string_view kMaxRetriesExceeded = "Max retries exceeded";
inline constexpr std::string_view kPeerExchangeTopic = "lotus/peers";

/// Which "direct" addresses step 6 dials.
enum class DirectStepFilter {
  shipped_inverted,  // only addresses containing /p2p-circuit or /webrtc (the shipped bug)
  fixed,             // only addresses containing neither
};

inline constexpr auto kDirectStepFilterSpellings =
    in_enum_order<DirectStepFilter>("shipped", "fixed");
SpellingTable<kDirectStepFilterSpellings> spellings(DirectStepFilter);

/// How the wallet reads the bootstrap's peer-exchange message.
enum class PeerExchangeReader {
  /// The shipped wallet expected `{type:'peers', peers:[{id, addrs}]}`; the bootstrap sends
  /// `{type:'peer-exchange', bootstrapPeerId, peers:[{peerId, multiaddrs}], timestamp}`, so
  /// nothing is ever cached (field bug 1).
  shipped_mismatched,
  /// Reads the shape the bootstrap sends.
  fixed,
};

inline constexpr auto kPeerExchangeReaderSpellings =
    in_enum_order<PeerExchangeReader>("shipped", "fixed");
SpellingTable<kPeerExchangeReaderSpellings> spellings(PeerExchangeReader);

struct ConnectionServiceOptions {
  DirectStepFilter direct_step_filter = DirectStepFilter::shipped_inverted;
  PeerExchangeReader peer_exchange_reader = PeerExchangeReader::shipped_mismatched;
  Duration peer_exchange_cache_ttl = std::chrono::minutes(5);
};

class ConnectionService {
 public:
  /// Subscribes to the network's pubsub for the peer-exchange cache. `rng` may be null when no
  /// jittered policy is used. The node's operations are started on `executor`.
  ConnectionService(Executor executor, Network& network, Clock& clock, Rng* rng,
                    ConnectionServiceOptions options = {});

  // The service's async functions, in JavaScript's order (store/js_async.hpp): each starts at
  // once and runs to its first await, as services/p2p's functions do.

  /// connectToDiscoveredPeer: one pass down the ladder.
  js::Promise<ConnectResult> start_connect_to_discovered_peer(PresencePtr presence);
  /// connectToDiscoveredPeerWithRetry(presence, n, ms) under `policy` (the seed's call is
  /// RetryPolicy::seed_default(n, ms)): `return await` of the loop below, one tick more.
  js::Promise<ConnectResult> start_connect_with_retry(PresencePtr presence, RetryPolicy policy);
  /// The retry loop under any policy. Returns the first success, else the last attempt's
  /// error, else "Max retries exceeded" (no attempt ran, or none gave an error).
  js::Promise<ConnectResult> start_connect_with_policy(PresencePtr presence, RetryPolicy policy);

  // The same from Asio code (each call one macrotask).

  /// One pass down the ladder.
  Task<ConnectResult> connect_to_discovered_peer(PresencePtr presence);
  /// The seed's call: `max_retries` attempts, exponential waits starting at `base_delay`.
  Task<ConnectResult> connect_to_discovered_peer_with_retry(
      PresencePtr presence, int max_retries = 3,
      Duration base_delay = std::chrono::milliseconds(1000));
  /// The retry loop under any policy.
  Task<ConnectResult> connect_with_policy(PresencePtr presence, const RetryPolicy& policy);

  /// Relay addresses for `peer` currently in the peer-exchange cache, newest first.
  std::vector<Multiaddr> cached_relay_addresses(const PeerId& peer) const;
  /// Number of peer-exchange messages the cache accepted (0 forever under the shipped reader).
  std::size_t accepted_peer_exchange_messages() const { return accepted_messages_; }

  /// Attempts started by this service (each pass down the ladder is one).
  std::uint64_t attempts_started() const { return attempts_started_; }

  const ConnectionServiceOptions& options() const { return options_; }

  /// Called after every pass down the ladder with the 1-based attempt number and the clock's
  /// time when the pass began, for tracing.
  using AttemptObserver = std::function<void(const PeerId& peer, int attempt, Duration started,
                                             const ConnectResult& result)>;
  void set_attempt_observer(AttemptObserver observer) { attempt_observer_ = std::move(observer); }

 private:
  void on_pubsub(std::string_view topic, const std::shared_ptr<const nlohmann::json>& message);
  void prune_cache() const;
  /// The ladder's `tryDial` (an async arrow function): true when the dial succeeded.
  js::Promise<bool> try_dial(Multiaddr address, std::string* last_error);

  struct CachedMessage {
    Duration received_at;
    std::shared_ptr<const nlohmann::json> message;
  };

  Executor executor_;
  Network& network_;
  Clock& clock_;
  Rng* rng_;
  ConnectionServiceOptions options_;
  mutable std::deque<CachedMessage> cache_;  // oldest first
  std::size_t accepted_messages_ = 0;
  std::uint64_t attempts_started_ = 0;
  AttemptObserver attempt_observer_;
};

}  // namespace connsim::store
