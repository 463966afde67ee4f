// A field log (`connsim-log/1`, scenarios/FORMAT.md "Field logs"): what one wallet can export of
// itself. Its activity feed entries, its status writes (peer, status), the results of its
// connects (connectToPresence), its signing sessions' states, and optionally the libp2p node's
// peer:connect / peer:disconnect, each stamped with the milliseconds since the log started.
//
// Produced by the wallet's exporter (js/store/export/field_log.ts) in the field or under
// `connsim run --store js --export-log`, and from a run's typed history otherwise
// (export_log.hpp); read back by the strict decoder below, which reports every problem with
// file, line, column and JSON pointer, as the scenario loader does.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "scenarios/loader.hpp"
#include "store/spelling.hpp"

namespace connsim::scenarios::field_log {

inline constexpr std::string_view kLogFormat = "connsim-log/1";

/// The kinds of entries, as spelled in a log's "kind".
enum class EntryKind { status, activity, connect, session, libp2p };
inline constexpr auto kEntryKindSpellings =
    in_enum_order<EntryKind>("status", "activity", "connect", "session", "libp2p");
SpellingTable<kEntryKindSpellings> spellings(EntryKind);

/// The libp2p node's events a log may carry.
enum class Libp2pEvent { peer_connect, peer_disconnect };
inline constexpr auto kLibp2pEventSpellings = in_enum_order<Libp2pEvent>("peer:connect", "peer:disconnect");
SpellingTable<kLibp2pEventSpellings> spellings(Libp2pEvent);

using connsim::to_string;

/// One thing the wallet observed of itself. Which fields are meaningful depends on `kind`;
/// the others stay empty (the decoder refuses keys a kind does not have).
struct LogEntry {
  std::int64_t t_ms = 0;  // milliseconds since the log's start
  EntryKind kind = EntryKind::status;
  std::string peer;                           // status, connect, libp2p
  std::string status;                         // status: disconnected|connecting|connected|failed
  std::optional<std::string> connection_type; // status (optional), connect, libp2p (optional)
  std::optional<std::string> error;           // status, connect (optional)
  bool success = false;                       // connect
  std::string type;                           // activity: the event's type
  std::string message;                        // activity
  std::string session_id;                     // session
  std::string state;                          // session: proposed|collecting_nonces|...
  std::optional<std::string> failure;         // session (optional)
  std::string event;                          // libp2p: peer:connect|peer:disconnect

  friend bool operator==(const LogEntry&, const LogEntry&) = default;
};

/// A peer the wallet wrote about, with the nickname its presence carried (if any).
struct LogPeer {
  std::string peer_id;
  std::optional<std::string> nickname;
  friend bool operator==(const LogPeer&, const LogPeer&) = default;
};

struct FieldLog {
  std::string peer_id;               // the logged wallet's own peer id
  std::optional<std::string> name;   // an app-level name for it (the scenario's wallet id)
  std::int64_t started_at = 0;       // Date.now() when the log started (0: a simulation's start)
  std::vector<LogPeer> peers;        // in order of first mention
  std::vector<LogEntry> entries;     // in the order the wallet observed them; t never goes back
  std::string source_file;           // where it was read from ("" when made in memory)

  friend bool operator==(const FieldLog& a, const FieldLog& b) {
    return a.peer_id == b.peer_id && a.name == b.name && a.started_at == b.started_at && a.peers == b.peers &&
           a.entries == b.entries;
  }
};

/// Either a FieldLog or the errors (sorted by position), like LoadResult.
struct FieldLogLoadResult {
  std::variant<FieldLog, std::vector<LoadError>> value;
  bool ok() const { return value.index() == 0; }
  const FieldLog& log() const { return std::get<FieldLog>(value); }
  const std::vector<LoadError>& errors() const { return std::get<std::vector<LoadError>>(value); }
};

FieldLogLoadResult load_field_log_text(std::string_view text, std::string source_name);
FieldLogLoadResult load_field_log_file(const std::filesystem::path& path);

/// The log as `connsim-log/1` JSON (keys in the documented order); load_field_log_text reads it
/// back equal.
nlohmann::ordered_json to_json(const FieldLog& log);

/// The log's peers: every peer its entries name, in order of first mention, each with the
/// nickname `nickname_of` gives (nullopt: none).
template <class NicknameOf>
std::vector<LogPeer> peers_of(const std::vector<LogEntry>& entries, NicknameOf nickname_of) {
  std::vector<LogPeer> peers;
  for (const LogEntry& entry : entries) {
    if (entry.peer.empty()) continue;
    bool known = false;
    for (const LogPeer& p : peers) known |= p.peer_id == entry.peer;
    if (!known) peers.push_back({entry.peer, nickname_of(entry.peer)});
  }
  return peers;
}

}  // namespace connsim::scenarios::field_log
