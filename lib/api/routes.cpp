#include "api/routes.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <vector>

namespace mixtape::api {
namespace {

constexpr unsigned bit(method m) { return 1u << static_cast<unsigned>(m); }
constexpr unsigned GET = bit(method::get) | bit(method::head);
constexpr unsigned POST = bit(method::post);
constexpr unsigned PATCH = bit(method::patch);
constexpr unsigned DELETE = bit(method::delete_);

enum class body { standard, ordered_ids, streamed_import };

struct route_spec {
  route_id id;
  std::string_view label;
  unsigned methods;
  access who;
  body limit;
};

// The one declaration of every route, indexed by route_id.
constexpr route_spec routes[route_count] = {
    {route_id::collections, "/v1/music/{org}/collections", GET | POST, access::music, body::standard},
    {route_id::collection, "/v1/music/{org}/collections/{id}", GET | PATCH | DELETE, access::music, body::standard},
    {route_id::tracks, "/v1/music/{org}/collections/{id}/tracks", GET | POST, access::music, body::standard},
    {route_id::track, "/v1/music/{org}/collections/{id}/tracks/{track_id}", DELETE, access::music, body::standard},
    {route_id::order, "/v1/music/{org}/collections/{id}/order", PATCH, access::music, body::ordered_ids},
    {route_id::share, "/v1/music/{org}/collections/{id}/share", POST, access::music, body::standard},
    {route_id::shared, "/v1/music/shared/{token}", GET, access::open, body::standard},
    {route_id::healthz, "/healthz", GET, access::open, body::standard},
    {route_id::readyz, "/readyz", GET, access::open, body::standard},
    {route_id::metrics, "/metrics", GET, access::open, body::standard},
    {route_id::shares, "/v1/music/{org}/collections/{id}/shares", GET, access::music, body::standard},
    {route_id::share_link, "/v1/music/{org}/share/{share_id}", DELETE, access::music, body::standard},
    {route_id::openapi, "/openapi.json", GET, access::open, body::standard},
    {route_id::docs, "/docs", GET, access::open, body::standard},
    {route_id::docs_init, "/docs/init.js", GET, access::open, body::standard},
    {route_id::docs_bundle, "/docs/swagger-ui-bundle.js", GET, access::open, body::standard},
    {route_id::docs_style, "/docs/swagger-ui.css", GET, access::open, body::standard},
    {route_id::admin_backup, "/admin/v1/backup", GET, access::admin, body::standard},
    {route_id::admin_org, "/admin/v1/orgs/{org}", DELETE, access::admin, body::standard},
    {route_id::admin_org_export, "/admin/v1/orgs/{org}/export", GET, access::admin, body::standard},
    {route_id::admin_org_import, "/admin/v1/orgs/{org}/import", POST, access::admin, body::streamed_import},
    {route_id::admin_org_freeze, "/admin/v1/orgs/{org}/freeze", POST, access::admin, body::standard},
    {route_id::admin_org_unfreeze, "/admin/v1/orgs/{org}/unfreeze", POST, access::admin, body::standard},
    {route_id::primary, "/primary", GET, access::open, body::standard},
    {route_id::replica, "/replica", GET, access::open, body::standard},
    {route_id::admin_promote, "/admin/v1/promote", POST, access::admin, body::standard},
    {route_id::admin_replication, "/admin/v1/replication", GET, access::replication, body::standard},
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

capture field_of(std::string_view placeholder) {
  if (placeholder == "{org}") return &route_match::org;
  if (placeholder == "{id}") return &route_match::collection;
  if (placeholder == "{track_id}") return &route_match::track;
  if (placeholder == "{token}") return &route_match::token;
  if (placeholder == "{share_id}") return &route_match::share;
  return nullptr;  // never matches: the table's test (api_test) fails on it
}

// The table's patterns as a trie of segments, matched as tries are: at each segment a
// literal child beats the placeholder child, with no going back, so "/v1/music/shared/..."
// is never read as an organization called "shared". A walk costs a few comparisons per
// segment.
class route_trie {
 public:
  route_trie() {
    nodes_.emplace_back();
    for (const route_spec& r : routes) {
      segments parts;
      const std::size_t n = split(r.label, parts);
      std::size_t at = 0;
      for (std::size_t i = 0; i < n && i < max_segments; ++i) at = child(at, parts[i]);
      nodes_[at].route = r.id;
    }
  }

  std::optional<route_match> match(const segments& parts, std::size_t count) const {
    route_match m{route_id::healthz, {}, {}, {}, {}};
    std::size_t at = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const node& n = nodes_[at];
      const auto literal = std::find_if(n.literals.begin(), n.literals.end(),
                                        [&](const auto& l) { return l.first == parts[i]; });
      if (literal != n.literals.end()) {
        at = literal->second;
      } else if (n.placeholder && n.field) {
        m.*n.field = parts[i];
        at = *n.placeholder;
      } else {
        return std::nullopt;
      }
    }
    if (!nodes_[at].route) return std::nullopt;
    m.id = *nodes_[at].route;
    return m;
  }

 private:
  struct node {
    std::vector<std::pair<std::string_view, std::size_t>> literals;  // segment -> node
    std::optional<std::size_t> placeholder;  // the node a placeholder leads to
    capture field = nullptr;                 // where the placeholder's segment goes
    std::optional<route_id> route;           // a pattern ends here
  };

  // The node under `at` for pattern segment `segment`, made when missing.
  std::size_t child(std::size_t at, std::string_view segment) {
    if (segment.front() == '{') {
      if (!nodes_[at].placeholder) {
        nodes_[at].placeholder = nodes_.size();
        nodes_[at].field = field_of(segment);
        nodes_.emplace_back();
      } else if (nodes_[at].field != field_of(segment)) {
        nodes_[at].field = nullptr;  // two names for one place: never matches (api_test fails)
      }
      return *nodes_[at].placeholder;
    }
    for (const auto& [literal, next] : nodes_[at].literals)
      if (literal == segment) return next;
    nodes_[at].literals.emplace_back(segment, nodes_.size());
    nodes_.emplace_back();
    return nodes_.size() - 1;
  }

  std::vector<node> nodes_;
};

}  // namespace

std::optional<route_match> match_route(std::string_view path) noexcept {
  static const route_trie table;
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

access access_of(route_id r) noexcept { return spec(r).who; }

bool takes_body(route_id r, method m) noexcept {
  return (m == method::post || m == method::patch) && method_allowed(r, m);
}

bool streams_body(route_id r) noexcept { return spec(r).limit == body::streamed_import; }

std::uint64_t body_limit(route_id r, const body_limits& limits) noexcept {
  if (spec(r).limit == body::standard) return limits.standard;
  if (spec(r).limit == body::streamed_import) return limits.import;
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
