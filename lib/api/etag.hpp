#pragma once
// Entity tags of collections (docs/openapi.yaml, headers/ETag): a collection's version N is
// sent as the strong tag "N" (response::etag). These read the conditional request headers
// (RFC 9110 §13.1).
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace mixtape::api {

// If-None-Match: whether `header` names `version` (weak comparison: W/"N" counts) or is "*".
bool none_match_hits(std::string_view header, std::uint64_t version) noexcept;

// If-Match: nullopt for "*" (any current version); otherwise the versions of the strong
// tags listed. Weak tags and anything unparseable are left out: they never match, so a
// header naming nothing usable is an empty list and the write a 412.
std::optional<std::vector<std::uint64_t>> if_match_versions(std::string_view header);

}  // namespace mixtape::api
