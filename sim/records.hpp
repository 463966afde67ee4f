// What the world records per wallet for the checkers, metrics and reporters.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "store/musig2_store.hpp"
#include "store/types.hpp"
#include "store/clock.hpp"

namespace connsim::sim {

using store::Duration;

struct StatusWrite {
  Duration at;
  store::PeerId peer;
  store::PeerConnectionStatus status;
};

struct EventRecord {
  Duration at;
  store::ActivityEvent event;
};

/// One pass down the ladder (an attempt of connectToDiscoveredPeerWithRetry).
struct AttemptRecord {
  Duration started;
  Duration finished;
  store::PeerId peer;
  int attempt = 1;
  store::ConnectResult result;
};

/// One connectToPresence, from its 'connecting' write to its final write.
struct ConnectRecord {
  store::PeerId peer;
  Duration started;
  Duration finished;
  int attempts = 0;
  store::ConnectResult result;
};

/// One dial the store made: a rung of the ladder (an address, or the SDK's relay helper).
/// Kept for reports only; never in the history, so never in the fingerprint.
struct DialRecord {
  Duration started;
  Duration finished;
  std::string target;  // the multiaddr dialled, or the peer id for the relay helper
  bool relay_helper = false;
  bool ok = false;
  std::string error;
};

struct SessionRecord {
  Duration at;
  std::string session_id;
  store::SessionState state;
  std::optional<std::string> failure;
  bool coordinator = false;
  std::uint64_t generation = 0;  // tells apart sessions that share an id (field bug 9)
};

struct WalletRecords {
  std::vector<StatusWrite> statuses;
  std::vector<EventRecord> events;
  std::vector<AttemptRecord> attempts;
  std::vector<ConnectRecord> connects;
  std::vector<SessionRecord> sessions;
  std::vector<DialRecord> dials;
  /// For each peer the wallet has written a status for: when that peer's presence was last
  /// delivered to it after the first such write (a delivery (re)creates the store's onlinePeers
  /// entry; the online-peers-mirror invariant needs to know). Never in the history.
  std::map<store::PeerId, Duration> presence_after_status;
  std::set<store::PeerId> status_peers;  // the peers the wallet has written a status for
};

}  // namespace connsim::sim
