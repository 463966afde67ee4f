#include "scenarios/json_positions.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <unordered_set>
#include <utility>

#include "scenarios/limits.hpp"

namespace connsim::scenarios {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool is_continuation_byte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0u) == 0x80u;
}

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Tells, character by character, whether the text is inside a JSON string (quotes included).
/// Works on any text, valid or not.
struct StringTracker {
  bool in_string = false;
  bool escaped = false;

  /// True when `c`, the next character of the text, belongs to a string.
  bool consume(char c) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      return true;
    }
    if (c == '"') {
      in_string = true;
      return true;
    }
    return false;
  }
};

/// Limits that nlohmann's parser must not meet: nesting depth and value count. Strings are
/// skipped so that brackets inside them do not count. Works on any text, valid or not.
std::optional<JsonTextError> prescan(std::string_view text, std::size_t& values_bound) {
  std::size_t depth = 0;
  std::size_t values = 1;
  StringTracker strings;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (strings.consume(c)) continue;
    switch (c) {
      case '[':
      case '{':
        ++depth;
        ++values;  // an upper bound: 1 + containers + commas >= the values in the text
        if (depth > limits::kMaxJsonDepth) {
          return JsonTextError{position_at_offset(text, i), "",
                               "arrays and objects nested deeper than " +
                                   std::to_string(limits::kMaxJsonDepth) + " levels"};
        }
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        break;
      case ',': ++values; break;
      default: break;
    }
    if (values > limits::kMaxJsonValues) {
      return JsonTextError{position_at_offset(text, i), "",
                           "more than " + std::to_string(limits::kMaxJsonValues) +
                               " JSON values in one file"};
    }
  }
  values_bound = values;
  return std::nullopt;
}

/// nlohmann rejects a number too large for a double (out_of_range.406) without a position: find
/// the first such number outside strings.
std::size_t find_overflowing_number(std::string_view text) {
  StringTracker strings;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (strings.consume(c)) continue;
    if (c == '-' || (c >= '0' && c <= '9')) {
      std::size_t end = i;
      while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) ||
                                   text[end] == '-' || text[end] == '+' || text[end] == '.' ||
                                   text[end] == 'e' || text[end] == 'E')) {
        ++end;
      }
      const std::string token(text.substr(i, end - i));
      if (std::isinf(std::strtod(token.c_str(), nullptr))) return i;
      i = end - 1;
    }
  }
  return 0;
}

/// Length of the well-formed UTF-8 sequence (RFC 3629) at text[i], or 0 when there is none.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    if (b0 == 0xE0) low = 0xA0;
    if (b0 == 0xED) high = 0x9F;  // no UTF-16 surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    if (b0 == 0xF0) low = 0x90;
    if (b0 == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if (!is_continuation_byte(text[i + k])) return 0;
  }
  return length;
}

/// `text` with every byte that is not part of well-formed UTF-8, and every control character,
/// written as "\xNN", so that a message quoting the input (nlohmann's "last read: ...") stays
/// printable.
std::string printable_utf8(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_length(text, i);
    const auto first = static_cast<unsigned char>(text[i]);
    if (length == 0 || first < 0x20 || first == 0x7F) {
      const auto b = static_cast<unsigned char>(text[i]);
      out += "\\x";
      out += kHex[b >> 4];
      out += kHex[b & 0xF];
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

/// nlohmann's message without its "[json.exception.parse_error.101] parse error at line 1,
/// column 4: " prefix (its columns count bytes; ours count characters).
std::string syntax_message(const nlohmann::json::parse_error& error) {
  std::string what = error.what();
  const auto at = what.find("parse error");
  if (at != std::string::npos) {
    const auto colon = what.find(": ", at);
    if (colon != std::string::npos) what = what.substr(colon + 2);
  }
  // "...; last read: '<token>'[; expected ...]": a long token (a 10 MB string with a bad byte
  // at its end) keeps only the end of the message, where the error is. The token may contain
  // anything, "'; expected" included, so the cut does not look for its end.
  constexpr std::string_view kLastRead = "last read: '";
  if (const auto open = what.find(kLastRead); open != std::string::npos) {
    const std::size_t begin = open + kLastRead.size();
    if (what.size() - begin > limits::kMaxQuotedChars) {
      std::size_t keep_from = what.size() - (limits::kMaxQuotedChars - 3);
      while (keep_from < what.size() && is_continuation_byte(what[keep_from])) ++keep_from;
      what = what.substr(0, begin) + "..." + what.substr(keep_from);
    }
  }
  return "invalid JSON: " + printable_utf8(what);
}

/// Walks text that nlohmann has accepted, with an explicit stack.
class Scanner {
 public:
  Scanner(std::string_view text, PositionedJson& out, std::vector<JsonTextError>& errors)
      : text_(text), out_(out), errors_(errors) {}

  bool run() {
    if (text_.substr(0, kBom.size()) == kBom) pos_ = kBom.size();
    // key: an object member comes next, at its key; element: an array element comes next. An
    // empty container is closed where it opens, and the text is valid JSON, so neither state
    // meets the container's end.
    enum class State { value, after_value, key, element };
    State state = State::value;
    for (;;) {
      skip_space();
      switch (state) {
        case State::value: {
          if (!account(pointer_)) return false;
          out_.value_positions[pointer_] = here();
          const char c = peek();
          if (c == '{' || c == '[') {
            advance();
            stack_.push_back(Frame{c == '{', pointer_.size(), 0, {}});
            skip_space();
            if (close_with(c == '{' ? '}' : ']')) {
              state = State::after_value;
            } else {
              state = c == '{' ? State::key : State::element;
            }
          } else if (c == '"') {
            if (!skip_string()) return fail();
            state = State::after_value;
          } else if (c == '\0' && at_end()) {
            return fail();
          } else {
            while (!at_end() && !is_json_space(peek()) && peek() != ',' && peek() != ']' &&
                   peek() != '}') {
              advance();
            }
            state = State::after_value;
          }
          break;
        }
        case State::key: {
          Frame& frame = stack_.back();
          if (peek() != '"') return fail();
          const TextPosition key_at = here();
          std::string key;
          if (!read_string(key)) return fail();
          point_to_member(frame, escape_pointer_token(key));
          if (!account(pointer_)) return false;
          out_.key_positions[pointer_] = key_at;
          if (!frame.keys.insert(key).second) {
            errors_.push_back({key_at, pointer_, "duplicate key " + quoted(key)});
          }
          skip_space();
          if (peek() != ':') return fail();
          advance();
          state = State::value;
          break;
        }
        case State::element: {
          Frame& frame = stack_.back();
          point_to_member(frame, std::to_string(frame.next_index++));
          state = State::value;
          break;
        }
        case State::after_value: {
          if (stack_.empty()) return at_end() || fail();
          const char c = peek();
          if (c == ',') {
            advance();
            state = stack_.back().is_object ? State::key : State::element;
          } else if (!close_with(stack_.back().is_object ? '}' : ']')) {
            return fail();
          }
          break;
        }
      }
    }
  }

 private:
  struct Frame {
    bool is_object;
    std::size_t base_length;  // length of the container's own pointer
    std::size_t next_index;
    std::unordered_set<std::string> keys;
  };

  /// The key as a JSON string literal, quotes included, cut after limits::kMaxQuotedChars bytes.
  static std::string quoted(const std::string& key) {
    std::string shown = key;
    if (shown.size() > limits::kMaxQuotedChars) {
      std::size_t cut = limits::kMaxQuotedChars - 3;
      while (cut > 0 && is_continuation_byte(shown[cut])) --cut;
      shown = shown.substr(0, cut) + "...";
    }
    std::string out = nlohmann::json(shown).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    // JSON escapes the control characters below 0x20; DEL it leaves raw.
    for (std::size_t at = out.find('\x7f'); at != std::string::npos; at = out.find('\x7f', at)) {
      out.replace(at, 1, "\\u007f");
    }
    return out;
  }

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  TextPosition here() const { return TextPosition{line_, column_}; }

  void advance() {
    const char c = text_[pos_++];
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else if (!is_continuation_byte(c)) {
      ++column_;
    }
  }

  void skip_space() {
    while (!at_end() && is_json_space(peek())) advance();
  }

  void pop() {
    pointer_.resize(stack_.back().base_length);
    stack_.pop_back();
  }

  /// Whether the innermost container ends here with `closer`; if so, steps past it and leaves
  /// the container.
  bool close_with(char closer) {
    if (peek() != closer) return false;
    advance();
    pop();
    return true;
  }

  /// Points at the member of `frame`'s container named by `token` (a key, escaped, or an index).
  void point_to_member(const Frame& frame, std::string_view token) {
    pointer_.resize(frame.base_length);
    pointer_ += '/';
    pointer_ += token;
  }

  bool skip_string() {
    advance();  // the opening quote
    while (!at_end()) {
      const char c = peek();
      advance();
      if (c == '"') return true;
      if (c == '\\') {
        if (at_end()) return false;
        advance();
      }
    }
    return false;
  }

  bool read_hex4(std::uint32_t& out) {
    out = 0;
    for (int i = 0; i < 4; ++i) {
      const int digit = hex_value(peek());
      if (digit < 0) return false;
      out = out * 16 + static_cast<std::uint32_t>(digit);
      advance();
    }
    return true;
  }

  bool read_string(std::string& out) {
    advance();  // the opening quote
    while (!at_end()) {
      const char c = peek();
      advance();
      if (c == '"') return true;
      if (c != '\\') {
        out += c;
        continue;
      }
      const char e = peek();
      if (at_end()) return false;
      advance();
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          std::uint32_t cp = 0;
          if (!read_hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (peek() != '\\') return false;
            advance();
            if (peek() != 'u') return false;
            advance();
            std::uint32_t low = 0;
            if (!read_hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return false;
          }
          append_utf8(out, cp);
          break;
        }
        default: return false;
      }
    }
    return false;
  }

  /// Keeps the bytes of stored pointers within limits::kMaxPointerBytes.
  bool account(const std::string& pointer) {
    pointer_bytes_ += pointer.size() + 1;
    if (pointer_bytes_ <= limits::kMaxPointerBytes) return true;
    errors_.push_back({here(), "",
                       "the JSON pointers of this document exceed " +
                           std::to_string(limits::kMaxPointerBytes) +
                           " bytes (long keys nested deep)"});
    return false;
  }

  bool fail() {
    // Only reachable if nlohmann accepted text this scanner does not understand.
    errors_.push_back({here(), pointer_, "internal error: the position scanner lost its way"});
    return false;
  }

  std::string_view text_;
  PositionedJson& out_;
  std::vector<JsonTextError>& errors_;
  std::size_t pos_ = 0;
  std::size_t pointer_bytes_ = 0;
  std::uint32_t line_ = 1;
  std::uint32_t column_ = 1;
  std::string pointer_;
  std::vector<Frame> stack_;
};

}  // namespace

TextPosition PositionedJson::position_of(const std::string& pointer) const {
  std::string_view p = pointer;
  for (;;) {
    if (auto it = value_positions.find(std::string(p)); it != value_positions.end()) {
      return it->second;
    }
    if (p.empty()) return TextPosition{};
    p = p.substr(0, p.rfind('/'));
  }
}

TextPosition PositionedJson::key_position_of(const std::string& pointer) const {
  if (auto it = key_positions.find(pointer); it != key_positions.end()) return it->second;
  return position_of(pointer);
}

JsonParseResult parse_json_with_positions(std::string_view text) {
  JsonParseResult result;
  // JSON text never holds a raw NUL (not even in a string); nlohmann would call it the end of
  // the input. Most likely the file is not text at all.
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
    result.errors.push_back({position_at_offset(text, nul), "",
                             "invalid JSON: a NUL byte (is this a binary file?)"});
    return result;
  }
  std::size_t values_bound = 0;
  if (auto error = prescan(text, values_bound)) {
    result.errors.push_back(std::move(*error));
    return result;
  }
  PositionedJson doc;
  try {
    doc.value = nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& error) {
    const std::size_t offset = error.byte > 0 ? error.byte - 1 : 0;
    result.errors.push_back({position_at_offset(text, offset), "", syntax_message(error)});
    return result;
  } catch (const nlohmann::json::exception& error) {
    // out_of_range.406: a number that does not fit a double.
    std::string what = error.what();
    if (const auto bracket = what.find("] "); bracket != std::string::npos) {
      what = what.substr(bracket + 2);
    }
    result.errors.push_back(
        {position_at_offset(text, find_overflowing_number(text)), "", "invalid JSON: " + what});
    return result;
  }
  doc.value_positions.reserve(values_bound);
  doc.key_positions.reserve(values_bound);
  Scanner scanner(text, doc, result.errors);
  scanner.run();
  if (result.errors.empty()) result.json = std::move(doc);
  return result;
}

TextPosition position_at_offset(std::string_view text, std::size_t offset) {
  if (offset > text.size()) offset = text.size();
  std::size_t start = text.substr(0, kBom.size()) == kBom ? kBom.size() : 0;
  TextPosition position;
  for (std::size_t i = start; i < offset; ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++position.line;
      position.column = 1;
    } else if (!is_continuation_byte(c)) {
      ++position.column;
    }
  }
  return position;
}

std::string escape_pointer_token(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (const char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string pointer_child(std::string_view parent, std::string_view key) {
  std::string out(parent);
  out += '/';
  out += escape_pointer_token(key);
  return out;
}

std::string pointer_child(std::string_view parent, std::size_t index) {
  std::string out(parent);
  out += '/';
  out += std::to_string(index);
  return out;
}

}  // namespace connsim::scenarios
