#pragma once
// The organizations that are not active: frozen (SPEC §10: writes refused, reads go on) or
// importing (writes refused; only the import's own records apply). One unit with one lock
// and one snapshot part (snapshot_part.hpp); an active organization has no entry.
//
// Thread-safety: every member may be called from any thread; each holds mutex_ for one
// lookup or change and takes no other lock meanwhile. set() is the applier thread's
// (collection_store::apply), load() recovery's before serving. state_of() is on every
// write's path: while no organization is frozen or importing it reads one atomic.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/mutex.hpp"
#include "model/mutation.hpp"
#include "model/snapshot_item.hpp"
#include "store/outcome.hpp"
#include "store/snapshot_part.hpp"

namespace mixtape::store {

class org_states {
 public:
  explicit org_states(const std::atomic<std::uint64_t>& snapshot_epoch) : snapshot_epoch_(snapshot_epoch) {}

  // Whether any organization is frozen or importing (one atomic load).
  bool any() const noexcept { return count_.load(std::memory_order_acquire) != 0; }
  model::org_state state_of(std::string_view org) const EXCLUDES(mutex_);
  // Sets `org`'s state: applied, or unchanged when it already was.
  outcome set(std::string_view org, model::org_state state) EXCLUDES(mutex_);
  // The organizations in `state`.
  std::vector<std::string> in_state(model::org_state state) const EXCLUDES(mutex_);

  // --- Snapshots: the part of collection_store's snapshot that holds the states ---
  void collect_snapshot_part(std::uint64_t epoch, std::string& out) EXCLUDES(mutex_);
  void end_snapshot() EXCLUDES(mutex_);
  // Recovery, before serving. False when `o.org` already has a state.
  bool load(const model::org_status& o) EXCLUDES(mutex_);

 private:
  void serialize(std::string& out) const REQUIRES(mutex_);

  const std::atomic<std::uint64_t>& snapshot_epoch_;
  std::atomic<std::size_t> count_{0};  // states_.size(), read without the lock
  mutable core::mutex mutex_;
  std::map<std::string, model::org_state, std::less<>> states_ GUARDED_BY(mutex_);
  snapshot_part part_ GUARDED_BY(mutex_);
};

}  // namespace mixtape::store
