#pragma once
// Continuous archiving (docs/journal-format.md §9, docs/operations.md): a background thread,
// `mixtape-archive`, copies every closed journal file and every snapshot of the data
// directory into an archive directory, as PostgreSQL's archiver copies finished WAL
// segments. `durability/archive_restore.hpp` rebuilds a data directory from the archive, to
// any record.
//
// Contracts:
// - The archive never holds a partial file: each copy is written to "<name>.tmp" in the
//   archive, fsynced, renamed to its name and the archive directory fsynced
//   (copy_file_durably). A file is archived once: one already there with the same bytes is
//   taken as archived (so restarts are idempotent); one with other bytes is never replaced
//   (an archive failure, as PostgreSQL's documentation asks of archive_command).
// - A journal file is closed once a newer one exists (the writer syncs it first); the newest
//   is never copied. Snapshots are complete under their final names. `secret.key` is copied
//   once: a restored server needs it (share tokens made with an Idempotency-Key).
// - The compactor deletes no file before archived() holds for it (compactor_options::archived).
// - The current journal file is closed (a plain rotation, no snapshot) once its first record
//   is `interval` old, so the archive is never more than about `interval` (plus a copy)
//   behind the journal.
// - A failed copy (ENOSPC, EIO, ...) is logged, counted and retried after a delay that
//   doubles up to a bound. It never touches the journal: the writer thread only records, in
//   after_batch()/after_rotation(), what the archiver thread acts on later.
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>  // std::once_flag
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "core/mutex.hpp"
#include "core/result.hpp"
#include "journal/data_files.hpp"
#include "journal/snapshot_file.hpp"

namespace mixtape::durability {

struct archiver_options {
  std::string data_dir;
  std::string archive_dir;
  // The current journal file is closed once its first record is this old (--archive-interval).
  std::chrono::milliseconds interval{60'000};
  std::chrono::milliseconds retry_delay{1000};  // after a failed pass; doubles each time
  std::chrono::milliseconds max_retry_delay{60'000};
  journal::file_opener open_copy = journal::open_posix_file;  // makes each temp file: the seam for tests
};

struct archive_stats {
  std::uint64_t files = 0;         // files copied into the archive since start
  std::uint64_t failures = 0;      // passes that stopped at a failed copy
  std::uint64_t archived_seq = 0;  // the newest record an archived file holds (a closed journal's
                                   // last record, a snapshot's covered seq); 0: none yet
};

// What the archiver asks of the journal it archives (the engine wires them to the compactor).
struct archive_hooks {
  std::function<bool()> rotate;    // close the current journal file: compactor::rotate_file
  std::function<void()> archived;  // more files are archived: compactor::sweep
};

class archiver {
 public:
  // `current_has_records`: the journal file the writer will append to already holds records
  // (they count as written now for `interval`). Starts nothing: see start().
  archiver(archiver_options options, bool current_has_records);
  ~archiver();  // stop()
  archiver(const archiver&) = delete;
  archiver& operator=(const archiver&) = delete;

  // Starts the thread; its first pass archives what the data directory holds and the archive
  // does not. Once.
  void start(archive_hooks hooks);

  // Writer thread, after each batch: the current file holds records. Quick (a lock only the
  // first time per file).
  void after_batch();
  // Writer thread, after each rotation (compactor_options::after_rotation). Quick.
  void after_rotation();
  // Any thread: a new file may be there to archive (a snapshot in place). Quick.
  void wake();

  // Whether the data-dir file `path` is in the archive: copied, or found there with the
  // same bytes, by this archiver. Any thread.
  bool archived(const std::string& path) const;

  // Asks for a rotation that closes the current journal file (when it holds records) and
  // waits for it, at most `timeout`: at shutdown, so that the last records get archived too
  // (as PostgreSQL switches WAL files at shutdown). False on timeout. Call before the
  // writer's close().
  bool close_current_file(std::chrono::milliseconds timeout);
  // A last pass (one attempt; no retry), then joins the thread. Idempotent. Call after the
  // writer's close(), so that the pass sees every closed file.
  void stop();

  archive_stats stats() const;
  // Waits until stats().archived_seq >= seq; false on timeout (tests).
  bool wait_for_archived_seq(std::uint64_t seq, std::chrono::milliseconds timeout) const;

 private:
  using clock = std::chrono::steady_clock;

  void run();
  clock::time_point next_due(clock::time_point now) const REQUIRES(mutex_);
  core::status pass();
  core::status prepare_archive();
  core::status archive_secret();
  core::status archive_file(const journal::numbered_file& f, std::uint64_t last_seq, bool& added);
  void note_failure(const core::problem& p);

  const archiver_options options_;
  archive_hooks hooks_;  // set by start(), before the thread exists
  bool file_has_records_;  // writer thread only (after construction)
  bool prepared_ = false;     // archiver thread only: archive directory made, leftovers removed
  bool secret_done_ = false;  // archiver thread only

  // mutex_ guards what the writer thread, the archiver thread and callers of stats() and
  // archived() share. Never held during file I/O.
  mutable core::mutex mutex_;
  mutable core::condition_variable cv_;
  bool started_ GUARDED_BY(mutex_) = false;
  bool stopping_ GUARDED_BY(mutex_) = false;
  bool wanted_ GUARDED_BY(mutex_) = true;  // a pass is wanted (new files, or a retry)
  clock::time_point not_before_ GUARDED_BY(mutex_){};  // the retry delay
  std::chrono::milliseconds delay_ GUARDED_BY(mutex_);
  std::optional<clock::time_point> first_record_at_ GUARDED_BY(mutex_);  // in the current file
  bool rotation_asked_ GUARDED_BY(mutex_) = false;  // since the last rotation
  std::uint64_t rotations_ GUARDED_BY(mutex_) = 0;
  std::set<std::string> archived_ GUARDED_BY(mutex_);  // names of data-dir files known archived
  archive_stats stats_ GUARDED_BY(mutex_);
  std::once_flag join_once_;
  std::thread thread_;
};

}  // namespace mixtape::durability
