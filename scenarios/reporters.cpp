#include "scenarios/reporters.hpp"

#include <cstdio>
#include <ostream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace connsim::scenarios {

std::string console_line(const RunReport& report) {
  if (report.passed) return "PASS " + report.name;
  std::string line = "FAIL " + report.name + ": ";
  for (std::size_t i = 0; i < report.failures.size(); ++i) {
    line += (i ? " | " : "") + report.failures[i].summary;
  }
  line += " (seed " + std::to_string(report.seed) + ")";
  return line;
}

std::string failure_details(const RunReport& report, const std::string& run_options) {
  std::string out;
  for (const auto& failure : report.failures) {
    out += report.name + " " + failure.pointer + ": " + failure.summary + "\n";
    if (!failure.detail.empty()) out += "  history:\n" + failure.detail;
  }
  out += "  reproduce: connsim run " + report.file + " --seed " + std::to_string(report.seed) + run_options + " --log\n";
  return out;
}

std::string summary_line(const std::vector<RunReport>& reports) {
  std::size_t passed = 0;
  for (const auto& report : reports) passed += report.passed ? 1 : 0;
  return std::to_string(passed) + " passed, " + std::to_string(reports.size() - passed) + " failed";
}

std::string stats_line(const RunReport& report) {
  const auto& s = report.stats;
  const auto per_wall_second = [&](double amount) { return s.wall_seconds > 0 ? amount / s.wall_seconds : 0.0; };
  // The keys in the order the line has always had them.
  const std::pair<const char*, nlohmann::ordered_json> fields[] = {
      {"name", report.name}, {"seed", report.seed}, {"events", s.events},
      {"connect_attempts", s.connect_attempts}, {"connects", s.connects}, {"connections", s.connections},
      {"sim_seconds", s.sim_seconds}, {"wall_seconds", s.wall_seconds}, {"peak_rss_kb", s.peak_rss_kb},
      {"history_entries", s.history_entries}, {"relay_circuits_opened", s.relay_circuits_opened},
      {"relay_circuits_refused", s.relay_circuits_refused},
      {"relay_reservations_refused", s.relay_reservations_refused},
      {"presence_deliveries", s.presence_deliveries},
      {"connect_attempts_per_wall_second", per_wall_second(static_cast<double>(s.connect_attempts))},
      {"speedup", per_wall_second(s.sim_seconds)}, {"fingerprint", s.fingerprint},
      {"backend", spelling_of(s.backend)}};
  nlohmann::ordered_json line;
  for (const auto& [key, value] : fields) line[key] = value;
  if (s.backend == Backend::packet) {
    line["packets"] = s.packets;
    line["packets_per_wall_second"] = per_wall_second(static_cast<double>(s.packets));
    for (const auto& [name, value] : s.backend_counters) line[name] = value;
  }
  return line.dump();
}

std::optional<std::string> first_divergence(const RunReport& a, const RunReport& b) {
  if (a.stats.fingerprint == b.stats.fingerprint) return std::nullopt;
  const std::size_t n = std::min(a.history.size(), b.history.size());
  for (std::size_t i = 0; i < n; ++i) {
    const auto& x = a.history[i];
    const auto& y = b.history[i];
    if (x.at != y.at || x.kind() != y.kind() || x.subject_text() != y.subject_text() ||
        x.detail_text() != y.detail_text()) {
      return "entry " + std::to_string(i) + ": " + sim::History::format(x) + " vs " + sim::History::format(y);
    }
  }
  if (a.history.size() != b.history.size()) {
    return "entry " + std::to_string(n) + ": one run recorded " + std::to_string(a.history.size()) +
           " entries, the other " + std::to_string(b.history.size());
  }
  return "fingerprints " + a.stats.fingerprint + " vs " + b.stats.fingerprint;
}

std::string escape_markup(std::string_view text, Markup markup) {
  struct Entity {
    char c;
    std::string_view html;
    std::string_view xml;
  };
  static constexpr Entity kEntities[] = {{'&', "&amp;", "&amp;"},
                                         {'<', "&lt;", "&lt;"},
                                         {'>', "&gt;", "&gt;"},
                                         {'"', "&quot;", "&quot;"},
                                         {'\'', "&#39;", "&apos;"}};
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const Entity* entity = nullptr;
    for (const Entity& candidate : kEntities) {
      if (candidate.c == c) entity = &candidate;
    }
    if (entity) {
      out += markup == Markup::html ? entity->html : entity->xml;
    } else if (markup == Markup::xml && static_cast<unsigned char>(c) < 0x20 && c != '\n' &&
               c != '\t') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

namespace {

std::string xml_escape(std::string_view text) {
  return escape_markup(text, Markup::xml);
}

double micros(Duration at) { return static_cast<double>(at.count()) / 1e3; }

}  // namespace

void write_junit(std::ostream& out, const std::vector<RunReport>& reports, const JunitShardNote* shard) {
  std::size_t failures = 0;
  double time = 0;
  for (const auto& report : reports) {
    failures += report.passed ? 0 : 1;
    time += report.stats.wall_seconds;
  }
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.6f", time);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites tests=\"" << reports.size() << "\" failures=\"" << failures << "\" time=\"" << buffer << "\">\n";
  out << "  <testsuite name=\"connsim\" tests=\"" << reports.size() << "\" failures=\"" << failures
      << "\" errors=\"0\" time=\"" << buffer << "\">\n";
  if (shard != nullptr) {
    out << "    <properties>\n      <property name=\"connsim.shard\" value=\"" << xml_escape(shard->shard)
        << "\"/>\n      <property name=\"connsim.scenarios\" value=\"" << shard->scenarios
        << "\"/>\n    </properties>\n";
  }
  for (const auto& report : reports) {
    std::snprintf(buffer, sizeof buffer, "%.6f", report.stats.wall_seconds);
    out << "    <testcase classname=\"" << xml_escape(report.file) << "\" name=\"" << xml_escape(report.name)
        << "\" time=\"" << buffer << "\">\n";
    for (const auto& failure : report.failures) {
      out << "      <failure message=\"" << xml_escape(failure.summary) << "\" type=\"expectation\">"
          << xml_escape(failure.pointer + ": " + failure.summary + "\n" + failure.detail) << "</failure>\n";
    }
    out << "      <system-out>seed " << report.seed << ", fingerprint " << report.stats.fingerprint
        << "</system-out>\n";
    out << "    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
}

void write_trace(std::ostream& out, const std::vector<RunReport>& reports) {
  nlohmann::json events = nlohmann::json::array();
  for (std::size_t pid = 0; pid < reports.size(); ++pid) {
    const RunReport& report = reports[pid];
    events.push_back({{"ph", "M"}, {"pid", pid}, {"name", "process_name"}, {"args", {{"name", report.name}}}});
    for (std::size_t w = 0; w < report.wallet_ids.size(); ++w) {
      events.push_back({{"ph", "M"}, {"pid", pid}, {"tid", w + 1}, {"name", "thread_name"},
                        {"args", {{"name", report.wallet_ids[w]}}}});
      const auto& records = report.records[w];
      for (const auto& connect : records.connects) {
        events.push_back({{"ph", "X"}, {"pid", pid}, {"tid", w + 1}, {"cat", "connect"},
                          {"name", "connect " + connect.peer},
                          {"ts", micros(connect.started)},
                          {"dur", micros(connect.finished - connect.started)},
                          {"args", {{"success", connect.result.success},
                                    {"connection_type", std::string(store::to_string(connect.result.connection_type))},
                                    {"attempts", connect.attempts},
                                    {"error", connect.result.error.value_or("")}}}});
      }
      for (const auto& attempt : records.attempts) {
        events.push_back({{"ph", "X"}, {"pid", pid}, {"tid", w + 1}, {"cat", "attempt"},
                          {"name", "attempt " + std::to_string(attempt.attempt) + " " + attempt.peer +
                                       (attempt.result.success ? " ok" : " failed")},
                          {"ts", micros(attempt.started)},
                          {"dur", micros(attempt.finished - attempt.started)},
                          {"args", {{"error", attempt.result.error.value_or("")},
                                    {"connection_type", std::string(store::to_string(attempt.result.connection_type))}}}});
      }
      for (const auto& write : records.statuses) {
        events.push_back({{"ph", "i"}, {"s", "t"}, {"pid", pid}, {"tid", w + 1}, {"cat", "status"},
                          {"name", std::string(store::to_string(write.status.status)) + " " + write.peer},
                          {"ts", micros(write.at)},
                          {"args", {{"connection_type", write.status.connection_type
                                                            ? std::string(store::to_string(*write.status.connection_type))
                                                            : std::string()},
                                    {"error", write.status.error.value_or("")}}}});
      }
      for (const auto& event : records.events) {
        events.push_back({{"ph", "i"}, {"s", "t"}, {"pid", pid}, {"tid", w + 1}, {"cat", "event"},
                          {"name", event.event.message}, {"ts", micros(event.at)},
                          {"args", {{"type", event.event.type}}}});
      }
      for (const auto& session : records.sessions) {
        events.push_back({{"ph", "i"}, {"s", "t"}, {"pid", pid}, {"tid", w + 1}, {"cat", "session"},
                          {"name", "session " + std::string(store::to_string(session.state))},
                          {"ts", micros(session.at)},
                          {"args", {{"session_id", session.session_id}, {"failure", session.failure.value_or("")}}}});
      }
    }
    for (const auto& entry : report.history) {
      const sim::HistoryKind kind = entry.kind();
      if (kind != sim::HistoryKind::fault && kind != sim::HistoryKind::step && kind != sim::HistoryKind::connection_close) {
        continue;
      }
      events.push_back({{"ph", "i"}, {"s", "p"}, {"pid", pid}, {"tid", 0},
                        {"cat", std::string(spelling_of(kind))},
                        {"name", entry.subject_text() + " " + entry.detail_text()}, {"ts", micros(entry.at)}});
    }
  }
  out << nlohmann::json{{"traceEvents", std::move(events)}, {"displayTimeUnit", "ms"}}.dump() << "\n";
}

}  // namespace connsim::scenarios
