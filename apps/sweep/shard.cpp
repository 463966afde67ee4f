#include "apps/sweep/shard.hpp"

#include <charconv>

namespace connsim::sweep {
namespace {

/// A decimal number of at most 6 digits (no sign, no spaces), or nothing.
std::optional<std::size_t> small_number(std::string_view text) {
  if (text.empty() || text.size() > 6) return std::nullopt;
  std::size_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string Shard::text() const { return std::to_string(index) + "/" + std::to_string(count); }

std::string Shard::file_stem() const {
  return "shard-" + std::to_string(index) + "-of-" + std::to_string(count);
}

std::optional<Shard> parse_shard(const std::string& text, std::string& error) {
  const auto fail = [&](const std::string& why) -> std::optional<Shard> {
    error = "expected I/N with 1 <= I <= N <= " + std::to_string(kMaxShards) + ", e.g. 2/4; got \"" +
            text + "\"" + (why.empty() ? "" : " (" + why + ")");
    return std::nullopt;
  };
  const auto slash = text.find('/');
  if (slash == std::string::npos) return fail("no /");
  const auto index = small_number(std::string_view(text).substr(0, slash));
  const auto count = small_number(std::string_view(text).substr(slash + 1));
  if (!index || !count) return fail("I and N are whole numbers");
  if (*count < 1 || *count > kMaxShards) return fail("N out of range");
  if (*index < 1 || *index > *count) return fail("I out of range");
  return Shard{*index, *count};
}

}  // namespace connsim::sweep
