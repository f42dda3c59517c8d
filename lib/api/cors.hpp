#pragma once
// CORS (README.md, "Browsers, concurrent edits and retries"): which browser origins may call
// the API, and the header values sent to them.
// Immutable after construction, so any I/O thread may read it.
#include <string>
#include <string_view>
#include <vector>

namespace mixtape::api {

// What a preflight may ask to send, and what other responses let a page read.
inline constexpr std::string_view cors_allow_headers =
    "X-API-Key, Authorization, Content-Type, If-Match, If-None-Match, Idempotency-Key, X-Request-Id, X-Mixtape-Min-Seq";
inline constexpr std::string_view cors_expose_headers =
    "X-Request-Id, ETag, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, "
    "Idempotent-Replayed, X-Mixtape-Seq";
inline constexpr std::string_view cors_max_age = "600";

class cors_policy {
 public:
  cors_policy() = default;  // off: no origin is allowed
  // Exact origins (compared byte for byte, as browsers send them), or the one entry "*".
  explicit cors_policy(std::vector<std::string> origins);

  bool enabled() const noexcept { return any_ || !origins_.empty(); }
  // Whether a request carrying `Origin: origin` gets CORS headers. Never for an empty one.
  bool allows(std::string_view origin) const noexcept;

 private:
  std::vector<std::string> origins_;
  bool any_ = false;
};

}  // namespace mixtape::api
