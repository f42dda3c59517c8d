#include "api/routes.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace mixtape::api {
namespace {

constexpr unsigned bit(method m) { return 1u << static_cast<unsigned>(m); }
constexpr unsigned GET = bit(method::get) | bit(method::head);
constexpr unsigned POST = bit(method::post);
constexpr unsigned PATCH = bit(method::patch);
constexpr unsigned DELETE = bit(method::delete_);

enum class body { standard, ordered_ids };

struct route_spec {
  route_id id;
  std::string_view label;
  unsigned methods;
  bool needs_key;
  body limit;
};

// The one declaration of every route, indexed by route_id.
constexpr route_spec routes[route_count] = {
    {route_id::collections, "/v1/music/{org}/collections", GET | POST, true, body::standard},
    {route_id::collection, "/v1/music/{org}/collections/{id}", GET | PATCH | DELETE, true, body::standard},
    {route_id::tracks, "/v1/music/{org}/collections/{id}/tracks", GET | POST, true, body::standard},
    {route_id::track, "/v1/music/{org}/collections/{id}/tracks/{track_id}", DELETE, true, body::standard},
    {route_id::order, "/v1/music/{org}/collections/{id}/order", PATCH, true, body::ordered_ids},
    {route_id::share, "/v1/music/{org}/collections/{id}/share", POST, true, body::standard},
    {route_id::shared, "/v1/music/shared/{token}", GET, false, body::standard},
    {route_id::healthz, "/healthz", GET, false, body::standard},
    {route_id::readyz, "/readyz", GET, false, body::standard},
    {route_id::metrics, "/metrics", GET, false, body::standard},
    {route_id::shares, "/v1/music/{org}/collections/{id}/shares", GET, true, body::standard},
    {route_id::share_link, "/v1/music/{org}/share/{share_id}", DELETE, true, body::standard},
    {route_id::openapi, "/openapi.json", GET, false, body::standard},
    {route_id::docs, "/docs", GET, false, body::standard},
    {route_id::docs_init, "/docs/init.js", GET, false, body::standard},
    {route_id::docs_bundle, "/docs/swagger-ui-bundle.js", GET, false, body::standard},
    {route_id::docs_style, "/docs/swagger-ui.css", GET, false, body::standard},
};

constexpr bool table_is_indexed_by_id() {
  for (std::size_t i = 0; i < route_count; ++i)
    if (static_cast<std::size_t>(routes[i].id) != i) return false;
  return true;
}
static_assert(table_is_indexed_by_id());

const route_spec& spec(route_id r) { return routes[static_cast<std::size_t>(r)]; }

// "GET, HEAD, POST": the methods in the enum's order.
std::string allow_value(unsigned methods) {
  static constexpr std::pair<method, std::string_view> names[] = {
      {method::get, "GET"},     {method::head, "HEAD"},       {method::post, "POST"},      {method::put, "PUT"},
      {method::patch, "PATCH"}, {method::delete_, "DELETE"}, {method::options, "OPTIONS"}};
  std::string out;
  for (const auto& [m, name] : names) {
    if (!(methods & bit(m))) continue;
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

constexpr std::size_t max_segments = 7;
using segments = std::array<std::string_view, max_segments>;

// Splits `path` ("/a/b/c") into at most max_segments segments; returns the count, or
// max_segments + 1 when there are more or a segment is empty.
std::size_t split(std::string_view path, segments& out) {
  if (path.empty() || path.front() != '/') return max_segments + 1;
  std::size_t n = 0;
  path.remove_prefix(1);
  while (true) {
    const auto slash = path.find('/');
    const auto seg = path.substr(0, slash);
    if (seg.empty() || n == max_segments) return max_segments + 1;
    out[n++] = seg;
    if (slash == std::string_view::npos) return n;
    path.remove_prefix(slash + 1);
  }
}

// Where a placeholder's segment goes in a route_match.
using capture = std::string_view route_match::*;

// A route's pattern (its label) split into segments: a literal, or a placeholder naming the
// route_match field that takes the segment.
struct pattern {
  route_id id;
  std::size_t count = 0;
  std::array<std::string_view, max_segments> literal{};  // empty where a placeholder is
  std::array<capture, max_segments> field{};
};

capture field_of(std::string_view placeholder) {
  if (placeholder == "{org}") return &route_match::org;
  if (placeholder == "{id}") return &route_match::collection;
  if (placeholder == "{track_id}") return &route_match::track;
  if (placeholder == "{token}") return &route_match::token;
  if (placeholder == "{share_id}") return &route_match::share;
  return nullptr;  // the table's test (api_test) fails on an unknown placeholder
}

// The table's patterns, matched as a trie would be: segment by segment, a literal beats a
// placeholder (a segment equal to some remaining pattern's literal there goes to those
// patterns only), so "/v1/music/shared/..." is never read as an organization "shared".
struct compiled_table {
  std::array<pattern, route_count> patterns{};

  compiled_table() {
    for (std::size_t r = 0; r < route_count; ++r) {
      pattern& p = patterns[r];
      p.id = routes[r].id;
      segments parts;
      p.count = split(routes[r].label, parts);
      for (std::size_t i = 0; i < p.count && i < max_segments; ++i) {
        if (parts[i].front() == '{') p.field[i] = field_of(parts[i]);
        else p.literal[i] = parts[i];
      }
    }
  }

  std::optional<route_match> match(const segments& parts, std::size_t count) const {
    std::array<bool, route_count> alive;
    alive.fill(true);
    for (std::size_t i = 0; i < count; ++i) {
      bool literal_here = false;
      for (std::size_t r = 0; r < route_count; ++r)
        literal_here |= alive[r] && patterns[r].count > i && patterns[r].literal[i] == parts[i];
      for (std::size_t r = 0; r < route_count; ++r) {
        const pattern& p = patterns[r];
        if (!alive[r]) continue;
        alive[r] = p.count > i && (literal_here ? p.literal[i] == parts[i] : p.literal[i].empty() && p.field[i]);
      }
    }
    for (std::size_t r = 0; r < route_count; ++r) {
      const pattern& p = patterns[r];
      if (!alive[r] || p.count != count) continue;
      route_match m{p.id, {}, {}, {}, {}};
      for (std::size_t i = 0; i < count; ++i)
        if (p.field[i]) m.*p.field[i] = parts[i];
      return m;
    }
    return std::nullopt;
  }
};

}  // namespace

std::optional<route_match> match_route(std::string_view path) noexcept {
  static const compiled_table table;
  segments parts;
  const std::size_t n = split(path, parts);
  if (n > max_segments) return std::nullopt;
  return table.match(parts, n);
}

bool method_allowed(route_id r, method m) noexcept { return (spec(r).methods & bit(m)) != 0; }

std::string_view allowed_methods(route_id r) noexcept {
  static const auto values = [] {
    std::array<std::string, route_count> v;
    for (std::size_t i = 0; i < route_count; ++i) v[i] = allow_value(routes[i].methods);
    return v;
  }();
  return values[static_cast<std::size_t>(r)];
}

std::string_view route_label(route_id r) noexcept { return spec(r).label; }

bool needs_key(route_id r) noexcept { return spec(r).needs_key; }

bool takes_body(route_id r, method m) noexcept {
  return (m == method::post || m == method::patch) && method_allowed(r, m);
}

std::uint64_t body_limit(route_id r, const body_limits& limits) noexcept {
  if (spec(r).limit == body::standard) return limits.standard;
  // Each id may take up to `"mtrack_` + 64 characters + `"`, a comma and some pretty-printing.
  constexpr std::uint64_t bytes_per_id = 96;
  return std::max<std::uint64_t>(limits.standard, limits.standard + bytes_per_id * limits.max_tracks);
}

std::optional<route_match> match_target(std::string_view target) noexcept {
  return match_route(target.substr(0, target.find('?')));
}

std::uint64_t body_limit(const std::optional<route_match>& route, const body_limits& limits) noexcept {
  return route ? body_limit(route->id, limits) : limits.standard;
}

}  // namespace mixtape::api
