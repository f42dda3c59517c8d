#pragma once
// Store-wide interned track ids. Each distinct id text is held once, named by a 32-bit
// handle and counted by the references the store's track lists hold. A track reference
// is then 4 bytes, whatever the id's length; the text costs 32 bytes once per distinct id
// ("mtrack_" + up to 22 characters inline, longer or other texts on the heap).
//
// Thread-safety: acquire(), release() and flush_released() belong to the store's applier
// thread (collection_store::apply, or loading before serving). text(), hash() and
// equals() may be called from any thread for a handle the caller saw referenced under a
// shard lock: the applier writes a handle's slot before it publishes the handle under
// that lock, and never rewrites a slot while a reference to it may be read (a released
// handle is only reused by flush_released(), which the applier calls while no snapshot
// copy holds handles).
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/probe_index.hpp"

namespace mixtape::store {

class track_ids {
 public:
  using handle = std::uint32_t;
  static constexpr handle none = 0xffff'ffffu;
  // Room for any id text() can build in a buffer: "mtrack_" + the inline characters.
  using text_buffer = std::array<char, 32>;

  track_ids();
  ~track_ids();
  track_ids(const track_ids&) = delete;
  track_ids& operator=(const track_ids&) = delete;

  // The hash every track list uses for `id` (stable within the process only).
  static std::uint32_t hash_of(std::string_view id) noexcept;

  // A reference to `id` (hash: hash_of(id)), interning it on first use. Applier only.
  handle acquire(std::string_view id, std::uint32_t hash);
  // See probe_index::prefetch.
  void prefetch(std::uint32_t hash) const noexcept { index_.prefetch(hash); }
  // Drops one reference. At zero the handle stays readable and is freed by the next
  // flush_released(). Applier only.
  void release(handle h) noexcept;
  // Frees the ids released to zero (and not acquired again since). Applier only, and
  // only while nothing but live track lists holds handles (no snapshot copy).
  void flush_released();

  // The id's text: a view into `scratch` or into the table, valid while the reference is.
  std::string_view text(handle h, text_buffer& scratch) const noexcept;
  std::uint32_t hash(handle h) const noexcept;
  // Whether the text holds no byte a JSON string must escape (a valid track id never does).
  bool json_safe(handle h) const noexcept;
  bool equals(handle h, std::string_view id) const noexcept;

  // Sizes the index for `n` ids in all (loading: no rebuilds on the way), and gives back
  // what an overestimate left unused. Applier only.
  void reserve(std::size_t n);
  void release_spare_capacity();

  std::size_t size() const noexcept { return live_; }     // distinct ids referenced

 private:
  // One id. Short texts after the "mtrack_" prefix live in `text`; any other text lives on
  // the heap, `text` holding its pointer and u32 size.
  struct slot {
    std::uint32_t references;
    std::uint32_t hash;
    std::uint8_t form : 2;       // form_inline, form_heap or form_free
    std::uint8_t json_safe : 1;  // no byte to escape in JSON
    std::uint8_t inline_size;    // characters after the prefix (inline form)
    char text[22];
  };
  static_assert(sizeof(slot) == 32);
  static constexpr unsigned chunk_bits = 16;  // 65536 slots (2 MiB) a chunk
  static constexpr std::size_t chunk_size = std::size_t{1} << chunk_bits;
  static constexpr std::size_t max_chunks = (std::size_t{1} << 32) / chunk_size;

  slot& at(handle h) const noexcept { return chunks_[h >> chunk_bits][h & (chunk_size - 1)]; }
  handle new_handle();
  static void store_text(slot& s, std::string_view id);
  static std::string_view heap_text(const slot& s) noexcept;
  static void free_text(slot& s) noexcept;
  std::size_t find(std::string_view id, std::uint32_t hash) const noexcept;
  void rebuild_index(std::size_t capacity_for);
  // Every id held (references or not), for rebuilding the index, in handle order.
  template <class F>
  void for_each_held(F&& f) const;

  // Chunk addresses never change, and chunks_ never reallocates: readers index it freely.
  std::unique_ptr<std::unique_ptr<slot[]>[]> chunks_;
  std::size_t chunk_count_ = 0;
  handle next_ = 0;                  // first never-used handle
  std::vector<handle> free_;         // freed handles to reuse
  std::vector<handle> released_;     // released to zero since the last flush
  probe_index index_;                // handles by hash: every id held (live_ of them)
  std::size_t live_ = 0;
};

}  // namespace mixtape::store
