#include "apps/memory_check.hpp"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>

#include "scenarios/memory_estimate.hpp"

namespace connsim::apps {

std::optional<MemoryLimit> memory_limit() {
  if (const char* text = std::getenv("CONNSIM_MEMORY_LIMIT"); text != nullptr) {
    const std::string value(text);
    if (value == "unlimited") return MemoryLimit{std::nullopt, "CONNSIM_MEMORY_LIMIT"};
    if (const auto bytes = scenarios::parse_byte_size(value)) {
      return MemoryLimit{*bytes, "CONNSIM_MEMORY_LIMIT"};
    }
    std::cerr << "connsim: CONNSIM_MEMORY_LIMIT: expected a size such as 4G, 512M or a number of "
                 "bytes, or \"unlimited\", got \""
              << value << "\"\n";
    return std::nullopt;
  }
  std::ifstream meminfo("/proc/meminfo");
  const std::string text((std::istreambuf_iterator<char>(meminfo)), std::istreambuf_iterator<char>());
  if (const auto available = scenarios::mem_available_from_meminfo(text)) {
    return MemoryLimit{*available, "MemAvailable in /proc/meminfo"};
  }
  return MemoryLimit{std::nullopt, "unknown"};
}

bool scenarios_fit_memory(const std::vector<scenarios::Scenario>& loaded, unsigned processes) {
  const auto limit = memory_limit();
  if (!limit) return false;
  if (!limit->bytes) return true;
  std::size_t refused = 0;
  for (const auto& scenario : loaded) {
    if (const auto line = scenarios::memory_refusal(scenario, *limit->bytes, limit->source, processes)) {
      std::cerr << *line << "\n";
      ++refused;
    }
  }
  if (refused == 0) return true;
  std::cerr << refused << " invalid input" << (refused == 1 ? "" : "s") << "; nothing was run\n";
  return false;
}

}  // namespace connsim::apps
