#include "service/collections.hpp"
#include "service/bodies.hpp"

#include "core/ids.hpp"
#include "model/collection.hpp"
#include "model/requests.hpp"
#include "model/validation.hpp"

namespace mixtape::service {
namespace {
using detail::success_body;
using detail::tracks_added_body;

core::problem collection_full(std::uint32_t limit, bool batch) {
  if (!batch)
    return {core::errc::collection_full, "track_id",
            "collection already holds the maximum of " + std::to_string(limit) + " tracks"};
  return {core::errc::collection_full, "track_ids",
          "these tracks would take the collection past the maximum of " + std::to_string(limit) +
              " tracks; none were added"};
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

// A write journaled here that the standbys have not confirmed in time (docs/replication.md).
core::problem outcome_unknown() {
  return {core::errc::unavailable, "",
          "the write is journaled but no standby confirmed it within --sync-timeout-ms: its outcome is unknown; "
          "it takes effect once a standby confirms it (a retry with the same Idempotency-Key returns its result)"};
}

core::problem organization_unavailable(std::string_view org, model::org_state state) {
  std::string why = "writes to organization '" + std::string{org} + "' are refused while ";
  why += state == model::org_state::importing ? "it is being imported" : "it is frozen (being moved)";
  return {core::errc::unavailable, "", why + "; retry later"};
}

core::problem precondition_failed() {
  return {core::errc::precondition_failed, "", "If-Match does not match the collection's current ETag"};
}

core::result<std::uint64_t> collections::expected_version(const conditions& when, std::uint64_t current) {
  if (!when.if_match) return std::uint64_t{0};
  // Of several tags only the current one can pass; guarding by it is exact unless another
  // write lands first, and then the answer is a 412 as it would be for a single tag.
  for (const auto v : *when.if_match)
    if (v == current) return current;
  return precondition_failed();
}

reply collections::with_version(reply r, const caller& who, std::string_view id) const {
  if (r.ok() && r.version == 0) r.version = store_.version_of(id, who.org, who.principal).value_or(0);
  return r;
}

collections::collections(store::collection_store& store, journal::writer& journal, options opts)
    : store_(store), journal_(journal), options_(std::move(opts)) {}

bool collections::writable() const noexcept { return journal_.healthy(); }
std::uint64_t collections::applied_seq() const noexcept { return store_.applied_seq(); }

void collections::commit(const caller& who, model::mutation m, const write_guard& guard,
                         std::function<reply(store::outcome)> render, reply_fn done, key_claim claim) {
  commit_counting(
      who, std::move(m), guard, [render = std::move(render)](store::outcome o, std::size_t) { return render(o); },
      std::move(done), std::move(claim));
}

void collections::commit_counting(const caller& who, model::mutation m, const write_guard& guard,
                                  std::function<reply(store::outcome, std::size_t)> render, reply_fn done,
                                  key_claim claim) {
  if (!journal_.healthy()) return done(journal_unavailable());
  if (options_.admit)
    if (auto refused = options_.admit()) return done(std::move(*refused));
  if (const auto state = store_.orgs().state_of(who.org); state != model::org_state::active)
    return done(organization_unavailable(who.org, state));
  if (guard.if_match != 0 || !guard.idempotency.key.empty())
    m = model::guarded_write{guard.if_match, guard.idempotency, std::make_shared<const model::mutation>(std::move(m))};
  const auto type = model::type_byte(m);
  std::string payload = model::encode(m);
  // std::function copies what it holds: the claim rides in a shared_ptr, still one holder.
  auto held = std::make_shared<key_claim>(std::move(claim));
  // The answer, taken out once: by a late confirmation (outcome unknown), or by the completion.
  auto answer = std::make_shared<reply_fn>(std::move(done));
  journal_.submit(type, std::move(payload),
                  [this, who, m = std::move(m), render = std::move(render), answer,
                   held = std::move(held)](std::error_code ec, std::uint64_t seq) {
                    const auto done = [&answer](reply r) {
                      if (*answer) std::exchange(*answer, nullptr)(std::move(r));
                    };
                    if (ec) {
                      held->release();
                      return done(journal_unavailable());
                    }
                    std::size_t added = 0;
                    const store::outcome o = store_.apply(m, seq, added);
                    held->release();  // after the apply: the store remembers the key now
                    if (o == store::outcome::precondition_failed) return done(precondition_failed());
                    if (o == store::outcome::blocked)  // frozen after the check above, before the apply
                      return done(organization_unavailable(who.org, store_.orgs().state_of(who.org)));
                    done(with_version(render(o, added), who, model::target_collection(m)));
                  },
                  [answer] {
                    if (*answer) std::exchange(*answer, nullptr)(outcome_unknown());
                  });
}

reply collections::get(const caller& who, std::string_view id) const {
  std::string out;
  std::uint64_t version = 0;
  if (!store_.append_json(out, id, who.org, who.principal, version)) return collection_not_found();
  reply r{std::move(out)};
  r.version = version;
  return r;
}

void collections::create(const caller& who, std::string_view body, reply_fn done, const conditions& when) {
  model::idempotency_stamp stamp;
  key_claim claim;
  if (!when.idempotency_key.empty() && start_keyed(who, "create", {}, body, when, done, stamp, claim)) return;
  auto req = model::parse_create(body);
  if (!req) return done(std::move(req).error());
  std::string id = core::new_collection_id();
  while (store_.id_in_use(id)) id = core::new_collection_id();
  auto& r = req.value();
  model::create_collection m{id, who.org, who.principal, std::move(r.name), std::move(r.description),
                             std::move(r.cover_track_id), std::move(r.cover_image_url), options_.now()};
  commit(who, std::move(m), {0, std::move(stamp)},
         [this, who, id](store::outcome o) -> reply {
           if (o != store::outcome::applied)
             return core::problem{core::errc::internal, "", "collection id collision"};
           return get(who, id);
         },
         std::move(done), std::move(claim));
}

void collections::update(const caller& who, std::string_view id, std::string_view body, reply_fn done,
                         const conditions& when) {
  auto req = model::parse_patch(body);
  if (!req) return done(std::move(req).error());
  auto& p = req.value();
  bool changes = false;
  std::uint64_t current = 0;
  const bool found = store_.inspect(id, who.org, who.principal, [&](const model::collection& c) {
    changes = (p.name && *p.name != c.name) || (p.description && *p.description != c.description) ||
              (p.cover_track_id && *p.cover_track_id != c.cover_track_id) ||
              (p.cover_image_url && *p.cover_image_url != c.cover_image_url);
    current = c.version;
  });
  if (!found) return done(collection_not_found());
  const auto expected = expected_version(when, current);
  if (!expected) return done(expected.error());
  if (!changes) return done(get(who, id));  // nothing to change: no journal write, updated_at kept
  model::update_collection m{std::string{id}, std::move(p.name), std::move(p.description),
                             std::move(p.cover_track_id), std::move(p.cover_image_url), options_.now()};
  commit(who, std::move(m), {expected.value(), {}},
         [this, who, id = std::string{id}](store::outcome o) -> reply {
           if (o == store::outcome::not_found) return collection_not_found();
           return get(who, id);
         },
         std::move(done));
}

void collections::remove(const caller& who, std::string_view id, reply_fn done, const conditions& when) {
  const auto current = store_.version_of(id, who.org, who.principal);
  if (!current) return done(collection_not_found());
  const auto expected = expected_version(when, *current);
  if (!expected) return done(expected.error());
  commit(who, model::delete_collection{std::string{id}, options_.now()}, {expected.value(), {}},
         [id = std::string{id}](store::outcome o) -> reply {
           if (o == store::outcome::not_found) return collection_not_found();
           return success_body(id, "Collection deleted.");
         },
         std::move(done));
}

void collections::add_track(const caller& who, std::string_view id, std::string_view body, reply_fn done,
                            const conditions& when) {
  model::idempotency_stamp stamp;
  key_claim claim;
  if (!when.idempotency_key.empty() && start_keyed(who, "add_track", id, body, when, done, stamp, claim)) return;
  auto req = model::parse_add_track(body);
  if (!req) return done(std::move(req).error());
  auto& r = req.value();
  const auto probe = store_.probe_tracks(id, who.org, who.principal, r.track_ids);
  if (!probe) return done(collection_not_found());
  const auto expected = expected_version(when, probe->version);
  if (!expected) return done(expected.error());
  const std::uint32_t limit = options_.max_tracks;
  const auto added_body = [batch = r.batch, cid = std::string{id}, first = r.track_ids.front()](std::size_t added) {
    if (batch) return tracks_added_body(cid, added);
    return success_body(first, "Track added to collection.");
  };
  if (probe->new_ids == 0) return done(with_version(added_body(0), who, id));  // all present: nothing to write
  if (probe->count + probe->new_ids > limit) return done(collection_full(limit, r.batch));
  model::mutation m = r.batch ? model::mutation{model::add_tracks{std::string{id}, std::move(r.track_ids),
                                                                  options_.now(), limit}}
                              : model::mutation{model::add_track{std::string{id}, std::move(r.track_ids.front()),
                                                                 options_.now(), limit}};
  commit_counting(who, std::move(m), {expected.value(), std::move(stamp)},
                  [added_body, limit, batch = r.batch](store::outcome o, std::size_t added) -> reply {
                    if (o == store::outcome::not_found) return collection_not_found();
                    if (o == store::outcome::full) return collection_full(limit, batch);
                    return added_body(added);
                  },
                  std::move(done), std::move(claim));
}

}  // namespace mixtape::service
