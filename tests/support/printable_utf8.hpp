// The oracle the hostile-input test and the loader fuzzer hold every loader message to:
// well-formed UTF-8 (RFC 3629: no overlong leads, no bytes past U+10FFFF) and no control
// characters. Written apart from the loader's own sanitizer (scenarios/json_positions.cpp)
// on purpose: it checks that sanitizer, so it must not share its code.
#pragma once

#include <cstddef>
#include <string_view>

namespace connsim::testing {

inline bool is_printable_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x20 || b == 0x7F) return false;
    const std::size_t length = b < 0x80                   ? 1
                               : (b >= 0xC2 && b <= 0xDF) ? 2
                               : (b >= 0xE0 && b <= 0xEF) ? 3
                               : (b >= 0xF0 && b <= 0xF4) ? 4
                                                          : 0;
    if (length == 0 || i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0u) != 0x80u) return false;
    }
    i += length;
  }
  return true;
}

}  // namespace connsim::testing
