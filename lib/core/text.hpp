#pragma once
// Small text helpers shared by the parsers of header values, flag lists and names.
#include <algorithm>
#include <string_view>

namespace mixtape::core {

// `s` without leading and trailing spaces and tabs (HTTP's optional whitespace, RFC 9110 §5.6.3).
inline std::string_view trim_blanks(std::string_view s) noexcept {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// ASCII case-insensitive equality (HTTP field names, tokens, media types: RFC 9110 §5.1,
// §8.3.1). Bytes outside A-Z/a-z compare as they are; no locale is consulted. Not
// beast::iequals, which in Boost 1.81 reads a byte past its arguments' ends once they
// differ in case.
inline bool iequals_ascii(std::string_view a, std::string_view b) noexcept {
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

// Whether `s` holds an ASCII control character (below 0x20, or DEL): what a principal's or
// an organization's name may not (the keys file, an organization export).
inline bool has_control_chars(std::string_view s) noexcept {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

}  // namespace mixtape::core
