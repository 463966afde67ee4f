// Tables of keys: an object kind is decoded by a table of its keys, which also rejects unknown
// keys and reports missing required ones.
#pragma once

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>

#include "scenarios/decode/decode_context.hpp"
#include "scenarios/decode/text.hpp"

namespace connsim::scenarios::decode {

/// One key of an object kind: its name, whether it is required, and how it is decoded into T.
/// A table (an array of these) drives both validation (unknown and missing keys) and decoding,
/// in table order, so a decoder may rely on the keys before it.
template <class T>
struct Field {
  std::string_view key;
  bool required;
  void (*decode)(DecodeContext&, const json&, const JsonPointer&, T&);
};

template <class T, std::size_t N>
std::string keys_of(const Field<T> (&table)[N]) {
  std::string out;
  for (const auto& field : table) {
    if (!out.empty()) out += ", ";
    out += field.key;
  }
  return out;
}

/// Decodes `value` (which must be an object) by `table`; true when no error was added.
template <class T, std::size_t N>
bool decode_object(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
                   const Field<T> (&table)[N], T& out) {
  if (!value.is_object()) {
    ctx.error(pointer, "expected an object, got " + describe(value));
    return false;
  }
  const std::size_t before = ctx.error_count();
  for (auto it = value.begin(); it != value.end(); ++it) {
    const bool known = std::any_of(std::begin(table), std::end(table),
                                   [&](const Field<T>& field) { return field.key == it.key(); });
    if (!known) {
      ctx.key_error(pointer_child(pointer, it.key()),
                    "unknown key " + quote(it.key()) + "; expected one of: " + keys_of(table));
    }
  }
  for (const Field<T>& field : table) {
    const auto it = value.find(std::string(field.key));
    if (it == value.end()) {
      if (field.required) ctx.error(pointer, "missing required key " + quote(field.key));
      continue;
    }
    field.decode(ctx, *it, pointer_child(pointer, field.key), out);
  }
  return ctx.error_count() == before;
}

template <class T>
void assign(T& target, const std::optional<T>& value) {
  if (value) target = *value;
}
template <class T>
void assign(std::optional<T>& target, const std::optional<T>& value) {
  if (value) target = value;
}
}  // namespace connsim::scenarios::decode
