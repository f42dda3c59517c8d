#include "store/track_ids.hpp"

#include <cstring>
#include <functional>
#include <stdexcept>

#include "core/identifiers.hpp"

namespace mixtape::store {
namespace {

constexpr std::string_view prefix = core::track_prefix;
constexpr std::uint8_t form_heap = 0, form_inline = 1, form_free = 2;
constexpr std::size_t initial_index = 1024;

}  // namespace

track_ids::track_ids()
    : chunks_(std::make_unique<std::unique_ptr<slot[]>[]>(max_chunks)), index_(initial_index, none) {}

track_ids::~track_ids() {
  for (handle h = 0; h < next_; ++h) free_text(at(h));
}

std::uint32_t track_ids::hash_of(std::string_view id) noexcept {
  const std::size_t h = std::hash<std::string_view>{}(id);
  return static_cast<std::uint32_t>(h ^ (h >> 32));
}

track_ids::handle track_ids::acquire(std::string_view id, std::uint32_t hash) {
  const std::size_t place = find_place(id, hash);
  if (index_[place] != none) {
    ++at(index_[place]).references;  // at zero it was waiting in released_: flush skips it now
    return index_[place];
  }
  const handle h = new_handle();
  slot& s = at(h);
  s.references = 1;
  s.hash = hash;
  store_text(s, id);
  index_[place] = h;
  if (++live_ * 4 > index_.size() * 3) grow_index();
  return h;
}

void track_ids::add_reference(handle h) noexcept { ++at(h).references; }

void track_ids::release(handle h) noexcept {
  if (--at(h).references == 0) released_.push_back(h);
}

void track_ids::flush_released() {
  for (const handle h : released_) {
    slot& s = at(h);
    if (s.references != 0 || s.inline_form == form_free) continue;  // taken again, or listed twice
    index_erase(h);
    free_text(s);
    s.inline_form = form_free;
    free_.push_back(h);
    --live_;
  }
  released_.clear();
}

std::string_view track_ids::text(handle h, text_buffer& scratch) const noexcept {
  const slot& s = at(h);
  if (s.inline_form == form_inline) {
    std::memcpy(scratch.data(), prefix.data(), prefix.size());
    std::memcpy(scratch.data() + prefix.size(), s.inline_text, s.size - prefix.size());
    return {scratch.data(), s.size};
  }
  const char* heap = nullptr;
  std::memcpy(&heap, s.inline_text, sizeof heap);
  return {heap, s.size};
}

std::uint32_t track_ids::hash(handle h) const noexcept { return at(h).hash; }

bool track_ids::equals(handle h, std::string_view id) const noexcept {
  const slot& s = at(h);
  if (s.size != id.size()) return false;
  if (s.inline_form == form_inline)
    return id.starts_with(prefix) && std::memcmp(id.data() + prefix.size(), s.inline_text, s.size - prefix.size()) == 0;
  const char* heap = nullptr;
  std::memcpy(&heap, s.inline_text, sizeof heap);
  return std::memcmp(heap, id.data(), id.size()) == 0;
}

std::size_t track_ids::bytes() const noexcept {
  return chunk_count_ * chunk_size * sizeof(slot) + index_.capacity() * sizeof(handle) +
         (free_.capacity() + released_.capacity()) * sizeof(handle);
}

track_ids::handle track_ids::new_handle() {
  if (!free_.empty()) {
    const handle h = free_.back();
    free_.pop_back();
    return h;
  }
  if (next_ == none) throw std::length_error("more than 2^32 - 1 distinct track ids");
  const handle h = next_++;
  if ((h >> chunk_bits) == chunk_count_) chunks_[chunk_count_++] = std::make_unique_for_overwrite<slot[]>(chunk_size);
  return h;
}

void track_ids::store_text(slot& s, std::string_view id) {
  s.size = static_cast<std::uint32_t>(id.size());
  if (id.starts_with(prefix) && id.size() - prefix.size() <= sizeof s.inline_text) {
    s.inline_form = form_inline;
    std::memcpy(s.inline_text, id.data() + prefix.size(), id.size() - prefix.size());
    return;
  }
  s.inline_form = form_heap;
  char* heap = new char[id.size() ? id.size() : 1];
  std::memcpy(heap, id.data(), id.size());
  std::memcpy(s.inline_text, &heap, sizeof heap);
}

void track_ids::free_text(slot& s) noexcept {
  if (s.inline_form != form_heap) return;
  char* heap = nullptr;
  std::memcpy(&heap, s.inline_text, sizeof heap);
  delete[] heap;
  s.inline_form = form_free;
}

std::size_t track_ids::find_place(std::string_view id, std::uint32_t hash) const noexcept {
  const std::size_t mask = index_.size() - 1;
  for (std::size_t p = hash & mask;; p = (p + 1) & mask) {
    const handle h = index_[p];
    if (h == none || (at(h).hash == hash && equals(h, id))) return p;
  }
}

void track_ids::index_insert(handle h) {
  const std::size_t mask = index_.size() - 1;
  std::size_t p = at(h).hash & mask;
  while (index_[p] != none) p = (p + 1) & mask;
  index_[p] = h;
}

// Backward-shift deletion: later members of the probe run move up into the hole when
// their home position does not lie cyclically in (hole, their position].
void track_ids::index_erase(handle h) noexcept {
  const std::size_t mask = index_.size() - 1;
  std::size_t hole = at(h).hash & mask;
  while (index_[hole] != h) hole = (hole + 1) & mask;
  for (std::size_t next = (hole + 1) & mask; index_[next] != none; next = (next + 1) & mask) {
    const std::size_t home = at(index_[next]).hash & mask;
    const bool stays = hole < next ? (home > hole && home <= next) : (home > hole || home <= next);
    if (stays) continue;
    index_[hole] = index_[next];
    hole = next;
  }
  index_[hole] = none;
}

void track_ids::grow_index() {
  std::vector<handle> old(index_.size() * 2, none);
  old.swap(index_);
  for (const handle h : old)
    if (h != none) index_insert(h);
}

}  // namespace mixtape::store
