#pragma once
// Compaction (docs/journal-format.md §5, docs/architecture.md §5): once the journal file
// passes `compact_bytes`, the writer switches to a new journal file and a background thread
// writes a snapshot of the state at that switch (temp file, fsync, rename, fsync the
// directory); only then are the older journal files and snapshots deleted. Service goes on
// throughout: writes wait for at most one store part's serialization (see
// store::collection_store), reads never wait.
//
// Failures: a snapshot that cannot be written is logged, counted, cleaned up and retried
// later (after a delay that doubles up to a bound); it never harms the journal. A journal
// rotation that fails is a journal failure: the writer poisons itself.
#include <chrono>
#include <cstdint>
#include <mutex>  // std::once_flag
#include <optional>
#include <string>
#include <thread>

#include "core/mutex.hpp"
#include "core/result.hpp"
#include "journal/snapshot_file.hpp"
#include "journal/writer.hpp"
#include "store/collection_store.hpp"

namespace mixtape::durability {

struct compactor_options {
  std::string dir;
  std::uint64_t compact_bytes = 64ull << 20;
  std::chrono::milliseconds retry_delay{1000};  // after a failed snapshot; doubles each time
  std::chrono::milliseconds max_retry_delay{60'000};
  journal::file_opener open_journal = journal::open_journal_file;  // the seams for tests
  journal::file_opener open_snapshot = journal::open_posix_file;
};

struct compaction_stats {
  std::uint64_t compactions = 0;          // snapshots written (and older files dropped)
  std::uint64_t failures = 0;             // snapshots that could not be written
  std::uint64_t snapshot_seq = 0;         // covered seq of the newest snapshot; 0: none
  std::uint64_t last_duration_ms = 0;     // rotation to deleted leftovers, last compaction
  std::uint64_t last_snapshot_bytes = 0;
  bool running = false;
};

class compactor {
 public:
  // `snapshot_seq`: the snapshot recovery loaded (0: none), for stats.
  compactor(compactor_options options, store::collection_store& store, std::uint64_t snapshot_seq);
  ~compactor();  // stop()
  compactor(const compactor&) = delete;
  compactor& operator=(const compactor&) = delete;

  // Binds the writer of the journal being compacted, before anything is submitted to it.
  // The writer must outlive this compactor's use (close it before stop()).
  void attach(journal::writer& w);
  // The writer's after_batch hook (writer thread): starts a compaction when the file has
  // passed compact_bytes, none is running, and no retry delay is pending.
  void after_batch(std::uint64_t file_bytes);
  // Starts a compaction now (any thread), under the same conditions except the size.
  bool compact_now();
  // Abandons a snapshot in progress (its temp file is removed) and joins the thread.
  // Idempotent. Call after the writer is closed.
  void stop();

  compaction_stats stats() const;
  // Waits until compactions + failures >= n; false on timeout (tests).
  bool wait_for_finished(std::uint64_t n, std::chrono::milliseconds timeout) const;

 private:
  struct job {
    std::uint64_t seq;
    std::uint64_t epoch;
    std::chrono::steady_clock::time_point started;
  };

  bool start();
  std::unique_ptr<journal::file> open_next(std::uint64_t first_seq, std::error_code& ec);
  void on_rotated(std::uint64_t covered_seq);
  void run();
  void run_job(const job& j);
  core::result<std::uint64_t> write_snapshot(const job& j);
  void remove_covered(std::uint64_t seq);
  void finish(const job& j, const core::result<std::uint64_t>& written);

  compactor_options options_;
  store::collection_store& store_;
  std::atomic<journal::writer*> writer_{nullptr};
  // mutex_ guards what the writer thread, the compaction thread and callers of stats()
  // share: the members marked GUARDED_BY(mutex_), which clang checks.
  mutable core::mutex mutex_;
  mutable core::condition_variable cv_;
  bool busy_ GUARDED_BY(mutex_) = false;  // a compaction is between start() and finish()
  bool stopping_ GUARDED_BY(mutex_) = false;
  std::optional<job> job_ GUARDED_BY(mutex_);  // handed from on_rotated() to the thread
  std::chrono::steady_clock::time_point not_before_ GUARDED_BY(mutex_){};  // retry delay
  std::chrono::milliseconds delay_ GUARDED_BY(mutex_);                      // the next retry delay
  compaction_stats stats_ GUARDED_BY(mutex_);
  std::atomic<bool> abandon_{false};
  std::once_flag join_once_;
  std::thread thread_;
};

}  // namespace mixtape::durability
