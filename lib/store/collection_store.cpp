#include "store/collection_store.hpp"

#include <algorithm>
#include <cassert>
#include "store/track_order.hpp"

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

collection_store::shard& collection_store::shard_of(std::string_view id) const {
  return shards_[string_hash{}(id) & shard_mask_];
}

bool collection_store::visible(const entry& e, std::string_view org, std::string_view owner) {
  return e.data.org == org && e.data.owner == owner;
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
  entry e;
  e.data.id = m.id;
  e.data.org = m.org;
  e.data.owner = m.owner;
  e.data.name = m.name;
  e.data.description = m.description;
  e.data.cover_track_id = m.cover_track_id;
  e.data.cover_image_url = m.cover_image_url;
  e.data.created_at = e.data.updated_at = m.at;
  e.data.created_seq = seq;
  e.json = model::render(e.data);
  {
    shard& s = shard_of(m.id);
    std::lock_guard lock{s.mutex};
    if (s.entries.contains(m.id)) return outcome::unchanged;
    capture(s);
    s.entries.try_emplace(m.id, std::move(e));
  }
  owners_.insert(m.org, m.owner, seq, m.id);
  return outcome::applied;
}

outcome collection_store::modify(std::string_view id, const std::function<outcome(model::collection&)>& change) {
  shard& s = shard_of(id);
  std::lock_guard lock{s.mutex};
  const auto it = s.entries.find(id);
  if (it == s.entries.end()) return outcome::not_found;
  capture(s);
  const outcome result = change(it->second.data);
  if (result == outcome::applied) it->second.json = model::render(it->second.data);
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
  std::string org, owner;
  std::uint64_t created_seq = 0;
  {
    shard& s = shard_of(m.id);
    std::lock_guard lock{s.mutex};
    const auto it = s.entries.find(m.id);
    if (it == s.entries.end()) return outcome::not_found;
    capture(s);
    org = std::move(it->second.data.org);
    owner = std::move(it->second.data.owner);
    created_seq = it->second.data.created_seq;
    s.entries.erase(it);
  }
  owners_.erase(org, owner, created_seq, m.id);
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
    auto next = reordered(c.tracks, m.ordered_track_ids);
    if (!next) return outcome::unchanged;
    c.tracks = std::move(*next);
    c.updated_at = m.at;
    return outcome::applied;
  });
}

outcome collection_store::apply_share(const model::create_share& m) {
  if (!contains(m.collection_id)) return outcome::not_found;
  share_link link{m.share_id, m.collection_id, m.visibility, m.expires_at, m.at};
  std::lock_guard lock{shares_mutex_};
  const std::string key = hash_key(m.token_sha256);
  if (shares_.contains(key)) return outcome::unchanged;
  capture_shares();
  ++linked_ids_[link.collection_id];
  shares_.emplace(key, std::move(link));
  return outcome::applied;
}

bool collection_store::append_json(std::string& out, std::string_view id, std::string_view org,
                                   std::string_view owner) const {
  const shard& s = shard_of(id);
  std::lock_guard lock{s.mutex};
  const auto it = s.entries.find(id);
  if (it == s.entries.end() || !visible(it->second, org, owner)) return false;
  model::append_json(out, it->second.json, it->second.data.tracks.size());
  return true;
}

bool collection_store::inspect(std::string_view id, std::string_view org, std::string_view owner,
                               const std::function<void(const model::collection&)>& f) const {
  const shard& s = shard_of(id);
  std::lock_guard lock{s.mutex};
  const auto it = s.entries.find(id);
  if (it == s.entries.end() || !visible(it->second, org, owner)) return false;
  f(it->second.data);
  return true;
}

bool collection_store::id_in_use(std::string_view id) const {
  if (contains(id)) return true;
  std::lock_guard lock{shares_mutex_};
  return linked_ids_.find(id) != linked_ids_.end();
}

bool collection_store::contains(std::string_view id) const {
  const shard& s = shard_of(id);
  std::lock_guard lock{s.mutex};
  return s.entries.find(id) != s.entries.end();
}

std::size_t collection_store::size() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i <= shard_mask_; ++i) {
    std::lock_guard lock{shards_[i].mutex};
    n += shards_[i].entries.size();
  }
  return n;
}

std::size_t collection_store::share_count() const {
  std::lock_guard lock{shares_mutex_};
  return shares_.size();
}

}  // namespace mixtape::store
