#pragma once
// The primary's view of its standbys (docs/replication.md): who is streaming, what each holds
// durably (its acknowledgements), which are in sync, and synchronous acknowledgement —
// journal::confirmation, which holds a batch's completions until --sync-replicas standbys
// hold it. Also wakes the streams when records are written. Thread-safe.
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string_view>
#include <string>
#include <utility>
#include <vector>

#include "core/mutex.hpp"
#include "journal/writer.hpp"

namespace mixtape::replication {

struct standby_info {
  std::uint64_t id = 0;
  std::string name;        // the standby's node name (its X-Mixtape-Node)
  std::uint64_t acked = 0; // durable there
  bool in_sync = false;    // caught up, and has confirmed every write within the timeout since
  std::int64_t lag_ms = 0; // how long ago the oldest record it does not hold was written here
};

class standbys final : public journal::confirmation {
 public:
  standbys(unsigned sync_replicas, std::chrono::milliseconds sync_timeout, std::uint64_t written_seq);

  // Only a primary waits for confirmations and refuses writes for want of standbys; a standby
  // (or a primary being demoted) does neither. Starts inactive.
  void set_active(bool active);

  // A stream started (after its handshake) or ended. A standby claiming more than
  // written_seq() counts for nothing until it acknowledges (it holds another history).
  std::uint64_t join(std::string name, std::uint64_t held_seq);
  void leave(std::uint64_t id);
  // The standby `id` holds every record <= seq durably.
  void acknowledged(std::uint64_t id, std::uint64_t seq);

  // Every record <= seq is in the journal files here (at start, and after a promotion), and
  // counts as acknowledged (a standby joins the sync set only holding it).
  void written(std::uint64_t seq);
  // The journal writer's after_append hook: records first..last, framed as in the file, are
  // appended here (their sync follows). While standbys stream, the newest batches are kept
  // (at most 8 MiB) so that a stream that keeps up sends them from memory.
  void appended(std::uint64_t first, std::uint64_t last, std::string_view framed);
  // The last record in the journal files (appended, maybe not yet synced).
  std::uint64_t written_seq() const;
  // Appends to `out` whole framed records after `after` from the kept batches, until about
  // `max_bytes`; returns the last seq appended, `after` when the batches do not hold after+1
  // (the stream then reads the files).
  std::uint64_t copy_kept(std::uint64_t after, std::string& out, std::size_t max_bytes) const;
  // Calls `ready` once (on the caller's or the writer's thread) when written_seq() > after.
  void when_written_past(std::uint64_t after, std::function<void()> ready);

  // Whether a new write may be journaled now: always, unless this is an active primary with
  // fewer than --sync-replicas standbys in sync.
  bool accepting() const;
  unsigned sync_replicas() const noexcept { return sync_replicas_; }
  unsigned in_sync() const;
  std::vector<standby_info> list() const;

  // The strict sync set of a cluster (docs/cluster.md, "Synchronous standbys"): once set, a
  // write is confirmed only when every standby named in it holds it (and the set has at
  // least --sync-replicas names), so that each of them holds every acknowledged write.
  void require_sync_set();
  // Adds `name` to the set if a stream of it is in sync and holds every write confirmed so
  // far; whether it was added.
  bool add_to_sync_set(const std::string& name);
  void remove_from_sync_set(const std::string& name);
  std::vector<std::string> sync_set() const;
  // The last seq confirmed (every record up to it may have been acknowledged).
  std::uint64_t confirmed_seq() const;

  bool wait(std::uint64_t seq, const std::function<void()>& late) override;
  void stop() override;

 private:
  struct entry {
    std::uint64_t id;
    std::string name;
    std::uint64_t acked;
    bool in_sync;
  };
  unsigned confirmed_by(std::uint64_t seq) const REQUIRES(mutex_);
  bool confirmed(std::uint64_t seq) const REQUIRES(mutex_);
  std::uint64_t held_by(const std::string& name, bool* in_sync = nullptr) const REQUIRES(mutex_);
  unsigned in_sync_locked() const REQUIRES(mutex_);
  void trim_write_times() REQUIRES(mutex_);

  const unsigned sync_replicas_;
  const std::chrono::milliseconds sync_timeout_;
  mutable core::mutex mutex_;
  core::condition_variable changed_;
  bool active_ GUARDED_BY(mutex_) = false;
  bool stopped_ GUARDED_BY(mutex_) = false;
  std::uint64_t next_id_ GUARDED_BY(mutex_) = 1;
  std::uint64_t written_ GUARDED_BY(mutex_);
  std::vector<entry> entries_ GUARDED_BY(mutex_);
  bool strict_ GUARDED_BY(mutex_) = false;
  std::vector<std::string> sync_set_ GUARDED_BY(mutex_);
  std::uint64_t confirmed_ GUARDED_BY(mutex_) = 0;
  std::vector<std::pair<std::uint64_t, std::function<void()>>> waiting_ GUARDED_BY(mutex_);
  // When each batch was written here (its last seq), for the standbys' lag; trimmed to what
  // some standby still lacks, and to a bound.
  std::deque<std::pair<std::uint64_t, std::chrono::steady_clock::time_point>> write_times_ GUARDED_BY(mutex_);
  struct kept_batch {
    std::uint64_t first, last;
    std::shared_ptr<const std::string> framed;
  };
  std::deque<kept_batch> kept_ GUARDED_BY(mutex_);  // ascending, contiguous
  std::size_t kept_bytes_ GUARDED_BY(mutex_) = 0;
};

}  // namespace mixtape::replication
