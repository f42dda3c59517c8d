// Snapshots of the store: copy-on-first-write per part, and loading a snapshot body.
//
// Invariant while a snapshot with epoch E is in progress (snapshot_epoch_ == E): for each
// part, either captured_epoch != E and the part is unchanged since the cut, or
// captured_epoch == E and `captured` (or, once collected, the snapshot being written)
// holds the part as it was at the cut. apply() keeps it by calling capture() under the
// part's lock before any change; the collector sets captured_epoch when it copies a
// part directly, so a later change does not capture it again. Serializing (the costly
// part: text fields are read back from the JSON) happens on the collector's thread,
// outside the part's lock.
#include <algorithm>
#include <cassert>

#include "model/snapshot_item.hpp"
#include "store/collection_store.hpp"

namespace mixtape::store {
namespace {

core::problem duplicate(std::string_view what, std::size_t offset) {
  return {core::errc::corrupt_data, "",
          "snapshot item at body offset " + std::to_string(offset) + ": duplicate " + std::string{what}};
}

core::problem not_a_collection_id(std::string_view id, std::size_t offset) {
  return {core::errc::corrupt_data, "",
          "snapshot item at body offset " + std::to_string(offset) + ": not a collection id: " + std::string{id}};
}

}  // namespace

void collection_store::serialize(const std::vector<captured_entry>& entries, std::string& out) const {
  track_ids::text_buffer scratch;
  for (const auto& e : entries) {
    model::append_snapshot_item(out, materialize(e.id, e.head), e.tracks.size(), [&](std::size_t i) {
      return model::snapshot_track{track_ids_.text(e.tracks[i].track, scratch), e.tracks[i].added_at};
    });
  }
}

void collection_store::capture(shard& s) {
  const std::uint64_t epoch = snapshot_epoch_.load();
  if (epoch == 0 || s.captured_epoch == epoch) return;
  copy_at_cut(s, s.captured);
  s.captured_epoch = epoch;
}

void collection_store::copy_at_cut(const shard& s, std::vector<captured_entry>& out) const {
  out.clear();
  out.reserve(s.entries.size());
  for (const auto& [id, e] : s.entries)
    if (e.head.created_seq <= snapshot_cut_seq_)
      out.push_back({id, e.head, e.tracks ? e.tracks->items() : std::vector<track_list::item>{}});
}

std::uint64_t collection_store::begin_snapshot(std::uint64_t cut_seq) {
  assert(snapshot_epoch_.load() == 0);
  snapshot_cut_seq_ = cut_seq;  // published by the epoch's store below
  snapshot_epoch_.store(++last_epoch_);
  return last_epoch_;
}

// Parts 0 .. shard_mask_ are the shards, then the share links, the remembered keys and the
// organization states (in that order in the body: a link's item before the keys, as version
// 2 snapshots were).
void collection_store::collect_snapshot_part(std::uint64_t epoch, std::size_t part, std::string& out) {
  assert(epoch != 0 && epoch == snapshot_epoch_.load());
  if (part == shard_mask_ + 1) return shares_.collect_snapshot_part(epoch, out);
  if (part == shard_mask_ + 2) return remembered_.collect_snapshot_part(epoch, out);
  if (part == shard_mask_ + 3) return orgs_.collect_snapshot_part(epoch, out);
  std::vector<captured_entry> at_cut;
  {
    shard& s = shards_[part];
    core::mutex_lock lock{s.mutex};
    if (s.captured_epoch == epoch) {
      at_cut.swap(s.captured);  // captured_epoch stays: no change captures it again
    } else {
      copy_at_cut(s, at_cut);
      s.captured_epoch = epoch;
    }
  }
  serialize(at_cut, out);
}

void collection_store::end_snapshot(std::uint64_t epoch) {
  std::uint64_t expected = epoch;
  if (!snapshot_epoch_.compare_exchange_strong(expected, 0)) return;
  for (std::size_t i = 0; i <= shard_mask_; ++i) {
    core::mutex_lock lock{shards_[i].mutex};
    decltype(shard::captured){}.swap(shards_[i].captured);
  }
  shares_.end_snapshot();
  remembered_.end_snapshot();
  orgs_.end_snapshot();
}

core::status collection_store::load_snapshot(std::string_view body) {
  // Items come in shard order; the owner index takes them in creation order afterwards
  // (each insert then lands at one end of its tree instead of at a random place).
  struct indexed {
    std::uint64_t created_seq;
    std::uint64_t id;
    const owner_index::owner* owner;
  };
  std::vector<indexed> to_index;
  const auto counts = model::count_snapshot_items(body);  // to size the tables once
  reserve(size() + counts.collections);
  track_ids_.reserve(track_ids_.size() + counts.tracks);  // at most that many distinct; release_spare_capacity() trims
  auto loaded = model::for_each_snapshot_view(body, [&](model::snapshot_item_view&& item, std::size_t offset) -> core::status {
    if (auto* w = std::get_if<model::remembered_write>(&item)) {
      remembered_.load(std::move(*w));  // in the order written: oldest first
      return core::success();
    }
    if (auto* o = std::get_if<model::org_status>(&item)) {
      if (!orgs_.load(*o)) return duplicate("organization state " + o->org, offset);
      return core::success();
    }
    if (auto* share = std::get_if<model::share_state>(&item)) {
      const auto linked = model::collection_number(share->link.collection_id);
      if (!linked) return not_a_collection_id(share->link.collection_id, offset);
      const owner_index::owner* creator = share->org.empty() ? nullptr : owners_.intern(share->org, share->owner);
      if (!shares_.load(*share, *linked, creator)) return duplicate("share link", offset);
      return core::success();
    }
    const auto& view = std::get<model::collection_view>(item);
    const auto& c = view.fields;
    const auto id = model::collection_number(c.id);
    if (!id) return not_a_collection_id(c.id, offset);
    shard& s = shard_of(*id);
    if (contains(*id)) return duplicate("collection " + c.id, offset);
    const owner_index::owner* owner = owners_.intern(c.org, c.owner);
    auto e = make_entry(c, view.tracks, owner);
    if (!e) return duplicate("track in collection " + c.id, offset);
    {
      core::mutex_lock lock{s.mutex};  // uncontended: nothing serves yet
      s.entries.try_emplace(*id, std::move(*e));
    }
    to_index.push_back({c.created_seq, *id, owner});
    return core::success();
  });
  std::sort(to_index.begin(), to_index.end(),
            [](const indexed& a, const indexed& b) { return a.created_seq < b.created_seq; });
  for (const auto& x : to_index) owners_.insert(*x.owner, x.created_seq, x.id);  // even after a refusal:
  shares_.resolve_creators([&](std::uint64_t number) { return owner_of(number); });  // entries and index agree
  return loaded;
}

}  // namespace mixtape::store
