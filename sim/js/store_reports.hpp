// Decoders for the values a JavaScript store reports (js/PROTOCOL.md: the host's `status`,
// `activity`, `connect_finished`, `attempt` and `session` lines, and the results it returns).
// Shared by the simulated JS wallet (sim/js/js_wallet.cpp) and the live recorder
// (live/recorder.cpp), which read the same lines from different processes.
//
// Contract: decoding never throws. A missing or mistyped text reads as "" (or nullopt where the
// field is optional), an unknown status as `disconnected`, an unknown session state as `failed`,
// a result that is not an object as a failed connect saying the store returned none.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "store/musig2_store.hpp"
#include "store/types.hpp"

namespace connsim::sim::js {

/// `object[key]` when it is a string.
std::optional<std::string> optional_text(const nlohmann::json& object, const char* key);

/// `object[key]` when it is a string, else "".
std::string text(const nlohmann::json& object, const char* key);

/// A connectToDiscoveredPeer result object ({success, connection_type, error}).
store::ConnectResult connect_result(const nlohmann::json& value);

/// The result of a `connect_finished` line: its `result`, or, when the store's connect threw,
/// a failed connect carrying the exception's text (`threw`).
store::ConnectResult finished_connect_result(const nlohmann::json& line);

/// A status record ({status, connection_type, error}) as written to the store's peer map.
store::PeerConnectionStatus peer_status(const nlohmann::json& value);

/// An `activity` line as the store's event, numbered `id`, stamped `timestamp_ms`.
store::ActivityEvent activity_event(const nlohmann::json& line, std::uint64_t id, store::EpochMs timestamp_ms);

/// A `session` line's `state` (its words as the store spells them).
store::SessionState session_state(const nlohmann::json& line);

}  // namespace connsim::sim::js
