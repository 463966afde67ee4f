// P2PStore: stores/p2p.ts of the seed (Tasks 3.1, 3.2, 3.5): presence handling, connecting to
// discovered peers, per-peer connection status, and the activity feed.
//
// Seed name -> C++ name:
//   _handlePresenceDiscovered   -> handle_presence_discovered
//   connectToOnlinePeer         -> connect_to_online_peer
//   connectToPresence           -> connect_to_presence
//   connectToMultiplePeers      -> connect_to_multiple_peers
//   _updatePeerConnectionStatus -> update_peer_connection_status
//   getPeerConnectionStatus     -> get_peer_connection_status
//   isPeerConnected             -> is_peer_connected
//   connectedOnlinePeers        -> connected_online_peers
//   connectedOnlinePeerCount    -> connected_online_peer_count
//   _emitConnectionEvent        -> emit_connection_event
//   _addActivityEvent           -> add_activity_event
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/clock.hpp"
#include "store/connect_concurrency.hpp"
#include "store/connection_service.hpp"
#include "store/contacts_store.hpp"
#include "store/js_async.hpp"
#include "store/network.hpp"
#include "store/peer_position_index.hpp"
#include "store/result_map.hpp"
#include "store/retry_policy.hpp"
#include "store/spelling.hpp"
#include "store/types.hpp"

namespace connsim::store {

inline constexpr std::string_view kPeerNotFound = "Peer not found in online peers";

/// What a re-advertisement of a known peer does to its onlinePeers entry.
enum class PresenceUpdate {
  replace,      // the seed: the new record replaces the entry (its mirrored status fields too)
  merge_reset,  // as shipped later: relay address sets merged, a non-connected status reset to
                // 'disconnected' (wipes an in-flight 'connecting': field bug 4)
  merge_keep,   // the fix: relay address sets merged, the status left as it is
};

inline constexpr auto kPresenceUpdateSpellings =
    in_enum_order<PresenceUpdate>("replace", "merge-reset", "merge-keep");
SpellingTable<kPresenceUpdateSpellings> spellings(PresenceUpdate);

std::string_view to_string(PresenceUpdate update);
std::optional<PresenceUpdate> parse_presence_update(std::string_view text);

/// The store's knobs. Every default is the seed's production behaviour; every other value is a
/// named fix for a field bug.
struct P2PStoreOptions {
  RetryPolicy retry = RetryPolicy::seed_default();  // connectToDiscoveredPeerWithRetry(p, 3, 1000)
  ConnectConcurrency concurrency;                   // batches of 3
  PresenceUpdate presence_update = PresenceUpdate::replace;
  /// Fix for field bug 3: write 'disconnected' when the last connection to a peer closes.
  bool mark_disconnected_on_close = false;
  /// Fix for field bug 5: a connect to a peer already being connected to awaits that one.
  bool dedupe_concurrent_connects = false;
  std::size_t activity_feed_limit = 50;  // _addActivityEvent keeps the newest 50
};

/// Watches the store, as Pinia's $onAction would: every status write and feed entry, and each
/// connectToPresence: started as the action is called (before its body runs), finished in the
/// action's `after` hook (one tick after its body returned). For tooling; the store works the
/// same without one.
class P2PStoreObserver {
 public:
  virtual ~P2PStoreObserver() = default;
  virtual void on_status_written(const PeerId& peer, const PeerConnectionStatus& status) = 0;
  virtual void on_activity_event(const ActivityEvent& event) = 0;
  virtual void on_connect_started(const PeerId& peer) = 0;
  virtual void on_connect_finished(const PeerId& peer, const ConnectResult& result) = 0;
};

class P2PStore {
 public:
  P2PStore(Executor executor, Network& network, Clock& clock, ConnectionService& service,
           ContactsStore& contacts, P2PStoreOptions options = {});
  P2PStore(const P2PStore&) = delete;
  P2PStore& operator=(const P2PStore&) = delete;

  void set_observer(P2PStoreObserver* observer) { observer_ = observer; }

  // --- actions ---------------------------------------------------------------------------
  // The async actions run in JavaScript's order (store/js_async.hpp). start_* calls the action
  // as `store.action(...)` does: through Pinia's wrapper, its body running at once to its first
  // await; the Task versions do the same from Asio code, as one macrotask.
  void handle_presence_discovered(const PresencePtr& presence);
  js::Promise<ConnectResult> start_connect_to_online_peer(PeerId peer);
  js::Promise<ConnectResult> start_connect_to_presence(PresencePtr presence);
  js::Promise<ResultMap<ConnectResult>> start_connect_to_multiple_peers(std::vector<PeerId> peers);
  Task<ConnectResult> connect_to_online_peer(PeerId peer);
  Task<ConnectResult> connect_to_presence(PresencePtr presence);
  Task<ResultMap<ConnectResult>> connect_to_multiple_peers(std::vector<PeerId> peers);
  void update_peer_connection_status(const PeerId& peer, ConnectionStatus status,
                                     std::optional<ConnectionType> type = std::nullopt,
                                     std::optional<std::string> error = std::nullopt);
  PeerConnectionStatus get_peer_connection_status(const PeerId& peer) const;
  bool is_peer_connected(const PeerId& peer) const;
  void emit_connection_event(ConnectionStatus event, const PeerId& peer,
                             const PresenceAdvertisement& presence,
                             std::optional<ConnectionType> type = std::nullopt,
                             std::optional<std::string> error = std::nullopt);
  void add_activity_event(std::string type, const PeerId& peer, std::string message);

  // --- getters ----------------------------------------------------------------------------
  std::vector<const OnlinePeer*> connected_online_peers() const;
  std::size_t connected_online_peer_count() const;

  // --- state ------------------------------------------------------------------------------
  const PeerId& peer_id() const { return peer_id_; }
  const std::vector<OnlinePeer>& online_peers() const { return online_peers_; }
  const OnlinePeer* find_online_peer(const PeerId& peer) const;
  const std::vector<PeerInfo>& connected_peers() const { return connected_peers_; }
  /// Newest first, at most activity_feed_limit entries.
  const std::deque<ActivityEvent>& activity_events() const { return activity_events_; }
  const std::map<PeerId, PeerConnectionStatus>& peer_connection_status() const {
    return peer_connection_status_;
  }
  const P2PStoreOptions& options() const { return options_; }
  Executor executor() const { return executor_; }

 private:
  void on_peer_connected(const PeerId& peer, ConnectionType type);
  void on_peer_disconnected(const PeerId& peer);
  // The bodies of the async actions (what Pinia wraps).
  js::Promise<ConnectResult> connect_to_online_peer_body(PeerId peer);
  js::Promise<ConnectResult> connect_to_presence_body(PresencePtr presence);
  js::Promise<ResultMap<ConnectResult>> connect_to_multiple_peers_body(std::vector<PeerId> peers);
  struct Window;
  js::Promise<js::Undefined> window_worker(std::shared_ptr<Window> window);
  OnlinePeer* find_online_peer_mutable(const PeerId& peer);

  Executor executor_;
  Network& network_;
  Clock& clock_;
  ConnectionService& service_;
  ContactsStore& contacts_;
  P2PStoreOptions options_;
  P2PStoreObserver* observer_ = nullptr;

  PeerId peer_id_;
  std::vector<OnlinePeer> online_peers_;
  PeerPositionIndex online_index_;  // peer id -> position in online_peers_; lookup only
  std::vector<PeerInfo> connected_peers_;
  std::deque<ActivityEvent> activity_events_;
  std::map<PeerId, PeerConnectionStatus> peer_connection_status_;
  std::uint64_t next_event_id_ = 1;

  std::map<PeerId, js::Promise<ConnectResult>> in_flight_;  // dedupe_concurrent_connects only
};

}  // namespace connsim::store
