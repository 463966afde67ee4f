#include "apps/sweep/run_result.hpp"

#include <cstdio>
#include <sstream>

namespace connsim::sweep {

RunResult result_of(const scenarios::RunReport& report) {
  RunResult result;
  result.done = true;
  result.passed = report.passed;
  result.fingerprint = report.stats.fingerprint;
  result.wall_seconds = report.stats.wall_seconds;
  for (std::size_t m = 0; m < kSweepMetricCount; ++m) {
    const auto it = report.metrics.find(kSweepMetrics[m]);
    if (it != report.metrics.end()) result.metrics[m] = it->second;
  }
  const auto& s = report.stats;
  result.counters = {double(s.connects),
                     double(s.connect_attempts),
                     double(s.connections),
                     double(s.relay_circuits_opened),
                     double(s.relay_circuits_refused),
                     double(s.relay_reservations_refused),
                     double(s.events)};
  return result;
}

std::string format_number(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.10g", value);
  return buffer;
}

std::string encode_result(const RunResult& result) {
  std::string line = std::string(result.passed ? "1" : "0") + " " + result.fingerprint + " " +
                     format_number(result.wall_seconds);
  for (const auto& metric : result.metrics) {
    line += " ";
    line += metric ? format_number(*metric) : "-";
  }
  for (double counter : result.counters) line += " " + format_number(counter);
  return line;
}

std::optional<RunResult> decode_result(const std::string& text) {
  std::istringstream in(text);
  std::string passed, wall;
  RunResult result;
  if (!(in >> passed >> result.fingerprint >> wall)) return std::nullopt;
  if (passed != "1" && passed != "0") return std::nullopt;
  result.passed = passed == "1";
  try {
    result.wall_seconds = std::stod(wall);
    for (auto& metric : result.metrics) {
      std::string token;
      if (!(in >> token)) return std::nullopt;
      if (token != "-") metric = std::stod(token);
    }
  } catch (const std::exception&) {  // std::stod: not a number
    return std::nullopt;
  }
  for (auto& counter : result.counters) {
    if (!(in >> counter)) return std::nullopt;
  }
  std::string extra;
  if (in >> extra) return std::nullopt;
  result.done = true;
  return result;
}

}  // namespace connsim::sweep
