// One spelling table per enum, beside the enum; everything that writes or reads an enum's
// words (the store, the scenario loader, reporters, the JSON Schema, sweep, history) asks it.
//
// Contract: an enum E with a table declares, in E's own namespace, its table and a hook that
// names it (declared only; found by argument-dependent lookup and read through decltype):
//   inline constexpr auto kESpellings = in_enum_order<E>("a", "b");  // E::a, E::b
//   SpellingTable<kESpellings> spellings(E);
// A table whose words are listed in another order is written as {value, words} pairs instead.
// The table lists every value of E exactly once, each with distinct, non-empty words: the
// compiler checks that wherever spelling_of/parse_spelling are used, and
// tests/support/spelling_checks.hpp checks that no enumerator is missing. Its order is the order
// an error message or a schema lists the words in. Lives in store/ because the store is the
// lowest layer: sim/ and scenarios/ include it, it includes nothing of theirs.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>

namespace connsim {

template <class E>
struct Spelling {
  E value{};
  std::string_view text;
};

/// A table of E's words given in E's order: the first spells the value 0, the next 1, ...
template <class E, class... Words>
consteval std::array<Spelling<E>, sizeof...(Words)> in_enum_order(Words... words) {
  const std::array<std::string_view, sizeof...(Words)> texts{words...};
  std::array<Spelling<E>, sizeof...(Words)> table{};
  for (std::size_t i = 0; i < texts.size(); ++i) table[i] = {static_cast<E>(i), texts[i]};
  return table;
}

/// The return type of an enum's hook `spellings(E)`: names E's table.
template <const auto& Table>
struct SpellingTable {
  static constexpr std::span table{Table};
};

/// E's own table.
template <class E>
constexpr auto spelling_table() {
  return decltype(spellings(E{}))::table;
}

/// Whether `table` names each value of E from 0 to size-1 exactly once, with distinct words.
template <class E>
constexpr bool is_spelling_table(std::span<const Spelling<E>> table) {
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (static_cast<std::size_t>(table[i].value) >= table.size()) return false;
    if (table[i].text.empty()) return false;
    for (std::size_t j = 0; j < i; ++j) {
      if (table[j].value == table[i].value || table[j].text == table[i].text) return false;
    }
  }
  return true;
}

/// The same, and that `last` is E's last value (so no value is missing).
template <class E, std::size_t N>
constexpr bool is_spelling_table(const std::array<Spelling<E>, N>& table, E last) {
  return N == static_cast<std::size_t>(last) + 1 && is_spelling_table<E>(table);
}

/// The words `table` gives `value` ("?" when it has none). A table in the enum's order is read
/// at the value's index; any other is searched.
template <class T>
constexpr std::string_view spelling_in(std::span<const Spelling<T>> table, const T& value) {
  if constexpr (std::is_enum_v<T>) {
    const auto index = static_cast<std::size_t>(value);
    if (index < table.size() && table[index].value == value) return table[index].text;
  }
  for (const Spelling<T>& entry : table) {
    if (entry.value == value) return entry.text;
  }
  return "?";
}

/// The value `table` spells `text`; nullopt for words it does not have.
template <class T>
constexpr std::optional<T> parse_in(std::span<const Spelling<T>> table, std::string_view text) {
  for (const Spelling<T>& entry : table) {
    if (entry.text == text) return entry.value;
  }
  return std::nullopt;
}

/// The words of `value` in E's own table ("?" for a value outside it).
template <class E>
constexpr std::string_view spelling_of(E value) {
  static_assert(is_spelling_table<E>(spelling_table<E>()), "a table names each value once");
  return spelling_in<E>(spelling_table<E>(), value);
}

/// The value E's own table spells `text`; nullopt for words it does not have.
template <class E>
constexpr std::optional<E> parse_spelling(std::string_view text) {
  static_assert(is_spelling_table<E>(spelling_table<E>()), "a table names each value once");
  return parse_in<E>(spelling_table<E>(), text);
}

/// to_string of every enum with a table; sim/ and scenarios/ bring it into their namespace
/// (`using connsim::to_string;`), the store keeps its own named wrappers.
template <class E>
  requires requires(E value) { spellings(value); }
constexpr std::string_view to_string(E value) {
  return spelling_of(value);
}

}  // namespace connsim
