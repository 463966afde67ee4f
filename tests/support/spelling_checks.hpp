// What every enum's spelling table must satisfy (store/spelling.hpp), checked at run time so a
// failure names the enum and the word: each value has one distinct, non-empty spelling, the
// table names every value from 0 to `last`, parse(spell(x)) == x and spell(parse(w)) == w, and
// anything else parses to nothing or spells "?".
#pragma once

#include <boost/test/unit_test.hpp>
#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <typeinfo>

#include "store/spelling.hpp"

namespace connsim::testing {

/// Checks E's table; `last` is E's last enumerator. Failures name E (as the compiler does).
template <class E>
void check_spelling_table(E last) {
  BOOST_TEST_CONTEXT(typeid(E).name()) {
    const auto table = spelling_table<E>();
    BOOST_TEST(table.size() == static_cast<std::size_t>(last) + 1);
    std::set<std::string_view> texts;
    std::set<std::size_t> values;
    for (const Spelling<E>& entry : table) {
      BOOST_TEST_CONTEXT(entry.text) {
        BOOST_TEST(!entry.text.empty());
        BOOST_TEST(entry.text != "?");
        BOOST_TEST(texts.insert(entry.text).second);
        BOOST_TEST(values.insert(static_cast<std::size_t>(entry.value)).second);
        BOOST_TEST(static_cast<std::size_t>(entry.value) <= static_cast<std::size_t>(last));
        BOOST_TEST((parse_spelling<E>(spelling_of(entry.value)) == entry.value));
        BOOST_TEST(spelling_of(*parse_spelling<E>(entry.text)) == entry.text);
      }
    }
    BOOST_TEST(spelling_of(static_cast<E>(static_cast<std::size_t>(last) + 1)) == "?");
    BOOST_TEST(!parse_spelling<E>("?").has_value());
    BOOST_TEST(!parse_spelling<E>("").has_value());
    BOOST_TEST(!parse_spelling<E>(std::string(table.front().text) + " ").has_value());
  }
}

/// Checks the table of each enum whose last enumerator is given.
template <class... Last>
void check_spelling_tables(Last... last) {
  (check_spelling_table(last), ...);
}

}  // namespace connsim::testing
