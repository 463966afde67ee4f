// The runner's one way to a wallet's stores, whichever kind runs them: the C++ port in process
// (WalletNode::stores()) or external stores (WalletNode::external_stores(), e.g. JavaScript).
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "sim/wallet_node.hpp"

namespace connsim::sim {

store::Task<store::ConnectResult> connect_to_online_peer(WalletNode& node, const store::PeerId& peer);
store::Task<store::ResultMap<store::ConnectResult>> connect_to_multiple_peers(WalletNode& node,
                                                                             std::vector<store::PeerId> peers);
store::Task<store::ProposeSpendResult> propose_spend(WalletNode& node, store::SpendProposalParams params);

std::size_t connected_online_peer_count(const WalletNode& node);
bool is_peer_connected(const WalletNode& node, const store::PeerId& peer);
store::PeerConnectionStatus peer_connection_status(const WalletNode& node, const store::PeerId& peer);
std::size_t activity_feed_size(const WalletNode& node);
/// The activity feed, newest first; nullopt when the stores cannot show it.
std::optional<std::vector<store::ActivityEvent>> activity_feed(const WalletNode& node);
/// The P2P store's onlinePeers; nullopt when the stores cannot show it.
std::optional<std::vector<store::OnlinePeer>> online_peers(const WalletNode& node);

}  // namespace connsim::sim
