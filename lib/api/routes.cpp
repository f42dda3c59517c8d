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

// Splits `path` ("/a/b/c") into at most N segments; returns the count, or N+1 when there
// are more than N or a segment is empty.
template <std::size_t N>
std::size_t split(std::string_view path, std::array<std::string_view, N>& out) {
  if (path.empty() || path.front() != '/') return N + 1;
  std::size_t n = 0;
  path.remove_prefix(1);
  while (true) {
    const auto slash = path.find('/');
    const auto seg = path.substr(0, slash);
    if (seg.empty() || n == N) return N + 1;
    out[n++] = seg;
    if (slash == std::string_view::npos) return n;
    path.remove_prefix(slash + 1);
  }
}

}  // namespace

std::optional<route_match> match_route(std::string_view path) noexcept {
  if (path == "/healthz") return route_match{route_id::healthz, {}, {}, {}, {}};
  if (path == "/readyz") return route_match{route_id::readyz, {}, {}, {}, {}};
  if (path == "/metrics") return route_match{route_id::metrics, {}, {}, {}, {}};
  if (path == "/openapi.json") return route_match{route_id::openapi, {}, {}, {}, {}};
  if (path == "/docs") return route_match{route_id::docs, {}, {}, {}, {}};
  if (path.starts_with("/docs/")) {
    for (const auto r : {route_id::docs_init, route_id::docs_bundle, route_id::docs_style})
      if (path == spec(r).label) return route_match{r, {}, {}, {}, {}};
    return std::nullopt;
  }
  std::array<std::string_view, 7> s;
  const std::size_t n = split(path, s);
  if (n < 4 || n > 7 || s[0] != "v1" || s[1] != "music") return std::nullopt;
  if (s[2] == "shared") {
    if (n == 4) return route_match{route_id::shared, {}, {}, {}, s[3]};
    return std::nullopt;
  }
  if (n == 5 && s[3] == "share") {
    route_match m{route_id::share_link, s[2], {}, {}, {}};
    m.share = s[4];
    return m;
  }
  if (s[3] != "collections") return std::nullopt;
  route_match m{route_id::collections, s[2], {}, {}, {}};
  if (n == 4) return m;
  m.collection = s[4];
  m.id = route_id::collection;
  if (n == 5) return m;
  if (n == 6 && s[5] == "tracks") m.id = route_id::tracks;
  else if (n == 6 && s[5] == "order") m.id = route_id::order;
  else if (n == 6 && s[5] == "share") m.id = route_id::share;
  else if (n == 6 && s[5] == "shares") m.id = route_id::shares;
  else if (n == 7 && s[5] == "tracks") {
    m.id = route_id::track;
    m.track = s[6];
  } else
    return std::nullopt;
  return m;
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

std::uint64_t body_limit_for_target(std::string_view target, const body_limits& limits) noexcept {
  const auto m = match_route(target.substr(0, target.find('?')));
  return m ? body_limit(m->id, limits) : limits.standard;
}

}  // namespace mixtape::api
