#pragma once
// Internal to lib/model: one-code-point UTF-8 decoding shared by the validators.
#include <cstddef>
#include <optional>
#include <string_view>

namespace mixtape::model::detail {

// Decodes the code point starting at s[i] and advances `i` past it. Returns nullopt (and
// leaves `i` unspecified) for an ill-formed sequence per Unicode Table 3-7: stray
// continuation bytes, overlongs, surrogates, values over U+10FFFF, truncation.
// Precondition: i < s.size().
inline std::optional<char32_t> decode_utf8(std::string_view s, std::size_t& i) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  std::size_t len = 0;
  char32_t cp = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2, cp = b0 & 0x1Fu;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3, cp = b0 & 0x0Fu;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4, cp = b0 & 0x07u;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // over U+10FFFF
  } else {
    return std::nullopt;
  }
  if (s.size() - i < len) return std::nullopt;
  for (std::size_t k = 1; k < len; ++k) {
    const unsigned char b = byte(i + k);
    if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return std::nullopt;
    cp = (cp << 6) | (b & 0x3Fu);
  }
  i += len;
  return cp;
}

}  // namespace mixtape::model::detail
