// ExternalStores: a wallet's stores when they do not run in this process as the C++ port (the
// JavaScript store, sim/js/). The wallet node hands such stores the network events it would give
// its C++ stores; the runner's steps and getters reach either kind through sim/store_front.hpp.
// An implementation reports what it did through the node's observers (status writes, activity,
// connects, attempts, sessions), so the history is the same kind for both.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <optional>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "store/async.hpp"
#include "store/musig2_store.hpp"
#include "store/result_map.hpp"
#include "store/types.hpp"

namespace connsim::sim {

class ExternalStores {
 public:
  virtual ~ExternalStores() = default;

  // Network events (WalletNode::deliver_*).
  virtual void deliver_presence(const store::PresencePtr& presence) = 0;
  virtual void deliver_peer_connected(const store::PeerId& peer, store::ConnectionType type) = 0;
  virtual void deliver_peer_disconnected(const store::PeerId& peer) = 0;
  virtual void deliver_pubsub(std::string_view topic, const std::shared_ptr<const nlohmann::json>& message) = 0;
  virtual void deliver_message(const store::PeerId& from, std::string_view protocol, std::string_view payload) = 0;
  /// A reload: the stores restart empty (WalletNode::restart_process).
  virtual void restart() = 0;

  // The runner's steps. An action whose store threw completes with that exception.
  virtual store::Task<store::ConnectResult> connect_to_online_peer(store::PeerId peer) = 0;
  virtual store::Task<store::ResultMap<store::ConnectResult>> connect_to_multiple_peers(
      std::vector<store::PeerId> peers) = 0;
  virtual store::Task<store::ProposeSpendResult> propose_spend(store::SpendProposalParams params) = 0;

  // Getters, read at once.
  virtual std::size_t connected_online_peer_count() = 0;
  virtual bool is_peer_connected(const store::PeerId& peer) = 0;
  virtual store::PeerConnectionStatus peer_connection_status(const store::PeerId& peer) = 0;
  /// How many entries the activity feed holds now.
  virtual std::size_t activity_feed_size() = 0;
  /// The activity feed now, newest first; nullopt when the stores cannot show it.
  virtual std::optional<std::vector<store::ActivityEvent>> activity_feed() { return std::nullopt; }
  /// The wallet's field log (`connsim-log/1`) from the stores' own exporter into `out`; false
  /// when the stores have none.
  virtual bool field_log(nlohmann::json& out) {
    (void)out;
    return false;
  }
};

}  // namespace connsim::sim
