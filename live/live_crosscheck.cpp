#include "live/live_crosscheck.hpp"

#include <cstdio>
#include <map>
#include <ostream>
#include <set>

namespace connsim::live {
namespace {

double ms(store::Duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

std::string outcome_text(const std::optional<sim::ConnectRecord>& c) {
  if (!c) return "(none)";
  std::string out = c->result.success ? "ok " : "failed ";
  out += std::string(store::to_string(c->result.connection_type));
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, " %.1f ms", ms(c->finished - c->started));
  return out + buffer;
}

std::set<std::string> failed_expectations(const scenarios::RunReport& report) {
  std::set<std::string> out;
  for (const auto& f : report.failures) out.insert(f.pointer.empty() ? f.summary : f.pointer);
  return out;
}

std::string join(const std::set<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out.empty() ? "none" : out;
}

/// Per wallet: the final state of each signing session it coordinated or joined, in order.
std::vector<std::string> session_outcomes(const sim::WalletRecords& records) {
  std::map<std::pair<std::string, std::uint64_t>, std::string> last;
  std::vector<std::pair<std::string, std::uint64_t>> order;
  for (const auto& s : records.sessions) {
    const auto key = std::make_pair(s.session_id, s.generation);
    if (!last.count(key)) order.push_back(key);
    last[key] = std::string(store::to_string(s.state)) + (s.failure ? " (" + *s.failure + ")" : "");
  }
  std::vector<std::string> out;
  for (const auto& key : order) out.push_back(last[key]);
  return out;
}

}  // namespace

bool ConnectSideBySide::same() const {
  return simulated && live && simulated->result.success == live->result.success &&
         simulated->result.connection_type == live->result.connection_type;
}

LiveCrossCheck compare_with_live(const scenarios::RunReport& simulated, const scenarios::RunReport& live) {
  LiveCrossCheck check;
  check.name = simulated.name;
  check.simulated_passed = simulated.passed;
  check.live_passed = live.passed;
  const std::size_t wallets = std::min(simulated.records.size(), live.records.size());
  for (std::size_t w = 0; w < wallets; ++w) {
    const std::string& who = simulated.wallet_ids[w];
    std::map<std::string, std::pair<std::vector<sim::ConnectRecord>, std::vector<sim::ConnectRecord>>> by_peer;
    std::vector<std::string> peers;
    for (const auto& c : simulated.records[w].connects) {
      if (!by_peer.count(c.peer)) peers.push_back(c.peer);
      by_peer[c.peer].first.push_back(c);
    }
    for (const auto& c : live.records[w].connects) {
      if (!by_peer.count(c.peer)) peers.push_back(c.peer);
      by_peer[c.peer].second.push_back(c);
    }
    for (const auto& peer : peers) {
      const auto& [a, b] = by_peer[peer];
      for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
        ConnectSideBySide row{who, peer, i + 1, std::nullopt, std::nullopt};
        if (i < a.size()) row.simulated = a[i];
        if (i < b.size()) row.live = b[i];
        if (!row.same()) {
          check.differences.push_back(who + " -> " + peer + " #" + std::to_string(i + 1) + ": simulated " +
                                      outcome_text(row.simulated) + ", live " + outcome_text(row.live));
        }
        check.connects.push_back(std::move(row));
      }
    }
    const auto sessions_a = session_outcomes(simulated.records[w]);
    const auto sessions_b = session_outcomes(live.records[w]);
    if (sessions_a != sessions_b) {
      std::string line = who + " signing sessions: simulated [";
      for (const auto& s : sessions_a) line += " " + s;
      line += " ], live [";
      for (const auto& s : sessions_b) line += " " + s;
      check.differences.push_back(line + " ]");
    }
  }
  const auto failed_a = failed_expectations(simulated);
  const auto failed_b = failed_expectations(live);
  if (failed_a != failed_b) {
    check.differences.push_back("failed expectations: simulated {" + join(failed_a) + "}, live {" + join(failed_b) + "}");
  }
  return check;
}

void write_live_crosscheck(std::ostream& out, const LiveCrossCheck& check) {
  out << check.name << ": simulated " << (check.simulated_passed ? "PASS" : "FAIL") << ", live "
      << (check.live_passed ? "PASS" : "FAIL") << "\n";
  for (const auto& row : check.connects) {
    char diff[48] = "";
    if (row.simulated && row.live) {
      const double d = ms(row.live->finished - row.live->started) - ms(row.simulated->finished - row.simulated->started);
      std::snprintf(diff, sizeof diff, "%+.1f ms", d);
    }
    out << "  " << row.wallet << " -> " << row.peer << " #" << row.nth << "  simulated: " << outcome_text(row.simulated)
        << "  live: " << outcome_text(row.live) << "  live-simulated: " << (diff[0] ? diff : "n/a")
        << (row.same() ? "" : "  <- differs") << "\n";
  }
  if (check.same()) {
    out << "SAME " << check.name << "\n";
  } else {
    out << "DIFF " << check.name << ": " << check.differences.front() << "\n";
    for (std::size_t i = 1; i < check.differences.size(); ++i) out << "  " << check.differences[i] << "\n";
  }
}

}  // namespace connsim::live
