#pragma once
// Reads that wait for a seq (X-Mixtape-Min-Seq, docs/replication.md): each waits until the
// state holds that record or its deadline passes. The applier reports progress after each
// batch; a thread of its own ends the waits whose deadline passed. Thread-safe.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <thread>

#include "core/mutex.hpp"

namespace mixtape::replication {

class seq_waiters {
 public:
  using clock = std::chrono::steady_clock;
  // `reached`: the state holds every record <= it now.
  explicit seq_waiters(std::uint64_t reached);
  ~seq_waiters();  // stop()
  seq_waiters(const seq_waiters&) = delete;
  seq_waiters& operator=(const seq_waiters&) = delete;

  // Calls done(true) once reached(>= seq) was reported (at once if it was), done(false) at
  // `deadline` or at stop(); on the reporting thread or the waiters' own.
  void wait(std::uint64_t seq, clock::time_point deadline, std::function<void(bool)> done);
  void reached(std::uint64_t seq);
  void stop();

 private:
  struct waiter {
    clock::time_point deadline;
    std::function<void(bool)> done;
  };
  void run();

  core::mutex mutex_;
  core::condition_variable changed_;
  std::uint64_t reached_ GUARDED_BY(mutex_);
  bool stopping_ GUARDED_BY(mutex_) = false;
  std::multimap<std::uint64_t, waiter> by_seq_ GUARDED_BY(mutex_);
  std::thread thread_;
};

}  // namespace mixtape::replication
