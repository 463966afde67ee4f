// Text helpers of the loader's messages: counting and cutting UTF-8 text, quoting input, and
// describing a JSON value after "got ". Every message quotes input through these, so a hostile
// key or string makes a short, printable message (limits::kMaxQuotedChars).
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace connsim::scenarios::decode {

using json = nlohmann::json;

/// Characters (UTF-8 code points) in `text`.
std::size_t char_count(std::string_view text);

/// The first `n` characters (code points) of `text`.
std::string first_chars(std::string_view text, std::size_t n);

/// `text` as a JSON string literal, cut after limits::kMaxQuotedChars characters.
std::string quote(std::string_view text);

/// A value as a message shows it after "got ".
std::string describe(const json& value);

std::string join(const std::vector<std::string>& items, std::string_view separator = ", ");

/// "known: a, b, c", at most limits::kMaxListedIds of them.
std::string known_list(const std::vector<std::string>& ids, std::string_view plural);

/// A bound as a message shows it: "3", "0.001".
std::string format_number(double value);

}  // namespace connsim::scenarios::decode
