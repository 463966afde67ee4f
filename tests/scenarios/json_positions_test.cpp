// JSON with positions: pointers, line:column of values and keys, and every rejection.
#define BOOST_TEST_MODULE scenarios_json_positions
#include <boost/test/unit_test.hpp>

#include <initializer_list>
#include <string>
#include <utility>

#include "scenarios/json_positions.hpp"
#include "scenarios/limits.hpp"

using namespace connsim::scenarios;

namespace {

TextPosition at(std::uint32_t line, std::uint32_t column) { return TextPosition{line, column}; }

PositionedJson parse_ok(std::string_view text) {
  JsonParseResult result = parse_json_with_positions(text);
  if (!result.ok()) {
    BOOST_FAIL("unexpected error: " + result.errors.front().message);
  }
  return std::move(*result.json);
}

/// Each pointer's position in `positions` (a document's value_positions or key_positions).
template <class Positions>
void positions_are(const Positions& positions,
                   std::initializer_list<std::pair<std::string, TextPosition>> expected) {
  for (const auto& [pointer, position] : expected) {
    BOOST_TEST_CONTEXT(pointer) { BOOST_TEST(positions.at(pointer) == position); }
  }
}

JsonTextError parse_error(std::string_view text) {
  JsonParseResult result = parse_json_with_positions(text);
  BOOST_REQUIRE(!result.ok());
  BOOST_REQUIRE(!result.errors.empty());
  return result.errors.front();
}

}  // namespace

namespace connsim::scenarios {
std::ostream& operator<<(std::ostream& out, const TextPosition& p) {
  return out << p.line << ":" << p.column;
}
}  // namespace connsim::scenarios

BOOST_AUTO_TEST_CASE(values_and_keys_on_one_line) {
  //                               1234567890123456789012345678901234
  const auto doc = parse_ok(R"({"a": 1, "b": [true, {"c": "x"}]})");
  positions_are(doc.value_positions, {{"", at(1, 1)},
                                      {"/a", at(1, 7)},
                                      {"/b", at(1, 15)},
                                      {"/b/0", at(1, 16)},
                                      {"/b/1", at(1, 22)},
                                      {"/b/1/c", at(1, 28)}});
  positions_are(doc.key_positions, {{"/a", at(1, 2)}, {"/b", at(1, 10)}, {"/b/1/c", at(1, 23)}});
  BOOST_TEST(doc.value_positions.size() == 6u);
  BOOST_TEST(doc.value["b"][1]["c"] == "x");
}

BOOST_AUTO_TEST_CASE(lines_and_columns_across_lines) {
  const std::string text =
      "{\n"
      "  \"timeline\": [\n"
      "    {\"at\": \"1s\",\n"
      "     \"wallet\": \"bobb\"}\n"
      "  ]\n"
      "}\n";
  const auto doc = parse_ok(text);
  positions_are(doc.value_positions, {{"/timeline", at(2, 15)},
                                      {"/timeline/0", at(3, 5)},
                                      {"/timeline/0/at", at(3, 12)},
                                      {"/timeline/0/wallet", at(4, 16)}});
  BOOST_TEST(doc.key_positions.at("/timeline/0/wallet") == at(4, 6));
}

BOOST_AUTO_TEST_CASE(columns_count_characters_not_bytes) {
  // "é" is two bytes, "€" three, "😀" four (and "\u00e9" six characters of source).
  const auto doc = parse_ok("{\"é€😀\": 1, \"x\": \"\\u00e9\", \"y\": 2}");
  positions_are(doc.value_positions, {{"/é€😀", at(1, 9)}, {"/x", at(1, 17)}, {"/y", at(1, 32)}});
  BOOST_TEST(position_at_offset("é€😀x", 9) == at(1, 4));
}

BOOST_AUTO_TEST_CASE(crlf_and_tabs) {
  const auto doc = parse_ok("{\r\n\t\"a\": 1}");
  BOOST_TEST(doc.value_positions.at("/a") == at(2, 7));
  BOOST_TEST(doc.key_positions.at("/a") == at(2, 2));
}

BOOST_AUTO_TEST_CASE(byte_order_mark_is_not_a_column) {
  const auto doc = parse_ok("\xEF\xBB\xBF{\"a\":1}");
  BOOST_TEST(doc.value_positions.at("") == at(1, 1));
  BOOST_TEST(doc.value_positions.at("/a") == at(1, 6));
}

BOOST_AUTO_TEST_CASE(keys_are_unescaped_then_pointer_escaped) {
  const auto doc = parse_ok(R"({"a/b": 1, "m~n": 2, "\u0041\"\\": 3, "": 4, "\ud83d\ude00": 5})");
  BOOST_TEST(doc.value_positions.count("/a~1b") == 1u);
  BOOST_TEST(doc.value_positions.count("/m~0n") == 1u);
  BOOST_TEST(doc.value_positions.count("/A\"\\") == 1u);
  BOOST_TEST(doc.value_positions.count("/") == 1u);
  BOOST_TEST(doc.value_positions.count("/\xF0\x9F\x98\x80") == 1u);
  BOOST_TEST(escape_pointer_token("a/b~c") == "a~1b~0c");
  BOOST_TEST(pointer_child("/x", "a/b") == "/x/a~1b");
  BOOST_TEST(pointer_child("/x", 3) == "/x/3");
}

BOOST_AUTO_TEST_CASE(strings_with_brackets_and_escaped_quotes) {
  const auto doc = parse_ok(R"({"a": "[{\"]}", "b": [], "c": {}, "d": -1.5e3, "e": null})");
  positions_are(doc.value_positions,
                {{"/b", at(1, 22)}, {"/c", at(1, 31)}, {"/d", at(1, 40)}, {"/e", at(1, 53)}});
}

BOOST_AUTO_TEST_CASE(position_of_falls_back_to_the_nearest_ancestor) {
  const auto doc = parse_ok("{\n  \"a\": {\"b\": 1}}");
  BOOST_TEST(doc.position_of("/a/missing") == at(2, 8));
  BOOST_TEST(doc.position_of("/nothing/here") == at(1, 1));
  BOOST_TEST(doc.key_position_of("/a") == at(2, 3));
  BOOST_TEST(doc.key_position_of("/a/missing") == at(2, 8));
}

BOOST_AUTO_TEST_CASE(duplicate_keys_are_errors) {
  auto error = parse_error(R"({"a": 1, "a": 2})");
  BOOST_TEST(error.message == "duplicate key \"a\"");
  BOOST_TEST(error.pointer == "/a");
  BOOST_TEST(error.position == at(1, 10));

  error = parse_error("{\"x\": {\"a\": 1,\n \"\\u0061\": 2}}");
  BOOST_TEST(error.message == "duplicate key \"a\"");
  BOOST_TEST(error.pointer == "/x/a");
  BOOST_TEST(error.position == at(2, 2));

  // The same key in two different objects is fine.
  parse_ok(R"([{"a": 1}, {"a": 2}])");
}

BOOST_AUTO_TEST_CASE(syntax_errors_are_located) {
  auto error = parse_error("[1,]");
  BOOST_TEST(error.position == at(1, 4));
  BOOST_TEST(error.pointer == "");
  BOOST_TEST(error.message.rfind("invalid JSON: syntax error", 0) == 0u);

  error = parse_error("{\n  \"é\": tru}");
  BOOST_TEST(error.position == at(2, 11));

  error = parse_error("");
  BOOST_TEST(error.position == at(1, 1));
  BOOST_TEST(error.message.find("unexpected end of input") != std::string::npos);

  error = parse_error("{\"a\": 1}\n  x");
  BOOST_TEST(error.position == at(2, 3));

  error = parse_error("{\"a\": \"\xFF\"}");  // invalid UTF-8
  BOOST_TEST(error.message.rfind("invalid JSON:", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(numbers_too_large_for_a_double) {
  const auto error = parse_error("{\"a\": [1, \"1e999\",\n  -1e400]}");
  BOOST_TEST(error.position == at(2, 3));
  BOOST_TEST(error.message.find("number overflow") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(nesting_limit_is_checked_before_parsing) {
  const std::size_t limit = limits::kMaxJsonDepth;
  const std::string ok = std::string(limit, '[') + std::string(limit, ']');
  parse_ok(ok);

  const std::string deep = std::string(limit + 1, '[') + std::string(limit + 1, ']');
  auto error = parse_error(deep);
  BOOST_TEST(error.position == at(1, static_cast<std::uint32_t>(limit + 1)));
  BOOST_TEST(error.message == "arrays and objects nested deeper than 256 levels");

  // Far deeper, and unterminated: rejected without recursion.
  error = parse_error(std::string(1'000'000, '['));
  BOOST_TEST(error.message == "arrays and objects nested deeper than 256 levels");

  // Brackets inside strings do not count.
  parse_ok("[\"" + std::string(1000, '[') + "\"]");
}

BOOST_AUTO_TEST_CASE(value_count_limit) {
  std::string many = "[";
  for (std::size_t i = 0; i < limits::kMaxJsonValues; ++i) many += "0,";
  many += "0]";
  const auto error = parse_error(many);
  BOOST_TEST(error.message == "more than 4000000 JSON values in one file");

  std::string fewer = "[";
  for (std::size_t i = 0; i + 2 < limits::kMaxJsonValues; ++i) fewer += "0,";
  fewer += "0]";
  BOOST_TEST(parse_json_with_positions(fewer).ok());
}

BOOST_AUTO_TEST_CASE(pointer_bytes_limit) {
  // Long keys nested deep repeat in every pointer below them: 200 levels of 1000-character keys
  // put 200 kB in each pointer, and a thousand values below them would need 200 MB.
  std::string text;
  const std::string key(1000, 'k');
  for (int i = 0; i < 200; ++i) text += "{\"" + key + "\":";
  text += "[";
  for (int i = 0; i < 1000; ++i) text += i == 0 ? "0" : ",0";
  text += "]" + std::string(200, '}');
  const auto error = parse_error(text);
  BOOST_TEST(error.message ==
             "the JSON pointers of this document exceed 134217728 bytes (long keys nested deep)");
}

BOOST_AUTO_TEST_CASE(position_at_offset_clamps) {
  BOOST_TEST(position_at_offset("ab\ncd", 0) == at(1, 1));
  BOOST_TEST(position_at_offset("ab\ncd", 3) == at(2, 1));
  BOOST_TEST(position_at_offset("ab\ncd", 99) == at(2, 3));
}
