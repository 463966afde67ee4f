// ConnectConcurrency: how connectToMultiplePeers spreads its connects.
#pragma once

#include <optional>
#include <string_view>

#include "store/spelling.hpp"

namespace connsim::store {

enum class ConcurrencyMode {
  batch,   // the seed: slices of `limit`, each awaited whole (Promise.all) before the next
  window,  // a sliding window: a new connect starts as soon as any of `limit` finishes
};

inline constexpr auto kConcurrencyModeSpellings = in_enum_order<ConcurrencyMode>("batch", "window");
SpellingTable<kConcurrencyModeSpellings> spellings(ConcurrencyMode);

std::string_view to_string(ConcurrencyMode mode);
std::optional<ConcurrencyMode> parse_concurrency_mode(std::string_view text);

struct ConnectConcurrency {
  ConcurrencyMode mode = ConcurrencyMode::batch;
  int limit = 3;  // the seed's CONCURRENCY
};

}  // namespace connsim::store
