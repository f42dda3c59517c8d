#include "replication/seq_waiters.hpp"

#include <vector>

#include "core/thread_name.hpp"

namespace mixtape::replication {

seq_waiters::seq_waiters(std::uint64_t reached) : reached_(reached) {
  thread_ = std::thread([this] { run(); });
}

seq_waiters::~seq_waiters() { stop(); }

void seq_waiters::wait(std::uint64_t seq, clock::time_point deadline, std::function<void(bool)> done) {
  bool now = false;
  {
    core::mutex_lock lock{mutex_};
    if (!stopping_ && reached_ < seq) {
      by_seq_.emplace(seq, waiter{deadline, std::move(done)});
      changed_.notify_one();  // it may have the earliest deadline now
      return;
    }
    now = reached_ >= seq;
  }
  done(now);
}

void seq_waiters::reached(std::uint64_t seq) {
  std::vector<std::function<void(bool)>> ready;
  {
    core::mutex_lock lock{mutex_};
    if (seq <= reached_) return;
    reached_ = seq;
    while (!by_seq_.empty() && by_seq_.begin()->first <= seq) {
      ready.push_back(std::move(by_seq_.begin()->second.done));
      by_seq_.erase(by_seq_.begin());
    }
  }
  for (auto& f : ready) f(true);
}

void seq_waiters::stop() {
  {
    core::mutex_lock lock{mutex_};
    stopping_ = true;
    changed_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

// Ends the waits past their deadline (and all of them at stop), sleeping until the earliest.
void seq_waiters::run() {
  core::name_this_thread("mixtape-waits");
  core::mutex_lock lock{mutex_};
  for (;;) {
    std::vector<std::function<void(bool)>> expired;
    const auto now = clock::now();
    auto earliest = clock::time_point::max();
    for (auto it = by_seq_.begin(); it != by_seq_.end();) {
      if (stopping_ || it->second.deadline <= now) {
        expired.push_back(std::move(it->second.done));
        it = by_seq_.erase(it);
      } else {
        earliest = std::min(earliest, it->second.deadline);
        ++it;
      }
    }
    const bool stopping = stopping_;
    if (!expired.empty()) {
      lock.unlock();
      for (auto& f : expired) f(false);
      lock.lock();
      continue;
    }
    if (stopping) return;
    if (earliest == clock::time_point::max()) changed_.wait(mutex_);
    else changed_.wait_until(mutex_, earliest);
  }
}

}  // namespace mixtape::replication
