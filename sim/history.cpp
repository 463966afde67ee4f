#include "sim/history.hpp"

#include <charconv>
#include <cstdio>
#include <type_traits>

namespace connsim::sim {

namespace {

constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
constexpr std::uint64_t kFnvPrime = 0x100000001b3ULL;

/// Where rendered text goes: appended to a string, or folded into an FNV-1a hash byte by byte
/// (so the fingerprint never needs the text built). A field ends with end_field(), which in a
/// hash adds the separator that keeps fields from running together.
class Text {
 public:
  explicit Text(std::string& out) : out_(&out) {}
  explicit Text(std::uint64_t hash) : hash_(hash) {}

  Text& operator<<(std::string_view bytes) {
    if (out_) {
      out_->append(bytes);
    } else {
      for (char c : bytes) hash_ = (hash_ ^ static_cast<unsigned char>(c)) * kFnvPrime;
    }
    return *this;
  }
  Text& operator<<(const std::string& bytes) { return *this << std::string_view(bytes); }
  Text& operator<<(const char* bytes) { return *this << std::string_view(bytes); }
  /// Integers in decimal, as std::to_string writes them.
  template <class Integer>
    requires std::is_integral_v<Integer>
  Text& operator<<(Integer value) {
    char buffer[24];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
    return *this << std::string_view(buffer, static_cast<std::size_t>(end - buffer));
  }
  Text& operator<<(bool) = delete;
  Text& operator<<(char) = delete;

  void end_field() {
    if (!out_) hash_ = (hash_ ^ 0xff) * kFnvPrime;
  }
  std::uint64_t hash() const { return hash_; }

 private:
  std::string* out_ = nullptr;
  std::uint64_t hash_ = kFnvOffset;
};

/// " (<cause>)", the suffix most faults and closes carry.
struct InParentheses {
  const std::string& text;
};
Text& operator<<(Text& out, InParentheses cause) { return out << " (" << cause.text << ")"; }

/// std::to_string(double): "%f".
std::string fixed_six(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%f", value);
  return buffer;
}

// --- subjects -----------------------------------------------------------------------------------

void subject(const StepRan& e, Text& out) {
  if (e.id) {
    out << *e.id;
  } else {
    out << "#" << e.index;
  }
}
void subject(const ReservationChanged& e, Text& out) { out << e.wallet << " " << e.relay; }
void subject(const RelaySwitched& e, Text& out) { out << e.relay; }
void subject(const PartitionStarted&, Text& out) { out << "network"; }
void subject(const PartitionHealed&, Text& out) { out << "network"; }
void subject(const NetworkChanged&, Text& out) { out << "network"; }
void subject(const ConnectionOpened& e, Text& out) { out << e.dialer; }
void subject(const ConnectionClosed& e, Text& out) { out << e.dialer; }
template <class Entry>
  requires requires(const Entry& e) { e.wallet; }
void subject(const Entry& e, Text& out) {
  out << e.wallet;
}

// --- details ------------------------------------------------------------------------------------

void detail(const StepRan& e, Text& out) { out << e.action; }

void detail(const StatusWritten& e, Text& out) {
  out << e.peer << " " << store::to_string(e.status.status);
  if (e.status.connection_type) out << " " << store::to_string(*e.status.connection_type);
  if (e.status.error) out << InParentheses{*e.status.error};
}

void detail(const EventAdded& e, Text& out) { out << e.type << " " << e.message; }

void detail(const AttemptFinished& e, Text& out) {
  out << e.peer << " #" << e.attempt << " ";
  if (e.result.success) {
    out << store::to_string(e.result.connection_type);
  } else if (e.result.error) {
    out << *e.result.error;
  }
}

void detail(const ConnectFinished& e, Text& out) {
  out << e.peer << " ";
  if (e.result.success) {
    out << "ok " << store::to_string(e.result.connection_type);
  } else {
    out << "failed ";
    if (e.result.error) out << *e.result.error;
  }
}

void detail(const ConnectionOpened& e, Text& out) {
  out << "#" << e.connection << " " << store::to_string(e.type) << " to " << e.listener;
  if (e.relay) out << " via " << *e.relay;
}

void detail(const ConnectionClosed& e, Text& out) {
  out << "#" << e.connection << " " << store::to_string(e.type) << " to " << e.listener << InParentheses{e.cause};
}

void detail(const ReservationChanged& e, Text& out) {
  out << spelling_of(e.outcome);
  if (e.outcome == ReservationOutcome::slots_full) out << " (RESERVATION_REFUSED: " << e.slots << " slots taken)";
  if (e.outcome == ReservationOutcome::lost) out << InParentheses{e.cause};
}

void detail(const PresenceAdvertised& e, Text& out) {
  out << e.relay_addrs << " relay addrs";
  if (e.webrtc) out << ", webrtc";
}

void detail(const SessionChanged& e, Text& out) {
  out << e.session_id << " " << store::to_string(e.state);
  if (e.failure) out << InParentheses{*e.failure};
}

void detail(const LifecycleChanged& e, Text& out) {
  out << spelling_of(e.change);
  if (e.change != LifecycleChange::online) out << InParentheses{e.cause};
}

void detail(const RelaySwitched& e, Text& out) {
  out << (e.up ? "relay up" : "relay down") << InParentheses{e.cause};
}

void detail(const PartitionStarted& e, Text& out) {
  out << "partition #" << e.partition << InParentheses{e.cause} << ":";
  for (const std::string& host : e.side_a) out << " " << host;
  out << " |";
  for (const std::string& host : e.side_b) out << " " << host;
}

void detail(const PartitionHealed& e, Text& out) {
  if (e.partition) {
    out << "heal #" << *e.partition;
  } else {
    out << "heal all";
  }
  out << InParentheses{e.cause};
}

void detail(const ConnectionDropped& e, Text& out) {
  out << "drop connection to " << e.peer << InParentheses{e.cause};
}

void detail(const NatRebound& e, Text& out) { out << "NAT rebind" << InParentheses{e.cause}; }

void detail(const NetworkChanged& e, Text& out) {
  out << "set network latency " << e.latency.describe() << " loss " << fixed_six(e.loss) << InParentheses{e.cause};
}

void detail(const MessageSkipped& e, Text& out) {
  out << "message to " << e.target << " skipped: relay-only connection";
}

}  // namespace

// --- entries ------------------------------------------------------------------------------------

HistoryKind HistoryEntry::kind() const {
  return std::visit([](const auto& e) { return std::decay_t<decltype(e)>::kKind; }, what);
}

const std::string* HistoryEntry::wallet() const {
  return std::visit(
      [](const auto& e) -> const std::string* {
        if constexpr (requires { e.wallet; }) {
          return &e.wallet;
        } else if constexpr (requires { e.dialer; }) {
          return &e.dialer;
        } else {
          return nullptr;
        }
      },
      what);
}

std::string HistoryEntry::subject_text() const {
  std::string text;
  Text out(text);
  std::visit([&](const auto& e) { subject(e, out); }, what);
  return text;
}

std::string HistoryEntry::detail_text() const {
  std::string text;
  Text out(text);
  std::visit([&](const auto& e) { detail(e, out); }, what);
  return text;
}

// --- the history --------------------------------------------------------------------------------

void History::record(Duration at, HistoryDetail what) {
  const auto ticks = static_cast<std::uint64_t>(at.count());
  char time_bytes[8];
  for (int i = 0; i < 8; ++i) time_bytes[i] = static_cast<char>((ticks >> (8 * i)) & 0xff);
  Text hash(hash_);
  hash << std::string_view(time_bytes, 8);
  hash.end_field();
  std::visit(
      [&](const auto& e) {
        hash << spelling_of(std::decay_t<decltype(e)>::kKind);
        hash.end_field();
        subject(e, hash);
        hash.end_field();
        detail(e, hash);
        hash.end_field();
      },
      what);
  hash_ = hash.hash();
  ++count_;
  if (keep_) entries_.push_back({at, std::move(what)});
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
  line += spelling_of(entry.kind());
  line += ' ';
  line += entry.subject_text();
  const std::string detail = entry.detail_text();
  if (!detail.empty()) {
    line += ' ';
    line += detail;
  }
  return line;
}

}  // namespace connsim::sim
