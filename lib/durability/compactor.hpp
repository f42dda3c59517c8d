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
//
// The compactor owns the journal's rotations: its own (each begins a snapshot epoch) and the
// plain ones continuous archiving asks for (rotate_file: a file closed, no snapshot). The
// writer holds one pending rotation at a time; whichever comes second is refused and retried
// (a compaction at the next batch, an archive rotation at the archiver's next check), and a
// refused archive rotation loses nothing: the pending one closes the file too.
#include <chrono>
#include <cstdint>
#include <functional>
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

  // Continuous archiving (durability/archiver.hpp); all unset without it.
  // Whether a data-dir file is safely in the archive. When set, a file a snapshot covers is
  // deleted only once this holds (as PostgreSQL keeps WAL until archive_command succeeded);
  // sweep() deletes the others later. Called on the compaction thread.
  std::function<bool(const std::string& path)> archived;
  // Called on the writer thread right after every rotation (before the next batch), and on the
  // compaction thread once each snapshot is in place. Quick: no I/O, no waiting.
  std::function<void()> after_rotation;
  std::function<void()> after_snapshot;
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
  // The writer's after_batch hook (writer thread): starts a compaction when the journal
  // written since the last compaction's rotation (the current file, plus the files plain
  // rotations closed since) has passed compact_bytes, none is running, and no retry delay is
  // pending.
  void after_batch(std::uint64_t file_bytes);
  // Starts a compaction now (any thread), under the same conditions except the size.
  bool compact_now();
  // Writes a snapshot covering every record completed before the call (an export reads an
  // organization from it), waiting first for a compaction in progress, ignoring the retry
  // delay; returns its covered seq once it is in place. Any thread but the writer's. Errors:
  // unavailable (shutting down, a rotation already pending, `timeout` passed), or the
  // snapshot's own failure.
  core::result<std::uint64_t> snapshot_now(std::chrono::milliseconds timeout);
  // Closes the current journal file without a snapshot (any thread): a plain rotation, for
  // continuous archiving. False when the writer refuses: a rotation is already pending (it
  // closes the file just as well), or the writer is closing or poisoned.
  bool rotate_file();
  // Asks the compaction thread to delete the covered files that `archived` now accepts
  // (any thread; quick). Nothing happens while a snapshot is being written: it sweeps after.
  void sweep();
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

  // Claims the compaction slot (unless busy, stopping, or within the retry delay when
  // `respect_delay`) and asks the writer to rotate.
  bool start(bool respect_delay = true);
  std::unique_ptr<journal::file> open_next(std::uint64_t first_seq, std::error_code& ec);
  void on_rotated(std::uint64_t covered_seq);
  void on_plain_rotation();
  void run();
  void run_job(const job& j);
  core::result<std::uint64_t> write_snapshot(const job& j);
  void remove_covered(std::uint64_t seq);
  void finish(const job& j, const core::result<std::uint64_t>& written);

  compactor_options options_;
  store::collection_store& store_;
  std::atomic<journal::writer*> writer_{nullptr};
  // Writer thread only: the current file's size at the last batch, and the bytes of the
  // files plain rotations closed since the last compaction's rotation.
  std::uint64_t file_bytes_ = 0;
  std::uint64_t closed_bytes_ = 0;
  // mutex_ guards what the writer thread, the compaction thread and callers of stats()
  // share: the members marked GUARDED_BY(mutex_), which clang checks.
  mutable core::mutex mutex_;
  mutable core::condition_variable cv_;
  bool busy_ GUARDED_BY(mutex_) = false;  // a compaction is between start() and finish()
  bool stopping_ GUARDED_BY(mutex_) = false;
  std::optional<job> job_ GUARDED_BY(mutex_);  // handed from on_rotated() to the thread
  bool sweep_ GUARDED_BY(mutex_) = false;      // sweep() asked; the thread clears it
  std::chrono::steady_clock::time_point not_before_ GUARDED_BY(mutex_){};  // retry delay
  std::chrono::milliseconds delay_ GUARDED_BY(mutex_);                      // the next retry delay
  compaction_stats stats_ GUARDED_BY(mutex_);
  std::atomic<bool> abandon_{false};
  std::once_flag join_once_;
  std::thread thread_;
};

}  // namespace mixtape::durability
