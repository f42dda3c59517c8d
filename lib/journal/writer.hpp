#pragma once
// The journal writer: a dedicated thread that owns the open journal file and commits
// records in groups (one append + one fdatasync per batch).
#include <chrono>
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>  // std::once_flag
#include <string>
#include <string_view>
#include <system_error>
#include <thread>

#include "core/mutex.hpp"
#include "journal/file.hpp"

namespace mixtape::journal {

enum class fsync_policy {
  always,  // complete a record only after the fdatasync that covers it
  batch,   // complete after the append; fdatasync at least every `interval`
  never,   // complete after the append; the OS decides when to flush
};

// Synchronous replication's wait (docs/replication.md): the writer asks it, after a batch is
// durable here and before the batch's completions run, whether enough standbys hold it too.
class confirmation {
 public:
  virtual ~confirmation() = default;
  // Returns true once `seq` is confirmed (at once when no confirmation is needed), false once
  // stop() was called. When confirming takes longer than its timeout, calls `late` once (the
  // writer then lets each record's `unconfirmed` answer its client) and keeps waiting.
  virtual bool wait(std::uint64_t seq, const std::function<void()>& late) = 0;
  // Makes every wait, now and later, return false. Thread-safe.
  virtual void stop() = 0;
};

struct writer_options {
  fsync_policy policy = fsync_policy::always;
  std::chrono::milliseconds interval{10};
  std::size_t max_batch_bytes = 1u << 20;  // a batch closes once it holds this many bytes
  // `always` only: how long a batch may wait for writes on their way (see writer::gather);
  // never longer than the last fdatasync took. 0: never wait.
  std::chrono::microseconds gather_max{1000};
  // Called on the writer thread after each committed batch (after its completions) with
  // the current file's size. Must be quick; may call request_rotation().
  std::function<void(std::uint64_t file_bytes)> after_batch;
  // Called on the writer thread right after a batch is appended to the file, before its sync,
  // with the batch as framed in the file (records first_seq..last_seq): the replication feeds
  // send it from here, so a standby's sync overlaps this one (docs/replication.md). Must be
  // quick and must not block; `framed` is valid during the call only.
  std::function<void(std::uint64_t first_seq, std::uint64_t last_seq, std::string_view framed)> after_append;
  // Called on the writer thread once a batch is written and, in `always` mode, synced
  // (written_seq() is `seq` by then), before it waits for `confirm` and runs its completions:
  // a standby acknowledges it from here. Must be quick and must not block.
  std::function<void(std::uint64_t seq)> after_write;
  // Called on the writer thread after each batch's completions with the batch's last seq.
  std::function<void(std::uint64_t seq)> after_completions;
  // Optional: a batch's completions wait for it (synchronous replication). Must outlive the writer.
  confirmation* confirm = nullptr;
};

struct writer_stats {
  std::uint64_t records = 0;
  std::uint64_t bytes = 0;
  std::uint64_t syncs = 0;
  std::uint64_t batches = 0;
  std::uint64_t largest_batch = 0;  // records in the largest batch so far
  std::uint64_t rotations = 0;      // switches to a new journal file
  std::uint64_t file_bytes = 0;     // size of the current journal file
};

// A switch to a new journal file (see writer::request_rotation).
struct rotation {
  // Creates (durably) and opens the next journal file; its first record will be `first_seq`.
  // Returns nullptr with `ec` set on failure. Runs on the writer thread.
  std::function<std::unique_ptr<file>(std::uint64_t first_seq, std::error_code& ec)> open_next;
  // Runs on the writer thread right after the switch. Every record <= covered_seq is in the
  // previous files, synced, and completed (so a completion that applies records to a state
  // has applied exactly those); no record after covered_seq has completed yet.
  std::function<void(std::uint64_t covered_seq)> on_rotated;
};

// Called on the writer thread, in sequence order. `ec` is empty when the record is as
// durable as the policy promises; otherwise the record must be treated as never written
// (core::errc::unavailable once the journal is poisoned or closed, or the I/O error).
// Exception: a submit() refused at once (after close(), or a payload over the record
// size limit) runs its completion on the caller's thread, with seq 0 (none assigned).
// A completion must not throw and must not call close(); it may call submit().
using completion = std::function<void(std::error_code ec, std::uint64_t seq)>;
// Called on the writer thread when a record is durable here but its confirmation is late
// (writer_options::confirm): the record stays pending and completes once confirmed. So a
// write's answer may be given here ("outcome unknown") and its effect come later.
using unconfirmed_fn = std::function<void()>;

class writer {
 public:
  // Takes over `f`, positioned at its end (after recovery). Sequence numbers continue at
  // `next_seq`. Starts the writer thread.
  writer(std::unique_ptr<file> f, std::uint64_t next_seq, writer_options options);
  ~writer();  // close()
  writer(const writer&) = delete;
  writer& operator=(const writer&) = delete;

  // Thread-safe. Assigns the next sequence number, frames `payload` as a record of `type`
  // and queues it; `done` runs later on the writer thread. The order of submit() calls
  // is the order of sequence numbers, of records in the file and of completions.
  // A payload longer than max_record_length - 9 is refused at once with
  // core::errc::internal (a caller bug: recovery would reject such a record).
  // `late` (optional) runs first if the record's confirmation is late (see unconfirmed_fn),
  // and also when the writer closes with the record unconfirmed, before `done` gets
  // errc::unavailable: the record is in the journal all the same.
  void submit(std::uint8_t type, std::string payload, completion done, unconfirmed_fn late = {});

  // Stops accepting (later submits complete at once with errc::unavailable), commits and
  // syncs everything queued, completes it, and joins the thread. Idempotent; concurrent
  // callers all return once the thread is joined. Not from a completion (self-join).
  void close();

  // Thread-safe (also from a completion or the after_batch hook). Asks the writer thread to
  // switch files between two batches: sync the current file (in every policy), open the
  // next one with r.open_next, continue there, then call r.on_rotated. Returns false and
  // does nothing when a rotation is already pending, or the writer is closing or poisoned.
  // A failed sync or open poisons the journal (a journal failure; on_rotated is not called).
  // When the current file holds no record yet, it is kept (no new file) and on_rotated
  // still runs, with the same guarantees.
  // A rotation still pending at close() is dropped.
  bool request_rotation(rotation r);

  // False once a write or sync failed: the journal is poisoned for good and every queued
  // and later record completes with an error. A failed sync is never retried.
  bool healthy() const noexcept;
  // Changes writer_options::gather_max from the next batch on (a standby, whose records come
  // in messages, waits for none; promoted, it gathers as a primary does). Thread-safe.
  void set_gather_max(std::chrono::microseconds gather_max);
  writer_stats stats() const;
  // The last record appended to the file and, in `always` mode, synced: every record up to it
  // is whole in the journal files. Stored before the batch's completions run, so a record
  // already acknowledged to a client is always <= it (the backup's S). Thread-safe.
  std::uint64_t written_seq() const noexcept { return written_seq_.load(std::memory_order_acquire); }

 private:
  struct pending {
    std::uint64_t seq;
    std::uint8_t type;
    std::string payload;
    completion done;
    unconfirmed_fn late;
  };

  void run();
  bool wait_for_work() REQUIRES(mutex_);
  bool has_work() const REQUIRES(mutex_);
  void gather() REQUIRES(mutex_);
  bool gathered() const REQUIRES(mutex_);
  std::deque<pending> take_batch() REQUIRES(mutex_);
  void commit(std::deque<pending>& batch);
  std::error_code sync_now();
  void sync_if_due();
  void rotate(rotation r);
  void poison(const char* op, std::error_code ec);
  void fail_all(std::deque<pending>& batch, std::error_code ec);
  static void tell_late(std::deque<pending>& batch);

  // Two kinds of state: what submitters and the writer thread share, GUARDED_BY(mutex_)
  // (clang checks it: core/thread_annotations.hpp), and what only the writer thread
  // touches after construction, which takes no lock and is marked "writer thread only".
  std::unique_ptr<file> file_;  // writer thread only (after construction)
  writer_options options_;
  mutable core::mutex mutex_;
  core::condition_variable wake_;
  std::deque<pending> queue_ GUARDED_BY(mutex_);
  std::size_t wake_at_ GUARDED_BY(mutex_) = 1;    // submit() wakes the writer at this queue size
  std::size_t in_flight_ GUARDED_BY(mutex_) = 0;  // records in flight when the last batch completed
  std::uint64_t next_seq_ GUARDED_BY(mutex_);
  std::chrono::microseconds gather_max_ GUARDED_BY(mutex_);
  bool closing_ GUARDED_BY(mutex_) = false;
  std::unique_ptr<rotation> rotation_ GUARDED_BY(mutex_);  // a pending rotation
  std::uint64_t last_written_seq_;      // writer thread only: the last record appended
  std::atomic<bool> healthy_{true};
  std::atomic<std::uint64_t> written_seq_;
  writer_stats stats_ GUARDED_BY(mutex_);
  std::string frame_buffer_;    // writer thread only
  std::chrono::steady_clock::time_point last_sync_;  // writer thread only
  std::chrono::steady_clock::duration last_sync_took_{};  // writer thread only
  bool unsynced_ = false;       // writer thread only: bytes appended since the last sync
  std::once_flag join_once_;    // close() joins exactly once, later callers wait for it
  std::thread thread_;
};

}  // namespace mixtape::journal
