// Tables of keys: an object kind is decoded by a table of its keys, which also rejects unknown
// keys and reports missing required ones.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/decode/decode_context.hpp"
#include "scenarios/decode/scalars.hpp"
#include "scenarios/decode/text.hpp"

namespace connsim::scenarios::decode {

/// What a key's value must be, as its decoder checks it: the kind and its bounds. The JSON Schema
/// of the format is generated from these (value_schema, scenarios/decode/schema.cpp).
enum class ValueKind {
  any,  // no check of its own here: `schema` says what it is
  string,
  id,         // a non-empty string of at most limits::kMaxIdLength characters, no controls
  reference,  // the id of something the file defines (wallet, group, relay, shared wallet)
  boolean,
  integer,           // in [int_min, int_max]
  unsigned_integer,  // 0 ... 2^64-1
  number,            // in [number_min, number_max], no maximum when has_max is false
  time,              // the time grammar or milliseconds
  positive_time,     // a time greater than 0
  moment,            // a time not after `until`
  enumeration,       // one of names()
  object,            // described by schema()
};

struct ValueCheck {
  ValueKind kind = ValueKind::any;
  std::int64_t int_min = 0;
  std::int64_t int_max = 0;
  double number_min = 0;
  double number_max = 0;
  bool has_max = false;
  /// enumeration: the spellings.
  std::vector<std::string_view> (*names)() = nullptr;
  /// object and any: the JSON Schema of the value (nullptr: any value).
  json (*schema)() = nullptr;
};

/// One key of an object kind: its name, whether it is required, how it is decoded into T, what
/// its value must be and a one-line help. A table (an array of these) drives validation (unknown
/// and missing keys), decoding (in table order, so a decoder may rely on the keys before it) and
/// the JSON Schema (object_schema).
template <class T>
struct Field {
  std::string_view key;
  bool required;
  void (*decode)(DecodeContext&, const json&, const JsonPointer&, T&);
  ValueCheck check{};
  std::string_view help{};
  /// Named in "expected one of: ..." when a key is unknown. False only for additions that
  /// existing messages do not list (the top level's "$schema").
  bool listed = true;
};

/// The JSON Schema (draft 2020-12) of a value with `check`, with `help` as its description.
json value_schema(const ValueCheck& check, std::string_view help);

/// The definitions value schemas refer to ("#/$defs/time", positive_time, latency, nat).
json shared_definitions();

/// The JSON Schema of an object decoded by `table`: its keys, the required ones, no others.
template <class T>
json object_schema(std::span<const Field<T>> table) {
  json properties = json::object();
  json required = json::array();
  for (const Field<T>& field : table) {
    properties[std::string(field.key)] = value_schema(field.check, field.help);
    if (field.required) required.push_back(std::string(field.key));
  }
  json schema = {{"type", "object"}, {"properties", properties}, {"additionalProperties", false}};
  if (!required.empty()) schema["required"] = required;
  return schema;
}
template <class T, std::size_t N>
json object_schema(const Field<T> (&table)[N]) {
  return object_schema(std::span<const Field<T>>(table));
}

/// object_schema of a table, as a function a ValueCheck can point to.
template <const auto& Table>
json table_schema() {
  return object_schema(Table);
}

template <class T>
std::string keys_of(std::span<const Field<T>> table) {
  std::string out;
  for (const auto& field : table) {
    if (!field.listed) continue;
    if (!out.empty()) out += ", ";
    out += field.key;
  }
  return out;
}

/// Decodes `value` (which must be an object) by `table`; true when no error was added.
template <class T>
bool decode_object(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
                   std::span<const Field<T>> table, T& out) {
  if (!value.is_object()) {
    ctx.error(pointer, "expected an object, got " + describe(value));
    return false;
  }
  const std::size_t before = ctx.error_count();
  for (auto it = value.begin(); it != value.end(); ++it) {
    const bool known = std::any_of(table.begin(), table.end(),
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
template <class T, std::size_t N>
bool decode_object(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
                   const Field<T> (&table)[N], T& out) {
  return decode_object(ctx, value, pointer, std::span<const Field<T>>(table), out);
}

/// Decodes `value`, an array of at most `max_size` objects that each define an `id`, by `table`:
/// each element that got its id goes to `add(T&&, element pointer)`, its `source` set. When the
/// array or an element's id cannot be read, `complete` turns false (later checks then stay quiet
/// about ids they cannot find).
template <class T, std::size_t N, class Add>
void decode_objects_with_ids(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
                             std::size_t max_size, std::string_view plural,
                             const Field<T> (&table)[N], bool& complete, Add add) {
  if (!is_array_of_at_most(ctx, value, pointer, max_size, plural)) {
    complete = false;
    return;
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    const JsonPointer element = pointer_child(pointer, i);
    T item;
    item.source = ctx.source(element);
    decode_object(ctx, value[i], element, table, item);
    if (item.id.empty()) {
      complete = false;
      continue;
    }
    add(std::move(item), element);
  }
}

template <class T>
void assign(T& target, const std::optional<T>& value) {
  if (value) target = *value;
}
template <class T>
void assign(std::optional<T>& target, const std::optional<T>& value) {
  if (value) target = value;
}

/// A key decoded by `As` (a kind from scenarios/decode/key_kinds.hpp, or AsObject below) into the
/// member reached from T by `Path` (one member pointer, or several for a member of a member).
/// Converts to the Field<T> of whichever table it is written in.
template <class As, auto... Path>
struct MemberKey {
  std::string_view key;
  bool required;
  std::string_view help;

  template <class T>
  constexpr operator Field<T>() const {  // NOLINT(google-explicit-constructor): table syntax
    return Field<T>{key, required,
                    [](DecodeContext& c, const json& v, const JsonPointer& p, T& t) {
                      auto& member = (t.*....*Path);
                      if constexpr (As::check.kind == ValueKind::object) {
                        As::decode_into(c, v, p, member);
                      } else {
                        assign(member, As::decode(c, v, p));
                      }
                    },
                    As::check, help};
  }
};

template <class As, auto... Path>
constexpr MemberKey<As, Path...> optional_key(std::string_view key, std::string_view help) {
  return {key, false, help};
}
template <class As, auto... Path>
constexpr MemberKey<As, Path...> required_key(std::string_view key, std::string_view help) {
  return {key, true, help};
}

/// An object decoded in place by `Table` (a kind for MemberKey).
template <const auto& Table>
struct AsObject {
  static constexpr ValueCheck check{.kind = ValueKind::object, .schema = &table_schema<Table>};
  template <class Member>
  static void decode_into(DecodeContext& c, const json& v, const JsonPointer& p, Member& member) {
    decode_object(c, v, p, Table, member);
  }
};

/// A key whose value is an object decoded by `Table` into the member reached by `Path`.
template <const auto& Table, auto... Path>
constexpr MemberKey<AsObject<Table>, Path...> object_key(std::string_view key,
                                                         std::string_view help) {
  return {key, false, help};
}
template <const auto& Table, auto... Path>
constexpr MemberKey<AsObject<Table>, Path...> required_object_key(std::string_view key,
                                                                  std::string_view help) {
  return {key, true, help};
}
}  // namespace connsim::scenarios::decode
