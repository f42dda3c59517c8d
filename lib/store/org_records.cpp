// The organization records (SPEC §10, moving an organization): an organization's state,
// deleting one, and the two records of an import. Applier thread only, as every apply.
#include <vector>

#include "store/collection_store.hpp"

namespace mixtape::store {

bool collection_store::blocked(const model::mutation& m) const {
  if (!orgs_.any()) return false;
  const auto* guarded = std::get_if<model::guarded_write>(&m);
  const model::mutation& write = guarded && guarded->inner ? *guarded->inner : m;
  if (!model::is_collection_write(write)) return false;
  const owner_index::owner* by = nullptr;
  if (const auto* c = std::get_if<model::create_collection>(&write))
    return orgs_.state_of(c->org) != model::org_state::active;
  if (const auto* r = std::get_if<model::revoke_share>(&write)) by = shares_.creator_of(r->share_id);
  else if (const auto number = model::collection_number(model::target_collection(write))) by = owner_of(*number);
  return by != nullptr && orgs_.state_of(by->org) != model::org_state::active;
}

// An import starts only in an empty organization that is not importing already: a second
// import, or collections created meanwhile, find it refused (and their records blocked). A
// freeze does not land in an import either (the import's rollback would undo it).
outcome collection_store::apply_org_state(const model::set_org_state& m) {
  const model::org_state now = orgs_.state_of(m.org);
  if (m.state == model::org_state::importing && (now == model::org_state::importing || owners_.count_of_org(m.org) > 0))
    return outcome::unchanged;
  if (m.state == model::org_state::frozen && now == model::org_state::importing) return outcome::unchanged;
  return orgs_.set(m.org, m.state);
}

outcome collection_store::apply_delete_org(const model::delete_org& m) {
  const auto doomed = owners_.ids_of_org(m.org);
  for (const auto id : doomed) apply_delete(model::delete_collection{model::collection_id(id), m.at});
  const std::size_t links = shares_.remove_of_org(m.org);
  const outcome state = orgs_.set(m.org, model::org_state::active);
  return doomed.empty() && links == 0 && state == outcome::unchanged ? outcome::unchanged : outcome::applied;
}

outcome collection_store::apply_import(const model::import_collection& m, std::uint64_t seq) {
  if (orgs_.state_of(m.c.org) != model::org_state::importing) return outcome::blocked;
  const auto id = model::collection_number(m.c.id);
  if (!id || id_in_use(m.c.id)) return outcome::unchanged;
  model::collection head;  // the fields without the tracks, which go to make_entry as views
  head.id = m.c.id;
  head.name = m.c.name;
  head.description = m.c.description;
  head.cover_track_id = m.c.cover_track_id;
  head.cover_image_url = m.c.cover_image_url;
  head.created_at = m.c.created_at;
  head.updated_at = m.c.updated_at;
  head.created_seq = seq;
  head.version = seq;
  std::vector<model::snapshot_track> tracks;
  tracks.reserve(m.c.tracks.size());
  for (const auto& t : m.c.tracks) tracks.emplace_back(t.track_id, t.added_at);
  const owner_index::owner* owner = owners_.intern(m.c.org, m.c.owner);
  auto e = make_entry(head, tracks, owner);
  if (!e) return outcome::unchanged;  // a track twice
  {
    shard& s = shard_of(*id);
    core::mutex_lock lock{s.mutex};  // no capture(): created after any snapshot's cut
    s.entries.try_emplace(*id, std::move(*e));
  }
  owners_.insert(*owner, seq, *id);
  return outcome::applied;
}

outcome collection_store::apply_import(const model::import_share& m, std::uint64_t seq) {
  if (orgs_.state_of(m.org) != model::org_state::importing) return outcome::blocked;
  // Its collection is one of the org's, or none at all: a link outlives its deleted
  // collection (id_in_use), and moves with its org so that its token resolves the same.
  const auto number = model::collection_number(m.link.collection_id);
  if (!number) return outcome::not_found;
  if (const owner_index::owner* holder = owner_of(*number); holder && holder->org != m.org) return outcome::not_found;
  const outcome made = shares_.create(m.link, seq, *number, owners_.intern(m.org, m.owner));
  if (made == outcome::applied && m.revoked_at) shares_.revoke(model::revoke_share{m.link.share_id, *m.revoked_at});
  return made;
}

}  // namespace mixtape::store
