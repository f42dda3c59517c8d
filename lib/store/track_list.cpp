#include "store/track_list.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <limits>

namespace mixtape::store {
namespace {

constexpr std::size_t min_holes_to_compact = 64;

std::size_t lowbit(std::size_t i) noexcept { return i & (~i + 1); }

// The index of the k-th (0-based) set bit of `word`, which has more than k.
unsigned select_bit(std::uint64_t word, std::size_t k) noexcept {
  for (; k > 0; --k) word &= word - 1;
  return static_cast<unsigned>(std::countr_zero(word));
}

}  // namespace

std::uint32_t track_list::compact_time(core::unix_seconds t) noexcept {
  return static_cast<std::uint32_t>(
      std::clamp<core::unix_seconds>(t, 0, std::numeric_limits<std::uint32_t>::max()));
}

bool track_list::contains(const track_ids& ids, std::string_view id) const noexcept {
  return find_place(ids, id, track_ids::hash_of(id)) != probe_index::npos;
}

std::optional<std::size_t> track_list::position_of(const track_ids& ids, std::string_view id) const noexcept {
  const std::size_t place = find_place(ids, id, track_ids::hash_of(id));
  if (place == probe_index::npos) return std::nullopt;
  return count_before(index_.value_at(place));
}

std::size_t track_list::count_new(const track_ids& ids, std::span<const std::string> batch) const {
  std::vector<std::uint32_t> hashes;
  hashes.reserve(batch.size());
  for (const auto& id : batch) hashes.push_back(track_ids::hash_of(id));
  return count_new(ids, batch, hashes);
}

std::size_t track_list::count_new(const track_ids& ids, std::span<const std::string> batch,
                                  std::span<const std::uint32_t> hashes) const {
  std::vector<std::string_view> fresh;
  fresh.reserve(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i)
    if (find_place(ids, batch[i], hashes[i]) == probe_index::npos) fresh.push_back(batch[i]);
  std::sort(fresh.begin(), fresh.end());
  return static_cast<std::size_t>(std::unique(fresh.begin(), fresh.end()) - fresh.begin());
}

bool track_list::add(track_ids& ids, std::string_view id, core::unix_seconds at) {
  return add(ids, id, track_ids::hash_of(id), at);
}

bool track_list::add(track_ids& ids, std::string_view id, std::uint32_t hash, core::unix_seconds at) {
  if (find_place(ids, id, hash) != probe_index::npos) return false;
  push_slot({ids.acquire(id, hash), compact_time(at)});
  ++live_;
  index_insert(ids, static_cast<std::uint32_t>(slots_.size() - 1), hash);
  return true;
}

bool track_list::remove(track_ids& ids, std::string_view id) {
  const std::size_t place = find_place(ids, id, track_ids::hash_of(id));
  if (place == probe_index::npos) return false;
  const std::uint32_t slot = index_.value_at(place);
  index_.erase(place, [&](std::uint32_t s) { return ids.hash(slots_[s].track); });
  const handle h = slots_[slot].track;
  slots_[slot].track = track_ids::none;
  members_[slot / block] &= ~(std::uint64_t{1} << (slot % block));
  tree_add(slot / block + 1, -1);
  --live_;
  ids.release(h);
  while (!slots_.empty() && slots_.back().track == track_ids::none) {
    slots_.pop_back();
    if (slots_.size() % block == 0) {  // the last block is empty: a prefix of a Fenwick
      members_.pop_back();             // tree is one too
      tree_.pop_back();
    }
  }
  const std::size_t holes = slots_.size() - live_;
  if (holes >= min_holes_to_compact && holes > live_) compact(ids);
  return true;
}

std::optional<std::vector<track_list::item>> track_list::reordered(const track_ids& ids,
                                                                   std::span<const std::string> listed) const {
  std::vector<bool> placed(slots_.size());
  std::vector<item> order;
  order.reserve(live_);
  for (const auto& id : listed) {
    const std::size_t place = find_place(ids, id, track_ids::hash_of(id));
    if (place == probe_index::npos) continue;
    const std::uint32_t slot = index_.value_at(place);
    if (placed[slot]) continue;
    placed[slot] = true;
    order.push_back(slots_[slot]);
  }
  for (std::size_t s = 0; s < slots_.size(); ++s)
    if (slots_[s].track != track_ids::none && !placed[s]) order.push_back(slots_[s]);
  for (std::size_t s = 0, i = 0; s < slots_.size(); ++s) {
    if (slots_[s].track == track_ids::none) continue;
    if (slots_[s].track != order[i++].track) return order;
  }
  return std::nullopt;  // the present order
}

bool track_list::reorder_changes(const track_ids& ids, std::span<const std::string> listed) const {
  std::size_t next = 0;  // the slot of the first member not yet matched by a listed one
  const auto skip_holes = [&] {
    while (next < slots_.size() && slots_[next].track == track_ids::none) ++next;
  };
  skip_holes();
  for (const auto& id : listed) {
    const std::size_t place = find_place(ids, id, track_ids::hash_of(id));
    if (place == probe_index::npos) continue;
    const std::uint32_t slot = index_.value_at(place);
    if (slot < next) continue;  // listed before: placed already
    if (slot != next) return true;
    ++next;
    skip_holes();
  }
  return false;
}

void track_list::assign_order(const track_ids& ids, std::vector<item> order) {
  assert(order.size() == live_);
  slots_.truncate(0);
  for (const item& x : order) slots_.push_back(x);
  reset_members();
  index_rebuild(ids);
}

void track_list::release_all(track_ids& ids) noexcept {
  for (std::size_t s = 0; s < slots_.size(); ++s)
    if (slots_[s].track != track_ids::none) ids.release(slots_[s].track);
  slots_.clear();
  members_.clear();
  tree_.clear();
  index_.reset(0);
  live_ = 0;
}

std::vector<track_list::item> track_list::items() const {
  std::vector<item> out;
  out.reserve(live_);
  for (std::size_t s = 0; s < slots_.size(); ++s)
    if (slots_[s].track != track_ids::none) out.push_back(slots_[s]);
  return out;
}

void track_list::reserve(std::size_t n) {
  slots_.reserve(n);
  members_.reserve((n + block - 1) / block);
  tree_.reserve((n + block - 1) / block);
  if (index_.size() == 0) index_.reset(n);
}

void track_list::shrink_to_fit() {
  slots_.shrink_to_fit();
  members_.shrink_to_fit();
  tree_.shrink_to_fit();
}

std::size_t track_list::bytes() const noexcept {
  return slots_.bytes() + members_.capacity() * sizeof(std::uint64_t) +
         tree_.capacity() * sizeof(std::uint32_t) + index_.bytes();
}

std::size_t track_list::slot_of(std::size_t position) const noexcept {
  assert(position < live_);
  std::size_t node = 0;  // blocks before the one sought, all holding <= position members
  for (std::size_t step = std::bit_floor(tree_.size()); step != 0; step >>= 1) {
    if (node + step <= tree_.size() && tree_[node + step - 1] <= position) {
      node += step;
      position -= tree_[node - 1];
    }
  }
  return node * block + select_bit(members_[node], position);
}

std::size_t track_list::count_before(std::size_t slot) const noexcept {
  std::size_t n = 0;
  for (std::size_t i = slot / block; i > 0; i -= lowbit(i)) n += tree_[i - 1];
  const std::uint64_t below = (std::uint64_t{1} << (slot % block)) - 1;
  return n + static_cast<std::size_t>(std::popcount(members_[slot / block] & below));
}

void track_list::tree_add(std::size_t node, std::int32_t delta) noexcept {
  for (std::size_t i = node; i <= tree_.size(); i += lowbit(i))
    tree_[i - 1] = static_cast<std::uint32_t>(static_cast<std::int64_t>(tree_[i - 1]) + delta);
}

// A new block's node i covers blocks (i - lowbit(i), i]: the members of blocks
// (i - lowbit(i), i - 1], which are the counts before their slots, and the new member.
void track_list::push_slot(item x) {
  const std::size_t slot = slots_.size();
  slots_.push_back(x);
  if (slot % block == 0) {
    members_.push_back(1);
    const std::size_t i = tree_.size() + 1;
    tree_.push_back(static_cast<std::uint32_t>(1 + count_before((i - 1) * block) - count_before((i - lowbit(i)) * block)));
    return;
  }
  members_.back() |= std::uint64_t{1} << (slot % block);
  tree_add(slot / block + 1, +1);
}

void track_list::reset_members() {
  const std::size_t blocks = (slots_.size() + block - 1) / block;
  members_.assign(blocks, ~std::uint64_t{0});
  if (slots_.size() % block) members_.back() = (std::uint64_t{1} << (slots_.size() % block)) - 1;
  tree_.assign(blocks, 0);
  for (std::size_t i = 1; i <= blocks; ++i) {  // linear Fenwick build: each node adds itself to its parent
    tree_[i - 1] += static_cast<std::uint32_t>(std::popcount(members_[i - 1]));
    if (const std::size_t parent = i + lowbit(i); parent <= blocks) tree_[parent - 1] += tree_[i - 1];
  }
}

std::size_t track_list::find_place(const track_ids& ids, std::string_view id, std::uint32_t hash) const noexcept {
  return index_.find(hash, [&](std::uint32_t slot) { return ids.equals(slots_[slot].track, id); });
}

void track_list::index_insert(const track_ids& ids, std::uint32_t slot, std::uint32_t hash) {
  index_.insert(slot, hash, [&](auto&& insert_one) {
    for (std::size_t s = 0; s < slots_.size(); ++s)
      if (s != slot && slots_[s].track != track_ids::none)
        insert_one(static_cast<std::uint32_t>(s), ids.hash(slots_[s].track));
  });
}

void track_list::index_rebuild(const track_ids& ids) {
  index_.reset(live_);
  for (std::size_t s = 0; s < slots_.size(); ++s)
    if (slots_[s].track != track_ids::none) index_.place(static_cast<std::uint32_t>(s), ids.hash(slots_[s].track));
}

void track_list::compact(const track_ids& ids) {
  std::size_t kept = 0;
  for (std::size_t s = 0; s < slots_.size(); ++s)
    if (slots_[s].track != track_ids::none) slots_[kept++] = slots_[s];
  slots_.truncate(kept);  // a list that lost most of its tracks gives their pages back
  slots_.shrink_to_fit();
  reset_members();
  members_.shrink_to_fit();
  tree_.shrink_to_fit();
  index_rebuild(ids);
}

}  // namespace mixtape::store
