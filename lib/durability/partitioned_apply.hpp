#pragma once
// Recovery's applier: replays mutations into a store on two threads. Each collection's
// mutations go to one thread, chosen by its id, and keep their journal order there, so the
// result is the state of applying everything in order on one thread: mutations of
// different collections commute (the store locks its parts, and the owner index orders by
// created_seq, not by arrival). Replay is mostly building entries and the kernel zeroing
// their fresh pages, so two cores take about half the time.
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "model/mutation.hpp"
#include "store/collection_store.hpp"

namespace mixtape::durability {

class partitioned_applier {
 public:
  explicit partitioned_applier(store::collection_store& store);
  ~partitioned_applier();  // finish()
  partitioned_applier(const partitioned_applier&) = delete;
  partitioned_applier& operator=(const partitioned_applier&) = delete;

  // From one thread, in journal order. Half the collections are applied right here.
  void apply(model::mutation m, std::uint64_t seq);
  // Returns once everything handed over has been applied. Idempotent.
  void finish();

 private:
  using batch = std::vector<std::pair<model::mutation, std::uint64_t>>;
  void hand_over();
  void run();

  store::collection_store& store_;
  batch filling_;                // caller's thread only
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<batch> queue_;     // guarded by mutex_; bounded (see hand_over)
  bool finishing_ = false;       // guarded by mutex_
  std::thread helper_;
};

}  // namespace mixtape::durability
