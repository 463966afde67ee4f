// Decoders of single values: each checks the JSON type and bounds of the value at a pointer and
// either returns it or adds one error there and returns nullopt. Also enums (by a table of
// spellings) and arrays (by a decoder of their elements).
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scenarios/decode/decode_context.hpp"
#include "scenarios/decode/text.hpp"
#include "store/spelling.hpp"

namespace connsim::scenarios::decode {

/// Whether `value` is an object whose keys are all among `keys`: an error at `pointer` when it is
/// not an object, and one at each unknown key (listing `keys`). For documents without a field
/// table (explore spaces, field logs); scenario sections use decode_object (fields.hpp).
bool only_keys(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
               std::initializer_list<std::string_view> keys);

/// The member `key` of the object `object`, or null after an error "missing required key" at
/// `pointer`.
const json* required_member(DecodeContext& ctx, const json& object, const JsonPointer& pointer, std::string_view key);

std::optional<std::string> get_string(DecodeContext& ctx, const json& value,
                                      const JsonPointer& pointer);

/// An id of something this file defines.
std::optional<std::string> get_id(DecodeContext& ctx, const json& value,
                                  const JsonPointer& pointer);

std::optional<bool> get_bool(DecodeContext& ctx, const json& value, const JsonPointer& pointer);

/// An integer in [min, max].
std::optional<std::int64_t> get_integer(DecodeContext& ctx, const json& value,
                                        const JsonPointer& pointer, std::int64_t min,
                                        std::int64_t max);

std::optional<int> get_int(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
                           int min, int max);

std::optional<std::uint64_t> get_uint64(DecodeContext& ctx, const json& value,
                                        const JsonPointer& pointer);

/// A number in [min, max] (max: none when nullopt).
std::optional<double> get_number(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
                                 double min, std::optional<double> max);

std::optional<Duration> get_time(DecodeContext& ctx, const json& value, const JsonPointer& pointer);

/// A time greater than 0.
std::optional<Duration> get_positive_time(DecodeContext& ctx, const json& value,
                                          const JsonPointer& pointer);

/// A time at which something is checked or happens: not after `until`.
std::optional<Duration> get_moment(DecodeContext& ctx, const json& value,
                                   const JsonPointer& pointer);

/// A spelling table's words (a range of Spelling<T>: an enum's own table, store/spelling.hpp,
/// or a table of presets), quoted, as a message lists them: "a" or "b"; "a", "b", or "c".
template <class Table>
std::string names_of(const Table& names) {
  const std::size_t n = std::size(names);
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) out += (i + 1 == n) ? (n == 2 ? " or " : ", or ") : ", ";
    out += quote(std::data(names)[i].text);
  }
  return out;
}

/// One of a spelling table's words, as the value it spells.
template <class Table, class T = decltype(std::data(std::declval<const Table&>())->value)>
std::optional<T> get_enum(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
                          const Table& names) {
  if (value.is_string()) {
    if (auto found = parse_in<T>(names, value.get_ref<const std::string&>())) return found;
  }
  ctx.error(pointer, "expected " + names_of(names) + ", got " + describe(value));
  return std::nullopt;
}

/// Whether `value` is an array of at most `max_size` elements; if not, adds the error ("expected an
/// array, got ..." or "at most N <plural>, got M").
bool is_array_of_at_most(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
                         std::size_t max_size, std::string_view plural);

template <class T, class Decode>
std::optional<std::vector<T>> get_array(DecodeContext& ctx, const json& value,
                                        const JsonPointer& pointer, std::size_t max_size,
                                        Decode decode) {
  if (!is_array_of_at_most(ctx, value, pointer, max_size, "elements")) return std::nullopt;
  std::vector<T> out;
  out.reserve(value.size());
  bool ok = true;
  for (std::size_t i = 0; i < value.size(); ++i) {
    std::optional<T> element = decode(ctx, value[i], pointer_child(pointer, i));
    if (element) {
      out.push_back(std::move(*element));
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}
}  // namespace connsim::scenarios::decode
