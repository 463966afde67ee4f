#include "live/store_host/wire.hpp"

namespace connsim::live::wire {

using nlohmann::json;

namespace {

bool read_text(const json& object, const char* key, std::string& out, std::string& error) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) {
    error = std::string("presence: \"") + key + "\" must be a string";
    return false;
  }
  out = it->get<std::string>();
  return true;
}

bool read_texts(const json& object, const char* key, std::vector<std::string>& out, std::string& error) {
  auto it = object.find(key);
  if (it == object.end()) return true;  // absent: none
  if (!it->is_array()) {
    error = std::string("presence: \"") + key + "\" must be an array of strings";
    return false;
  }
  for (const auto& item : *it) {
    if (!item.is_string()) {
      error = std::string("presence: \"") + key + "\" must be an array of strings";
      return false;
    }
    out.push_back(item.get<std::string>());
  }
  return true;
}

std::optional<std::string> optional_text(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

store::EpochMs epoch_ms(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return 0;
  return static_cast<store::EpochMs>(it->get<double>());
}

json optional_json(const std::optional<std::string>& text) { return text ? json(*text) : json(nullptr); }

}  // namespace

std::optional<store::PresenceAdvertisement> presence_from_json(const json& value, std::string& error) {
  if (!value.is_object()) {
    error = "presence: not an object";
    return std::nullopt;
  }
  store::PresenceAdvertisement p;
  if (!read_text(value, "id", p.id, error) || !read_text(value, "peerId", p.peer_id, error) ||
      !read_texts(value, "multiaddrs", p.multiaddrs, error) || !read_texts(value, "relayAddrs", p.relay_addrs, error)) {
    return std::nullopt;
  }
  p.webrtc_addr = optional_text(value, "webrtcAddr");
  p.wallet_address = optional_text(value, "walletAddress").value_or("");
  p.nickname = optional_text(value, "nickname");
  p.avatar = optional_text(value, "avatar");
  p.created_at = epoch_ms(value, "createdAt");
  p.expires_at = epoch_ms(value, "expiresAt");
  return p;
}

json connect_result(const store::ConnectResult& result) {
  json out{{"success", result.success}, {"connection_type", std::string(store::to_string(result.connection_type))}};
  if (result.error) out["error"] = *result.error;
  return out;
}

json peer_status(const store::PeerConnectionStatus& status) {
  return {{"status", std::string(store::to_string(status.status))},
          {"connection_type",
           status.connection_type ? json(std::string(store::to_string(*status.connection_type))) : json(nullptr)},
          {"error", optional_json(status.error)}};
}

json propose_spend_result(const store::ProposeSpendResult& result) {
  return {{"success", result.success}, {"session_id", optional_json(result.session_id)}, {"error", optional_json(result.error)}};
}

json connect_many_result(const store::ResultMap<store::ConnectResult>& results) {
  json out = json::array();
  for (const auto& [peer, result] : results) out.push_back(json::array({peer, connect_result(result)}));
  return out;
}

}  // namespace connsim::live::wire
