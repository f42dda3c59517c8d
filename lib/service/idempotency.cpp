// Idempotency-Key (docs/openapi.yaml) on create, add track(s) and share. A keyed write carries
// an idempotency_stamp in its journal record (model::guarded_write); the store remembers it
// when the write applies, live or on replay, and keeps it in snapshots until it expires. A
// retry then gets the first answer rendered again from what was remembered and from its own
// request, which the stamp's digest proves equal to the first (service/bodies.hpp).
#include "core/ids.hpp"
#include "core/sha256.hpp"
#include "model/collection.hpp"
#include "model/requests.hpp"
#include "service/bodies.hpp"
#include "service/collections.hpp"

namespace mixtape::service {
namespace {

constexpr std::size_t max_key_length = 255;

bool is_valid_key(std::string_view key) {
  if (key.empty() || key.size() > max_key_length) return false;
  for (const char c : key)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

// What the request is: its use case, organization, collection and body. Length-prefixed
// parts, so that no two requests run together into the same bytes.
core::digest request_digest(std::string_view route, const caller& who, std::string_view id, std::string_view body) {
  std::string text;
  for (const std::string_view part : {route, std::string_view{who.org}, id, body}) {
    text += std::to_string(part.size());
    text += ':';
    text += part;
  }
  return core::sha256(text);
}

std::string in_flight_key(const caller& who, std::string_view key) {
  std::string out = std::to_string(who.principal.size());
  out += ':';
  out += who.principal;
  out += key;
  return out;
}

core::problem key_problem(std::string message) {
  return core::problem::validation("Idempotency-Key", std::move(message));
}

}  // namespace

bool collections::start_keyed(const caller& who, std::string_view route, std::string_view id, std::string_view body,
                              const conditions& when, const reply_fn& done, model::idempotency_stamp& stamp,
                              key_claim& claim) {
  const std::string_view key = when.idempotency_key;
  if (!is_valid_key(key)) {
    done(key_problem("Idempotency-Key must be 1 to 255 printable ASCII characters"));
    return true;
  }
  const core::digest digest = request_digest(route, who, id, body);
  const core::unix_seconds now = options_.now();
  std::string flight = in_flight_key(who, key);
  bool in_flight = false;
  std::optional<model::remembered_write> first;
  {
    // Under the lock: a write's completion releases its key only after the store remembers
    // it, so a retry sees the key in flight or remembered, never neither.
    core::mutex_lock lock{keyed_mutex_};
    in_flight = keys_in_flight_.contains(flight);
    if (!in_flight) first = store_.remembered().find(who.principal, key, now);
    if (!in_flight && !first) keys_in_flight_.insert(flight);
  }
  if (in_flight) {
    done(core::problem{core::errc::idempotency_conflict, "", "a request with this Idempotency-Key is still in progress"});
    return true;
  }
  if (first) {
    if (!core::digests_equal(first->stamp.request_sha256, digest))
      done(key_problem("this Idempotency-Key was used with another request"));
    else
      done(replay(who, *first, id, body));
    return true;
  }
  stamp.principal = who.principal;
  stamp.key = std::string{key};
  stamp.request_sha256 = digest;
  stamp.expires_at = now + options_.idempotency_ttl_seconds;
  claim = key_claim{*this, std::move(flight)};
  return false;
}

key_claim& key_claim::operator=(key_claim&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = std::exchange(other.owner_, nullptr);
    flight_ = std::move(other.flight_);
  }
  return *this;
}

void key_claim::release() {
  if (!owner_) return;
  {
    core::mutex_lock lock{owner_->keyed_mutex_};
    owner_->keys_in_flight_.erase(flight_);
  }
  owner_ = nullptr;
}

reply collections::replay(const caller& who, const model::remembered_write& w, std::string_view id,
                          std::string_view body) const {
  const auto at = static_cast<core::unix_seconds>(w.number);
  const auto broken = [] { return core::problem{core::errc::internal, "", "a remembered request no longer parses"}; };
  reply r{std::string{}};
  using model::record_type;
  switch (static_cast<record_type>(w.record_type)) {
    case record_type::create_collection: {  // the collection as it was created
      auto req = model::parse_create(body);
      if (!req) return broken();
      const auto json = model::render(w.text, req->name, req->description, req->cover_track_id,
                                      req->cover_image_url, at, at);
      std::string out;
      model::append_json(out, json, 0);
      r = reply{std::move(out)};
      r.status = 201;
      r.version = store_.version_of(w.text, who.org, who.principal).value_or(0);
      break;
    }
    case record_type::add_track:
    case record_type::add_tracks: {
      auto req = model::parse_add_track(body);
      if (!req) return broken();
      r = req->batch ? reply{detail::tracks_added_body(id, w.number)}
                     : reply{detail::success_body(req->track_ids.front(), "Track added to collection.")};
      r.status = 200;
      r.version = store_.version_of(id, who.org, who.principal).value_or(0);
      break;
    }
    case record_type::create_share: {  // the token again from the HMAC, the rest from the request
      auto req = model::parse_share(body);
      if (!req) return broken();
      store::share_link link{w.text, std::string{id}, req->visibility, std::nullopt, at, nullptr, 0, std::nullopt};
      if (const auto days = req->expires_in_days) link.expires_at = at + core::unix_seconds{*days} * 86'400;
      const std::string token = keyed_share_token(w.stamp);
      r = reply{detail::share_created_body(link, token, share_url(token))};
      r.status = 201;
      r.version = store_.version_of(id, who.org, who.principal).value_or(0);
      break;
    }
    default: return core::problem{core::errc::internal, "", "a remembered write of an unknown kind"};
  }
  r.replayed = true;
  return r;
}

std::string collections::keyed_share_token(const model::idempotency_stamp& stamp) const {
  // The expiry is in it: a key used again once forgotten makes a new link with a new token.
  std::string message = std::to_string(stamp.principal.size()) + ':' + stamp.principal;
  message += std::to_string(stamp.key.size()) + ':' + stamp.key;
  message.append(reinterpret_cast<const char*>(stamp.request_sha256.data()), stamp.request_sha256.size());
  message += std::to_string(stamp.expires_at);
  const std::string_view secret{reinterpret_cast<const char*>(options_.secret.data()), options_.secret.size()};
  return core::base64url_encode(core::hmac_sha256(secret, message));
}

}  // namespace mixtape::service
