#include "api/rate_limiter.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <cstring>

namespace mixtape::api {
namespace {

// One X-Forwarded-For entry: an address, maybe "[v6]" or "v4:port" as some proxies write.
std::optional<core::ip_address> forwarded_address(std::string_view item) {
  item = core::trim_blanks(item);
  if (item.size() > 2 && item.front() == '[') {
    const auto close = item.find(']');
    return close == std::string_view::npos ? std::nullopt : core::parse_ip(item.substr(1, close - 1));
  }
  if (const auto colon = item.find(':'); colon != std::string_view::npos && item.find(':', colon + 1) == std::string_view::npos)
    item = item.substr(0, colon);  // a.b.c.d:port
  return core::parse_ip(item);
}

}  // namespace

rate_limiter::rate_limiter(rate_limit_options options)
    : options_(std::move(options)), keys_(options_.max_tracked_keys), ips_(options_.max_tracked_ips) {}

core::rate_verdict rate_limiter::take_for_key(const auth::key_entry& key, const core::rate_clock& now) {
  return keys_.take(key.hash, limit_for(key), now);  // the key's digest: unique per key, fixed size
}

core::ip_address rate_limiter::client_of(const request& req) const {
  core::ip_address client = req.peer;
  if (req.x_forwarded_for.empty() || !core::in_any(options_.trusted_proxies, client)) return client;
  std::string_view list = req.x_forwarded_for;
  while (!list.empty()) {
    const auto comma = list.rfind(',');
    const auto item = comma == std::string_view::npos ? list : list.substr(comma + 1);
    const auto address = forwarded_address(item);
    if (!address) break;  // garbage: the last trusted hop is the best we know
    client = *address;
    if (!core::in_any(options_.trusted_proxies, client)) break;
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(0, comma);
  }
  return client;
}

core::rate_verdict rate_limiter::take_for_client(const request& req, const core::rate_clock& now) {
  core::bucket_key key{};
  const auto client = client_of(req);
  std::memcpy(key.data(), client.data(), client.size());
  return ips_.take(key, options_.share, now);
}

void set_rate_headers(response& r, const core::rate_verdict& v) noexcept {
  r.rate_limit = v.limit;
  r.rate_remaining = v.remaining;
  r.rate_reset = v.reset;
}

}  // namespace mixtape::api
