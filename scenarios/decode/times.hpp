// The format's times: a string with a unit ("250ms", "1.5s") or a JSON number of milliseconds,
// decoded to a Duration or to the reason it is not one.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "store/clock.hpp"

namespace connsim::scenarios::decode {

using json = nlohmann::json;
using store::Duration;

enum class TimeIssue { none, syntax, negative, too_large };

/// The time grammar ("250ms", "1.5s", "2m"): a non-negative decimal number and a unit, at most
/// limits::kMaxTime. Sets `out` only when it returns TimeIssue::none.
TimeIssue parse_time_text(std::string_view text, Duration& out);

/// A time written as a string with a unit, or a JSON number of milliseconds.
TimeIssue decode_time(const json& value, Duration& out);

inline constexpr std::string_view kTimeExpected =
    "expected a time like \"250ms\" or a number of milliseconds, got ";
}  // namespace connsim::scenarios::decode
