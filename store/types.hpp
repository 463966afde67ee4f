// Types of the store layer: the seed's types/p2p.ts (Task 3.4) and the result shapes of
// stores/p2p.ts, in C++. A reader maps each name back: PresenceAdvertisement is the wire
// part of UIPresenceAdvertisement, OnlinePeer is the whole UIPresenceAdvertisement (the
// advertisement plus the wallet-side connection fields the store mirrors onto it).
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/spelling.hpp"

namespace connsim::store {

using PeerId = std::string;
using Multiaddr = std::string;
/// Milliseconds since the clock's epoch, as JavaScript's Date.now() returns them.
using EpochMs = std::int64_t;

/// 'disconnected' | 'connecting' | 'connected' | 'failed'
enum class ConnectionStatus { disconnected, connecting, connected, failed };

/// 'webrtc' | 'relay' | 'direct' | 'none'. `none` appears only in results, never in a status.
enum class ConnectionType { webrtc, relay, direct, none };

inline constexpr auto kConnectionStatusSpellings =
    in_enum_order<ConnectionStatus>("disconnected", "connecting", "connected", "failed");
SpellingTable<kConnectionStatusSpellings> spellings(ConnectionStatus);

inline constexpr auto kConnectionTypeSpellings =
    in_enum_order<ConnectionType>("webrtc", "relay", "direct", "none");
SpellingTable<kConnectionTypeSpellings> spellings(ConnectionType);

std::string_view to_string(ConnectionStatus status);
std::string_view to_string(ConnectionType type);
/// Parses the seed's spelling; nullopt for anything else.
std::optional<ConnectionStatus> parse_connection_status(std::string_view text);
std::optional<ConnectionType> parse_connection_type(std::string_view text);

/// A presence record as gossiped: immutable once advertised, shared between all wallets
/// that hold it (a std::shared_ptr<const PresenceAdvertisement>), never copied per wallet.
struct PresenceAdvertisement {
  std::string id;
  PeerId peer_id;
  std::vector<Multiaddr> multiaddrs;
  std::vector<Multiaddr> relay_addrs;
  std::optional<Multiaddr> webrtc_addr;  // null when the wallet holds no relay reservation
  std::string wallet_address;
  std::optional<std::string> nickname;
  std::optional<std::string> avatar;
  EpochMs created_at = 0;
  EpochMs expires_at = 0;
};
using PresencePtr = std::shared_ptr<const PresenceAdvertisement>;

/// UIPresenceAdvertisement: the advertisement plus the connection state the store tracks.
struct OnlinePeer {
  PresencePtr presence;
  std::optional<ConnectionStatus> connection_status;
  std::optional<ConnectionType> connection_type;
  std::optional<EpochMs> last_connection_attempt;

  const PeerId& peer_id() const { return presence->peer_id; }
};

/// PeerConnectionStatus of Task 3.4.
struct PeerConnectionStatus {
  ConnectionStatus status = ConnectionStatus::disconnected;
  std::optional<ConnectionType> connection_type;
  std::optional<EpochMs> last_attempt;
  std::optional<std::string> error;

  friend bool operator==(const PeerConnectionStatus&, const PeerConnectionStatus&) = default;
};

/// `{ success, connectionType, error? }`, returned by every connect action.
struct ConnectResult {
  bool success = false;
  ConnectionType connection_type = ConnectionType::none;
  std::optional<std::string> error;

  friend bool operator==(const ConnectResult&, const ConnectResult&) = default;
};

/// UIPeerInfo: a peer libp2p holds a live connection to (the store's `connectedPeers`).
struct PeerInfo {
  PeerId peer_id;
  ConnectionType connection_type = ConnectionType::none;
  EpochMs connected_at = 0;
};

/// P2PActivityEvent: `type` is 'info' | 'peer_joined' | 'error' (the three the seed emits).
struct ActivityEvent {
  std::uint64_t id = 0;  // increasing per store, so a feed entry can be named
  std::string type;
  PeerId peer_id;
  std::string message;
  EpochMs timestamp = 0;
};

/// `<name>` of the seed's messages: the nickname, or the first 12 characters of the peer id
/// (`presence.nickname || peerId.slice(0, 12)`; an empty nickname counts as none).
std::string display_name(const PresenceAdvertisement& presence);

/// `id.slice(0, 12)` of JavaScript: at most the first 12 characters.
std::string js_slice12(std::string_view id);

inline constexpr std::string_view kUnknownError = "Unknown error";

/// `error instanceof Error ? error.message : 'Unknown error'`: what() of a std::exception,
/// "Unknown error" for anything else.
std::string error_message(const std::exception_ptr& error);

}  // namespace connsim::store
