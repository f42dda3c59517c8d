#pragma once
// The last check before a cluster's leader acknowledges a write (docs/cluster.md, "Fencing"):
// a journal::confirmation around the standbys' one that also asks for a live lease. The
// leader extends the deadline each time etcd renews its lease (the send time of the renewal
// plus the TTL granted, less a margin); a batch is confirmed only when `inner` confirms it
// and the deadline has not passed. Once it has, nothing is confirmed any more: the batch's
// clients hear that the outcome is unknown, and the wait lasts until stop() — the node steps
// down, and its unconfirmed records meet the fork rule when it rejoins as a standby.
// A lapse is final: once the deadline has passed (seen by a wait, or by a renewal that came
// too late), live() stays false and extend() does nothing — the node may have told clients
// "outcome unknown" and another may lead by now: it must step down, not carry on.
// Unarmed (a standby), it only passes through to `inner`. Thread-safe.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "journal/writer.hpp"

namespace mixtape::replication {

class lease_fence final : public journal::confirmation {
 public:
  using clock = std::chrono::steady_clock;
  explicit lease_fence(journal::confirmation& inner) : inner_(inner) {}

  // Leadership: writes may be acknowledged until `deadline`. Extending it never shortens it,
  // and never revives a lapsed fence.
  void arm(clock::time_point deadline);
  void extend(clock::time_point deadline);
  void disarm() noexcept { armed_.store(false, std::memory_order_release); }
  bool armed() const noexcept { return armed_.load(std::memory_order_acquire); }
  // Whether an armed fence's deadline is still ahead and never passed (false when unarmed).
  bool live() const noexcept;
  clock::time_point deadline() const noexcept { return clock::time_point{clock::duration{deadline_.load()}}; }

  bool wait(std::uint64_t seq, const std::function<void()>& late) override;
  void stop() override;

 private:
  journal::confirmation& inner_;
  std::atomic<bool> armed_{false};
  std::atomic<clock::rep> deadline_{0};
  std::atomic<bool> lapsed_{false};
  std::mutex mutex_;
  std::condition_variable stopped_cv_;
  bool stopped_ = false;  // under mutex_
};

}  // namespace mixtape::replication
