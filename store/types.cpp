#include "store/types.hpp"

namespace connsim::store {

std::string_view to_string(ConnectionStatus status) {
  switch (status) {
    case ConnectionStatus::disconnected: return "disconnected";
    case ConnectionStatus::connecting: return "connecting";
    case ConnectionStatus::connected: return "connected";
    case ConnectionStatus::failed: return "failed";
  }
  return "?";
}

std::string_view to_string(ConnectionType type) {
  switch (type) {
    case ConnectionType::webrtc: return "webrtc";
    case ConnectionType::relay: return "relay";
    case ConnectionType::direct: return "direct";
    case ConnectionType::none: return "none";
  }
  return "?";
}

std::optional<ConnectionStatus> parse_connection_status(std::string_view text) {
  for (auto s : {ConnectionStatus::disconnected, ConnectionStatus::connecting,
                 ConnectionStatus::connected, ConnectionStatus::failed}) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

std::optional<ConnectionType> parse_connection_type(std::string_view text) {
  for (auto t : {ConnectionType::webrtc, ConnectionType::relay, ConnectionType::direct,
                 ConnectionType::none}) {
    if (to_string(t) == text) return t;
  }
  return std::nullopt;
}

std::string error_message(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return std::string(kUnknownError);
  }
}

std::string js_slice12(std::string_view id) { return std::string(id.substr(0, 12)); }

std::string display_name(const PresenceAdvertisement& presence) {
  if (presence.nickname && !presence.nickname->empty()) return *presence.nickname;
  return js_slice12(presence.peer_id);
}

}  // namespace connsim::store
