// One run of a sweep as the sweep keeps it (the metrics and counters it summarises), and the
// one line of text it crosses the worker pipe as.
#pragma once

#include <array>
#include <iterator>
#include <optional>
#include <string>

#include "scenarios/model.hpp"
#include "scenarios/runner.hpp"

namespace connsim::sweep {

/// The metrics a sweep keeps, in CSV order.
inline constexpr scenarios::Metric kSweepMetrics[] = {
    scenarios::Metric::connect_success_rate, scenarios::Metric::first_attempt_success_rate,
    scenarios::Metric::connect_time_p50,     scenarios::Metric::connect_time_p90,
    scenarios::Metric::connect_time_p99,     scenarios::Metric::share_webrtc,
    scenarios::Metric::share_relay,          scenarios::Metric::share_direct,
    scenarios::Metric::spend_success_rate,   scenarios::Metric::connections_per_sim_second,
};
inline constexpr std::size_t kSweepMetricCount = std::size(kSweepMetrics);

/// The counters of a run (RunStats) a sweep keeps, in CSV order.
inline constexpr const char* kSweepCounterNames[] = {"connects",
                                                     "connect_attempts",
                                                     "connections",
                                                     "relay_circuits_opened",
                                                     "relay_circuits_refused",
                                                     "relay_reservations_refused",
                                                     "events"};
inline constexpr std::size_t kSweepCounterCount = std::size(kSweepCounterNames);

struct RunResult {
  bool done = false;  // the run finished and its result arrived
  bool passed = false;
  std::string fingerprint;
  std::array<std::optional<double>, kSweepMetricCount> metrics{};  // nothing: no data
  std::array<double, kSweepCounterCount> counters{};
  double wall_seconds = 0;
};

/// The finished run's result.
RunResult result_of(const scenarios::RunReport& report);

/// "%.10g": how every number of a sweep is written (pipe, CSV, plot data).
std::string format_number(double value);

/// "<passed 1|0> <fingerprint> <wall> <metrics...> <counters...>", "-" for a metric without
/// data. Numbers are written with format_number, so decoding gives what the CSV shows.
std::string encode_result(const RunResult& result);

/// The result encode_result wrote (done set), or nothing for any other text.
std::optional<RunResult> decode_result(const std::string& text);

}  // namespace connsim::sweep
