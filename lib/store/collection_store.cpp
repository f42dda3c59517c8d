#include "store/collection_store.hpp"

#include <algorithm>
#include <cassert>

namespace mixtape::store {
namespace {

template <class... Fs>
struct overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
overloaded(Fs...) -> overloaded<Fs...>;

// Sets `field` to `value` when they differ; reports whether it did.
template <class T>
bool assign(T& field, const T& value) {
  if (field == value) return false;
  field = value;
  return true;
}

}  // namespace

collection_store::collection_store(std::size_t shard_count)
    : shard_mask_(shard_count - 1), shards_(std::make_unique<shard[]>(shard_count)) {
  assert(shard_count > 0 && (shard_count & shard_mask_) == 0);
}

collection_store::shard& collection_store::shard_of(std::uint64_t id) const {
  return shards_[(id * 0x9e3779b97f4a7c15ull) >> 40 & shard_mask_];  // ids are random; mix anyway
}

const collection_store::entry* collection_store::find(const shard& s, std::uint64_t id) {
  const auto it = s.entries.find(id);
  return it == s.entries.end() ? nullptr : &it->second;
}

collection_store::entry* collection_store::find(shard& s, std::uint64_t id) {
  const auto it = s.entries.find(id);
  return it == s.entries.end() ? nullptr : &it->second;
}

const collection_store::entry* collection_store::find_visible(const shard& s, std::uint64_t id,
                                                              std::string_view org, std::string_view owner) {
  const entry* e = find(s, id);
  return e && e->head.owner->org == org && e->head.owner->principal == owner ? e : nullptr;
}

model::collection collection_store::materialize(std::uint64_t id, const collection_head& h) {
  model::collection c;
  c.id = model::collection_id(id);
  c.org = h.owner->org;
  c.owner = h.owner->principal;
  [[maybe_unused]] const bool read = model::read_text_fields(h.json, c);
  assert(read);  // the store rendered it
  c.created_at = h.created_at;
  c.updated_at = h.updated_at;
  c.created_seq = h.created_seq;
  c.version = h.version;
  return c;
}

std::optional<collection_store::entry> collection_store::make_entry(const model::collection& c,
                                                                    std::span<const model::snapshot_track> tracks,
                                                                    const owner_index::owner* owner) {
  entry e{{model::render(c), owner, c.created_at, c.updated_at, c.created_seq, c.version}, nullptr};
  if (tracks.empty()) return e;
  e.tracks = std::make_unique<track_list>();
  e.tracks->reserve(tracks.size());
  thread_local std::vector<std::uint32_t> hashes;  // computed ahead, to prefetch the id index
  hashes.clear();
  for (const auto& t : tracks) hashes.push_back(track_ids::hash_of(t.first));
  constexpr std::size_t ahead = 16;
  for (std::size_t i = 0; i < tracks.size(); ++i) {
    if (i + ahead < tracks.size()) track_ids_.prefetch(hashes[i + ahead]);
    if (!e.tracks->add(track_ids_, tracks[i].first, hashes[i], tracks[i].second)) {
      e.tracks->release_all(track_ids_);
      return std::nullopt;
    }
  }
  return e;
}

outcome collection_store::apply(const model::mutation& m, std::uint64_t seq) {
  std::size_t added = 0;
  return apply(m, seq, added);
}

outcome collection_store::apply(const model::mutation& m, std::uint64_t seq, std::size_t& tracks_added) {
  tracks_added = 0;
  applying_seq_ = seq;
  outcome result = outcome::blocked;  // a write to a frozen or importing organization
  if (!blocked(m)) {
    const auto* g = std::get_if<model::guarded_write>(&m);
    result = g ? apply_guarded(*g, seq, tracks_added) : apply_one(m, seq, tracks_added);
  }
  // Ids released to zero are freed once no snapshot copy can hold them (track_ids.hpp).
  if (snapshot_epoch_.load() == 0) track_ids_.flush_released();
  applied_seq_.store(seq, std::memory_order_release);
  return result;
}

// The version check and the write run on the applier thread, one mutation after another:
// no other write can come between them (live or on replay).
outcome collection_store::apply_guarded(const model::guarded_write& g, std::uint64_t seq, std::size_t& tracks_added) {
  if (!g.inner || !model::is_collection_write(*g.inner)) return outcome::unchanged;  // never made
  if (g.if_match != 0) {
    const auto number = model::collection_number(model::target_collection(*g.inner));
    if (!number) return outcome::not_found;
    const shard& s = shard_of(*number);
    core::mutex_lock lock{s.mutex};
    const entry* e = find(s, *number);
    if (!e) return outcome::not_found;
    if (e->head.version != g.if_match) return outcome::precondition_failed;
  }
  const outcome result = apply_one(*g.inner, seq, tracks_added);
  if (!g.idempotency.key.empty() && (result == outcome::applied || result == outcome::unchanged)) {
    model::remembered_write w{g.idempotency, model::type_byte(*g.inner), 0, {}};
    if (const auto* c = std::get_if<model::create_collection>(g.inner.get())) {
      w.number = static_cast<std::uint64_t>(c->at);
      w.text = c->id;
    } else if (const auto* s = std::get_if<model::create_share>(g.inner.get())) {
      w.number = static_cast<std::uint64_t>(s->at);
      w.text = s->share_id;
    } else {
      w.number = tracks_added;
    }
    remembered_.remember(std::move(w), model::time_of(*g.inner));
  }
  return result;
}

outcome collection_store::apply_one(const model::mutation& m, std::uint64_t seq, std::size_t& tracks_added) {
  return std::visit(overloaded{
                     [&](const model::create_collection& x) { return apply_create(x, seq); },
                     [&](const model::update_collection& x) { return apply_update(x); },
                     [&](const model::delete_collection& x) { return apply_delete(x); },
                     [&](const model::add_track& x) { return apply_add_track(x, tracks_added); },
                     [&](const model::add_tracks& x) { return apply_add_tracks(x, tracks_added); },
                     [&](const model::remove_track& x) { return apply_remove_track(x); },
                     [&](const model::reorder_tracks& x) { return apply_reorder(x); },
                     [&](const model::create_share& x) { return apply_share(x, seq); },
                     [&](const model::revoke_share& x) { return shares_.revoke(x); },
                     [&](const model::guarded_write&) { return outcome::unchanged; },  // see apply_guarded
                     [&](const model::set_org_state& x) { return apply_org_state(x); },
                     [&](const model::delete_org& x) { return apply_delete_org(x); },
                     [&](const model::import_collection& x) { return apply_import(x, seq); },
                     [&](const model::import_share& x) { return apply_import(x, seq); },
                 },
                 m);
}

outcome collection_store::apply_create(const model::create_collection& m, std::uint64_t seq) {
  const auto id = model::collection_number(m.id);
  if (!id) return outcome::unchanged;  // names no collection: the service never makes one
  // The owner index is locked before a shard, never while one is held: intern the owner
  // first, index the collection after it is in its shard.
  const owner_index::owner* owner = owners_.intern(m.org, m.owner);
  entry e{{model::render(m.id, m.name, m.description, m.cover_track_id, m.cover_image_url, m.at, m.at), owner,
           m.at, m.at, seq, seq},
          nullptr};
  {
    shard& s = shard_of(*id);
    core::mutex_lock lock{s.mutex};  // no capture(): a snapshot leaves out what is created after its cut
    if (!s.entries.try_emplace(*id, std::move(e)).second) return outcome::unchanged;
  }
  owners_.insert(*owner, seq, *id);
  return outcome::applied;
}

outcome collection_store::change_entry(std::string_view id,
                                       const std::function<outcome(std::uint64_t, entry&)>& change) {
  const auto number = model::collection_number(id);
  if (!number) return outcome::not_found;
  shard& s = shard_of(*number);
  core::mutex_lock lock{s.mutex};
  entry* e = find(s, *number);
  if (!e) return outcome::not_found;
  capture(s);
  const outcome result = change(*number, *e);
  if (result == outcome::applied) e->head.version = applying_seq_;
  return result;
}

outcome collection_store::modify(std::string_view id, const std::function<outcome(model::collection&)>& change) {
  return change_entry(id, [&](std::uint64_t number, entry& e) {
    model::collection c = materialize(number, e.head);
    const outcome result = change(c);
    if (result == outcome::applied) {
      e.head.json = model::render(c);
      e.head.updated_at = c.updated_at;
    }
    return result;
  });
}

outcome collection_store::modify_tracks(std::string_view id, core::unix_seconds at,
                                        const std::function<outcome(track_list&)>& change) {
  return change_entry(id, [&](std::uint64_t, entry& e) {
    if (!e.tracks) e.tracks = std::make_unique<track_list>();
    const outcome result = change(*e.tracks);
    if (e.tracks->size() == 0) e.tracks.reset();  // an empty collection holds no list
    if (result == outcome::applied) {
      e.head.updated_at = at;
      model::set_updated_at(e.head.json, at);
    }
    return result;
  });
}

outcome collection_store::apply_update(const model::update_collection& m) {
  return modify(m.id, [&](model::collection& c) {
    bool changed = false;
    if (m.name) changed |= assign(c.name, *m.name);
    if (m.description) changed |= assign(c.description, *m.description);
    if (m.cover_track_id) changed |= assign(c.cover_track_id, *m.cover_track_id);
    if (m.cover_image_url) changed |= assign(c.cover_image_url, *m.cover_image_url);
    if (!changed) return outcome::unchanged;
    c.updated_at = m.at;
    return outcome::applied;
  });
}

outcome collection_store::apply_delete(const model::delete_collection& m) {
  const auto id = model::collection_number(m.id);
  if (!id) return outcome::not_found;
  const owner_index::owner* owner = nullptr;
  std::uint64_t created_seq = 0;
  {
    shard& s = shard_of(*id);
    core::mutex_lock lock{s.mutex};
    const auto it = s.entries.find(*id);
    if (it == s.entries.end()) return outcome::not_found;
    capture(s);
    owner = it->second.head.owner;
    created_seq = it->second.head.created_seq;
    if (it->second.tracks) it->second.tracks->release_all(track_ids_);
    s.entries.erase(it);
  }
  owners_.erase(*owner, created_seq, *id);
  return outcome::applied;
}

outcome collection_store::apply_add_track(const model::add_track& m, std::size_t& added) {
  return modify_tracks(m.collection_id, m.at, [&](track_list& t) {
    if (t.contains(track_ids_, m.track_id)) return outcome::unchanged;
    if (t.size() >= m.limit) return outcome::full;
    t.add(track_ids_, m.track_id, m.at);
    added = 1;
    return outcome::applied;
  });
}

outcome collection_store::apply_add_tracks(const model::add_tracks& m, std::size_t& added) {
  thread_local std::vector<std::uint32_t> hashes;
  hashes.clear();
  for (const auto& id : m.track_ids) {
    hashes.push_back(track_ids::hash_of(id));
    track_ids_.prefetch(hashes.back());  // the adds below look them up
  }
  return modify_tracks(m.collection_id, m.at, [&](track_list& t) {
    const std::size_t fresh = t.count_new(track_ids_, m.track_ids, hashes);
    if (fresh == 0) return outcome::unchanged;
    if (t.size() + fresh > m.limit) return outcome::full;  // all or nothing
    for (std::size_t i = 0; i < m.track_ids.size(); ++i) t.add(track_ids_, m.track_ids[i], hashes[i], m.at);
    added = fresh;
    return outcome::applied;
  });
}

outcome collection_store::apply_remove_track(const model::remove_track& m) {
  return modify_tracks(m.collection_id, m.at, [&](track_list& t) {
    return t.remove(track_ids_, m.track_id) ? outcome::applied : outcome::unchanged;
  });
}

outcome collection_store::apply_reorder(const model::reorder_tracks& m) {
  return modify_tracks(m.collection_id, m.at, [&](track_list& t) {
    auto next = t.reordered(track_ids_, m.ordered_track_ids);
    if (!next) return outcome::unchanged;
    t.assign_order(track_ids_, std::move(*next));
    return outcome::applied;
  });
}

outcome collection_store::apply_share(const model::create_share& m, std::uint64_t seq) {
  const auto id = model::collection_number(m.collection_id);
  if (!id) return outcome::not_found;
  const owner_index::owner* creator = owner_of(*id);
  if (!creator) return outcome::not_found;
  return shares_.create(m, seq, *id, creator);
}

const owner_index::owner* collection_store::owner_of(std::uint64_t number) const {
  const shard& s = shard_of(number);
  core::mutex_lock lock{s.mutex};
  const entry* e = find(s, number);
  return e ? e->head.owner : nullptr;
}

bool collection_store::append_json(std::string& out, std::string_view id, std::string_view org,
                                   std::string_view owner) const {
  return with_visible(id, org, owner,
                      [&](std::uint64_t, const entry& e) { model::append_json(out, e.head.json, e.track_count()); });
}

bool collection_store::append_json(std::string& out, std::string_view id, std::string_view org,
                                   std::string_view owner, std::uint64_t& version) const {
  return with_visible(id, org, owner, [&](std::uint64_t, const entry& e) {
    model::append_json(out, e.head.json, e.track_count());
    version = e.head.version;
  });
}

std::optional<std::uint64_t> collection_store::version_of(std::string_view id, std::string_view org,
                                                          std::string_view owner) const {
  std::optional<std::uint64_t> version;
  with_visible(id, org, owner, [&](std::uint64_t, const entry& e) { version = e.head.version; });
  return version;
}

bool collection_store::inspect(std::string_view id, std::string_view org, std::string_view owner,
                               const std::function<void(const model::collection&)>& f) const {
  return with_visible(id, org, owner, [&](std::uint64_t number, const entry& e) { f(materialize(number, e.head)); });
}

bool collection_store::id_in_use(std::string_view id) const {
  const auto number = model::collection_number(id);
  if (!number) return false;
  return contains(*number) || shares_.names_collection(*number);
}

bool collection_store::contains(std::string_view id) const {
  const auto number = model::collection_number(id);
  return number && contains(*number);
}

bool collection_store::contains(std::uint64_t id) const { return owner_of(id) != nullptr; }

std::size_t collection_store::size() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i <= shard_mask_; ++i) {
    core::mutex_lock lock{shards_[i].mutex};
    n += shards_[i].entries.size();
  }
  return n;
}

void collection_store::reserve(std::size_t collections) {
  const std::size_t shards = shard_mask_ + 1;
  const std::size_t per_shard = collections / shards + collections / shards / 8 + 16;  // spread varies a little
  for (std::size_t i = 0; i < shards; ++i) {
    core::mutex_lock lock{shards_[i].mutex};
    shards_[i].entries.reserve(per_shard);
  }
}

void collection_store::release_spare_capacity() {
  for (std::size_t i = 0; i <= shard_mask_; ++i) {
    core::mutex_lock lock{shards_[i].mutex};
    auto& entries = shards_[i].entries;
    if (entries.bucket_count() > 2 * entries.size() + 64) entries.rehash(0);  // the smallest that fits
    for (auto& [id, e] : entries)
      if (e.tracks) e.tracks->shrink_to_fit();
  }
  track_ids_.release_spare_capacity();
}

std::size_t collection_store::distinct_tracks() const { return track_ids_.size(); }

}  // namespace mixtape::store
