#include "store/collection_store.hpp"

#include <algorithm>
#include <cassert>
#include "model/track_order.hpp"

namespace mixtape::store {
namespace {

template <class... Fs>
struct overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
overloaded(Fs...) -> overloaded<Fs...>;

std::string hash_key(const std::array<unsigned char, 32>& h) {
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}

// Moves an entry's tracks into a materialized collection for the scope of a change or a
// look (the shard lock held), instead of copying them; moves them back at scope exit.
class tracks_loan {
 public:
  tracks_loan(std::vector<model::track_entry>& borrower, std::vector<model::track_entry>& owner)
      : borrower_(borrower), owner_(owner) {
    borrower_.swap(owner_);
  }
  ~tracks_loan() { borrower_.swap(owner_); }
  tracks_loan(const tracks_loan&) = delete;
  tracks_loan& operator=(const tracks_loan&) = delete;

 private:
  std::vector<model::track_entry>& borrower_;
  std::vector<model::track_entry>& owner_;
};

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
  return e && e->owner->org == org && e->owner->principal == owner ? e : nullptr;
}

model::collection collection_store::materialize(std::uint64_t id, const entry& e, lend_tracks lend) {
  model::collection c;
  c.id = model::collection_id(id);
  c.org = e.owner->org;
  c.owner = e.owner->principal;
  [[maybe_unused]] const bool read = model::read_text_fields(e.json, c);
  assert(read);  // the store rendered it
  c.created_at = e.created_at;
  c.updated_at = e.updated_at;
  c.created_seq = e.created_seq;
  if (lend == lend_tracks::no) c.tracks = e.tracks;
  return c;
}

collection_store::entry collection_store::make_entry(const model::collection& c, const owner_index::owner* owner) {
  return {model::render(c), c.tracks, owner, c.created_at, c.updated_at, c.created_seq};
}

outcome collection_store::apply(const model::mutation& m, std::uint64_t seq) {
  return std::visit(overloaded{
                        [&](const model::create_collection& x) { return apply_create(x, seq); },
                        [&](const model::update_collection& x) { return apply_update(x); },
                        [&](const model::delete_collection& x) { return apply_delete(x); },
                        [&](const model::add_track& x) { return apply_add_track(x); },
                        [&](const model::remove_track& x) { return apply_remove_track(x); },
                        [&](const model::reorder_tracks& x) { return apply_reorder(x); },
                        [&](const model::create_share& x) { return apply_share(x); },
                    },
                    m);
}

outcome collection_store::apply_create(const model::create_collection& m, std::uint64_t seq) {
  const auto id = model::collection_number(m.id);
  if (!id) return outcome::unchanged;  // names no collection: the service never makes one
  // The owner index is locked before a shard, never while one is held: intern the owner
  // first, index the collection after it is in its shard.
  const owner_index::owner* owner = owners_.intern(m.org, m.owner);
  entry e{model::render(m.id, m.name, m.description, m.cover_track_id, m.cover_image_url, m.at, m.at),
          {}, owner, m.at, m.at, seq};
  {
    shard& s = shard_of(*id);
    std::lock_guard lock{s.mutex};  // no capture(): a snapshot leaves out what is created after its cut
    if (!s.entries.try_emplace(*id, std::move(e)).second) return outcome::unchanged;
  }
  owners_.insert(*owner, seq, *id);
  return outcome::applied;
}

outcome collection_store::modify(std::string_view id, const std::function<outcome(model::collection&)>& change) {
  const auto number = model::collection_number(id);
  if (!number) return outcome::not_found;
  shard& s = shard_of(*number);
  std::lock_guard lock{s.mutex};
  entry* e = find(s, *number);
  if (!e) return outcome::not_found;
  capture(s);
  model::collection c = materialize(*number, *e, lend_tracks::yes);
  const tracks_loan loan{c.tracks, e->tracks};
  const outcome result = change(c);
  if (result == outcome::applied) {
    e->json = model::render(c);
    e->updated_at = c.updated_at;
  }
  return result;
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
    std::lock_guard lock{s.mutex};
    const auto it = s.entries.find(*id);
    if (it == s.entries.end()) return outcome::not_found;
    capture(s);
    owner = it->second.owner;
    created_seq = it->second.created_seq;
    s.entries.erase(it);
  }
  owners_.erase(*owner, created_seq, *id);
  return outcome::applied;
}

outcome collection_store::apply_add_track(const model::add_track& m) {
  return modify(m.collection_id, [&](model::collection& c) {
    const auto present = std::any_of(c.tracks.begin(), c.tracks.end(),
                                     [&](const model::track_entry& t) { return t.track_id == m.track_id; });
    if (present) return outcome::unchanged;
    if (c.tracks.size() >= m.limit) return outcome::full;
    c.tracks.push_back({m.track_id, m.at});
    c.updated_at = m.at;
    return outcome::applied;
  });
}

outcome collection_store::apply_remove_track(const model::remove_track& m) {
  return modify(m.collection_id, [&](model::collection& c) {
    const auto it = std::find_if(c.tracks.begin(), c.tracks.end(),
                                 [&](const model::track_entry& t) { return t.track_id == m.track_id; });
    if (it == c.tracks.end()) return outcome::unchanged;
    c.tracks.erase(it);
    c.updated_at = m.at;
    return outcome::applied;
  });
}

outcome collection_store::apply_reorder(const model::reorder_tracks& m) {
  return modify(m.collection_id, [&](model::collection& c) {
    auto next = model::reordered(c.tracks, m.ordered_track_ids);
    if (!next) return outcome::unchanged;
    c.tracks = std::move(*next);
    c.updated_at = m.at;
    return outcome::applied;
  });
}

outcome collection_store::apply_share(const model::create_share& m) {
  const auto id = model::collection_number(m.collection_id);
  if (!id || !contains(*id)) return outcome::not_found;
  share_link link{m.share_id, m.collection_id, m.visibility, m.expires_at, m.at};
  std::lock_guard lock{shares_mutex_};
  const std::string key = hash_key(m.token_sha256);
  if (shares_.contains(key)) return outcome::unchanged;
  capture_shares();
  ++linked_ids_[*id];
  shares_.emplace(key, std::move(link));
  return outcome::applied;
}

bool collection_store::append_json(std::string& out, std::string_view id, std::string_view org,
                                   std::string_view owner) const {
  return with_visible(id, org, owner,
                      [&](std::uint64_t, const entry& e) { model::append_json(out, e.json, e.tracks.size()); });
}

bool collection_store::inspect(std::string_view id, std::string_view org, std::string_view owner,
                               const std::function<void(const model::collection&)>& f) const {
  return with_visible(id, org, owner, [&](std::uint64_t number, const entry& e) {
    model::collection c = materialize(number, e, lend_tracks::yes);
    const tracks_loan loan{c.tracks, const_cast<entry&>(e).tracks};  // not a const object; locked
    f(c);
  });
}

bool collection_store::id_in_use(std::string_view id) const {
  const auto number = model::collection_number(id);
  if (!number) return false;
  if (contains(*number)) return true;
  std::lock_guard lock{shares_mutex_};
  return linked_ids_.contains(*number);
}

bool collection_store::contains(std::string_view id) const {
  const auto number = model::collection_number(id);
  return number && contains(*number);
}

bool collection_store::contains(std::uint64_t id) const {
  const shard& s = shard_of(id);
  std::lock_guard lock{s.mutex};
  return find(s, id) != nullptr;
}

std::size_t collection_store::size() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i <= shard_mask_; ++i) {
    std::lock_guard lock{shards_[i].mutex};
    n += shards_[i].entries.size();
  }
  return n;
}

void collection_store::reserve(std::size_t collections) {
  const std::size_t shards = shard_mask_ + 1;
  const std::size_t per_shard = collections / shards + collections / shards / 8 + 16;  // spread varies a little
  for (std::size_t i = 0; i < shards; ++i) {
    std::lock_guard lock{shards_[i].mutex};
    shards_[i].entries.reserve(per_shard);
  }
}

void collection_store::release_spare_capacity() {
  for (std::size_t i = 0; i <= shard_mask_; ++i) {
    std::lock_guard lock{shards_[i].mutex};
    auto& entries = shards_[i].entries;
    if (entries.bucket_count() > 2 * entries.size() + 64) entries.rehash(0);  // the smallest that fits
  }
}

std::size_t collection_store::share_count() const {
  std::lock_guard lock{shares_mutex_};
  return shares_.size();
}

}  // namespace mixtape::store
