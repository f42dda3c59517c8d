#include "store/track_ids.hpp"

#include <cstring>
#include <functional>
#include <stdexcept>

#include "core/identifiers.hpp"
#include "core/json_text.hpp"

namespace mixtape::store {
namespace {

constexpr std::string_view prefix = core::track_prefix;
constexpr std::uint8_t form_heap = 0, form_inline = 1, form_free = 2;

// id.starts_with(prefix), compared in line (this runs for every id loaded).
bool has_prefix(std::string_view id) noexcept {
  if (id.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (id[i] != prefix[i]) return false;
  return true;
}

}  // namespace

track_ids::track_ids() : chunks_(std::make_unique<std::unique_ptr<slot[]>[]>(max_chunks)) {}

track_ids::~track_ids() {
  for (handle h = 0; h < next_; ++h) free_text(at(h));
}

std::uint32_t track_ids::hash_of(std::string_view id) noexcept {
  const std::size_t h = std::hash<std::string_view>{}(id);
  return static_cast<std::uint32_t>(h ^ (h >> 32));
}

track_ids::handle track_ids::acquire(std::string_view id, std::uint32_t hash) {
  if (const std::size_t place = find(id, hash); place != probe_index::npos) {
    const handle h = index_.value_at(place);
    ++at(h).references;  // at zero it was waiting in released_: flush skips it now
    return h;
  }
  const handle h = new_handle();
  slot& s = at(h);
  s.references = 1;
  s.hash = hash;
  store_text(s, id);
  index_.insert(h, hash, [this, h](auto&& insert_one) {
    for_each_held([&](handle held) {
      if (held != h) insert_one(held, at(held).hash);
    });
  });
  ++live_;
  return h;
}

void track_ids::reserve(std::size_t n) {
  if (n > index_.size() && n * 4 > index_.places() * 3) rebuild_index(n);
}

void track_ids::release_spare_capacity() {
  if (index_.places() > 4 * (live_ + 16)) rebuild_index(live_);  // twice the smallest that fits
}

void track_ids::rebuild_index(std::size_t capacity_for) {
  index_.reset(capacity_for);
  for_each_held([&](handle h) { index_.place(h, at(h).hash); });
}

void track_ids::release(handle h) noexcept {
  if (--at(h).references == 0) released_.push_back(h);
}

void track_ids::flush_released() {
  for (const handle h : released_) {
    slot& s = at(h);
    if (s.references != 0 || s.form == form_free) continue;  // taken again, or listed twice
    index_.erase(index_.find(s.hash, [h](std::uint32_t v) { return v == h; }),
                 [this](std::uint32_t v) { return at(v).hash; });
    free_text(s);
    s.form = form_free;
    free_.push_back(h);
    --live_;
  }
  released_.clear();
}

std::string_view track_ids::text(handle h, text_buffer& scratch) const noexcept {
  const slot& s = at(h);
  if (s.form != form_inline) return heap_text(s);
  std::memcpy(scratch.data(), prefix.data(), prefix.size());
  std::memcpy(scratch.data() + prefix.size(), s.text, s.inline_size);
  return {scratch.data(), prefix.size() + s.inline_size};
}

std::uint32_t track_ids::hash(handle h) const noexcept { return at(h).hash; }

bool track_ids::json_safe(handle h) const noexcept { return at(h).json_safe; }

bool track_ids::equals(handle h, std::string_view id) const noexcept {
  const slot& s = at(h);
  if (s.form == form_inline)
    return id.size() == prefix.size() + s.inline_size && has_prefix(id) &&
           std::memcmp(id.data() + prefix.size(), s.text, s.inline_size) == 0;
  return heap_text(s) == id;
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
  s.json_safe = !core::needs_json_escape(id);
  if (has_prefix(id) && id.size() - prefix.size() <= sizeof s.text) {
    s.form = form_inline;
    s.inline_size = static_cast<std::uint8_t>(id.size() - prefix.size());
    std::memcpy(s.text, id.data() + prefix.size(), s.inline_size);
    return;
  }
  s.form = form_heap;
  char* heap = new char[id.size() ? id.size() : 1];
  std::memcpy(heap, id.data(), id.size());
  const auto size = static_cast<std::uint32_t>(id.size());
  std::memcpy(s.text, &heap, sizeof heap);
  std::memcpy(s.text + sizeof heap, &size, sizeof size);
}

std::string_view track_ids::heap_text(const slot& s) noexcept {
  const char* heap = nullptr;
  std::uint32_t size = 0;
  std::memcpy(&heap, s.text, sizeof heap);
  std::memcpy(&size, s.text + sizeof heap, sizeof size);
  return {heap, size};
}

void track_ids::free_text(slot& s) noexcept {
  if (s.form != form_heap) return;
  delete[] heap_text(s).data();
  s.form = form_free;
}

std::size_t track_ids::find(std::string_view id, std::uint32_t hash) const noexcept {
  return index_.find(hash, [&](std::uint32_t h) { return equals(h, id); });
}

template <class F>
void track_ids::for_each_held(F&& f) const {
  for (handle h = 0; h < next_; ++h)
    if (at(h).form != form_free) f(h);
}

}  // namespace mixtape::store
