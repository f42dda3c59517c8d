#pragma once
// Shared by the fuzz targets.
// FUZZ_CHECK(cond, what): a property of the code under test. On violation it prints which
// property failed (and where) and traps, so libFuzzer records the input as a crash.
#include <cstddef>
#include <cstdio>
#include <string_view>

#define FUZZ_CHECK(cond, what)                                                                  \
  do {                                                                                          \
    if (!(cond)) {                                                                              \
      std::fprintf(stderr, "\n*** fuzz property violated at %s:%d: %s\n    (%s)\n", __FILE__,   \
                   __LINE__, what, #cond);                                                      \
      std::fflush(stderr);                                                                      \
      __builtin_trap();                                                                         \
    }                                                                                           \
  } while (0)

namespace mixtape::fuzz {

// ASCII case-insensitive equality. (Not boost::beast::iequals: in Boost 1.81 its slow path
// reads one byte past the end of both strings once they differ in case.)
inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

inline bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

}  // namespace mixtape::fuzz
