#include "api/etag.hpp"

#include "core/text.hpp"

#include <charconv>

namespace mixtape::api {
namespace {

struct tag {
  bool weak = false;
  std::optional<std::uint64_t> version;  // nullopt: not a tag this server makes
};

tag parse_tag(std::string_view s) {
  tag t;
  if (s.substr(0, 2) == "W/") {
    t.weak = true;
    s.remove_prefix(2);
  }
  if (s.size() < 3 || s.front() != '"' || s.back() != '"') return t;
  const auto digits = s.substr(1, s.size() - 2);
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec == std::errc{} && end == digits.data() + digits.size() && v != 0) t.version = v;
  return t;
}

// Calls f(tag) for each comma-separated element of `header` (a tag holds no comma here).
template <class F>
void for_each_tag(std::string_view header, F&& f) {
  while (!header.empty()) {
    const auto comma = header.find(',');
    const auto element = core::trim_blanks(header.substr(0, comma));
    if (!element.empty()) f(parse_tag(element));
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
}

}  // namespace

bool none_match_hits(std::string_view header, std::uint64_t version) noexcept {
  if (core::trim_blanks(header) == "*") return true;
  bool hit = false;
  for_each_tag(header, [&](const tag& t) { hit = hit || t.version == version; });
  return hit;
}

std::optional<std::vector<std::uint64_t>> if_match_versions(std::string_view header) {
  if (core::trim_blanks(header) == "*") return std::nullopt;
  std::vector<std::uint64_t> versions;
  for_each_tag(header, [&](const tag& t) {
    if (!t.weak && t.version && versions.size() < 64) versions.push_back(*t.version);
  });
  return versions;
}

}  // namespace mixtape::api
