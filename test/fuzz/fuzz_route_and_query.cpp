// libFuzzer target: request paths and query strings. The input is a request-target; the
// first byte also picks parse_page's bounds. Runs http::origin_form, api::match_route and
// body_limit on the path, api::parse_page on the query, and
// api::is_sane_request_id on the whole input. Properties:
//  - origin_form returns a suffix of its input: the input itself unless it starts with an
//    http:// or https:// scheme, and then empty or the part from the first '/' or '?' after
//    the scheme; it is idempotent and never leaves an absolute-form target;
//  - a matched route rebuilds exactly the path it matched from its route's pattern and its
//    captured parts, which are non-empty and slash-free; every route's body limit is at least the standard one;
//  - a parsed page has 1 <= limit <= max_limit (the default when no limit= is given); a
//    refusal names "limit" or "offset" with a message;
//  - is_sane_request_id agrees with its definition (1..128 of [A-Za-z0-9._:-]).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/query.hpp"
#include "api/router.hpp"
#include "api/routes.hpp"
#include "check.hpp"
#include "http/request_reader.hpp"

namespace {

using mixtape::fuzz::starts_with_ci;

namespace api = mixtape::api;

bool is_suffix(std::string_view whole, std::string_view part) {
  return part.size() <= whole.size() && whole.substr(whole.size() - part.size()) == part;
}

void check_origin_form(std::string_view target) {
  const std::string_view o = mixtape::http::origin_form(target);
  FUZZ_CHECK(is_suffix(target, o), "origin_form returns a suffix of the target");
  if (o.data() != target.data()) {  // the scheme and authority went
    std::size_t scheme = starts_with_ci(target, "https://") ? 8 : starts_with_ci(target, "http://") ? 7 : 0;
    FUZZ_CHECK(scheme > 0, "only an http(s):// target is cut");
    const std::string_view rest = target.substr(scheme);
    const auto path = rest.find_first_of("/?");
    FUZZ_CHECK(path == std::string_view::npos ? o.empty() : o == rest.substr(path),
               "an absolute-form target becomes its path and query");
  }
  FUZZ_CHECK(!starts_with_ci(o, "http://") && !starts_with_ci(o, "https://"),
             "origin_form never returns an absolute-form target");
  FUZZ_CHECK(mixtape::http::origin_form(o) == o, "origin_form is idempotent");
}

bool segment_ok(std::string_view s) { return !s.empty() && s.find('/') == std::string_view::npos; }

// The path a match stands for: its route's pattern (route_label) with every {placeholder}
// replaced by the segment the match captured for it. Covers every route in the table, so a
// new route is checked without touching this target.
std::string rebuild(const api::route_match& m) {
  const std::string_view pattern = api::route_label(m.id);
  std::string out;
  for (std::size_t i = 0; i < pattern.size();) {
    if (pattern[i] != '{') {
      out += pattern[i++];
      continue;
    }
    const auto close = pattern.find('}', i);
    FUZZ_CHECK(close != std::string_view::npos, "a route pattern's placeholder is closed");
    const std::string_view name = pattern.substr(i + 1, close - i - 1);
    std::string_view part;
    if (name == "org") {
      part = m.org;
      FUZZ_CHECK(part != "shared", "an org is not \"shared\"");
    } else if (name == "id") part = m.collection;
    else if (name == "track_id") part = m.track;
    else if (name == "token") part = m.token;
    else if (name == "share_id") part = m.share;
    else FUZZ_CHECK(false, "a known placeholder");
    FUZZ_CHECK(segment_ok(part), "every captured part is one non-empty segment");
    out += part;
    i = close + 1;
  }
  return out;
}

void check_route(std::string_view path) {
  const auto m = api::match_route(path);
  constexpr api::body_limits limits{1000, 7};
  FUZZ_CHECK(api::body_limit(api::match_target(path), limits) >= limits.standard, "a body limit is at least the standard one");
  if (!m) return;
  FUZZ_CHECK(static_cast<std::size_t>(m->id) < api::route_count, "a known route");
  FUZZ_CHECK(rebuild(*m) == path, "a matched route rebuilds its path");
  FUZZ_CHECK(!api::allowed_methods(m->id).empty() && !api::route_label(m->id).empty(), "a route has methods and a label");
  if (api::method_allowed(m->id, api::method::get))
    FUZZ_CHECK(api::method_allowed(m->id, api::method::head), "HEAD is allowed wherever GET is");
}

void check_page(std::string_view query, std::size_t default_limit, std::size_t max_limit) {
  const auto p = api::parse_page(query, default_limit, max_limit);
  if (p) {
    FUZZ_CHECK(p->limit >= 1 && p->limit <= max_limit, "a page's limit is within 1..max_limit");
    bool names_limit = false;
    for (std::string_view rest = query;;) {
      const auto amp = rest.find('&');
      const std::string_view pair = rest.substr(0, amp);
      if (pair.substr(0, pair.find('=')) == "limit") names_limit = true;
      if (amp == std::string_view::npos) break;
      rest.remove_prefix(amp + 1);
    }
    if (!names_limit) FUZZ_CHECK(p->limit == default_limit, "no limit= means the default limit");
  } else {
    FUZZ_CHECK(p.error().field == "limit" || p.error().field == "offset", "a page error names limit or offset");
    FUZZ_CHECK(!p.error().message.empty(), "a page error has a message");
  }
}

bool sane_by_definition(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (const char c : id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t max_limit = 1 + (data[0] & 0x7f);              // 1..128
  const std::size_t default_limit = data[0] & 0x80 ? max_limit : 1;  // within the bounds
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);

  FUZZ_CHECK(api::is_sane_request_id(input) == sane_by_definition(input), "is_sane_request_id is its definition");
  check_origin_form(input);
  const std::string_view target = mixtape::http::origin_form(input);
  const auto q = target.find('?');
  const std::string_view path = target.substr(0, q);
  const std::string_view query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
  check_route(path);
  check_route(input);  // raw bytes as a path too
  check_page(query, default_limit, max_limit);
  check_page(input, default_limit, max_limit);
  return 0;
}
