#pragma once
// Helpers shared by the lib/model tests.
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace mixtape::model::test {

inline std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

// True when `r` failed validation with exactly this field (and, when given, this message).
template <class T>
bool rejected(const core::result<T>& r, std::string_view field, std::string_view message = {}) {
  if (r.ok()) return false;
  const core::problem& p = r.error();
  return p.code == core::errc::validation_failed && p.field == field &&
         (message.empty() || p.message == message);
}

}  // namespace mixtape::model::test
