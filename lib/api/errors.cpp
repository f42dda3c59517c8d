#include "api/errors.hpp"

#include "core/clock.hpp"
#include "model/collection.hpp"

namespace mixtape::api {
namespace {

struct kind_info {
  unsigned status;
  std::string_view code;
  std::string_view type;
  std::string_view message;
};

kind_info info(error_kind k) noexcept {
  switch (k) {
    case error_kind::bad_request:
      return {400, "BAD_REQUEST", "client_error", "The request could not be parsed."};
    case error_kind::authentication:
      return {401, "AUTHENTICATION_REQUIRED", "authentication_error",
              "Authentication required. Please provide a valid API key."};
    case error_kind::permission:
      return {403, "INSUFFICIENT_PERMISSIONS", "authorization_error",
              "You do not have permission to perform this action."};
    case error_kind::resource_not_found:
      return {404, "RESOURCE_NOT_FOUND", "client_error", "The requested resource was not found."};
    case error_kind::route_not_found:
      return {404, "ROUTE_NOT_FOUND", "client_error", "The requested route does not exist."};
    case error_kind::method_not_allowed:
      return {405, "METHOD_NOT_ALLOWED", "client_error", "The method is not allowed for this route."};
    case error_kind::collection_full:
      return {409, "COLLECTION_FULL", "client_error", "The collection has reached its track limit."};
    case error_kind::payload_too_large:
      return {413, "PAYLOAD_TOO_LARGE", "client_error", "The request is too large."};
    case error_kind::unsupported_media_type:
      return {415, "UNSUPPORTED_MEDIA_TYPE", "client_error", "The request body must be JSON."};
    case error_kind::validation:
      return {422, "VALIDATION_ERROR", "validation_error", "The request payload is invalid."};
    case error_kind::rate_limited:
      return {429, "RATE_LIMITED", "client_error", "Too many requests. Please retry later."};
    case error_kind::internal:
      return {500, "INTERNAL_ERROR", "server_error", "An internal error occurred."};
    case error_kind::unavailable:
      return {503, "SERVICE_UNAVAILABLE", "server_error", "The service is temporarily unavailable."};
    case error_kind::precondition_failed:
      return {412, "PRECONDITION_FAILED", "client_error", "The resource has changed since it was read."};
    case error_kind::idempotency_conflict:
      return {409, "IDEMPOTENCY_CONFLICT", "client_error",
              "A request with this Idempotency-Key is still in progress."};
    case error_kind::conflict:
      return {409, "CONFLICT", "client_error", "The request conflicts with the current state of the resource."};
    case error_kind::http_version_not_supported:
      return {505, "HTTP_VERSION_NOT_SUPPORTED", "server_error", "Only HTTP/1.x is supported."};
    case error_kind::not_primary:
      return {503, "NOT_PRIMARY", "server_error", "This server is a read-only standby."};
  }
  return {500, "INTERNAL_ERROR", "server_error", "An internal error occurred."};
}

}  // namespace

unsigned status_of(error_kind k) noexcept { return info(k).status; }

error_kind kind_of(core::errc e) noexcept {
  switch (e) {
    case core::errc::validation_failed: return error_kind::validation;
    case core::errc::not_found: return error_kind::resource_not_found;
    case core::errc::collection_full: return error_kind::collection_full;
    case core::errc::unavailable: return error_kind::unavailable;
    case core::errc::precondition_failed: return error_kind::precondition_failed;
    case core::errc::idempotency_conflict: return error_kind::idempotency_conflict;
    case core::errc::conflict: return error_kind::conflict;
    default: return error_kind::internal;
  }
}

std::string details_of(std::string_view key, std::string_view value) {
  std::string out = "{";
  model::append_json_string(out, key);
  out += ':';
  model::append_json_string(out, value);
  out += '}';
  return out;
}

std::string error_body(error_kind k, std::string_view system_message, std::string_view details_json,
                       std::string_view trace_id) {
  const kind_info i = info(k);
  std::string out;
  out.reserve(320 + system_message.size() + details_json.size());
  out += "{\"success\":false,\"error\":{\"code\":\"";
  out += i.code;
  out += "\",\"message\":";
  model::append_json_string(out, i.message);
  out += ",\"system_message\":";
  model::append_json_string(out, system_message);
  out += ",\"type\":\"";
  out += i.type;
  out += "\",\"status\":";
  out += std::to_string(i.status);
  out += ",\"details\":";
  out += details_json.empty() ? std::string_view{"{}"} : details_json;
  out += ",\"trace_id\":";
  model::append_json_string(out, trace_id);
  out += ",\"timestamp\":\"";
  core::append_utc(out, core::now_seconds());
  out += "\"}}";
  return out;
}

}  // namespace mixtape::api
