#include "scenarios/decode/scalars.hpp"

#include <algorithm>
#include <cmath>

#include "scenarios/decode/times.hpp"

namespace connsim::scenarios::decode {

bool only_keys(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
               std::initializer_list<std::string_view> keys) {
  if (!value.is_object()) {
    ctx.error(pointer, "expected an object, got " + describe(value));
    return false;
  }
  bool ok = true;
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (std::find(keys.begin(), keys.end(), it.key()) != keys.end()) continue;
    std::string listed;
    for (auto key : keys) listed += (listed.empty() ? "" : ", ") + std::string(key);
    ctx.key_error(pointer_child(pointer, it.key()), "unknown key " + quote(it.key()) + "; expected one of: " + listed);
    ok = false;
  }
  return ok;
}

const json* required_member(DecodeContext& ctx, const json& object, const JsonPointer& pointer, std::string_view key) {
  const auto it = object.find(key);
  if (it == object.end()) {
    ctx.error(pointer, "missing required key " + quote(key));
    return nullptr;
  }
  return &*it;
}

std::optional<std::string> get_string(DecodeContext& ctx, const json& value,
                                      const JsonPointer& pointer) {
  if (!value.is_string()) {
    ctx.error(pointer, "expected a string, got " + describe(value));
    return std::nullopt;
  }
  return value.get<std::string>();
}

/// An id of something this file defines.
std::optional<std::string> get_id(DecodeContext& ctx, const json& value,
                                  const JsonPointer& pointer) {
  auto id = get_string(ctx, value, pointer);
  if (!id) return std::nullopt;
  if (id->empty()) {
    ctx.error(pointer, "an id must not be empty");
    return std::nullopt;
  }
  if (char_count(*id) > limits::kMaxIdLength) {
    ctx.error(pointer,
              "an id must be at most " + std::to_string(limits::kMaxIdLength) + " characters long");
    return std::nullopt;
  }
  if (std::any_of(id->begin(), id->end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    ctx.error(pointer, "an id must not contain control characters");
    return std::nullopt;
  }
  return id;
}

std::optional<bool> get_bool(DecodeContext& ctx, const json& value, const JsonPointer& pointer) {
  if (!value.is_boolean()) {
    ctx.error(pointer, "expected true or false, got " + describe(value));
    return std::nullopt;
  }
  return value.get<bool>();
}

std::optional<std::int64_t> get_integer(DecodeContext& ctx, const json& value,
                                        const JsonPointer& pointer, std::int64_t min,
                                        std::int64_t max) {
  if (!value.is_number_integer()) {
    ctx.error(pointer, "expected an integer, got " + describe(value));
    return std::nullopt;
  }
  if (value.is_number_unsigned() && value.get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
    ctx.error(pointer, "must be at most " + std::to_string(max) + ", got " + value.dump());
    return std::nullopt;
  }
  const auto number = value.get<std::int64_t>();
  if (number < min) {
    ctx.error(pointer, "must be at least " + std::to_string(min) + ", got " + value.dump());
    return std::nullopt;
  }
  if (number > max) {
    ctx.error(pointer, "must be at most " + std::to_string(max) + ", got " + value.dump());
    return std::nullopt;
  }
  return number;
}

std::optional<int> get_int(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
                           int min, int max) {
  const auto number = get_integer(ctx, value, pointer, min, max);
  if (!number) return std::nullopt;
  return static_cast<int>(*number);
}

std::optional<std::uint64_t> get_uint64(DecodeContext& ctx, const json& value,
                                        const JsonPointer& pointer) {
  if (!value.is_number_integer()) {
    ctx.error(pointer, "expected an integer, got " + describe(value));
    return std::nullopt;
  }
  if (!value.is_number_unsigned()) {
    ctx.error(pointer, "must be at least 0, got " + value.dump());
    return std::nullopt;
  }
  return value.get<std::uint64_t>();
}

/// A number in [min, max] (max: none when nullopt).
std::optional<double> get_number(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
                                 double min, std::optional<double> max) {
  if (!value.is_number()) {
    ctx.error(pointer, "expected a number, got " + describe(value));
    return std::nullopt;
  }
  const double number = value.get<double>();
  if (!std::isfinite(number) || number < min || (max && number > *max)) {
    ctx.error(pointer,
              (max ? "must be between " + format_number(min) + " and " + format_number(*max)
                   : "must be at least " + format_number(min)) +
                  ", got " + value.dump());
    return std::nullopt;
  }
  return number;
}

std::optional<Duration> get_time(DecodeContext& ctx, const json& value,
                                 const JsonPointer& pointer) {
  Duration time{};
  switch (decode_time(value, time)) {
    case TimeIssue::none:
      return time;
    case TimeIssue::syntax:
      ctx.error(pointer, std::string(kTimeExpected) + describe(value));
      break;
    case TimeIssue::negative:
      ctx.error(pointer, "a time must not be negative, got " + describe(value));
      break;
    case TimeIssue::too_large:
      ctx.error(pointer, "a time must be at most " + format_time(limits::kMaxTime) + ", got " +
                             describe(value));
      break;
  }
  return std::nullopt;
}

std::optional<Duration> get_positive_time(DecodeContext& ctx, const json& value,
                                          const JsonPointer& pointer) {
  const auto time = get_time(ctx, value, pointer);
  if (time && *time <= Duration::zero()) {
    ctx.error(pointer, "must be greater than 0, got " + describe(value));
    return std::nullopt;
  }
  return time;
}

/// A time at which something is checked or happens: not after `until`.
std::optional<Duration> get_moment(DecodeContext& ctx, const json& value,
                                   const JsonPointer& pointer) {
  const auto time = get_time(ctx, value, pointer);
  if (time && ctx.until_valid && *time > ctx.sc.until) {
    ctx.error(pointer, format_time(*time) + " is after the end of the run (until: " +
                           format_time(ctx.sc.until) + ")");
    return std::nullopt;
  }
  return time;
}

bool is_array_of_at_most(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
                         std::size_t max_size, std::string_view plural) {
  if (!value.is_array()) {
    ctx.error(pointer, "expected an array, got " + describe(value));
    return false;
  }
  if (value.size() > max_size) {
    ctx.error(pointer, "at most " + std::to_string(max_size) + " " + std::string(plural) +
                           ", got " + std::to_string(value.size()));
    return false;
  }
  return true;
}
}  // namespace connsim::scenarios::decode
