#pragma once
// The Idempotency-Keys remembered by guarded writes (docs/openapi.yaml, "Idempotency-Key";
// the bounds and expiry are idempotency_table's): one unit with one lock and one snapshot
// part (snapshot_part.hpp).
//
// Thread-safety: every member may be called from any thread; each holds mutex_ for one
// lookup or change and takes no other lock meanwhile. It nests under the service's
// keyed_mutex_ (find(), service/idempotency.cpp: a key is looked up and marked in flight
// at once) and under no lock of the store. remember() is the applier thread's
// (collection_store::apply), load() and set_limit() are for before serving.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/mutex.hpp"
#include "model/snapshot_item.hpp"
#include "store/idempotency_table.hpp"
#include "store/snapshot_part.hpp"

namespace mixtape::store {

class remembered_keys {
 public:
  // `snapshot_epoch`: the store's snapshot in progress (0: none), read before each change.
  explicit remembered_keys(const std::atomic<std::uint64_t>& snapshot_epoch) : snapshot_epoch_(snapshot_epoch) {}

  // Remembers `w` (a write that just applied, at `now`); see idempotency_table::remember.
  void remember(model::remembered_write w, core::unix_seconds now) EXCLUDES(mutex_);
  // The key (principal, key) remembered by an earlier write, unless unknown or expired.
  std::optional<model::remembered_write> find(std::string_view principal, std::string_view key,
                                              core::unix_seconds now) const EXCLUDES(mutex_);
  // How many keys may be remembered (the rest forgotten oldest first).
  void set_limit(std::size_t max_entries) EXCLUDES(mutex_);
  std::size_t size() const EXCLUDES(mutex_);
  std::uint64_t forgotten_early() const EXCLUDES(mutex_);

  // --- Snapshots: the part of collection_store's snapshot that holds the keys ---
  void collect_snapshot_part(std::uint64_t epoch, std::string& out) EXCLUDES(mutex_);
  void end_snapshot() EXCLUDES(mutex_);
  // Recovery, before serving: a key of a snapshot, in the order written (oldest first).
  void load(model::remembered_write w) EXCLUDES(mutex_);

 private:
  void serialize(std::string& out) const REQUIRES(mutex_);

  const std::atomic<std::uint64_t>& snapshot_epoch_;
  mutable core::mutex mutex_;
  idempotency_table table_ GUARDED_BY(mutex_);
  snapshot_part part_ GUARDED_BY(mutex_);
};

}  // namespace mixtape::store
