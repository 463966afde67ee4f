#include "apps/sweep_command.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "scenarios/loader.hpp"
#include "scenarios/runner.hpp"
#include "store/connect_concurrency.hpp"
#include "store/retry_policy.hpp"

namespace connsim::apps {

using scenarios::Metric;
using store::Duration;

struct SweepCommand::Options {
  CLI::App* command = nullptr;
  std::string scenario;
  std::vector<std::string> policies{"fixed", "exponential", "exponential-jitter", "deadline-bounded"};
  std::vector<int> max_attempts{1, 2, 3, 4, 5};
  std::vector<std::string> base_delays{"250ms", "500ms", "1s", "2s", "4s"};
  std::vector<std::string> concurrency{"batch:3", "window:3", "window:6"};
  int seeds = 30;
  std::uint64_t first_seed = 1;
  std::string deadline;  // empty: the store's default
  int jobs = 0;          // 0: one per core
  std::string out;
  bool no_plots = false;
  std::string plot_base_delay = "1s";
  int plot_attempts = 3;
  std::string plot_concurrency = "batch:3";
  std::string backend;   // empty: the scenario's network.backend
};

namespace {

constexpr int kExitDone = 0;
constexpr int kExitWorkerFailed = 1;
constexpr int kExitInvalid = 2;

// --- the grid ------------------------------------------------------------------------------------

struct GridPoint {
  store::RetryKind policy = store::RetryKind::exponential;
  int max_attempts = 3;
  Duration base_delay{};
  std::string base_delay_text;  // as written on the command line
  store::ConcurrencyMode mode = store::ConcurrencyMode::batch;
  int limit = 3;
  std::string concurrency_text;  // "batch:3"
};

struct Grid {
  std::vector<GridPoint> points;
  std::vector<std::uint64_t> seeds;
  std::optional<Duration> deadline;
  std::size_t runs() const { return points.size() * seeds.size(); }
};

std::optional<std::pair<store::ConcurrencyMode, int>> parse_concurrency(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos) return std::nullopt;
  auto mode = store::parse_concurrency_mode(text.substr(0, colon));
  if (!mode) return std::nullopt;
  try {
    std::size_t used = 0;
    const int limit = std::stoi(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1 || limit < 1) return std::nullopt;
    return std::make_pair(*mode, limit);
  } catch (...) {
    return std::nullopt;
  }
}

/// The grid, or the reasons it is invalid (printed by the caller).
std::optional<Grid> build_grid(const SweepCommand::Options& o, std::vector<std::string>& errors) {
  Grid grid;
  std::vector<store::RetryKind> policies;
  for (const auto& p : o.policies) {
    if (auto kind = store::parse_retry_kind(p)) {
      policies.push_back(*kind);
    } else {
      errors.push_back("--policies: unknown policy \"" + p +
                       "\"; expected fixed, exponential, exponential-jitter or deadline-bounded");
    }
  }
  for (int attempts : o.max_attempts) {
    if (attempts < 1) errors.push_back("--max-attempts: must be at least 1, got " + std::to_string(attempts));
  }
  std::vector<std::pair<Duration, std::string>> delays;
  for (const auto& d : o.base_delays) {
    if (auto parsed = scenarios::parse_time(d)) {
      delays.emplace_back(*parsed, d);
    } else {
      errors.push_back("--base-delays: not a time: \"" + d + "\" (e.g. 250ms, 1s)");
    }
  }
  std::vector<std::pair<std::pair<store::ConcurrencyMode, int>, std::string>> concurrency;
  for (const auto& c : o.concurrency) {
    if (auto parsed = parse_concurrency(c)) {
      concurrency.emplace_back(*parsed, c);
    } else {
      errors.push_back("--concurrency: expected batch:N or window:N, got \"" + c + "\"");
    }
  }
  if (!o.deadline.empty()) {
    if (auto parsed = scenarios::parse_time(o.deadline)) {
      grid.deadline = *parsed;
    } else {
      errors.push_back("--deadline: not a time: \"" + o.deadline + "\"");
    }
  }
  if (o.seeds < 1) errors.push_back("--seeds: must be at least 1");
  if (o.policies.empty() || o.max_attempts.empty() || o.base_delays.empty() || o.concurrency.empty()) {
    errors.push_back("every grid list needs at least one value");
  }
  if (!errors.empty()) return std::nullopt;
  for (auto policy : policies) {
    for (int attempts : o.max_attempts) {
      for (const auto& [delay, delay_text] : delays) {
        for (const auto& [mode_limit, text] : concurrency) {
          grid.points.push_back(GridPoint{policy, attempts, delay, delay_text, mode_limit.first,
                                          mode_limit.second, text});
        }
      }
    }
  }
  for (int s = 0; s < o.seeds; ++s) grid.seeds.push_back(o.first_seed + static_cast<std::uint64_t>(s));
  return grid;
}

/// The scenario with the grid point's store options applied to every wallet.
scenarios::Scenario apply(const scenarios::Scenario& base, const GridPoint& point,
                          const std::optional<Duration>& deadline) {
  scenarios::Scenario scenario = base;
  for (auto& wallet : scenario.wallets) {
    auto& retry = wallet.store.p2p.retry;
    retry.kind = point.policy;
    retry.max_attempts = point.max_attempts;
    retry.base_delay = point.base_delay;
    if (deadline) retry.deadline = *deadline;
    wallet.store.p2p.concurrency.mode = point.mode;
    wallet.store.p2p.concurrency.limit = point.limit;
  }
  return scenario;
}

// --- one run's result, as it crosses the pipe ------------------------------------------------------

constexpr Metric kMetrics[] = {
    Metric::connect_success_rate, Metric::first_attempt_success_rate, Metric::connect_time_p50,
    Metric::connect_time_p90,     Metric::connect_time_p99,           Metric::share_webrtc,
    Metric::share_relay,          Metric::share_direct,               Metric::spend_success_rate,
    Metric::connections_per_sim_second,
};
constexpr std::size_t kMetricCount = std::size(kMetrics);

/// Counters of a run, in CSV order.
constexpr const char* kCounterNames[] = {"connects",
                                         "connect_attempts",
                                         "connections",
                                         "relay_circuits_opened",
                                         "relay_circuits_refused",
                                         "relay_reservations_refused",
                                         "events"};
constexpr std::size_t kCounterCount = std::size(kCounterNames);

struct RunResult {
  bool done = false;
  bool passed = false;
  std::string fingerprint;
  std::array<std::optional<double>, kMetricCount> metrics{};
  std::array<double, kCounterCount> counters{};
  double wall_seconds = 0;
};

std::string format_number(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.10g", value);
  return buffer;
}

/// "<index> <passed> <fingerprint> <wall> <metrics...> <counters...>\n", "-" for no value.
std::string encode(std::size_t index, const scenarios::RunReport& report) {
  std::string line = std::to_string(index) + " " + (report.passed ? "1" : "0") + " " +
                     report.stats.fingerprint + " " + format_number(report.stats.wall_seconds);
  for (Metric metric : kMetrics) {
    auto it = report.metrics.find(metric);
    line += " ";
    line += it != report.metrics.end() && it->second ? format_number(*it->second) : "-";
  }
  const auto& s = report.stats;
  for (double value : {double(s.connects), double(s.connect_attempts), double(s.connections),
                       double(s.relay_circuits_opened), double(s.relay_circuits_refused),
                       double(s.relay_reservations_refused), double(s.events)}) {
    line += " " + format_number(value);
  }
  return line + "\n";
}

std::optional<std::pair<std::size_t, RunResult>> decode(const std::string& line) {
  std::istringstream in(line);
  std::size_t index = 0;
  std::string passed, wall;
  RunResult result;
  if (!(in >> index >> passed >> result.fingerprint >> wall)) return std::nullopt;
  result.passed = passed == "1";
  result.wall_seconds = std::stod(wall);
  for (auto& metric : result.metrics) {
    std::string token;
    if (!(in >> token)) return std::nullopt;
    if (token != "-") metric = std::stod(token);
  }
  for (auto& counter : result.counters) {
    if (!(in >> counter)) return std::nullopt;
  }
  result.done = true;
  return std::make_pair(index, result);
}

// --- workers --------------------------------------------------------------------------------------

struct Worker {
  pid_t pid = -1;
  int tasks = -1;    // parent writes run indices
  int results = -1;  // parent reads result lines
  std::string buffer;
  std::optional<std::size_t> running;
  bool open = true;
};

bool write_all(int fd, const void* data, std::size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool read_all(int fd, void* data, std::size_t size) {
  char* p = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t n = ::read(fd, p, size);
    if (n == 0) return false;
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

/// The worker process: runs each index it is sent, answers with one line; exits at EOF.
[[noreturn]] void worker_main(int tasks, int results, const scenarios::Scenario& base, const Grid& grid) {
  std::uint64_t index = 0;
  while (read_all(tasks, &index, sizeof index)) {
    const GridPoint& point = grid.points[index / grid.seeds.size()];
    const std::uint64_t seed = grid.seeds[index % grid.seeds.size()];
    const scenarios::Scenario scenario = apply(base, point, grid.deadline);
    scenarios::RunOptions options;
    options.seed = seed;
    options.keep_history = false;
    const scenarios::RunReport report = scenarios::run_scenario(scenario, options);
    const std::string line = encode(index, report);
    if (!write_all(results, line.data(), line.size())) _exit(3);
  }
  _exit(0);
}

std::string format_eta(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto s = static_cast<long>(seconds);
  char buffer[32];
  if (s >= 3600) {
    std::snprintf(buffer, sizeof buffer, "%ldh%02ldm", s / 3600, (s / 60) % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%ldm%02lds", s / 60, s % 60);
  }
  return buffer;
}

/// Runs every index of the grid on `jobs` forked workers. Results by run index; failures listed.
std::vector<RunResult> run_all(const scenarios::Scenario& base, const Grid& grid, int jobs,
                               std::vector<std::string>& failures) {
  const std::size_t total = grid.runs();
  std::vector<RunResult> results(total);
  std::cout.flush();
  std::cerr.flush();
  // A worker that dies closes its task pipe: writing to it must fail with EPIPE (reported as
  // that run's failure), not kill the sweep with SIGPIPE.
  struct sigaction ignore {};
  struct sigaction previous {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &previous);
  struct RestoreSigpipe {
    struct sigaction saved;
    ~RestoreSigpipe() { sigaction(SIGPIPE, &saved, nullptr); }
  } restore{previous};
  std::vector<Worker> workers(static_cast<std::size_t>(std::max(1, std::min<int>(jobs, static_cast<int>(total)))));
  for (auto& worker : workers) {
    int to_worker[2], from_worker[2];
    if (pipe(to_worker) != 0 || pipe(from_worker) != 0) {
      failures.push_back(std::string("pipe: ") + std::strerror(errno));
      return results;
    }
    const pid_t pid = fork();
    if (pid < 0) {
      failures.push_back(std::string("fork: ") + std::strerror(errno));
      return results;
    }
    if (pid == 0) {
      ::close(to_worker[1]);
      ::close(from_worker[0]);
      for (auto& earlier : workers) {  // the pipes of workers forked before this one
        if (earlier.pid > 0) {
          ::close(earlier.tasks);
          ::close(earlier.results);
        }
      }
      worker_main(to_worker[0], from_worker[1], base, grid);
    }
    ::close(to_worker[0]);
    ::close(from_worker[1]);
    worker.pid = pid;
    worker.tasks = to_worker[1];
    worker.results = from_worker[0];
  }

  std::size_t next = 0;
  std::size_t finished = 0;
  auto assign = [&](Worker& worker) {
    if (next >= total) {
      if (worker.tasks >= 0) {
        ::close(worker.tasks);  // EOF: the worker exits
        worker.tasks = -1;
      }
      return;
    }
    const std::uint64_t index = next++;
    if (!write_all(worker.tasks, &index, sizeof index)) {
      failures.push_back("run " + std::to_string(index) + ": could not reach its worker");
      return;
    }
    worker.running = index;
  };
  for (auto& worker : workers) assign(worker);

  const bool progress = isatty(STDERR_FILENO) != 0;
  const auto start = std::chrono::steady_clock::now();
  auto last_print = start;
  while (true) {
    std::vector<pollfd> fds;
    std::vector<Worker*> owners;
    for (auto& worker : workers) {
      if (!worker.open) continue;
      fds.push_back(pollfd{worker.results, POLLIN, 0});
      owners.push_back(&worker);
    }
    if (fds.empty()) break;
    if (poll(fds.data(), fds.size(), 1000) < 0) {
      if (errno == EINTR) continue;
      failures.push_back(std::string("poll: ") + std::strerror(errno));
      break;
    }
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      Worker& worker = *owners[i];
      char chunk[4096];
      const ssize_t n = ::read(worker.results, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {  // the worker exited
        worker.open = false;
        ::close(worker.results);
        if (worker.running) {
          failures.push_back("run " + std::to_string(*worker.running) + ": its worker died");
          worker.running.reset();
        }
        if (worker.tasks >= 0) {
          ::close(worker.tasks);
          worker.tasks = -1;
        }
        continue;
      }
      worker.buffer.append(chunk, static_cast<std::size_t>(n));
      std::size_t end;
      while ((end = worker.buffer.find('\n')) != std::string::npos) {
        const std::string line = worker.buffer.substr(0, end);
        worker.buffer.erase(0, end + 1);
        auto decoded = decode(line);
        if (!decoded || decoded->first >= total) {
          failures.push_back("a worker sent a bad line: " + line);
          continue;
        }
        results[decoded->first] = decoded->second;
        ++finished;
        worker.running.reset();
        assign(worker);
      }
    }
    const auto now = std::chrono::steady_clock::now();
    if (progress && (now - last_print > std::chrono::milliseconds(200) || finished == total)) {
      last_print = now;
      const double elapsed = std::chrono::duration<double>(now - start).count();
      const double rate = elapsed > 0 ? static_cast<double>(finished) / elapsed : 0;
      std::fprintf(stderr, "\rsweep: %zu/%zu runs  %.1f runs/s  ETA %s   ", finished, total, rate,
                   format_eta(rate > 0 ? static_cast<double>(total - finished) / rate : -1).c_str());
      std::fflush(stderr);
    }
  }
  if (progress) std::fprintf(stderr, "\n");
  for (auto& worker : workers) {
    int status = 0;
    waitpid(worker.pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      failures.push_back("worker " + std::to_string(worker.pid) + " ended abnormally (status " +
                         std::to_string(status) + ")");
    }
  }
  return results;
}

// --- statistics -----------------------------------------------------------------------------------

/// The 0.975 quantile of Student's t with `df` degrees of freedom.
double t975(std::size_t df) {
  static const double table[] = {0,      12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
                                 2.262,  2.228,  2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110,
                                 2.101,  2.093,  2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
                                 2.052,  2.048,  2.045, 2.042};
  if (df == 0) return std::nan("");
  if (df < std::size(table)) return table[df];
  const double z = 1.959963985;
  const double d = static_cast<double>(df);
  return z + (z * z * z + z) / (4 * d) + (5 * std::pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * d * d);
}

struct MeanCi {
  std::size_t n = 0;
  double mean = std::nan("");
  double ci95 = std::nan("");  // half-width
};

MeanCi mean_ci(const std::vector<double>& values) {
  MeanCi out;
  out.n = values.size();
  if (values.empty()) return out;
  double sum = 0;
  for (double v : values) sum += v;
  out.mean = sum / static_cast<double>(values.size());
  if (values.size() < 2) return out;
  double squares = 0;
  for (double v : values) squares += (v - out.mean) * (v - out.mean);
  const double sd = std::sqrt(squares / static_cast<double>(values.size() - 1));
  out.ci95 = t975(values.size() - 1) * sd / std::sqrt(static_cast<double>(values.size()));
  return out;
}

/// A summarised column: a metric or a counter of each run.
struct Column {
  std::string name;
  std::function<std::optional<double>(const RunResult&)> of;
};

std::vector<Column> summary_columns() {
  std::vector<Column> columns;
  for (std::size_t m = 0; m < kMetricCount; ++m) {
    columns.push_back({std::string(scenarios::to_string(kMetrics[m])),
                       [m](const RunResult& r) { return r.metrics[m]; }});
  }
  for (std::size_t c = 0; c < kCounterCount; ++c) {
    columns.push_back({kCounterNames[c], [c](const RunResult& r) { return std::optional<double>(r.counters[c]); }});
  }
  columns.push_back({"attempts_per_connect", [](const RunResult& r) -> std::optional<double> {
                       if (r.counters[0] <= 0) return std::nullopt;
                       return r.counters[1] / r.counters[0];
                     }});
  return columns;
}

std::size_t column_index(const std::vector<Column>& columns, const std::string& name) {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return i;
  }
  return 0;
}

/// The seed's defaults (exponential, 3 attempts, 1 s, batches of 3): the reference of the paired
/// deltas, when the grid holds it.
std::optional<std::size_t> seed_default_point(const Grid& grid) {
  for (std::size_t p = 0; p < grid.points.size(); ++p) {
    const GridPoint& g = grid.points[p];
    if (g.policy == store::RetryKind::exponential && g.max_attempts == 3 &&
        g.base_delay == std::chrono::seconds(1) && g.mode == store::ConcurrencyMode::batch && g.limit == 3) {
      return p;
    }
  }
  return std::nullopt;
}

/// Columns compared seed by seed with the seed-default point (common random numbers: the same
/// seed draws the same NATs, latencies and losses at every grid point, so the paired difference
/// has a far tighter interval than the difference of two means).
const char* const kPairedColumns[] = {"connect_success_rate", "connect_time_p99"};

std::string paired_name(const char* column) { return std::string("delta_") + column + "_vs_seed_default"; }

/// summary[point][column], then one paired delta per kPairedColumns when `reference` is set.
std::vector<std::vector<MeanCi>> summarise(const Grid& grid, const std::vector<RunResult>& results,
                                           const std::vector<Column>& columns,
                                           std::optional<std::size_t> reference) {
  std::vector<std::vector<MeanCi>> summary(grid.points.size());
  const std::size_t seeds = grid.seeds.size();
  for (std::size_t p = 0; p < grid.points.size(); ++p) {
    for (const auto& column : columns) {
      std::vector<double> values;
      for (std::size_t s = 0; s < seeds; ++s) {
        const RunResult& r = results[p * seeds + s];
        if (!r.done) continue;
        if (auto v = column.of(r)) values.push_back(*v);
      }
      summary[p].push_back(mean_ci(values));
    }
    if (!reference) continue;
    for (const char* name : kPairedColumns) {
      const Column& column = columns[column_index(columns, name)];
      std::vector<double> deltas;
      for (std::size_t s = 0; s < seeds; ++s) {
        const RunResult& r = results[p * seeds + s];
        const RunResult& base = results[*reference * seeds + s];
        if (!r.done || !base.done) continue;
        auto v = column.of(r);
        auto b = column.of(base);
        if (v && b) deltas.push_back(*v - *b);
      }
      summary[p].push_back(mean_ci(deltas));
    }
  }
  return summary;
}

// --- output files ---------------------------------------------------------------------------------

double ms(Duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

std::string cell(double value) { return std::isnan(value) ? "" : format_number(value); }

void write_runs_csv(const std::filesystem::path& path, const Grid& grid, const std::vector<RunResult>& results) {
  std::ofstream out(path);
  out << "policy,max_attempts,base_delay_ms,concurrency_mode,concurrency_limit,seed,passed";
  for (Metric m : kMetrics) out << "," << scenarios::to_string(m);
  for (const char* name : kCounterNames) out << "," << name;
  out << ",wall_seconds,fingerprint\n";
  for (std::size_t i = 0; i < results.size(); ++i) {
    const RunResult& r = results[i];
    if (!r.done) continue;
    const GridPoint& p = grid.points[i / grid.seeds.size()];
    out << store::to_string(p.policy) << "," << p.max_attempts << "," << format_number(ms(p.base_delay)) << ","
        << store::to_string(p.mode) << "," << p.limit << "," << grid.seeds[i % grid.seeds.size()] << ","
        << (r.passed ? 1 : 0);
    for (const auto& m : r.metrics) out << "," << (m ? format_number(*m) : "");
    for (double c : r.counters) out << "," << format_number(c);
    out << "," << format_number(r.wall_seconds) << "," << r.fingerprint << "\n";
  }
}

void write_summary_csv(const std::filesystem::path& path, const Grid& grid, const std::vector<Column>& columns,
                       const std::vector<std::vector<MeanCi>>& summary) {
  std::ofstream out(path);
  out << "policy,max_attempts,base_delay_ms,concurrency_mode,concurrency_limit,runs";
  for (const auto& c : columns) out << "," << c.name << "_mean," << c.name << "_ci95";
  if (!summary.empty() && summary.front().size() > columns.size()) {
    for (const char* name : kPairedColumns) out << "," << paired_name(name) << "_mean," << paired_name(name) << "_ci95";
  }
  out << "\n";
  for (std::size_t p = 0; p < grid.points.size(); ++p) {
    const GridPoint& g = grid.points[p];
    std::size_t runs = 0;
    for (const auto& s : summary[p]) runs = std::max(runs, s.n);
    out << store::to_string(g.policy) << "," << g.max_attempts << "," << format_number(ms(g.base_delay)) << ","
        << store::to_string(g.mode) << "," << g.limit << "," << runs;
    for (const auto& s : summary[p]) out << "," << cell(s.mean) << "," << cell(s.ci95);
    out << "\n";
  }
}

std::string pm(const MeanCi& s, int decimals, double scale = 1) {
  if (std::isnan(s.mean)) return "–";
  char buffer[64];
  if (std::isnan(s.ci95)) {
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, s.mean * scale);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.*f ± %.*f", decimals, s.mean * scale, decimals, s.ci95 * scale);
  }
  return buffer;
}

void write_summary_md(const std::filesystem::path& path, const std::string& scenario, const Grid& grid,
                      const std::vector<Column>& columns, const std::vector<std::vector<MeanCi>>& summary) {
  std::ofstream out(path);
  out << "# Sweep of `" << scenario << "`: " << grid.points.size() << " grid points x " << grid.seeds.size()
      << " seeds (" << grid.seeds.front() << ".." << grid.seeds.back() << ")\n\n"
      << "Mean ± 95 % confidence half-width (Student's t) over the seeds.\n\n"
      << "Δ columns: the paired difference from the seed's defaults (exponential, 3 attempts, 1s, "
         "batch:3) seed by seed; an interval that excludes 0 is a real difference.\n\n"
      << "| policy | attempts | base delay | concurrency | success rate | Δ success | 1st-attempt | p50 ms | "
         "p99 ms | Δ p99 ms | attempts/connect | relay circuits | share relay |\n"
      << "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  const auto at = [&](const char* name) { return column_index(columns, name); };
  for (std::size_t p = 0; p < grid.points.size(); ++p) {
    const GridPoint& g = grid.points[p];
    const auto& s = summary[p];
    auto delta = [&](std::size_t k, int decimals) {
      return s.size() > columns.size() + k ? pm(s[columns.size() + k], decimals) : std::string("–");
    };
    out << "| " << store::to_string(g.policy) << " | " << g.max_attempts << " | " << g.base_delay_text << " | "
        << g.concurrency_text << " | " << pm(s[at("connect_success_rate")], 3) << " | " << delta(0, 3) << " | "
        << pm(s[at("first_attempt_success_rate")], 3) << " | " << pm(s[at("connect_time_p50")], 0) << " | "
        << pm(s[at("connect_time_p99")], 0) << " | " << delta(1, 0) << " | " << pm(s[at("attempts_per_connect")], 2)
        << " | "
        << pm(s[at("relay_circuits_opened")], 1) << " | " << pm(s[at("share_relay")], 3) << " |\n";
  }
}

std::string gnuplot_terminal() {
  FILE* pipe = popen("gnuplot -e 'set terminal' 2>&1", "r");
  if (pipe == nullptr) return "";
  std::string text;
  char buffer[4096];
  while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) text.append(buffer, n);
  const int status = pclose(pipe);
  if (status != 0 || text.find("svg") == std::string::npos) return "";
  if (text.find("pngcairo") != std::string::npos) return "pngcairo";
  if (text.find(" png ") != std::string::npos || text.find("png") != std::string::npos) return "png";
  return "";
}

/// Writes the slice data and the gnuplot script, then runs gnuplot. Returns false when gnuplot is
/// missing or failed (the script stays, to run by hand).
bool write_plots(const std::filesystem::path& dir, const std::string& scenario, const SweepCommand::Options& o,
                 const Grid& grid, const std::vector<Column>& columns,
                 const std::vector<std::vector<MeanCi>>& summary) {
  // The slices: each policy over max_attempts (at one base delay and concurrency), and over base
  // delay (at one max_attempts and concurrency). A slice value not in the grid falls back to the
  // grid's first.
  auto pick_text = [](const std::vector<std::string>& list, const std::string& wanted) {
    return std::find(list.begin(), list.end(), wanted) != list.end() ? wanted : list.front();
  };
  const std::string base_text = pick_text(o.base_delays, o.plot_base_delay);
  const std::string conc_text = pick_text(o.concurrency, o.plot_concurrency);
  const int attempts = std::find(o.max_attempts.begin(), o.max_attempts.end(), o.plot_attempts) != o.max_attempts.end()
                           ? o.plot_attempts
                           : o.max_attempts.front();
  std::vector<std::string> policies;
  for (const auto& p : grid.points) {
    const std::string name(store::to_string(p.policy));
    if (std::find(policies.begin(), policies.end(), name) == policies.end()) policies.push_back(name);
  }
  const char* fields[] = {"connect_success_rate", "connect_time_p50", "connect_time_p99", "relay_circuits_opened",
                          "first_attempt_success_rate", "attempts_per_connect"};
  auto write_slice = [&](const std::filesystem::path& path, bool by_attempts) {
    std::ofstream out(path);
    out << "# x";
    for (const char* f : fields) out << " " << f << "_mean " << f << "_ci95";
    out << "\n";
    for (const auto& policy : policies) {
      out << "# " << policy << "\n";
      for (std::size_t p = 0; p < grid.points.size(); ++p) {
        const GridPoint& g = grid.points[p];
        if (store::to_string(g.policy) != policy || g.concurrency_text != conc_text) continue;
        if (by_attempts ? g.base_delay_text != base_text : g.max_attempts != attempts) continue;
        out << (by_attempts ? format_number(g.max_attempts) : format_number(ms(g.base_delay)));
        for (const char* f : fields) {
          const MeanCi& s = summary[p][column_index(columns, f)];
          out << " " << (std::isnan(s.mean) ? "NaN" : format_number(s.mean)) << " "
              << (std::isnan(s.ci95) ? "0" : format_number(s.ci95));
        }
        out << "\n";
      }
      out << "\n\n";
    }
  };
  write_slice(dir / "slice_attempts.dat", true);
  write_slice(dir / "slice_base_delay.dat", false);

  std::ofstream gp(dir / "plots.gp");
  gp << "# gnuplot script written by `connsim sweep`; run `gnuplot plots.gp` in this directory.\n"
     << "# Usage: gnuplot -e \"png_terminal='pngcairo'\" plots.gp\n"
     << "if (!exists(\"png_terminal\")) png_terminal = 'pngcairo'\n"
     << "policies = \"";
  for (std::size_t i = 0; i < policies.size(); ++i) gp << (i ? " " : "") << policies[i];
  gp << "\"\nnpol = words(policies)\n"
     << "set key outside right top\nset grid\nset border 3\nset tics nomirror\n"
     << "set style data yerrorlines\nset pointsize 1.2\n"
     << "sliceA = \"at base delay " << base_text << ", concurrency " << conc_text << "\"\n"
     << "sliceB = \"at max attempts " << attempts << ", concurrency " << conc_text << "\"\n"
     << "title0 = \"" << scenario << " (" << grid.seeds.size() << " seeds, mean and 95% CI)\"\n"
     // column numbers: x=1, then mean/ci pairs: success 2/3, p50 4/5, p99 6/7, relay 8/9, first 10/11, apc 12/13
     << "do for [fmt in \"png svg\"] {\n"
     << "  if (fmt eq \"png\") { set terminal @png_terminal size 1100,650 noenhanced font \",11\" } "
        "else { set terminal svg size 1100,650 noenhanced font \"sans,11\" dynamic background \"white\" }\n"
     << "  set output \"success_rate.\" . fmt\n"
     << "  set title title0 . \"\\nconnect success rate by max attempts \" . sliceA\n"
     << "  set xlabel \"max attempts\"; set ylabel \"connect success rate\"; set xtics 1; set yrange [*:*]\n"
     << "  unset logscale x\n"
     << "  plot for [i=0:npol-1] \"slice_attempts.dat\" index i using 1:2:3 title word(policies, i+1) lw 2\n"
     << "  set output \"connect_time.\" . fmt\n"
     << "  set key inside top left\n"
     << "  set multiplot layout 1,2 title title0 . \"\\nconnect time (connecting to final status) \" . sliceA\n"
     << "  set title \"p50\"; set ylabel \"ms\"\n"
     << "  plot for [i=0:npol-1] \"slice_attempts.dat\" index i using 1:4:5 title word(policies, i+1) lw 2\n"
     << "  set title \"p99\"\n"
     << "  plot for [i=0:npol-1] \"slice_attempts.dat\" index i using 1:6:7 title word(policies, i+1) lw 2\n"
     << "  unset multiplot\n"
     << "  set key outside right top\n"
     << "  set output \"relay_load.\" . fmt\n"
     << "  set title title0 . \"\\nrelay circuits opened per run \" . sliceA\n"
     << "  set ylabel \"relay circuits per run\"\n"
     << "  plot for [i=0:npol-1] \"slice_attempts.dat\" index i using 1:8:9 title word(policies, i+1) lw 2\n"
     << "  set output \"success_by_base_delay.\" . fmt\n"
     << "  set logscale x 2; set xtics auto; set xlabel \"base delay (ms)\"\n"
     << "  set key inside top left\n"
     << "  set multiplot layout 1,2 title title0 . \"\\nby base delay \" . sliceB\n"
     << "  set title \"success rate\"; set ylabel \"connect success rate\"\n"
     << "  plot for [i=0:npol-1] \"slice_base_delay.dat\" index i using 1:2:3 title word(policies, i+1) lw 2\n"
     << "  set title \"connect time p99\"; set ylabel \"ms\"\n"
     << "  plot for [i=0:npol-1] \"slice_base_delay.dat\" index i using 1:6:7 title word(policies, i+1) lw 2\n"
     << "  unset multiplot\n"
     << "  unset logscale x; set xtics 1; set key outside right top\n"
     << "}\n";
  gp.close();

  const std::string terminal = gnuplot_terminal();
  if (terminal.empty()) {
    std::cerr << "connsim sweep: gnuplot with png and svg terminals not found; wrote " << (dir / "plots.gp").string()
              << " to plot later\n";
    return false;
  }
  const std::string command = "cd '" + dir.string() + "' && gnuplot -e \"png_terminal='" + terminal +
                              "'\" plots.gp 2> plots.log";
  if (std::system(command.c_str()) != 0) {
    std::cerr << "connsim sweep: gnuplot failed; see " << (dir / "plots.log").string() << "\n";
    return false;
  }
  return true;
}

}  // namespace

SweepCommand::SweepCommand(CLI::App& app) : options_(std::make_unique<Options>()) {
  Options& o = *options_;
  o.command = app.add_subcommand(
      "sweep",
      "Run ONE scenario over a grid of store options (retry policy x max attempts x base delay x "
      "concurrency) x seeds, in parallel processes; write runs.csv, summary.csv, summary.md and plots");
  CLI::App& c = *o.command;
  c.add_option("scenario", o.scenario, "The scenario file")->required();
  c.add_option("--policies", o.policies, "Retry policies: fixed, exponential, exponential-jitter, deadline-bounded")
      ->delimiter(',')
      ->capture_default_str();
  c.add_option("--max-attempts", o.max_attempts, "Max attempts per connect (a list)")
      ->delimiter(',')
      ->capture_default_str();
  c.add_option("--base-delays", o.base_delays, "Base delays, times (a list)")->delimiter(',')->capture_default_str();
  c.add_option("--concurrency", o.concurrency, "connect_many concurrency, MODE:LIMIT with MODE batch or window")
      ->delimiter(',')
      ->capture_default_str();
  c.add_option("--seeds", o.seeds, "Seeds per grid point")->capture_default_str();
  c.add_option("--first-seed", o.first_seed, "The first seed; seeds are consecutive")->capture_default_str();
  c.add_option("--deadline", o.deadline, "deadline-bounded: attempts start within this time of the first "
                                         "(default: the store's, 30s)");
  c.add_option("--backend", o.backend, "Network model of every run: message or packet (default: the scenario's)")
      ->check(CLI::IsMember({"message", "packet"}));
  c.add_option("-j,--jobs", o.jobs, "Worker processes (default: one per core)");
  c.add_option("-o,--out", o.out, "Output directory (default: sweep-<scenario name>)");
  c.add_flag("--no-plots", o.no_plots, "Skip gnuplot");
  c.add_option("--plot-base-delay", o.plot_base_delay, "Base delay of the by-attempts plots")->capture_default_str();
  c.add_option("--plot-attempts", o.plot_attempts, "Max attempts of the by-base-delay plot")->capture_default_str();
  c.add_option("--plot-concurrency", o.plot_concurrency, "Concurrency of the plots")->capture_default_str();
}

SweepCommand::~SweepCommand() = default;

bool SweepCommand::parsed() const { return options_->command->parsed(); }

int SweepCommand::run() {
  const Options& o = *options_;
  auto loaded = scenarios::load_scenario_file(o.scenario);
  if (!loaded.ok()) {
    for (const auto& error : loaded.errors()) std::cerr << error.to_string() << "\n";
    return kExitInvalid;
  }
  scenarios::Scenario& scenario = loaded.scenario();
  if (!o.backend.empty()) {
    scenario.network.backend = o.backend == "packet" ? scenarios::Backend::packet : scenarios::Backend::message;
  }
  std::vector<std::string> errors;
  auto grid = build_grid(o, errors);
  if (!grid) {
    for (const auto& error : errors) std::cerr << "connsim sweep: " << error << "\n";
    return kExitInvalid;
  }
  const std::filesystem::path dir = o.out.empty() ? std::filesystem::path("sweep-" + scenario.name) : std::filesystem::path(o.out);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    std::cerr << "connsim sweep: cannot create " << dir.string() << ": " << ec.message() << "\n";
    return kExitInvalid;
  }
  int jobs = o.jobs;
  if (jobs <= 0) jobs = static_cast<int>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
  std::cout << "sweep " << scenario.name << ": " << grid->points.size() << " grid points x " << grid->seeds.size()
            << " seeds = " << grid->runs() << " runs on " << jobs << " worker process" << (jobs == 1 ? "" : "es")
            << "\n";

  const auto start = std::chrono::steady_clock::now();
  std::vector<std::string> failures;
  const std::vector<RunResult> results = run_all(scenario, *grid, jobs, failures);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const auto columns = summary_columns();
  const auto summary = summarise(*grid, results, columns, seed_default_point(*grid));
  write_runs_csv(dir / "runs.csv", *grid, results);
  write_summary_csv(dir / "summary.csv", *grid, columns, summary);
  write_summary_md(dir / "summary.md", scenario.name, *grid, columns, summary);
  bool plotted = false;
  if (!o.no_plots) plotted = write_plots(dir, scenario.name, o, *grid, columns, summary);

  std::size_t done = 0;
  for (const auto& r : results) done += r.done ? 1 : 0;
  std::cout << done << "/" << grid->runs() << " runs in " << format_number(wall) << " s; wrote "
            << (dir / "runs.csv").string() << ", summary.csv, summary.md" << (plotted ? ", plots (png, svg)" : "")
            << "\n";
  for (const auto& failure : failures) std::cerr << "connsim sweep: " << failure << "\n";
  return failures.empty() && done == grid->runs() ? kExitDone : kExitWorkerFailed;
}

}  // namespace connsim::apps
