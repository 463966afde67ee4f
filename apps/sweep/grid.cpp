#include "apps/sweep/grid.hpp"

#include "scenarios/loader.hpp"

namespace connsim::sweep {

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
  } catch (...) {  // std::stoi: not a number, or out of range
    return std::nullopt;
  }
}

std::optional<Grid> build_grid(const GridSpec& spec, std::vector<std::string>& errors) {
  Grid grid;
  std::vector<store::RetryKind> policies;
  for (const auto& p : spec.policies) {
    if (auto kind = store::parse_retry_kind(p)) {
      policies.push_back(*kind);
    } else {
      errors.push_back("--policies: unknown policy \"" + p +
                       "\"; expected fixed, exponential, exponential-jitter or deadline-bounded");
    }
  }
  for (int attempts : spec.max_attempts) {
    if (attempts < 1) {
      errors.push_back("--max-attempts: must be at least 1, got " + std::to_string(attempts));
    }
  }
  std::vector<std::pair<store::Duration, std::string>> delays;
  for (const auto& d : spec.base_delays) {
    if (auto parsed = scenarios::parse_time(d)) {
      delays.emplace_back(*parsed, d);
    } else {
      errors.push_back("--base-delays: not a time: \"" + d + "\" (e.g. 250ms, 1s)");
    }
  }
  std::vector<std::pair<std::pair<store::ConcurrencyMode, int>, std::string>> concurrency;
  for (const auto& c : spec.concurrency) {
    if (auto parsed = parse_concurrency(c)) {
      concurrency.emplace_back(*parsed, c);
    } else {
      errors.push_back("--concurrency: expected batch:N or window:N, got \"" + c + "\"");
    }
  }
  if (!spec.deadline.empty()) {
    if (auto parsed = scenarios::parse_time(spec.deadline)) {
      grid.deadline = *parsed;
    } else {
      errors.push_back("--deadline: not a time: \"" + spec.deadline + "\"");
    }
  }
  if (spec.seeds < 1) errors.push_back("--seeds: must be at least 1");
  if (spec.policies.empty() || spec.max_attempts.empty() || spec.base_delays.empty() ||
      spec.concurrency.empty()) {
    errors.push_back("every grid list needs at least one value");
  }
  if (!errors.empty()) return std::nullopt;
  for (auto policy : policies) {
    for (int attempts : spec.max_attempts) {
      for (const auto& [delay, delay_text] : delays) {
        for (const auto& [mode_limit, text] : concurrency) {
          grid.points.push_back(GridPoint{policy, attempts, delay, delay_text, mode_limit.first,
                                          mode_limit.second, text});
        }
      }
    }
  }
  for (int s = 0; s < spec.seeds; ++s) {
    grid.seeds.push_back(spec.first_seed + static_cast<std::uint64_t>(s));
  }
  return grid;
}

scenarios::Scenario apply_grid_point(const scenarios::Scenario& base, const GridPoint& point,
                                     const std::optional<store::Duration>& deadline) {
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

std::optional<std::size_t> seed_default_point(const Grid& grid) {
  for (std::size_t p = 0; p < grid.points.size(); ++p) {
    const GridPoint& g = grid.points[p];
    if (g.policy == store::RetryKind::exponential && g.max_attempts == 3 &&
        g.base_delay == std::chrono::seconds(1) && g.mode == store::ConcurrencyMode::batch &&
        g.limit == 3) {
      return p;
    }
  }
  return std::nullopt;
}

}  // namespace connsim::sweep
