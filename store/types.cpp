#include "store/types.hpp"

namespace connsim::store {

std::string_view to_string(ConnectionStatus status) {
  return spelling_of(status);
}

std::string_view to_string(ConnectionType type) {
  return spelling_of(type);
}

std::optional<ConnectionStatus> parse_connection_status(std::string_view text) {
  return parse_spelling<ConnectionStatus>(text);
}

std::optional<ConnectionType> parse_connection_type(std::string_view text) {
  return parse_spelling<ConnectionType>(text);
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
