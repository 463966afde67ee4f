// History: the ordered record of everything observable in a run (status writes, activity
// events, connect attempts, connections, faults, sessions, steps), and its fingerprint.
// Same scenario and seed => same history, entry for entry, and the same fingerprint.
//
// Entries are typed (sim/history_entries.hpp). Each renders to one line of text,
// "<time> <kind> <subject>[ <detail>]"; the fingerprint hashes that text field by field, so it
// is the same whether or not entries are kept, and text is never built just to be hashed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/history_entries.hpp"
#include "store/clock.hpp"

namespace connsim::sim {

using store::Duration;

struct HistoryEntry {
  Duration at;
  HistoryDetail what;

  HistoryKind kind() const;
  /// The wallet the entry is about (a reservation's, a connection's dialer, a fault's target
  /// wallet); nullptr for entries about a step, a relay or the whole network.
  const std::string* wallet() const;
  /// The rendered subject: the wallet, relay or step concerned, or "network".
  std::string subject_text() const;
  /// The rendered detail: the rest of the line after the subject.
  std::string detail_text() const;
};

class History {
 public:
  /// keep_entries=false keeps only the fingerprint and count (large swarms).
  explicit History(bool keep_entries = true) : keep_(keep_entries) {}

  void record(Duration at, HistoryDetail what);

  /// FNV-1a-64 over every entry in order: its time (the tick count's 8 bytes, little end
  /// first), then its kind, subject and detail as rendered; each field followed by 0xff.
  std::uint64_t fingerprint() const { return hash_; }
  std::string fingerprint_hex() const;
  std::uint64_t size() const { return count_; }
  const std::vector<HistoryEntry>& entries() const { return entries_; }
  /// Hands the kept entries over, leaving none; the fingerprint and size stay as they are.
  std::vector<HistoryEntry> release_entries() { return std::exchange(entries_, {}); }
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
