// JSON with positions: nlohmann/json parses the text, and a small iterative scanner walks the same
// text to record where each value (and each object key) starts, by JSON pointer (RFC 6901), so
// that a message about a value can name its line and column.
//
// Positions are 1-based. A column counts characters (UTF-8 code points, a tab is one) after the
// last '\n' before the value; a leading UTF-8 byte-order mark is not counted.
//
// Rejected, each with a position: syntax errors (nlohmann's, located by its byte offset), nesting
// deeper than limits::kMaxJsonDepth and more than limits::kMaxJsonValues values (both found by a
// pre-scan before nlohmann's parser runs), pointers longer than limits::kMaxPointerBytes in all,
// and duplicate keys in one object (after unescaping: "a" and "\u0061" are the same key).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

namespace connsim::scenarios {

struct TextPosition {
  std::uint32_t line = 1;
  std::uint32_t column = 1;
  friend bool operator==(const TextPosition&, const TextPosition&) = default;
  friend auto operator<=>(const TextPosition&, const TextPosition&) = default;
};

struct JsonTextError {
  TextPosition position;
  std::string pointer;  // the value concerned; "" for a syntax error or a limit
  std::string message;
};

struct PositionedJson {
  nlohmann::json value;
  /// JSON pointer of a value -> position of its first character ('{', '[', '"', digit, ...).
  std::unordered_map<std::string, TextPosition> value_positions;
  /// JSON pointer of an object member -> position of its key's opening quote.
  std::unordered_map<std::string, TextPosition> key_positions;

  /// The value's position; for a pointer not in the document, that of its nearest ancestor.
  TextPosition position_of(const std::string& pointer) const;
  /// The member's key position; for anything else (an array element, the root, an unknown
  /// pointer) the same as position_of.
  TextPosition key_position_of(const std::string& pointer) const;
};

struct JsonParseResult {
  std::optional<PositionedJson> json;  // set when errors is empty
  std::vector<JsonTextError> errors;

  bool ok() const { return json.has_value(); }
};

/// Parses `text` (UTF-8) and records positions. Never throws on bad input; never recurses on
/// the input's nesting.
JsonParseResult parse_json_with_positions(std::string_view text);

/// Line and column of the character at byte `offset` (clamped to the end of the text).
TextPosition position_at_offset(std::string_view text, std::size_t offset);

/// RFC 6901 escaping of one reference token: '~' -> "~0", '/' -> "~1".
std::string escape_pointer_token(std::string_view token);
std::string pointer_child(std::string_view parent, std::string_view key);
std::string pointer_child(std::string_view parent, std::size_t index);

}  // namespace connsim::scenarios
