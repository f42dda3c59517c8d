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

void append_nullable_time(std::string& out, const std::optional<core::unix_seconds>& t) {
  if (!t) {
    out += "null";
    return;
  }
  out += '"';
  core::append_utc(out, *t);
  out += '"';
}

std::string_view visibility_name(model::share_visibility v) {
  return v == model::share_visibility::public_ ? "public" : "link_only";
}

// "visibility","expires_at","created_at" of a link (after its "id" and anything else).
void append_share_state(std::string& out, const store::share_link& link) {
  out += ",\"visibility\":\"";
  out += visibility_name(link.visibility);
  out += "\",\"expires_at\":";
  append_nullable_time(out, link.expires_at);
  out += ",\"created_at\":\"";
  core::append_utc(out, link.created_at);
  out += '"';
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
  if (!append_tracks_body(out, store_, id, who.org, who.principal, limit, offset)) return collection_not_found();
  return out;
}

void collections::remove_track(const caller& who, std::string_view id, std::string_view track_id,
                               reply_fn done) {
  if (!model::is_track_id(track_id))
    return done(core::problem::validation("track_id", model::track_id_problem("track_id")));
  std::string track{track_id};
  const auto probe = store_.probe_tracks(id, who.org, who.principal, std::span{&track, 1});
  if (!probe) return done(collection_not_found());
  if (probe->new_ids == 1) return done(success_body(track, "Track removed from collection."));  // absent
  commit(model::remove_track{std::string{id}, track, options_.now()},
         [track](store::outcome o) -> reply {
           if (o == store::outcome::not_found) return collection_not_found();
           return success_body(track, "Track removed from collection.");
         },
         std::move(done));
}

void collections::reorder(const caller& who, std::string_view id, std::string_view body, reply_fn done) {
  auto req = model::parse_reorder(body);
  if (!req) return done(std::move(req).error());
  auto ids = std::move(req.value().ordered_track_ids);
  const auto changes = store_.reorder_changes(id, who.org, who.principal, ids);
  if (!changes) return done(collection_not_found());
  std::string cid{id};
  if (!*changes) return done(success_body(cid, "Collection reordered."));
  commit(model::reorder_tracks{cid, std::move(ids), options_.now()},
         [cid](store::outcome o) -> reply {
           if (o == store::outcome::not_found) return collection_not_found();
           return success_body(cid, "Collection reordered.");
         },
         std::move(done));
}

void collections::share(const caller& who, std::string_view id, std::string_view body, reply_fn done) {
  auto req = model::parse_share(body);
  if (!req) return done(std::move(req).error());
  if (!store_.inspect(id, who.org, who.principal, [](const model::collection&) {}))
    return done(collection_not_found());
  const core::unix_seconds now = options_.now();
  model::create_share m;
  do m.share_id = std::string{core::share_prefix} + core::random_hex(6);
  while (store_.share_id_in_use(m.share_id));
  m.collection_id = std::string{id};
  const std::string token = core::random_base64url(32);  // 256 bits; only its hash is kept
  m.token_sha256 = core::sha256(token);
  m.visibility = req.value().visibility;
  if (const auto days = req.value().expires_in_days) m.expires_at = now + core::unix_seconds{*days} * 86'400;
  m.at = now;
  store::share_link link;
  link.id = m.share_id;
  link.collection_id = m.collection_id;
  link.visibility = m.visibility;
  link.expires_at = m.expires_at;
  link.created_at = now;
  std::string url = options_.public_url + "/v1/music/shared/" + token;
  commit(std::move(m),
         [link = std::move(link), token, url = std::move(url)](store::outcome o) -> reply {
           if (o == store::outcome::not_found) return collection_not_found();
           // The SPEC's field order: id, token, url, target_type, visibility, expires_at, created_at.
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
         },
         std::move(done));
}

reply collections::list_shares(const caller& who, std::string_view id) const {
  std::string items;
  const bool visible = store_.visit_shares(id, who.org, who.principal, [&](const store::share_link& link) {
    if (!items.empty()) items += ',';
    items += '{';
    append_share_fields(items, link);
    items += ",\"revoked_at\":";
    append_nullable_time(items, link.revoked_at);
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
  const auto link = store_.find_share_by_id(share_id, who.org, who.principal);
  if (!link) return done(share_not_found());
  std::string id{share_id};
  if (link->revoked_at) return done(success_body(id, revoked));  // nothing to write
  commit(model::revoke_share{id, options_.now()},
         [id](store::outcome o) -> reply {
           if (o == store::outcome::not_found) return share_not_found();
           return success_body(id, revoked);
         },
         std::move(done));
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
