#include "api/query.hpp"

#include <charconv>
#include <limits>
#include <optional>
#include <string>

namespace mixtape::api {
namespace {

core::problem bad_limit(std::size_t max_limit) {
  return core::problem::validation("limit", "limit must be an integer between 1 and " + std::to_string(max_limit));
}
core::problem bad_offset() { return core::problem::validation("offset", "offset must be an integer of 0 or more"); }

// Parses a plain decimal integer (digits only). A value too large for size_t saturates:
// it is still a well-formed integer, just past the end of any page.
std::optional<std::size_t> parse_number(std::string_view v) {
  if (v.empty() || v.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  std::size_t n = 0;
  const auto r = std::from_chars(v.data(), v.data() + v.size(), n);
  if (r.ec == std::errc::result_out_of_range) return std::numeric_limits<std::size_t>::max();
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
      const auto n = parse_number(value);
      if (!n || *n < 1 || *n > max_limit || seen_limit) return bad_limit(max_limit);
      p.limit = *n;
      seen_limit = true;
    } else if (name == "offset") {
      const auto n = parse_number(value);
      if (!n || seen_offset) return bad_offset();
      p.offset = *n;
      seen_offset = true;
    }
  }
  return p;
}

}  // namespace mixtape::api
