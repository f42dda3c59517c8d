#pragma once
// The route table: one declaration per route (routes.cpp) — its path pattern, the methods it
// allows, whether it needs a key, and its body limit. 405 and `Allow`, HEAD, the media-type
// check and the metrics labels are all derived from it. Matching is purely structural
// (segment counts and literals); ids are validated by the handlers, so a malformed
// collection id is a 404 of the resource, not of the route.
#include <cstdint>
#include <optional>
#include <string_view>

#include "api/message.hpp"

namespace mixtape::api {

enum class route_id {
  collections,  // /v1/music/{org}/collections
  collection,   // /v1/music/{org}/collections/{id}
  tracks,       // /v1/music/{org}/collections/{id}/tracks
  track,        // /v1/music/{org}/collections/{id}/tracks/{track_id}
  order,        // /v1/music/{org}/collections/{id}/order
  share,        // /v1/music/{org}/collections/{id}/share
  shared,       // /v1/music/shared/{token}
  healthz,
  readyz,
  metrics,
  shares,        // /v1/music/{org}/collections/{id}/shares (extension: a collection's links)
  share_link,    // /v1/music/{org}/share/{share_id}
  openapi,       // /openapi.json: the embedded OpenAPI document
  docs,          // /docs: the interactive reference page (Swagger UI, vendored)
  docs_init,     // /docs/init.js: the page's own script, which starts Swagger UI
  docs_bundle,   // /docs/swagger-ui-bundle.js: Swagger UI
  docs_style,    // /docs/swagger-ui.css: its stylesheet
  admin_backup,  // /admin/v1/backup: the online backup stream (docs/operations.md, "Backup")
  admin_org,           // /admin/v1/orgs/{org}: DELETE empties an organization
  admin_org_export,    // /admin/v1/orgs/{org}/export (docs/operations.md, "Moving an organization")
  admin_org_import,    // /admin/v1/orgs/{org}/import: its body streams (streams_body)
  admin_org_freeze,    // /admin/v1/orgs/{org}/freeze
  admin_org_unfreeze,  // /admin/v1/orgs/{org}/unfreeze
  primary,             // /primary: 200 on a primary that accepts writes (load balancers)
  replica,             // /replica: 200 on a standby within --max-replica-lag-ms
  admin_promote,       // /admin/v1/promote: a standby becomes the primary (docs/replication.md)
  admin_replication,   // /admin/v1/replication: the replication stream (a WebSocket upgrade)
};
inline constexpr std::size_t route_count = 27;

// Who may call a route: anyone (operational routes, the reference, share links), a key
// with the music capability in the path's organization, an admin key (MIXTAPE_ADMIN), or a
// standby's key (MIXTAPE_REPLICATION; the backup takes it too, to bootstrap a standby).
enum class access { open, music, admin, replication };

struct route_match {
  route_id id;
  std::string_view org;
  std::string_view collection;
  std::string_view track;
  std::string_view token;
  std::string_view share{};  // share_link: the {share_id} segment
};

// `path` without the query. nullopt: no such route. Generated from the route table's
// patterns (routes.cpp): a new route is one row there and its handler.
std::optional<route_match> match_route(std::string_view path) noexcept;
// The same for an origin-form target ("/path?query"): its path is matched.
std::optional<route_match> match_target(std::string_view target) noexcept;
// HEAD is allowed wherever GET is, and answered as GET without the body.
bool method_allowed(route_id r, method m) noexcept;
// The Allow header value for a route, e.g. "GET, HEAD, POST".
std::string_view allowed_methods(route_id r) noexcept;
// A short stable label for logs and metrics, e.g. "/v1/music/{org}/collections/{id}".
std::string_view route_label(route_id r) noexcept;
access access_of(route_id r) noexcept;
// False for the operational routes, the reference and share links, which answer without a key.
inline bool needs_key(route_id r) noexcept { return access_of(r) != access::open; }
// Whether `m` on `r` carries a JSON body (POST and PATCH do).
bool takes_body(route_id r, method m) noexcept;

// Whether a route takes its body piece by piece as it arrives (api::upload), instead of
// whole before it is handled: the import, whose body may be a GiB.
bool streams_body(route_id r) noexcept;

// The largest body each route reads; past it the answer is 413.
struct body_limits {
  std::uint64_t standard = 64 * 1024;  // --max-body-bytes
  std::uint32_t max_tracks = 10'000;   // --max-tracks: the order route fits that many ids
  std::uint64_t import = 1ull << 30;   // --max-import-bytes: an organization's import
};
std::uint64_t body_limit(route_id r, const body_limits& limits) noexcept;
// The limit for a matched route, or the standard one for no route.
std::uint64_t body_limit(const std::optional<route_match>& route, const body_limits& limits) noexcept;

}  // namespace mixtape::api
