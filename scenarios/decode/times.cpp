#include "scenarios/decode/times.hpp"

#include <chrono>
#include <cmath>
#include <cstdint>

#include "scenarios/limits.hpp"

namespace connsim::scenarios::decode {

TimeIssue parse_time_text(std::string_view text, Duration& out) {
  std::size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++i;
  const auto is_digit = [&](std::size_t at) {
    return at < text.size() && text[at] >= '0' && text[at] <= '9';
  };
  const std::size_t whole_begin = i;
  while (is_digit(i)) ++i;
  const std::size_t whole_end = i;
  if (whole_end == whole_begin) return TimeIssue::syntax;
  std::size_t fraction_begin = i;
  std::size_t fraction_end = i;
  if (i < text.size() && text[i] == '.') {
    fraction_begin = ++i;
    while (is_digit(i)) ++i;
    fraction_end = i;
    if (fraction_end == fraction_begin) return TimeIssue::syntax;
  }
  const std::string_view unit = text.substr(i);
  __int128 unit_ns = 0;
  if (unit == "ns") {
    unit_ns = 1;
  } else if (unit == "us") {
    unit_ns = 1'000;
  } else if (unit == "ms") {
    unit_ns = 1'000'000;
  } else if (unit == "s") {
    unit_ns = 1'000'000'000;
  } else if (unit == "m") {
    unit_ns = 60'000'000'000;
  } else if (unit == "h") {
    unit_ns = 3'600'000'000'000;
  } else {
    return TimeIssue::syntax;
  }
  if (negative) return TimeIssue::negative;
  __int128 whole = 0;
  for (std::size_t k = whole_begin; k < whole_end; ++k) {
    whole = whole * 10 + (text[k] - '0');
    if (whole > 1'000'000'000'000'000'000) return TimeIssue::too_large;
  }
  __int128 fraction = 0;
  __int128 scale = 1;
  for (std::size_t k = fraction_begin; k < fraction_end && k < fraction_begin + 18; ++k) {
    fraction = fraction * 10 + (text[k] - '0');
    scale *= 10;
  }
  const __int128 ns = whole * unit_ns + (fraction * unit_ns + scale / 2) / scale;
  if (ns > limits::kMaxTime.count()) return TimeIssue::too_large;
  out = Duration(static_cast<std::int64_t>(ns));
  return TimeIssue::none;
}

TimeIssue decode_time(const json& value, Duration& out) {
  if (value.is_string()) return parse_time_text(value.get_ref<const std::string&>(), out);
  const double max_ms = static_cast<double>(limits::kMaxTime.count()) / 1e6;
  if (value.is_number_unsigned()) {
    const auto ms = value.get<std::uint64_t>();
    if (static_cast<double>(ms) > max_ms) return TimeIssue::too_large;
    out = std::chrono::milliseconds(ms);
    return TimeIssue::none;
  }
  if (value.is_number_integer()) return TimeIssue::negative;  // integers >= 0 are unsigned
  if (value.is_number_float()) {
    const double ms = value.get<double>();
    if (!std::isfinite(ms)) return TimeIssue::syntax;
    if (ms < 0) return TimeIssue::negative;
    if (ms > max_ms) return TimeIssue::too_large;
    out = Duration(std::llround(ms * 1e6));
    return TimeIssue::none;
  }
  return TimeIssue::syntax;
}
}  // namespace connsim::scenarios::decode
