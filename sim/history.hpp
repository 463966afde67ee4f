// History: the ordered record of everything observable in a run (status writes, activity
// events, connect attempts, connections, faults, sessions, steps), and its fingerprint.
// Same scenario and seed => same history, entry for entry, and the same fingerprint.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/clock.hpp"

namespace connsim::sim {

using store::Duration;

enum class HistoryKind {
  step,             // a timeline step ran
  status,           // a store wrote a peer's connection status
  event,            // a store added an activity event
  attempt,          // one pass down the ladder finished
  connect,          // connectToPresence finished
  connection_open,  // a connection opened between two hosts
  connection_close, // a connection closed (detail names the cause)
  reservation,      // a relay reservation was made, refused or lost
  presence,         // a wallet advertised its presence
  fault,            // an injected fault (tagged with the step that caused it)
  session,          // a signing session changed state
  lifecycle,        // a wallet went online/offline/reloaded
};

std::string_view to_string(HistoryKind kind);

struct HistoryEntry {
  Duration at;
  HistoryKind kind;
  std::string subject;  // the wallet, relay or step concerned
  std::string detail;
};

class History {
 public:
  /// keep_entries=false keeps only the fingerprint and count (large swarms).
  explicit History(bool keep_entries = true) : keep_(keep_entries) {}

  void record(Duration at, HistoryKind kind, std::string_view subject, std::string_view detail);

  /// FNV-1a-64 over every entry in order (time, kind, subject, detail).
  std::uint64_t fingerprint() const { return hash_; }
  std::string fingerprint_hex() const;
  std::uint64_t size() const { return count_; }
  const std::vector<HistoryEntry>& entries() const { return entries_; }
  bool keeps_entries() const { return keep_; }

  /// One line per entry: "12.345678s status alice bob connecting".
  static std::string format(const HistoryEntry& entry);

 private:
  bool keep_;
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
  std::uint64_t count_ = 0;
  std::vector<HistoryEntry> entries_;
};

/// "12.345678s" for a virtual time.
std::string format_time(Duration at);

}  // namespace connsim::sim
