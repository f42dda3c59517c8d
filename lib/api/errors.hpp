#pragma once
// The error envelope (docs/openapi.yaml, schemas/Error):
// {"success":false,"error":{"code","message","system_message","type","status","details",
//  "trace_id","timestamp"}}
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace mixtape::api {

enum class error_kind {
  bad_request,             // 400 BAD_REQUEST (malformed HTTP)
  authentication,          // 401 AUTHENTICATION_REQUIRED
  permission,              // 403 INSUFFICIENT_PERMISSIONS
  resource_not_found,      // 404 RESOURCE_NOT_FOUND
  route_not_found,         // 404 ROUTE_NOT_FOUND
  method_not_allowed,      // 405 METHOD_NOT_ALLOWED
  collection_full,         // 409 COLLECTION_FULL
  payload_too_large,       // 413 PAYLOAD_TOO_LARGE
  unsupported_media_type,  // 415 UNSUPPORTED_MEDIA_TYPE
  validation,              // 422 VALIDATION_ERROR
  rate_limited,            // 429 RATE_LIMITED
  internal,                // 500 INTERNAL_ERROR
  unavailable,             // 503 SERVICE_UNAVAILABLE
  precondition_failed,     // 412 PRECONDITION_FAILED
  idempotency_conflict,    // 409 IDEMPOTENCY_CONFLICT
  conflict,                // 409 CONFLICT (administration: an organization not empty, an import running)
  http_version_not_supported,  // 505 HTTP_VERSION_NOT_SUPPORTED (a request line not HTTP/1.x)
  not_primary,             // 503 NOT_PRIMARY (a write to a read-only standby, docs/replication.md)
};

unsigned status_of(error_kind k) noexcept;
error_kind kind_of(core::errc e) noexcept;

// The envelope. `details_json` is a JSON object text ("{}" when empty); `system_message`
// must already be client-safe (no internals).
std::string error_body(error_kind k, std::string_view system_message, std::string_view details_json,
                       std::string_view trace_id);

// {"KEY":"VALUE"} with both escaped.
std::string details_of(std::string_view key, std::string_view value);

}  // namespace mixtape::api
