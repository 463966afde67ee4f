#include "scenarios/memory_estimate.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <variant>
#include <vector>

#include "scenarios/run_cost.hpp"

namespace connsim::scenarios {
namespace {

/// The wallets (indices) a step's `wallet` names: one wallet, or a group's members.
std::vector<std::size_t> wallets_named(const Scenario& sc, const std::string& id) {
  if (const auto it = sc.wallet_index.find(id); it != sc.wallet_index.end()) return {it->second};
  if (const auto it = sc.wallet_groups.find(id); it != sc.wallet_groups.end()) return it->second;
  return {};
}

/// The wallet a lifecycle step (go_offline, go_online, reload) names; nullptr for other steps.
const std::string* lifecycle_wallet(const Step& step) {
  if (const auto* a = std::get_if<GoOfflineAction>(&step.action)) return &a->wallet;
  if (const auto* a = std::get_if<GoOnlineAction>(&step.action)) return &a->wallet;
  if (const auto* a = std::get_if<ReloadAction>(&step.action)) return &a->wallet;
  return nullptr;
}

/// The first run of `step` at or after `from` and not after `until`; nullopt when there is none.
std::optional<Duration> first_run_from(const Step& step, Duration from, Duration until) {
  if (step.at > until) return std::nullopt;
  if (step.at >= from || !step.repeat) return step.at >= from ? std::optional(step.at) : std::nullopt;
  const auto every = step.repeat->every;
  const std::uint64_t k = static_cast<std::uint64_t>((from - step.at + every - Duration(1)) / every);
  if (step.repeat->times && k >= *step.repeat->times) return std::nullopt;
  const Duration at = step.at + every * static_cast<std::int64_t>(k);
  return at <= until ? std::optional(at) : std::nullopt;
}

/// Runs of a step up to `until`, `repeat` included.
double runs_until(const Step& step, Duration until) {
  if (step.at > until) return 0;
  if (!step.repeat) return 1;
  const double fit = std::floor(static_cast<double>((until - step.at).count()) /
                                static_cast<double>(step.repeat->every.count())) + 1;
  return step.repeat->times ? std::min(static_cast<double>(*step.repeat->times), fit) : fit;
}

/// How many of the sorted `values` are <= `x`.
double count_at_most(const std::vector<double>& values, double x) {
  return static_cast<double>(std::upper_bound(values.begin(), values.end(), x) - values.begin());
}

}  // namespace

std::vector<std::optional<OnlineWindow>> online_windows(const Scenario& sc) {
  const std::size_t n = sc.wallets.size();
  std::vector<std::optional<Duration>> start(n);
  std::vector<bool> may_return(n, false);
  for (std::size_t i = 0; i < n; ++i) {
    if (sc.wallets[i].online_at <= sc.until) start[i] = sc.wallets[i].online_at;
  }
  for (const Step& step : sc.timeline) {
    const std::string* wallet = lifecycle_wallet(step);
    if (wallet == nullptr || step.at > sc.until || step.kind() == ActionKind::go_offline) continue;
    for (std::size_t w : wallets_named(sc, *wallet)) {
      may_return[w] = true;
      if (step.kind() == ActionKind::go_online && (!start[w] || step.at < *start[w])) start[w] = step.at;
    }
  }
  std::vector<std::optional<Duration>> leaves(n);
  for (const Step& step : sc.timeline) {
    if (step.kind() != ActionKind::go_offline) continue;
    for (std::size_t w : wallets_named(sc, std::get<GoOfflineAction>(step.action).wallet)) {
      if (!start[w] || may_return[w]) continue;
      const auto at = first_run_from(step, *start[w], sc.until);
      if (at && (!leaves[w] || *at < *leaves[w])) leaves[w] = at;
    }
  }
  const bool readvertises = sc.network.bootstrap.readvertise_interval > Duration::zero();
  std::vector<std::optional<OnlineWindow>> windows(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (!start[i]) continue;
    OnlineWindow window;
    window.start = static_cast<double>(start[i]->count());
    window.end = static_cast<double>(leaves[i].value_or(sc.until).count());
    // A wallet that re-advertises, comes back or reloads advertises again later.
    window.last_advertised = readvertises || may_return[i] ? window.end : window.start;
    windows[i] = window;
  }
  return windows;
}

MemoryShape memory_shape(const Scenario& sc) {
  MemoryShape shape;
  shape.wallets = static_cast<double>(sc.wallets.size());
  shape.timeline_runs = weighted_timeline_runs(sc);
  // Each reload starts a store afresh, which hears of everyone again (the old one is kept).
  double reload_runs = 0;
  for (const Step& step : sc.timeline) {
    if (const auto* reload = std::get_if<ReloadAction>(&step.action)) {
      reload_runs += runs_until(step, sc.until) *
                     static_cast<double>(wallets_named(sc, reload->wallet).size());
    }
  }
  const auto windows = online_windows(sc);
  std::vector<double> starts, ends, advertised;
  for (const auto& window : windows) {
    if (!window) continue;
    starts.push_back(window->start);
    ends.push_back(window->end);
    advertised.push_back(window->last_advertised);
  }
  std::sort(starts.begin(), starts.end());
  std::sort(ends.begin(), ends.end());
  std::sort(advertised.begin(), advertised.end());
  const double ttl = static_cast<double>(sc.network.bootstrap.presence_ttl.count());
  // Wallet w hears of v when v advertises while w is online (v's start <= w's end), or when v's
  // record is still live as w joins (v's last advertisement + ttl > w's start); w itself counts
  // on both sides, hence the 1.
  for (const auto& window : windows) {
    if (!window) continue;
    shape.presence_entries +=
        std::max(0.0, count_at_most(starts, window->end) -
                          count_at_most(advertised, window->start - ttl) - 1);
  }
  shape.presence_entries += reload_runs * std::max(0.0, shape.wallets - 1);
  // The busiest second of joins, against the wallets online by its end.
  const double second = static_cast<double>(std::chrono::nanoseconds(std::chrono::seconds(1)).count());
  for (std::size_t from = 0, to = 0; from < starts.size(); ++from) {
    while (to < starts.size() && starts[to] < starts[from] + second) ++to;
    const double joining = static_cast<double>(to - from);
    const double online = count_at_most(starts, starts[from] + second) -
                          (static_cast<double>(std::lower_bound(ends.begin(), ends.end(), starts[from]) -
                                               ends.begin()));
    shape.presence_in_flight = std::max(shape.presence_in_flight, joining * 2 * online);
  }
  return shape;
}

double estimate_peak_bytes(const MemoryShape& shape, const MemoryModel& model) {
  return model.base_bytes + model.bytes_per_wallet * shape.wallets +
         model.bytes_per_presence_entry * shape.presence_entries +
         model.bytes_per_delivery_in_flight * shape.presence_in_flight +
         model.bytes_per_timeline_run * shape.timeline_runs;
}

std::optional<std::uint64_t> parse_byte_size(std::string_view text) {
  const char* begin = text.data();
  const char* end = begin + text.size();
  double number = 0;
  const auto [at, error] = std::from_chars(begin, end, number, std::chars_format::fixed);
  if (error != std::errc() || at == begin || !std::isdigit(static_cast<unsigned char>(*begin))) {
    return std::nullopt;
  }
  std::string unit(at, end);
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (unit.size() > 1 && unit.back() == 'B') unit.pop_back();          // "MB", "MiB" -> "M", "MI"
  if (unit.size() == 2 && unit.back() == 'I') unit.pop_back();         // "MI" -> "M"
  double scale = 1;
  if (unit == "K") scale = 1024.0;
  else if (unit == "M") scale = 1024.0 * 1024;
  else if (unit == "G") scale = 1024.0 * 1024 * 1024;
  else if (unit == "T") scale = 1024.0 * 1024 * 1024 * 1024;
  else if (!unit.empty() && unit != "B") return std::nullopt;
  const double bytes = std::floor(number * scale);
  if (!(bytes >= 1) || bytes > 9.2e18) return std::nullopt;
  return static_cast<std::uint64_t>(bytes);
}

std::string format_bytes(double bytes) {
  static constexpr const char* kUnits[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  std::size_t unit = 0;
  while (bytes >= 1024 && unit + 1 < std::size(kUnits)) {
    bytes /= 1024;
    ++unit;
  }
  char buffer[48];
  const char* format = unit == 0 || bytes >= 100 ? "%.0f %s" : bytes >= 10 ? "%.1f %s" : "%.2f %s";
  std::snprintf(buffer, sizeof buffer, format, bytes, kUnits[unit]);
  return buffer;
}

std::optional<std::uint64_t> mem_available_from_meminfo(std::string_view meminfo) {
  static constexpr std::string_view kKey = "MemAvailable:";
  for (std::size_t line_start = 0; line_start < meminfo.size();) {
    std::size_t line_end = meminfo.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = meminfo.size();
    std::string_view line = meminfo.substr(line_start, line_end - line_start);
    line_start = line_end + 1;
    if (line.substr(0, kKey.size()) != kKey) continue;
    line.remove_prefix(kKey.size());
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    std::uint64_t kib = 0;
    const auto [at, error] = std::from_chars(line.data(), line.data() + line.size(), kib);
    if (error != std::errc() || at == line.data() || std::string_view(at, line.data() + line.size()) != " kB") {
      return std::nullopt;
    }
    if (kib > std::numeric_limits<std::uint64_t>::max() / 1024) return std::nullopt;
    return kib * 1024;
  }
  return std::nullopt;
}

std::optional<std::string> memory_refusal(const Scenario& sc, std::uint64_t limit_bytes,
                                          std::string_view limit_source, unsigned processes) {
  const MemoryShape shape = memory_shape(sc);
  const double one_run = estimate_peak_bytes(shape);
  const double estimate = one_run * std::max(1u, processes);
  if (estimate <= static_cast<double>(limit_bytes)) return std::nullopt;
  char entries[32];
  std::snprintf(entries, sizeof entries, "%.3g", shape.presence_entries);
  std::string line = sc.source_file + ": estimated peak memory " + format_bytes(estimate);
  if (processes > 1) {
    line += " (" + std::to_string(processes) + " processes of " + format_bytes(one_run) + ")";
  }
  line += " exceeds the limit of " + format_bytes(static_cast<double>(limit_bytes)) + " (" +
          std::string(limit_source) + "): " + std::to_string(sc.wallets.size()) +
          " wallets whose stores would hold " + entries +
          " presence entries; stagger or shorten the sessions, use fewer wallets, or set "
          "CONNSIM_MEMORY_LIMIT";
  return line;
}

}  // namespace connsim::scenarios
