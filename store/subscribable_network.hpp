// SubscribableNetwork: the registrations a Network keeps for `subscribe`, and the node's side of
// them, for the implementations that deliver events themselves (the simulator's node process,
// the live wallet's pipe to its js-libp2p node).
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "store/network.hpp"

namespace connsim::store {

/// A Network whose `subscribe` keeps each registration; deliver_* hands one event to every
/// registration in the order they were made, skipping one without that callback. Delivery
/// runs on the caller's thread (the store's executor).
class SubscribableNetwork : public Network {
 public:
  void subscribe(NetworkEvents events) final { subscribers_.push_back(std::move(events)); }

  void deliver_presence(const PresencePtr& presence) const {
    for (const auto& sub : subscribers_) {
      if (sub.on_presence) sub.on_presence(presence);
    }
  }
  void deliver_peer_connected(const PeerId& peer, ConnectionType type) const {
    for (const auto& sub : subscribers_) {
      if (sub.on_peer_connected) sub.on_peer_connected(peer, type);
    }
  }
  void deliver_peer_disconnected(const PeerId& peer) const {
    for (const auto& sub : subscribers_) {
      if (sub.on_peer_disconnected) sub.on_peer_disconnected(peer);
    }
  }
  void deliver_pubsub(std::string_view topic, const std::shared_ptr<const nlohmann::json>& message) const {
    for (const auto& sub : subscribers_) {
      if (sub.on_pubsub) sub.on_pubsub(topic, message);
    }
  }
  void deliver_message(const PeerId& from, std::string_view protocol, std::string_view payload) const {
    for (const auto& sub : subscribers_) {
      if (sub.on_message) sub.on_message(from, protocol, payload);
    }
  }

 protected:
  /// Forgets every registration: no event reaches them any more.
  void unsubscribe_all() { subscribers_.clear(); }

 private:
  std::vector<NetworkEvents> subscribers_;
};

}  // namespace connsim::store
