#include "sim/store_front.hpp"

#include "sim/external_stores.hpp"

namespace connsim::sim {

store::Task<store::ConnectResult> connect_to_online_peer(WalletNode& node, const store::PeerId& peer) {
  if (auto* external = node.external_stores()) return external->connect_to_online_peer(peer);
  return node.stores().p2p.connect_to_online_peer(peer);
}

store::Task<store::ResultMap<store::ConnectResult>> connect_to_multiple_peers(WalletNode& node,
                                                                             std::vector<store::PeerId> peers) {
  if (auto* external = node.external_stores()) return external->connect_to_multiple_peers(std::move(peers));
  return node.stores().p2p.connect_to_multiple_peers(std::move(peers));
}

store::Task<store::ProposeSpendResult> propose_spend(WalletNode& node, store::SpendProposalParams params) {
  if (auto* external = node.external_stores()) return external->propose_spend(std::move(params));
  return node.stores().musig2.propose_spend(std::move(params));
}

std::size_t connected_online_peer_count(const WalletNode& node) {
  if (auto* external = node.external_stores()) return external->connected_online_peer_count();
  return node.stores().p2p.connected_online_peer_count();
}

bool is_peer_connected(const WalletNode& node, const store::PeerId& peer) {
  if (auto* external = node.external_stores()) return external->is_peer_connected(peer);
  return node.stores().p2p.is_peer_connected(peer);
}

store::PeerConnectionStatus peer_connection_status(const WalletNode& node, const store::PeerId& peer) {
  if (auto* external = node.external_stores()) return external->peer_connection_status(peer);
  return node.stores().p2p.get_peer_connection_status(peer);
}

std::size_t activity_feed_size(const WalletNode& node) {
  if (auto* external = node.external_stores()) return external->activity_feed_size();
  return node.stores().p2p.activity_events().size();
}

std::optional<std::vector<store::ActivityEvent>> activity_feed(const WalletNode& node) {
  if (auto* external = node.external_stores()) return external->activity_feed();
  const auto& feed = node.stores().p2p.activity_events();
  return std::vector<store::ActivityEvent>(feed.begin(), feed.end());
}

std::optional<std::vector<store::OnlinePeer>> online_peers(const WalletNode& node) {
  if (node.external_stores() != nullptr) return std::nullopt;
  return node.stores().p2p.online_peers();
}

}  // namespace connsim::sim
