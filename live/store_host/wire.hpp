// The JSON shapes the live C++ store shares with the JavaScript store (js/PROTOCOL.md, "Events"
// and "Reports"): what comes in from the node and what goes out to the run's recorder
// (live/recorder.cpp), so one recorder reads both stores.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "store/musig2_store.hpp"
#include "store/p2p_store.hpp"
#include "store/types.hpp"

namespace connsim::live::wire {

/// A gossiped presence record {id, peerId, multiaddrs, relayAddrs, webrtcAddr, walletAddress,
/// nickname?, avatar?, createdAt, expiresAt}; nullopt and `error` set when it is not one.
std::optional<store::PresenceAdvertisement> presence_from_json(const nlohmann::json& value, std::string& error);

/// {success, connection_type, error?}
nlohmann::json connect_result(const store::ConnectResult& result);
/// {status, connection_type (or null), error (or null)}
nlohmann::json peer_status(const store::PeerConnectionStatus& status);
/// {success, session_id (or null), error (or null)}
nlohmann::json propose_spend_result(const store::ProposeSpendResult& result);
/// The entries in insertion order: [[peer, {success, connection_type, error?}], ...]
nlohmann::json connect_many_result(const store::ResultMap<store::ConnectResult>& results);

}  // namespace connsim::live::wire
