// Refusing a run the machine cannot hold (scenarios/memory_estimate.hpp has the model): before a
// command runs anything, each scenario's estimated peak memory is compared with the memory limit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/model.hpp"

namespace connsim::apps {

/// The memory runs may take, and where that number comes from.
struct MemoryLimit {
  std::optional<std::uint64_t> bytes;  // nullopt: no limit ("unlimited", or nothing known)
  std::string source;
};

/// CONNSIM_MEMORY_LIMIT when set (a size such as "4G", "512M", "1.5GiB" or bytes, or
/// "unlimited"), else MemAvailable of /proc/meminfo, else no limit. nullopt, said on stderr, when
/// CONNSIM_MEMORY_LIMIT is set to anything else.
std::optional<MemoryLimit> memory_limit();

/// True when every scenario's estimate (times `processes` running at once) is within the limit;
/// otherwise prints one line per scenario that is not (file, estimate, limit) and "N invalid
/// input(s); nothing was run" to stderr and returns false, as for any invalid input.
bool scenarios_fit_memory(const std::vector<scenarios::Scenario>& loaded, unsigned processes = 1);

}  // namespace connsim::apps
