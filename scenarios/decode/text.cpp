#include "scenarios/decode/text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "scenarios/limits.hpp"

namespace connsim::scenarios::decode {

std::size_t char_count(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0u) != 0x80u;
  }));
}

/// The first `n` characters (code points) of `text`.
std::string first_chars(std::string_view text, std::size_t n) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0u) != 0x80u) {
      if (seen == n) return std::string(text.substr(0, i));
      ++seen;
    }
  }
  return std::string(text);
}

/// `text` as a JSON string literal, cut after limits::kMaxQuotedChars characters.
std::string quote(std::string_view text) {
  std::string shown = char_count(text) > limits::kMaxQuotedChars
                          ? first_chars(text, limits::kMaxQuotedChars - 3) + "..."
                          : std::string(text);
  std::string out = json(std::move(shown)).dump(-1, ' ', false, json::error_handler_t::replace);
  // JSON escapes the control characters below 0x20; DEL it leaves raw.
  for (std::size_t at = out.find('\x7f'); at != std::string::npos; at = out.find('\x7f', at)) {
    out.replace(at, 1, "\\u007f");
  }
  return out;
}

/// A value as a message shows it after "got ".
std::string describe(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return value.get<bool>() ? "true" : "false";
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    case json::value_t::string: {
      const auto& text = value.get_ref<const std::string&>();
      if (char_count(text) > 40) return quote(first_chars(text, 37) + "...");
      return quote(text);
    }
    default:
      return value.dump();
  }
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

/// "known: a, b, c", at most limits::kMaxListedIds of them.
std::string known_list(const std::vector<std::string>& ids, std::string_view plural) {
  if (ids.empty()) return "no " + std::string(plural) + " defined";
  std::string out = "known: ";
  const std::size_t shown = std::min(ids.size(), limits::kMaxListedIds);
  for (std::size_t i = 0; i < shown; ++i) {
    if (i > 0) out += ", ";
    out += ids[i];
  }
  if (shown < ids.size()) out += ", ... (" + std::to_string(ids.size()) + " in all)";
  return out;
}

std::string format_number(double value) {
  if (std::floor(value) == value && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<long long>(value));
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}
}  // namespace connsim::scenarios::decode
