// Listing, track membership and order, and share links.
#include <span>

#include "core/identifiers.hpp"
#include "core/ids.hpp"
#include "core/sha256.hpp"
#include "model/collection.hpp"
#include "model/requests.hpp"
#include "model/validation.hpp"
#include "service/collections.hpp"
#include "service/bodies.hpp"
#include "service/views.hpp"

namespace mixtape::service {
namespace {
using detail::success_body;

// "visibility","expires_at","created_at" of a link (after its "id" and anything else).
void append_share_state(std::string& out, const store::share_link& link) {
  out += ",\"visibility\":\"";
  out += model::share_visibility_name(link.visibility);
  out += "\",\"expires_at\":";
  core::append_json_time(out, link.expires_at);
  out += ",\"created_at\":";
  core::append_json_time(out, link.created_at);
}

void append_share_fields(std::string& out, const store::share_link& link) {
  out += "\"id\":";
  model::append_json_string(out, link.id);
  append_share_state(out, link);
}

}  // namespace

reply collections::list(const caller& who, std::size_t limit, std::size_t offset) const {
  std::string out;
  append_list_body(out, store_, who.org, who.principal, limit, offset);
  return out;
}

reply collections::list_tracks(const caller& who, std::string_view id, std::size_t limit,
                               std::size_t offset) const {
  std::string out;
  std::uint64_t version = 0;
  if (!append_tracks_body(out, store_, id, who.org, who.principal, limit, offset, &version))
    return collection_not_found();
  reply r{std::move(out)};
  r.version = version;
  return r;
}

void collections::remove_track(const caller& who, std::string_view id, std::string_view track_id,
                               reply_fn done, const conditions& when) {
  if (!model::is_track_id(track_id))
    return done(core::problem::validation("track_id", model::track_id_problem("track_id")));
  std::string track{track_id};
  const auto probe = store_.probe_tracks(id, who.org, who.principal, std::span{&track, 1});
  if (!probe) return done(collection_not_found());
  const auto expected = expected_version(when, probe->version);
  if (!expected) return done(expected.error());
  if (probe->new_ids == 1)  // absent
    return done(with_version(success_body(track, "Track removed from collection."), who, id));
  commit(who, model::remove_track{std::string{id}, track, options_.now()}, {expected.value(), {}},
         [track](store::outcome o) -> reply {
           if (o == store::outcome::not_found) return collection_not_found();
           return success_body(track, "Track removed from collection.");
         },
         std::move(done));
}

void collections::reorder(const caller& who, std::string_view id, std::string_view body, reply_fn done,
                          const conditions& when) {
  auto req = model::parse_reorder(body);
  if (!req) return done(std::move(req).error());
  auto ids = std::move(req.value().ordered_track_ids);
  const auto current = store_.version_of(id, who.org, who.principal);
  const auto changes = store_.reorder_changes(id, who.org, who.principal, ids);
  if (!changes || !current) return done(collection_not_found());
  const auto expected = expected_version(when, *current);
  if (!expected) return done(expected.error());
  std::string cid{id};
  if (!*changes) return done(with_version(success_body(cid, "Collection reordered."), who, id));
  commit(who, model::reorder_tracks{cid, std::move(ids), options_.now()}, {expected.value(), {}},
         [cid](store::outcome o) -> reply {
           if (o == store::outcome::not_found) return collection_not_found();
           return success_body(cid, "Collection reordered.");
         },
         std::move(done));
}

void collections::share(const caller& who, std::string_view id, std::string_view body, reply_fn done,
                        const conditions& when) {
  model::idempotency_stamp stamp;
  key_claim claim;
  if (!when.idempotency_key.empty() && start_keyed(who, "share", id, body, when, done, stamp, claim)) return;
  auto req = model::parse_share(body);
  if (!req) return done(std::move(req).error());
  const auto current = store_.version_of(id, who.org, who.principal);
  if (!current) return done(collection_not_found());
  const auto expected = expected_version(when, *current);
  if (!expected) return done(expected.error());
  const core::unix_seconds now = options_.now();
  model::create_share m;
  do m.share_id = std::string{core::share_prefix} + core::random_hex(6);
  while (store_.shares().id_in_use(m.share_id));
  m.collection_id = std::string{id};
  // 256 bits, random, or under a key an HMAC a replay recomputes; only its hash is kept.
  const std::string token = stamp.key.empty() ? core::random_base64url(32) : keyed_share_token(stamp);
  m.token_sha256 = core::sha256(token);
  m.visibility = req.value().visibility;
  if (const auto days = req.value().expires_in_days) m.expires_at = now + core::unix_seconds{*days} * 86'400;
  m.at = now;
  store::share_link link{m.share_id, m.collection_id, m.visibility, m.expires_at, now, nullptr, 0, std::nullopt};
  std::string url = share_url(token);
  commit(who, std::move(m), {expected.value(), std::move(stamp)},
         [link = std::move(link), token, url = std::move(url)](store::outcome o) -> reply {
           if (o == store::outcome::not_found) return collection_not_found();
           if (o != store::outcome::applied) return core::problem{core::errc::internal, "", "share token collision"};
           return detail::share_created_body(link, token, url);
         },
         std::move(done), std::move(claim));
}

reply collections::list_shares(const caller& who, std::string_view id) const {
  std::string items;
  const bool visible = store_.visit_shares(id, who.org, who.principal, [&](const store::share_link& link) {
    if (!items.empty()) items += ',';
    items += '{';
    append_share_fields(items, link);
    items += ",\"revoked_at\":";
    core::append_json_time(items, link.revoked_at);
    items += '}';
  });
  if (!visible) return collection_not_found();
  std::string out = "{\"collection_id\":";
  model::append_json_string(out, id);
  out += ",\"items\":[";
  out += items;
  out += "]}";
  return out;
}

void collections::revoke_share(const caller& who, std::string_view share_id, reply_fn done) {
  static constexpr std::string_view revoked = "Share link revoked.";
  if (!core::is_share_id(share_id)) return done(share_not_found());
  const auto link = store_.shares().find_by_id(share_id, who.org, who.principal);
  if (!link) return done(share_not_found());
  std::string id{share_id};
  if (link->revoked_at) return done(success_body(id, revoked));  // nothing to write
  commit(who, model::revoke_share{id, options_.now()}, {},
         [id](store::outcome o) -> reply {
           if (o == store::outcome::not_found) return share_not_found();
           return success_body(id, revoked);
         },
         std::move(done));
}

std::string collections::share_url(std::string_view token) const {
  return options_.public_url + "/v1/music/shared/" + std::string{token};
}

std::string detail::share_created_body(const store::share_link& link, std::string_view token, std::string_view url) {
  std::string out = "{\"id\":";
  model::append_json_string(out, link.id);
  out += ",\"token\":";
  model::append_json_string(out, token);
  out += ",\"url\":";
  model::append_json_string(out, url);
  out += ",\"target_type\":\"collection\"";
  append_share_state(out, link);
  out += '}';
  return out;
}

reply collections::resolve_share(std::string_view token) const {
  std::string tracks;  // the "tracks" array's elements, rendered under the shard lock
  const auto view = store_.find_share(core::sha256(token), [&](const store::track_view& t) {
    if (t.position != 0) tracks += ',';
    tracks += "{\"track_id\":";
    append_track_id(tracks, t);
    tracks += ",\"position\":";
    core::append_json_number(tracks, t.position);
    tracks += '}';
  });
  if (!view) return core::problem{core::errc::not_found, "", "Share link not found"};
  const bool expired = view->link.expires_at && *view->link.expires_at <= options_.now();
  const bool available = view->collection_exists && !expired;
  std::string out = "{\"kind\":\"collection\",\"available\":";
  out += available ? "true" : "false";
  out += ",\"message\":";
  if (available) out += "null";
  else if (expired) out += "\"This share link has expired.\"";
  else out += "\"The shared collection is no longer available.\"";
  out += ",\"share\":{";
  append_share_fields(out, view->link);
  out += "},\"collection\":";
  if (!available) {
    out += "null,\"tracks\":[]}";
    return out;
  }
  out += "{\"id\":";
  model::append_json_string(out, view->link.collection_id);
  out += ",\"name\":";
  model::append_json_string(out, view->name);
  out += ",\"description\":";
  if (view->description) model::append_json_string(out, *view->description);
  else out += "null";
  out += "},\"tracks\":[";
  out += tracks;
  out += "]}";
  return out;
}

}  // namespace mixtape::service
