#pragma once
// An open-addressing hash index of 32-bit values (handles, slot numbers) whose keys live
// elsewhere: linear probing, and beside each value a one-byte tag of its hash, so that a
// probe compares tags in the index and looks at the key itself only on a tag match (1 in
// 128 for a different key). Kept at most 3/4 full; removal by backward shift, so there
// are no tombstones. 5 bytes a place.
//
// The owner says what a value's hash is (hash_of) and which value it is after (same);
// the index never reads a key. Not thread-safe.
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace mixtape::store {

class probe_index {
 public:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  std::size_t size() const noexcept { return size_; }
  std::size_t places() const noexcept { return values_.size(); }
  std::size_t bytes() const noexcept { return values_.capacity() * sizeof(std::uint32_t) + tags_.capacity(); }

  // The place of the value with this hash for which same(value) holds, or npos.
  template <class Same>
  std::size_t find(std::uint32_t hash, Same&& same) const {
    if (values_.empty()) return npos;
    const std::uint8_t tag = tag_of(hash);
    const std::size_t mask = values_.size() - 1;
    for (std::size_t p = hash & mask; tags_[p] != 0; p = (p + 1) & mask)
      if (tags_[p] == tag && same(values_[p])) return p;
    return npos;
  }
  std::uint32_t value_at(std::size_t place) const noexcept { return values_[place]; }
  // Starts loading the places a find(hash) will look at first (a bulk load hides the
  // latency of its random accesses this way).
  void prefetch(std::uint32_t hash) const noexcept {
    if (values_.empty()) return;
    const std::size_t p = hash & (values_.size() - 1);
    __builtin_prefetch(&tags_[p]);
    __builtin_prefetch(&values_[p]);
  }

  // Adds `value` (not yet present) under `hash`. When that would make the index more than
  // 3/4 full, it first rebuilds twice as large from for_each(insert_one), which must call
  // insert_one(value, hash) for every value present.
  template <class ForEach>
  void insert(std::uint32_t value, std::uint32_t hash, ForEach&& for_each) {
    if ((size_ + 1) * 4 > values_.size() * 3) {
      reset(size_ + 1);
      for_each([this](std::uint32_t v, std::uint32_t h) { place(v, h); });
    }
    place(value, hash);
  }
  // Removes the value at `place`; hash_of(value) must give any present value's hash.
  template <class HashOf>
  void erase(std::size_t hole, HashOf&& hash_of) {
    const std::size_t mask = values_.size() - 1;
    for (std::size_t next = (hole + 1) & mask; tags_[next] != 0; next = (next + 1) & mask) {
      const std::size_t home = hash_of(values_[next]) & mask;
      const bool stays = hole < next ? (home > hole && home <= next) : (home > hole || home <= next);
      if (stays) continue;
      values_[hole] = values_[next];
      tags_[hole] = tags_[next];
      hole = next;
    }
    tags_[hole] = 0;
    --size_;
  }

  // Empties the index and sizes it for `n` values (none: no storage at all).
  void reset(std::size_t n) {
    const std::size_t places = n == 0 ? 0 : std::bit_ceil(std::max<std::size_t>(16, n * 4 / 3 + 1));
    values_.assign(places, 0);
    values_.shrink_to_fit();
    tags_.assign(places, 0);
    tags_.shrink_to_fit();
    size_ = 0;
  }
  // Adds a value to an index reset() for enough of them (no growth check).
  void place(std::uint32_t value, std::uint32_t hash) {
    const std::size_t mask = values_.size() - 1;
    std::size_t p = hash & mask;
    while (tags_[p] != 0) p = (p + 1) & mask;
    values_[p] = value;
    tags_[p] = tag_of(hash);
    ++size_;
  }

 private:
  static std::uint8_t tag_of(std::uint32_t hash) noexcept { return static_cast<std::uint8_t>((hash >> 25) + 1); }

  std::vector<std::uint32_t> values_;
  std::vector<std::uint8_t> tags_;  // 0: an empty place
  std::size_t size_ = 0;
};

}  // namespace mixtape::store
