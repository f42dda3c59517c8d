#pragma once
// Rate limits (README.md, "Rate limits"; docs/openapi.yaml, 429), checked by the router
// before a use case runs: a bucket per API key (the keys file's per-key "rate_limit", else
// --rate-limit/--rate-burst) and a bucket per client address on GET
// /v1/music/shared/{token}. Buckets are shared by all I/O threads (core::bucket_table).
// When no limit applies the check is one branch.
#include <cstddef>
#include <vector>

#include "api/message.hpp"
#include "auth/keys.hpp"
#include "core/ip_address.hpp"
#include "core/rate_limit.hpp"

namespace mixtape::api {

struct rate_limit_options {
  core::rate_limit key_default;            // off unless configured
  core::rate_limit share;                  // off unless configured (the server's flag default is on)
  std::size_t max_tracked_ips = 65'536;    // bound of the per-address table
  std::size_t max_tracked_keys = 65'536;   // bound of the per-key table (keys with a limit)
  std::vector<core::ip_range> trusted_proxies;
};

class rate_limiter {
 public:
  explicit rate_limiter(rate_limit_options options);

  // The limit in force for `key`: its own, else the default.
  const core::rate_limit& limit_for(const auth::key_entry& key) const noexcept {
    return key.rate_limit ? *key.rate_limit : options_.key_default;
  }
  bool share_limited() const noexcept { return options_.share.limited(); }

  // Takes a token for `key` (whose limit_for() must be limited()). Thread-safe.
  core::rate_verdict take_for_key(const auth::key_entry& key, const core::rate_clock& now);
  // Takes a token for the client of `req` (share_limited() must hold). Thread-safe.
  core::rate_verdict take_for_client(const request& req, const core::rate_clock& now);

  // The address a request counts against: the TCP peer, or, when the peer is a trusted
  // proxy, the nearest X-Forwarded-For entry (read right to left) that is not one.
  core::ip_address client_of(const request& req) const;

  std::size_t tracked_ips() const { return ips_.size(); }

 private:
  rate_limit_options options_;
  core::bucket_table keys_;
  core::bucket_table ips_;
};

// Puts a verdict's X-RateLimit-* values on a response.
void set_rate_headers(response& r, const core::rate_verdict& v) noexcept;

}  // namespace mixtape::api
