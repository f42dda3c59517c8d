#include "api/routes.hpp"

#include <array>

namespace mixtape::api {
namespace {

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
  std::array<std::string_view, 7> s;
  const std::size_t n = split(path, s);
  if (n < 4 || n > 7 || s[0] != "v1" || s[1] != "music") return std::nullopt;
  if (s[2] == "shared") {
    if (n == 4) return route_match{route_id::shared, {}, {}, {}, s[3]};
    return std::nullopt;
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
  else if (n == 7 && s[5] == "tracks") {
    m.id = route_id::track;
    m.track = s[6];
  } else
    return std::nullopt;
  return m;
}

bool method_allowed(route_id r, method m) noexcept {
  switch (r) {
    case route_id::collections: return m == method::get || m == method::post;
    case route_id::collection: return m == method::get || m == method::patch || m == method::delete_;
    case route_id::tracks: return m == method::get || m == method::post;
    case route_id::track: return m == method::delete_;
    case route_id::order: return m == method::patch;
    case route_id::share: return m == method::post;
    default: return m == method::get;
  }
}

std::string_view allowed_methods(route_id r) noexcept {
  switch (r) {
    case route_id::collections: return "GET, POST";
    case route_id::collection: return "GET, PATCH, DELETE";
    case route_id::tracks: return "GET, POST";
    case route_id::track: return "DELETE";
    case route_id::order: return "PATCH";
    case route_id::share: return "POST";
    default: return "GET";
  }
}

std::string_view route_label(route_id r) noexcept {
  switch (r) {
    case route_id::collections: return "/v1/music/{org}/collections";
    case route_id::collection: return "/v1/music/{org}/collections/{id}";
    case route_id::tracks: return "/v1/music/{org}/collections/{id}/tracks";
    case route_id::track: return "/v1/music/{org}/collections/{id}/tracks/{track_id}";
    case route_id::order: return "/v1/music/{org}/collections/{id}/order";
    case route_id::share: return "/v1/music/{org}/collections/{id}/share";
    case route_id::shared: return "/v1/music/shared/{token}";
    case route_id::healthz: return "/healthz";
    case route_id::readyz: return "/readyz";
    case route_id::metrics: return "/metrics";
  }
  return "unknown";
}

}  // namespace mixtape::api
