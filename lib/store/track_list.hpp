#pragma once
// One collection's tracks: an ordered set of interned track ids (store/track_ids.hpp),
// each with the time it was added. Costs, n = tracks held:
//   contains, position_of          O(1) expected (hash index) / O(log n)
//   add (at the end), remove       O(log n)
//   page of `limit` at any offset  O((1 + limit) log n)
//   reorder                        O(n + ids listed)
// Memory: 8 bytes a slot (in 8 KiB pages past the first), 0.2 of bitmap and tree, 7-13 of
// index: under 24 bytes a reference.
//
// Layout: `slots_` in track order, where a removed track leaves a hole (track == none) until
// holes outnumber tracks and the list is compacted (amortized O(1) a removal). A bitmap
// marks the slots holding tracks, and a Fenwick tree over blocks of 64 slots counts them,
// which turns positions into slots and back. The index (probe_index) holds slot numbers,
// keyed by the id's hash.
//
// Not thread-safe: the store guards each list with its shard lock. Changes take the
// store's track_ids, which only the applier thread may change (see track_ids.hpp).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "model/collection.hpp"
#include "store/paged_vector.hpp"
#include "store/probe_index.hpp"
#include "store/track_ids.hpp"

namespace mixtape::store {

class track_list {
 public:
  using handle = track_ids::handle;
  struct item {
    handle track = track_ids::none;
    std::uint32_t added_at = 0;  // unix seconds (see compact_time)
  };

  // Times are kept in 32 bits: 1970 .. 2106. A time outside (only a crafted journal
  // record can hold one) is clamped to the nearest bound.
  static std::uint32_t compact_time(core::unix_seconds t) noexcept;

  std::size_t size() const noexcept { return live_; }
  bool contains(const track_ids& ids, std::string_view id) const noexcept;
  std::optional<std::size_t> position_of(const track_ids& ids, std::string_view id) const noexcept;
  // How many of `batch` are not members (each distinct id counted once).
  std::size_t count_new(const track_ids& ids, std::span<const std::string> batch) const;
  // The same, with hashes[i] = track_ids::hash_of(batch[i]) already known.
  std::size_t count_new(const track_ids& ids, std::span<const std::string> batch,
                        std::span<const std::uint32_t> hashes) const;

  // Appends `id` unless it is a member; returns whether it did.
  bool add(track_ids& ids, std::string_view id, core::unix_seconds at);
  // The same, with hash = track_ids::hash_of(id) already known.
  bool add(track_ids& ids, std::string_view id, std::uint32_t hash, core::unix_seconds at);
  // Removes `id` if it is a member; returns whether it did.
  bool remove(track_ids& ids, std::string_view id);
  // The order PATCH .../order asks for (docs/openapi.yaml, reorderTracks): listed members
  // first, in the order listed (a repeat counts once); the other members after, in their
  // previous order. nullopt when that is the present order.
  std::optional<std::vector<item>> reordered(const track_ids& ids, std::span<const std::string> listed) const;
  // Whether reordered() would change anything, without building the order: the listed
  // members (repeats aside) must already be the first ones, in that order.
  bool reorder_changes(const track_ids& ids, std::span<const std::string> listed) const;
  // Takes `order`, a permutation of the members from reordered().
  void assign_order(const track_ids& ids, std::vector<item> order);
  // Drops every reference (the collection is deleted).
  void release_all(track_ids& ids) noexcept;

  // Calls f(const item&, position) for the members at positions offset .. offset+limit-1.
  template <class F>
  void for_range(std::size_t offset, std::size_t limit, F&& f) const {
    std::size_t position = offset;
    const std::size_t end = offset + std::min(limit, live_ > offset ? live_ - offset : 0);
    for (std::size_t s = position < end ? slot_of(position) : 0; position < end; ++s) {
      if (slots_[s].track == track_ids::none) s = slot_of(position);  // jump over a run of holes
      f(slots_[s], position++);
    }
  }
  // The members in order, without holes (a snapshot's copy).
  std::vector<item> items() const;

  // Makes room for `n` tracks in all (loading: no regrowth on the way).
  void reserve(std::size_t n);
  // Gives back spare capacity (after loading).
  void shrink_to_fit();
  std::size_t bytes() const noexcept;

 private:
  static constexpr std::size_t block = 64;  // slots a bitmap word and a tree node cover

  bool is_member(std::size_t slot) const noexcept { return (members_[slot / block] >> (slot % block)) & 1; }
  // The slot of the member at `position` (< size()).
  std::size_t slot_of(std::size_t position) const noexcept;
  // Members in slots before `slot`.
  std::size_t count_before(std::size_t slot) const noexcept;
  void tree_add(std::size_t node, std::int32_t delta) noexcept;
  void push_slot(item x);             // a member at the end
  void reset_members();               // every slot a member
  std::size_t find_place(const track_ids& ids, std::string_view id, std::uint32_t hash) const noexcept;
  void index_insert(const track_ids& ids, std::uint32_t slot, std::uint32_t hash);
  void index_rebuild(const track_ids& ids);
  void compact(const track_ids& ids);

  paged_vector<item, 1024> slots_;      // 8 KiB pages
  std::vector<std::uint64_t> members_;  // bit s % 64 of word s / 64: slot s holds a track
  std::vector<std::uint32_t> tree_;     // Fenwick over blocks, 1-based: tree_[i-1] counts members of blocks (i - lowbit(i), i]
  probe_index index_;                   // slot numbers of the members, by the hash of their ids
  std::size_t live_ = 0;
};

}  // namespace mixtape::store
