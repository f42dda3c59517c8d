#pragma once
// The route table: path patterns and the methods each allows. Matching is purely
// structural (segment counts and literals); ids are validated by the handlers, so a
// malformed collection id is a 404 of the resource, not of the route.
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
};

struct route_match {
  route_id id;
  std::string_view org;
  std::string_view collection;
  std::string_view track;
  std::string_view token;
};

// `path` without the query. nullopt: no such route.
std::optional<route_match> match_route(std::string_view path) noexcept;
bool method_allowed(route_id r, method m) noexcept;
// The Allow header value for a route, e.g. "GET, POST".
std::string_view allowed_methods(route_id r) noexcept;
// A short stable label for logs and metrics, e.g. "/v1/music/{org}/collections/{id}".
std::string_view route_label(route_id r) noexcept;

}  // namespace mixtape::api
