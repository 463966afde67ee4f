// A space file (`connsim-space/1`, scenarios/FORMAT.md "Space files"): ranges and weights instead
// of values. `connsim explore` draws one concrete scenario per run seed from it (draw.hpp). The
// loader validates a space like a scenario: every error has file, line, column and JSON pointer,
// and the parts a space shares with scenarios (the `store` values, the space's own `expect`) are
// checked by the scenario loader itself, located back in the space file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "scenarios/loader.hpp"
#include "scenarios/model.hpp"

namespace connsim::scenarios::explore {

inline constexpr std::string_view kSpaceFormat = "connsim-space/1";

/// A value the draw picks: one of `options`, or uniformly in [min, max] when `ranged`.
template <class T>
struct Choice {
  std::vector<T> options;
  bool ranged = false;
  T min{};
  T max{};

  static Choice fixed(T value) { return Choice{{value}, false, value, value}; }
  static Choice range(T low, T high) { return Choice{{}, true, low, high}; }
};

/// Names with positive weights, in name order (an entry of weight 0 is dropped).
using Weights = std::vector<std::pair<std::string, double>>;

struct RelaySpace {
  Choice<std::int64_t> count = Choice<std::int64_t>::range(0, 2);
  Weights implementation{{"go", 1.0}};
  /// Absent (no options, not ranged): the implementation's default.
  Choice<std::int64_t> max_reservations;
  Choice<Duration> circuit_duration;
  Choice<std::int64_t> circuit_bytes;
};

struct ActionSpace {
  Choice<std::int64_t> count = Choice<std::int64_t>::range(1, 6);
  Weights mix{{"connect", 1.0}};
  /// Probability that a drawn `connect` repeats (`repeat: {every, times}`).
  double repeat_probability = 0;
  Choice<std::int64_t> repeat_times = Choice<std::int64_t>::fixed(2);
  Choice<Duration> repeat_every = Choice<Duration>::fixed(std::chrono::seconds(2));
};

struct FaultSpace {
  Choice<std::int64_t> count = Choice<std::int64_t>::fixed(0);
  Weights mix;
  Choice<Duration> duration = Choice<Duration>::range(std::chrono::seconds(2), std::chrono::seconds(30));
};

struct Space {
  std::string name;
  std::string source_file;
  Choice<Duration> until = Choice<Duration>::fixed(std::chrono::minutes(3));
  Choice<std::int64_t> wallets = Choice<std::int64_t>::range(2, 4);
  Weights nat{{"none", 1.0}};
  Choice<Duration> latency = Choice<Duration>::fixed(std::chrono::milliseconds(40));
  Choice<double> loss = Choice<double>::fixed(0.0);
  Weights relay_reconnect{{"none", 1.0}};
  /// Probability that a drawn wallet has a nickname (activity messages then use it).
  double nickname_probability = 0.5;
  RelaySpace relays;
  ActionSpace actions;
  FaultSpace faults;
  /// A scenario `store` object whose values may be {"one_of": [values]}; drawn per wallet.
  nlohmann::json store = nlohmann::json::object();
  /// Whether the draw adds the liveness probes (draw.hpp).
  bool liveness = true;
  /// Scenario expectations every drawn scenario gets (only forms without ids: `metric`).
  nlohmann::json expect = nlohmann::json::array();
};

/// Either a Space or the errors (sorted by position), like LoadResult.
struct SpaceLoadResult {
  std::variant<Space, std::vector<LoadError>> value;
  bool ok() const { return value.index() == 0; }
  const Space& space() const { return std::get<Space>(value); }
  const std::vector<LoadError>& errors() const { return std::get<std::vector<LoadError>>(value); }
};

SpaceLoadResult load_space_file(const std::filesystem::path& path);
SpaceLoadResult load_space_text(std::string_view text, std::string source_name);

/// The fault kinds and action kinds a space may name (scenario `do` spellings).
const std::vector<std::string_view>& fault_kinds();
const std::vector<std::string_view>& action_kinds();

}  // namespace connsim::scenarios::explore
