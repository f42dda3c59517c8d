#pragma once
// A standby's link to its primary, socket-free (docs/replication.md): the handshake it sends,
// what it decides from the primary's answer (follow, or stop: diverged history, another
// database, itself), the stream's messages (records journaled and applied here through
// replica_log, heartbeats) and the acknowledgements it sends back.
// http/replication_client.cpp connects and moves the bytes.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/mutex.hpp"
#include "core/result.hpp"
#include "journal/timeline.hpp"
#include "replication/follower.hpp"

namespace mixtape::replication {

// What a standby knows of its stream, for /replica and /metrics. Thread-safe.
struct standby_status {
  std::atomic<bool> connected{false};
  std::atomic<std::uint64_t> epoch{0};         // the primary's current epoch, as last adopted
  std::atomic<std::uint64_t> primary_seq{0};   // the primary's last written record, as last heard
  std::atomic<std::int64_t> last_heard_ms{0};  // steady clock ms of the last message
  std::atomic<std::uint64_t> reconnects{0};
  std::atomic<std::uint64_t> rebootstraps{0};

  // Records up to `seq` exist on the primary, as of now (they arrived, or a heartbeat said so).
  void known(std::uint64_t seq);
  // How far behind the standby is, in ms: since the oldest record it knows of and has not
  // applied became known, and at least since it last heard from the primary (less a
  // heartbeat's allowance).
  std::int64_t lag_ms(std::uint64_t applied) const;

 private:
  // lag_ms, a reader, drops the notes already applied: both mutable.
  mutable core::mutex mutex_;
  mutable std::deque<std::pair<std::uint64_t, std::int64_t>> known_ GUARDED_BY(mutex_);  // (seq, steady ms), rising
};

std::int64_t steady_ms();

// Why a link stopped following.
enum class stop_reason {
  none,
  diverged,       // the primary's history forks at or before this node's last record
  not_this_data,  // the primary serves another database (not the one this was bootstrapped from)
  itself,         // --replicate-from points at this very server
  broken,         // a record could not be journaled here
};

class standby_link {
 public:
  using fields = std::vector<std::pair<std::string, std::string>>;
  standby_link(std::string dir, journal::timeline history, std::string database_id, std::string node_id,
               journal::writer& writer, store::collection_store& store, standby_status& status);

  // The request target and fields of the next connection.
  std::string target(const std::string& base_path) const;
  fields handshake_fields() const;

  // The primary's 101 fields (a lookup by name, "" when absent). On success the stream may
  // flow; otherwise why not, with `fork_seq()` set for a diverged history.
  stop_reason accepted(const std::function<std::string(std::string_view)>& field);
  // One message from the primary; an error ends the connection (it reconnects).
  core::status message(std::string_view bytes);
  // The acknowledgement to send, if the durable seq moved since the last one sent.
  std::optional<std::string> ack();

  std::uint64_t fork_seq() const noexcept { return fork_seq_; }
  std::uint64_t last_seq() const noexcept { return follower_.last_seq(); }
  const journal::timeline& history() const noexcept { return history_; }
  bool healthy() const noexcept { return log_.healthy(); }

 private:
  std::string dir_;
  journal::timeline history_;
  std::string database_id_;
  std::string node_id_;
  journal::writer& writer_;
  store::collection_store& store_;
  standby_status& status_;
  follower follower_;
  replica_log log_;
  std::uint64_t acked_ = 0;
  std::uint64_t fork_seq_ = 0;
};

}  // namespace mixtape::replication
