#include "sim/js/store_reports.hpp"

#include "store/spelling.hpp"

namespace connsim::sim::js {

using nlohmann::json;

std::optional<std::string> optional_text(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::string text(const json& object, const char* key) { return optional_text(object, key).value_or(""); }

store::ConnectResult connect_result(const json& value) {
  store::ConnectResult result;
  if (!value.is_object()) {
    result.error = "the JavaScript store returned no result";
    return result;
  }
  result.success = value.value("success", false);
  result.connection_type = store::parse_connection_type(text(value, "connection_type")).value_or(store::ConnectionType::none);
  result.error = optional_text(value, "error");
  return result;
}

store::ConnectResult finished_connect_result(const json& line) {
  if (line.contains("result")) return connect_result(line["result"]);
  return store::ConnectResult{false, store::ConnectionType::none, text(line, "threw")};
}

store::PeerConnectionStatus peer_status(const json& value) {
  store::PeerConnectionStatus status;
  if (!value.is_object()) return status;
  status.status = store::parse_connection_status(text(value, "status")).value_or(store::ConnectionStatus::disconnected);
  status.connection_type = store::parse_connection_type(text(value, "connection_type"));
  status.error = optional_text(value, "error");
  return status;
}

store::ActivityEvent activity_event(const json& line, std::uint64_t id, store::EpochMs timestamp_ms) {
  store::ActivityEvent event;
  event.id = id;
  event.type = text(line, "type");
  event.peer_id = text(line, "peer");
  event.message = text(line, "message");
  event.timestamp = timestamp_ms;
  return event;
}

store::SessionState session_state(const json& line) {
  return parse_spelling<store::SessionState>(text(line, "state")).value_or(store::SessionState::failed);
}

}  // namespace connsim::sim::js
