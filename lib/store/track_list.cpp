#include "store/track_list.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <limits>

namespace mixtape::store {
namespace {

constexpr std::size_t min_index = 16;
constexpr std::size_t min_holes_to_compact = 64;

std::size_t lowbit(std::size_t i) noexcept { return i & (~i + 1); }

// The smallest power of two that keeps `members` under 3/4 full.
std::size_t index_size_for(std::size_t members) noexcept {
  return std::max(min_index, std::bit_ceil(members * 4 / 3 + 1));
}

}  // namespace

std::uint32_t track_list::compact_time(core::unix_seconds t) noexcept {
  return static_cast<std::uint32_t>(
      std::clamp<core::unix_seconds>(t, 0, std::numeric_limits<std::uint32_t>::max()));
}

bool track_list::contains(const track_ids& ids, std::string_view id) const noexcept {
  return !index_.empty() && index_[find_place(ids, id, track_ids::hash_of(id))] != empty;
}

std::optional<std::size_t> track_list::position_of(const track_ids& ids, std::string_view id) const noexcept {
  if (index_.empty()) return std::nullopt;
  const std::uint32_t slot = index_[find_place(ids, id, track_ids::hash_of(id))];
  if (slot == empty) return std::nullopt;
  return count_before(slot);
}

std::size_t track_list::count_new(const track_ids& ids, std::span<const std::string> batch) const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const bool repeat = std::find(batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(i), batch[i]) !=
                        batch.begin() + static_cast<std::ptrdiff_t>(i);  // batches hold at most 100
    if (!repeat && !contains(ids, batch[i])) ++n;
  }
  return n;
}

bool track_list::add(track_ids& ids, std::string_view id, core::unix_seconds at) {
  const std::uint32_t hash = track_ids::hash_of(id);
  if (!index_.empty() && index_[find_place(ids, id, hash)] != empty) return false;
  const handle h = ids.acquire(id, hash);
  slots_.push_back({h, compact_time(at)});
  tree_append_member();
  ++live_;
  if (live_ * 4 > index_.size() * 3) index_rebuild(ids, live_);  // grows; inserts the new slot too
  else index_insert(ids, static_cast<std::uint32_t>(slots_.size() - 1));
  return true;
}

bool track_list::remove(track_ids& ids, std::string_view id) {
  if (index_.empty()) return false;
  const std::size_t place = find_place(ids, id, track_ids::hash_of(id));
  const std::uint32_t slot = index_[place];
  if (slot == empty) return false;
  index_erase(ids, place);
  const handle h = slots_[slot].track;
  slots_[slot].track = track_ids::none;
  tree_add(slot, -1);
  --live_;
  ids.release(h);
  while (!slots_.empty() && slots_.back().track == track_ids::none) {  // a prefix of a Fenwick
    slots_.pop_back();                                                  // tree is one too
    tree_.pop_back();
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
  if (!index_.empty()) {
    for (const auto& id : listed) {
      const std::uint32_t slot = index_[find_place(ids, id, track_ids::hash_of(id))];
      if (slot == empty || placed[slot]) continue;
      placed[slot] = true;
      order.push_back(slots_[slot]);
    }
  }
  for (std::size_t s = 0; s < slots_.size(); ++s)
    if (slots_[s].track != track_ids::none && !placed[s]) order.push_back(slots_[s]);
  std::size_t i = 0;
  const bool same = std::all_of(slots_.begin(), slots_.end(), [&](const item& x) {
    return x.track == track_ids::none || x.track == order[i++].track;
  });
  if (same) return std::nullopt;
  return order;
}

void track_list::assign_order(const track_ids& ids, std::vector<item> order) {
  assert(order.size() == live_);
  slots_ = std::move(order);
  tree_reset();
  index_rebuild(ids, live_);
}

void track_list::release_all(track_ids& ids) noexcept {
  for (const item& x : slots_)
    if (x.track != track_ids::none) ids.release(x.track);
  slots_.clear();
  tree_.clear();
  index_.clear();
  live_ = 0;
}

std::vector<track_list::item> track_list::items() const {
  std::vector<item> out;
  out.reserve(live_);
  for (const item& x : slots_)
    if (x.track != track_ids::none) out.push_back(x);
  return out;
}

void track_list::shrink_to_fit() {
  slots_.shrink_to_fit();
  tree_.shrink_to_fit();
}

std::size_t track_list::bytes() const noexcept {
  return slots_.capacity() * sizeof(item) + (tree_.capacity() + index_.capacity()) * sizeof(std::uint32_t);
}

std::size_t track_list::slot_of(std::size_t position) const noexcept {
  assert(position < live_);
  std::size_t slot = 0;  // the tree prefix length found so far, holding <= position members
  for (std::size_t step = std::bit_floor(tree_.size()); step != 0; step >>= 1) {
    if (slot + step <= tree_.size() && tree_[slot + step - 1] <= position) {
      slot += step;
      position -= tree_[slot - 1];
    }
  }
  return slot;
}

std::size_t track_list::count_before(std::size_t slot) const noexcept {
  std::size_t n = 0;
  for (std::size_t i = slot; i > 0; i -= lowbit(i)) n += tree_[i - 1];
  return n;
}

void track_list::tree_add(std::size_t slot, std::int32_t delta) noexcept {
  for (std::size_t i = slot + 1; i <= tree_.size(); i += lowbit(i))
    tree_[i - 1] = static_cast<std::uint32_t>(static_cast<std::int64_t>(tree_[i - 1]) + delta);
}

// The new node i covers slots (i - lowbit(i), i]: the members in (i - lowbit(i), i - 1],
// which are count_before(i - 1) - count_before(i - lowbit(i)), plus the new member.
void track_list::tree_append_member() {
  const std::size_t i = tree_.size() + 1;
  tree_.push_back(static_cast<std::uint32_t>(1 + count_before(i - 1) - count_before(i - lowbit(i))));
}

void track_list::tree_reset() {
  tree_.resize(slots_.size());
  for (std::size_t i = 1; i <= tree_.size(); ++i) tree_[i - 1] = static_cast<std::uint32_t>(lowbit(i));
}

std::size_t track_list::find_place(const track_ids& ids, std::string_view id, std::uint32_t hash) const noexcept {
  const std::size_t mask = index_.size() - 1;
  for (std::size_t p = hash & mask;; p = (p + 1) & mask) {
    const std::uint32_t slot = index_[p];
    if (slot == empty) return p;
    const handle h = slots_[slot].track;
    if (ids.hash(h) == hash && ids.equals(h, id)) return p;
  }
}

void track_list::index_insert(const track_ids& ids, std::uint32_t slot) {
  const std::size_t mask = index_.size() - 1;
  std::size_t p = ids.hash(slots_[slot].track) & mask;
  while (index_[p] != empty) p = (p + 1) & mask;
  index_[p] = slot;
}

// Backward-shift deletion, as in track_ids::index_erase.
void track_list::index_erase(const track_ids& ids, std::size_t hole) noexcept {
  const std::size_t mask = index_.size() - 1;
  for (std::size_t next = (hole + 1) & mask; index_[next] != empty; next = (next + 1) & mask) {
    const std::size_t home = ids.hash(slots_[index_[next]].track) & mask;
    const bool stays = hole < next ? (home > hole && home <= next) : (home > hole || home <= next);
    if (stays) continue;
    index_[hole] = index_[next];
    hole = next;
  }
  index_[hole] = empty;
}

void track_list::index_rebuild(const track_ids& ids, std::size_t members) {
  index_.assign(index_size_for(members), empty);
  for (std::size_t s = 0; s < slots_.size(); ++s)
    if (slots_[s].track != track_ids::none) index_insert(ids, static_cast<std::uint32_t>(s));
}

void track_list::compact(const track_ids& ids) {
  std::erase_if(slots_, [](const item& x) { return x.track == track_ids::none; });
  slots_.shrink_to_fit();  // a list that lost most of its tracks gives their memory back
  tree_reset();
  tree_.shrink_to_fit();
  index_rebuild(ids, live_);
  index_.shrink_to_fit();
}

}  // namespace mixtape::store
