#pragma once
// Error vocabulary shared by every module: a code enum with a std::error_category,
// and `problem`, the value a failed use case returns (code + offending field + one-line reason).
#include <string>
#include <system_error>

namespace mixtape::core {

enum class errc {
  ok = 0,
  validation_failed,  // 422: the request is malformed or a value is out of range
  not_found,          // 404: no such resource visible to the caller
  collection_full,    // 409: the track limit is reached
  unavailable,        // 503: writes refused (journal poisoned, shutting down)
  io_error,           // a file operation failed
  corrupt_data,       // a journal/snapshot/keys file failed validation
  internal,           // 500: a bug; never exposes internals to clients
  precondition_failed,   // 412: If-Match no longer matches the collection's version
  idempotency_conflict,  // 409: the same Idempotency-Key is still in flight
  conflict,              // 409: the target's state does not allow it (an organization not empty)
};

const std::error_category& mixtape_category() noexcept;
std::error_code make_error_code(errc e) noexcept;

// A use-case failure. `field` names the offending input field (may be empty);
// `message` is the one-line, client-safe `system_message`.
struct problem {
  errc code = errc::internal;
  std::string field;
  std::string message;

  static problem validation(std::string field, std::string message) {
    return {errc::validation_failed, std::move(field), std::move(message)};
  }
};

}  // namespace mixtape::core

template <>
struct std::is_error_code_enum<mixtape::core::errc> : std::true_type {};
