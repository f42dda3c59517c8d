#include "api/query.hpp"

#include <charconv>
#include <optional>
#include <string>

namespace mixtape::api {
namespace {

core::problem out_of_range(std::string_view name, std::size_t lo, std::size_t hi) {
  std::string msg{name};
  msg += " must be an integer between " + std::to_string(lo);
  msg += hi ? " and " + std::to_string(hi) : std::string{" or more"};
  return core::problem::validation(std::string{name}, std::move(msg));
}

// Parses a plain decimal integer in [lo, hi] (hi == 0: no upper bound).
std::optional<std::size_t> parse_number(std::string_view v, std::size_t lo, std::size_t hi) {
  std::size_t n = 0;
  if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  std::from_chars(v.data(), v.data() + v.size(), n);
  if (n < lo || (hi && n > hi)) return std::nullopt;
  return n;
}

}  // namespace

core::result<page> parse_page(std::string_view query, std::size_t default_limit, std::size_t max_limit) {
  page p{default_limit, 0};
  bool seen_limit = false, seen_offset = false;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const auto eq = pair.find('=');
    const auto name = pair.substr(0, eq);
    const auto value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    if (name == "limit") {
      const auto n = parse_number(value, 1, max_limit);
      if (!n || seen_limit) return out_of_range("limit", 1, max_limit);
      p.limit = *n;
      seen_limit = true;
    } else if (name == "offset") {
      const auto n = parse_number(value, 0, 0);
      if (!n || seen_offset) return out_of_range("offset", 0, 0);
      p.offset = *n;
      seen_offset = true;
    }
  }
  return p;
}

}  // namespace mixtape::api
