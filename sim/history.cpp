#include "sim/history.hpp"

#include <cstdio>

namespace connsim::sim {

std::string_view to_string(HistoryKind kind) {
  switch (kind) {
    case HistoryKind::step: return "step";
    case HistoryKind::status: return "status";
    case HistoryKind::event: return "event";
    case HistoryKind::attempt: return "attempt";
    case HistoryKind::connect: return "connect";
    case HistoryKind::connection_open: return "open";
    case HistoryKind::connection_close: return "close";
    case HistoryKind::reservation: return "reservation";
    case HistoryKind::presence: return "presence";
    case HistoryKind::fault: return "fault";
    case HistoryKind::session: return "session";
    case HistoryKind::lifecycle: return "lifecycle";
  }
  return "?";
}

namespace {

std::uint64_t fnv(std::uint64_t h, std::string_view bytes) {
  for (char c : bytes) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return (h ^ 0xff) * 0x100000001b3ULL;  // a separator, so fields can't run together
}

}  // namespace

void History::record(Duration at, HistoryKind kind, std::string_view subject,
                     std::string_view detail) {
  const auto ticks = static_cast<std::uint64_t>(at.count());
  char time_bytes[8];
  for (int i = 0; i < 8; ++i) time_bytes[i] = static_cast<char>((ticks >> (8 * i)) & 0xff);
  hash_ = fnv(hash_, std::string_view(time_bytes, 8));
  hash_ = fnv(hash_, to_string(kind));
  hash_ = fnv(hash_, subject);
  hash_ = fnv(hash_, detail);
  ++count_;
  if (keep_) entries_.push_back({at, kind, std::string(subject), std::string(detail)});
}

std::string History::fingerprint_hex() const {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(hash_));
  return buffer;
}

std::string format_time(Duration at) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6fs", static_cast<double>(at.count()) / 1e9);
  return buffer;
}

std::string History::format(const HistoryEntry& entry) {
  std::string line = format_time(entry.at);
  line += ' ';
  line += to_string(entry.kind);
  line += ' ';
  line += entry.subject;
  if (!entry.detail.empty()) {
    line += ' ';
    line += entry.detail;
  }
  return line;
}

}  // namespace connsim::sim
