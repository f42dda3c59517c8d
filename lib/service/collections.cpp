#include "service/collections.hpp"
#include "service/bodies.hpp"

#include "core/ids.hpp"
#include "model/collection.hpp"
#include "model/requests.hpp"
#include "model/validation.hpp"

namespace mixtape::service {
namespace {
using detail::success_body;

core::problem collection_full(std::uint32_t limit, bool batch) {
  if (!batch)
    return {core::errc::collection_full, "track_id",
            "collection already holds the maximum of " + std::to_string(limit) + " tracks"};
  return {core::errc::collection_full, "track_ids",
          "these tracks would take the collection past the maximum of " + std::to_string(limit) +
              " tracks; none were added"};
}

// {"success":true,"id":ID,"detail":"Tracks added to collection.","added":N}
std::string tracks_added_body(const std::string& id, std::size_t added) {
  std::string out = success_body(id, "Tracks added to collection.");
  out.pop_back();
  out += ",\"added\":";
  out += std::to_string(added);
  out += '}';
  return out;
}

}  // namespace

core::problem collection_not_found() {
  return {core::errc::not_found, "collection_id", "Music collection not found or not owned by caller"};
}

core::problem share_not_found() {
  return {core::errc::not_found, "share_id", "Share link not found or not created by caller"};
}

core::problem journal_unavailable() {
  return {core::errc::unavailable, "", "writes are refused: the journal is unavailable"};
}

collections::collections(store::collection_store& store, journal::writer& journal, options opts)
    : store_(store), journal_(journal), options_(std::move(opts)) {}

bool collections::writable() const noexcept { return journal_.healthy(); }

void collections::commit(model::mutation m, std::function<reply(store::outcome)> respond, reply_fn done) {
  commit_counting(std::move(m), [respond = std::move(respond)](store::outcome o, std::size_t) { return respond(o); },
                  std::move(done));
}

void collections::commit_counting(model::mutation m, std::function<reply(store::outcome, std::size_t)> respond,
                                  reply_fn done) {
  if (!journal_.healthy()) return done(journal_unavailable());
  const auto type = model::record_type(m);
  std::string payload = model::encode(m);
  journal_.submit(type, std::move(payload),
                  [this, m = std::move(m), respond = std::move(respond), done = std::move(done)](
                      std::error_code ec, std::uint64_t seq) {
                    if (ec) return done(journal_unavailable());
                    std::size_t added = 0;
                    const store::outcome o = store_.apply(m, seq, added);
                    done(respond(o, added));
                  });
}

reply collections::get(const caller& who, std::string_view id) const {
  std::string out;
  if (!store_.append_json(out, id, who.org, who.principal)) return collection_not_found();
  return out;
}

void collections::create(const caller& who, std::string_view body, reply_fn done) {
  auto req = model::parse_create(body);
  if (!req) return done(std::move(req).error());
  std::string id = core::new_collection_id();
  while (store_.id_in_use(id)) id = core::new_collection_id();
  auto& r = req.value();
  model::create_collection m{id, who.org, who.principal, std::move(r.name), std::move(r.description),
                             std::move(r.cover_track_id), std::move(r.cover_image_url), options_.now()};
  commit(std::move(m),
         [this, who, id](store::outcome o) -> reply {
           if (o != store::outcome::applied)
             return core::problem{core::errc::internal, "", "collection id collision"};
           return get(who, id);
         },
         std::move(done));
}

void collections::update(const caller& who, std::string_view id, std::string_view body, reply_fn done) {
  auto req = model::parse_patch(body);
  if (!req) return done(std::move(req).error());
  auto& p = req.value();
  bool changes = false;
  const bool found = store_.inspect(id, who.org, who.principal, [&](const model::collection& c) {
    changes = (p.name && *p.name != c.name) || (p.description && *p.description != c.description) ||
              (p.cover_track_id && *p.cover_track_id != c.cover_track_id) ||
              (p.cover_image_url && *p.cover_image_url != c.cover_image_url);
  });
  if (!found) return done(collection_not_found());
  if (!changes) return done(get(who, id));  // nothing to change: no journal write, updated_at kept
  model::update_collection m{std::string{id}, std::move(p.name), std::move(p.description),
                             std::move(p.cover_track_id), std::move(p.cover_image_url), options_.now()};
  commit(std::move(m),
         [this, who, id = std::string{id}](store::outcome o) -> reply {
           if (o == store::outcome::not_found) return collection_not_found();
           return get(who, id);
         },
         std::move(done));
}

void collections::remove(const caller& who, std::string_view id, reply_fn done) {
  if (!store_.inspect(id, who.org, who.principal, [](const model::collection&) {}))
    return done(collection_not_found());
  commit(model::delete_collection{std::string{id}, options_.now()},
         [id = std::string{id}](store::outcome o) -> reply {
           if (o == store::outcome::not_found) return collection_not_found();
           return success_body(id, "Collection deleted.");
         },
         std::move(done));
}

void collections::add_track(const caller& who, std::string_view id, std::string_view body, reply_fn done) {
  auto req = model::parse_add_track(body);
  if (!req) return done(std::move(req).error());
  auto& r = req.value();
  const auto probe = store_.probe_tracks(id, who.org, who.principal, r.track_ids);
  if (!probe) return done(collection_not_found());
  const std::uint32_t limit = options_.max_tracks;
  const auto respond = [batch = r.batch, cid = std::string{id}, first = r.track_ids.front()](std::size_t added) {
    if (batch) return tracks_added_body(cid, added);
    return success_body(first, "Track added to collection.");
  };
  if (probe->new_ids == 0) return done(respond(0));  // all present: nothing to write
  if (probe->count + probe->new_ids > limit) return done(collection_full(limit, r.batch));
  model::mutation m = r.batch ? model::mutation{model::add_tracks{std::string{id}, std::move(r.track_ids),
                                                                  options_.now(), limit}}
                              : model::mutation{model::add_track{std::string{id}, std::move(r.track_ids.front()),
                                                                 options_.now(), limit}};
  commit_counting(std::move(m),
                  [respond, limit, batch = r.batch](store::outcome o, std::size_t added) -> reply {
                    if (o == store::outcome::not_found) return collection_not_found();
                    if (o == store::outcome::full) return collection_full(limit, batch);
                    return respond(added);
                  },
                  std::move(done));
}

}  // namespace mixtape::service
