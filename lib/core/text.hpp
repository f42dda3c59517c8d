#pragma once
// Small text helpers shared by the parsers of header values and flag lists.
#include <string_view>

namespace mixtape::core {

// `s` without leading and trailing spaces and tabs (HTTP's optional whitespace, RFC 9110 §5.6.3).
inline std::string_view trim_blanks(std::string_view s) noexcept {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

}  // namespace mixtape::core
