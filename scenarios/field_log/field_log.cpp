#include "scenarios/field_log/field_log.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <set>
#include <tuple>

#include "scenarios/decode/decode_context.hpp"
#include "scenarios/decode/scalars.hpp"
#include "scenarios/decode/text.hpp"
#include "scenarios/document.hpp"
#include "scenarios/json_positions.hpp"
#include "scenarios/limits.hpp"
#include "store/musig2_store.hpp"
#include "store/types.hpp"

namespace connsim::scenarios::field_log {
namespace {

using json = nlohmann::json;
using namespace decode;

/// Entries in one log: a day of a busy wallet is a few thousand.
constexpr std::size_t kMaxEntries = 100'000;
constexpr std::size_t kMaxPeers = 10'000;
/// Milliseconds a log may span: 30 days, the longest `until` a scenario may have.
constexpr std::int64_t kMaxLogMs = 720LL * 3600 * 1000;

/// A status's connection type: a result's, without "none".
constexpr std::array<Spelling<store::ConnectionType>, 3> kStatusTypeSpellings{
    store::kConnectionTypeSpellings[0], store::kConnectionTypeSpellings[1], store::kConnectionTypeSpellings[2]};
/// The clock's units (only milliseconds so far).
enum class ClockUnit { ms };
constexpr std::array<Spelling<ClockUnit>, 1> kUnitSpellings{{{ClockUnit::ms, "ms"}}};

/// One of a spelling table's words, returned as written.
template <class Table>
std::optional<std::string> get_spelling(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
                                        const Table& names) {
  if (!get_enum(ctx, value, pointer, names)) return std::nullopt;
  return value.get<std::string>();
}

std::optional<std::string> get_text(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
                                    bool non_empty) {
  auto text = get_string(ctx, value, pointer);
  if (text && non_empty && text->empty()) {
    ctx.error(pointer, "must not be empty");
    return std::nullopt;
  }
  return text;
}

/// Reads the optional member `key` with `decode` into `out`; false when present and invalid.
template <class T, class Decode>
bool optional_member(DecodeContext& ctx, const json& object, const JsonPointer& pointer, std::string_view key,
                     std::optional<T>& out, Decode decode) {
  const auto it = object.find(key);
  if (it == object.end()) return true;
  out = decode(ctx, *it, pointer_child(pointer, key));
  return out.has_value();
}

template <class T, class Decode>
bool required_member(DecodeContext& ctx, const json& object, const JsonPointer& pointer, std::string_view key,
                     T& out, Decode decode) {
  const json* value = required_member(ctx, object, pointer, key);
  if (value == nullptr) return false;
  auto decoded = decode(ctx, *value, pointer_child(pointer, key));
  if (!decoded) return false;
  out = std::move(*decoded);
  return true;
}

auto text_of(bool non_empty) {
  return [non_empty](DecodeContext& c, const json& v, const JsonPointer& p) { return get_text(c, v, p, non_empty); };
}
template <class Table>
auto words_of(const Table& names) {
  return [&names](DecodeContext& c, const json& v, const JsonPointer& p) { return get_spelling(c, v, p, names); };
}
auto id_of() {
  return [](DecodeContext& c, const json& v, const JsonPointer& p) { return get_id(c, v, p); };
}

std::optional<LogEntry> decode_entry(DecodeContext& ctx, const json& value, const JsonPointer& at) {
  if (!value.is_object()) {
    ctx.error(at, "expected an entry (an object with \"t\" and \"kind\"), got " + describe(value));
    return std::nullopt;
  }
  LogEntry entry;
  bool ok = true;
  std::int64_t t = 0;
  ok &= required_member(ctx, value, at, "t", t, [](DecodeContext& c, const json& v, const JsonPointer& p) {
    return get_integer(c, v, p, 0, kMaxLogMs);
  });
  entry.t_ms = t;
  const json* kind_value = required_member(ctx, value, at, "kind");
  if (kind_value == nullptr) return std::nullopt;
  const auto kind = get_enum(ctx, *kind_value, pointer_child(at, "kind"), kEntryKindSpellings);
  if (!kind) return std::nullopt;
  entry.kind = *kind;
  switch (*kind) {
    case EntryKind::status:
      ok &= only_keys(ctx, value, at, {"t", "kind", "peer", "status", "connection_type", "error"});
      ok &= required_member(ctx, value, at, "peer", entry.peer, id_of());
      ok &= required_member(ctx, value, at, "status", entry.status, words_of(store::kConnectionStatusSpellings));
      ok &= optional_member(ctx, value, at, "connection_type", entry.connection_type, words_of(kStatusTypeSpellings));
      ok &= optional_member(ctx, value, at, "error", entry.error, text_of(false));
      break;
    case EntryKind::activity:
      ok &= only_keys(ctx, value, at, {"t", "kind", "type", "message"});
      ok &= required_member(ctx, value, at, "type", entry.type, text_of(true));
      ok &= required_member(ctx, value, at, "message", entry.message, text_of(false));
      break;
    case EntryKind::connect: {
      ok &= only_keys(ctx, value, at, {"t", "kind", "peer", "success", "connection_type", "error"});
      ok &= required_member(ctx, value, at, "peer", entry.peer, id_of());
      ok &= required_member(ctx, value, at, "success", entry.success, get_bool);
      std::string type;
      ok &= required_member(ctx, value, at, "connection_type", type, words_of(store::kConnectionTypeSpellings));
      entry.connection_type = type;
      ok &= optional_member(ctx, value, at, "error", entry.error, text_of(false));
      break;
    }
    case EntryKind::session:
      ok &= only_keys(ctx, value, at, {"t", "kind", "session_id", "state", "failure"});
      ok &= required_member(ctx, value, at, "session_id", entry.session_id, text_of(true));
      ok &= required_member(ctx, value, at, "state", entry.state, words_of(store::kSessionStateSpellings));
      ok &= optional_member(ctx, value, at, "failure", entry.failure, text_of(false));
      break;
    case EntryKind::libp2p:
      ok &= only_keys(ctx, value, at, {"t", "kind", "event", "peer", "connection_type"});
      ok &= required_member(ctx, value, at, "event", entry.event, words_of(kLibp2pEventSpellings));
      ok &= required_member(ctx, value, at, "peer", entry.peer, id_of());
      ok &= optional_member(ctx, value, at, "connection_type", entry.connection_type, words_of(kStatusTypeSpellings));
      break;
  }
  if (!ok) return std::nullopt;
  return entry;
}

void decode_wallet(DecodeContext& ctx, const json& value, FieldLog& log) {
  const JsonPointer at = "/wallet";
  if (!only_keys(ctx, value, at, {"peer_id", "name"})) return;
  required_member(ctx, value, at, "peer_id", log.peer_id, id_of());
  optional_member(ctx, value, at, "name", log.name, id_of());
}

void decode_clock(DecodeContext& ctx, const json& value, FieldLog& log) {
  const JsonPointer at = "/clock";
  if (!only_keys(ctx, value, at, {"unit", "started_at"})) return;
  std::string unit;
  required_member(ctx, value, at, "unit", unit, words_of(kUnitSpellings));
  std::optional<std::int64_t> started;
  optional_member(ctx, value, at, "started_at", started, [](DecodeContext& c, const json& v, const JsonPointer& p) {
    return get_integer(c, v, p, 0, std::numeric_limits<std::int64_t>::max() / 2);
  });
  log.started_at = started.value_or(0);
}

void decode_peers(DecodeContext& ctx, const json& value, FieldLog& log) {
  if (!is_array_of_at_most(ctx, value, "/peers", kMaxPeers, "peers")) return;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const JsonPointer at = pointer_child("/peers", i);
    if (!only_keys(ctx, value[i], at, {"peer_id", "nickname"})) continue;
    LogPeer peer;
    if (!required_member(ctx, value[i], at, "peer_id", peer.peer_id, id_of())) continue;
    optional_member(ctx, value[i], at, "nickname", peer.nickname, text_of(false));
    if (!seen.insert(peer.peer_id).second) {
      ctx.error(pointer_child(at, "peer_id"), "peer " + quote(peer.peer_id) + " is listed twice");
      continue;
    }
    log.peers.push_back(std::move(peer));
  }
}

void decode_entries(DecodeContext& ctx, const json& value, FieldLog& log) {
  if (!is_array_of_at_most(ctx, value, "/entries", kMaxEntries, "entries")) return;
  std::optional<std::int64_t> last;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const JsonPointer at = pointer_child("/entries", i);
    auto entry = decode_entry(ctx, value[i], at);
    if (!entry) continue;
    if (last && entry->t_ms < *last) {
      ctx.error(pointer_child(at, "t"), "time goes back: " + std::to_string(entry->t_ms) + " ms after " +
                                            std::to_string(*last) + " ms (entries are in the order observed)");
    }
    last = entry->t_ms;
    log.entries.push_back(std::move(*entry));
  }
}

}  // namespace

FieldLogLoadResult load_field_log_text(std::string_view text, std::string source_name) {
  return load_document_text<FieldLogLoadResult, FieldLog>(
      text, source_name, DocumentKind{"a field log", kLogFormat},
      [](DecodeContext& ctx, const json& root, FieldLog& log) {
        only_keys(ctx, root, "", {"format", "wallet", "clock", "peers", "entries"});
        if (const json* wallet = required_member(ctx, root, "", "wallet"))
          decode_wallet(ctx, *wallet, log);
        if (const json* clock = required_member(ctx, root, "", "clock"))
          decode_clock(ctx, *clock, log);
        if (root.contains("peers")) decode_peers(ctx, root["peers"], log);
        if (const json* entries = required_member(ctx, root, "", "entries"))
          decode_entries(ctx, *entries, log);
      });
}

FieldLogLoadResult load_field_log_file(const std::filesystem::path& path) {
  return load_document_file(path, load_field_log_text);
}

nlohmann::ordered_json to_json(const FieldLog& log) {
  using ojson = nlohmann::ordered_json;
  ojson wallet{{"peer_id", log.peer_id}};
  if (log.name) wallet["name"] = *log.name;
  ojson peers = ojson::array();
  for (const LogPeer& peer : log.peers) {
    ojson p{{"peer_id", peer.peer_id}};
    if (peer.nickname) p["nickname"] = *peer.nickname;
    peers.push_back(std::move(p));
  }
  ojson entries = ojson::array();
  for (const LogEntry& e : log.entries) {
    ojson out{{"t", e.t_ms}, {"kind", std::string(to_string(e.kind))}};
    switch (e.kind) {
      case EntryKind::status:
        out["peer"] = e.peer;
        out["status"] = e.status;
        if (e.connection_type) out["connection_type"] = *e.connection_type;
        if (e.error) out["error"] = *e.error;
        break;
      case EntryKind::activity:
        out["type"] = e.type;
        out["message"] = e.message;
        break;
      case EntryKind::connect:
        out["peer"] = e.peer;
        out["success"] = e.success;
        out["connection_type"] = e.connection_type.value_or("none");
        if (e.error) out["error"] = *e.error;
        break;
      case EntryKind::session:
        out["session_id"] = e.session_id;
        out["state"] = e.state;
        if (e.failure) out["failure"] = *e.failure;
        break;
      case EntryKind::libp2p:
        out["event"] = e.event;
        out["peer"] = e.peer;
        if (e.connection_type) out["connection_type"] = *e.connection_type;
        break;
    }
    entries.push_back(std::move(out));
  }
  return ojson{{"format", std::string(kLogFormat)},
               {"wallet", wallet},
               {"clock", {{"unit", "ms"}, {"started_at", log.started_at}}},
               {"peers", peers},
               {"entries", entries}};
}

}  // namespace connsim::scenarios::field_log
