#include "replication/lease_fence.hpp"

#include <utility>

namespace mixtape::replication {

void lease_fence::arm(clock::time_point deadline) {
  deadline_.store(deadline.time_since_epoch().count());
  lapsed_.store(false);
  armed_.store(true, std::memory_order_release);
}

void lease_fence::extend(clock::time_point deadline) {
  if (!live()) {  // too late: the lease may have expired meanwhile
    lapsed_.store(true);
    return;
  }
  const auto wanted = deadline.time_since_epoch().count();
  auto current = deadline_.load();
  while (current < wanted && !deadline_.compare_exchange_weak(current, wanted)) {
  }
}

bool lease_fence::live() const noexcept {
  return armed() && !lapsed_.load() && clock::now().time_since_epoch().count() < deadline_.load();
}

bool lease_fence::wait(std::uint64_t seq, const std::function<void()>& late) {
  bool told = false;
  const auto tell = [&] {
    if (!std::exchange(told, true)) late();
  };
  if (!inner_.wait(seq, tell)) return false;
  if (!armed() || live()) return true;
  lapsed_.store(true);
  tell();  // a lapsed lease: another node may lead by now
  std::unique_lock lock{mutex_};
  stopped_cv_.wait(lock, [&] { return stopped_; });
  return false;
}

void lease_fence::stop() {
  inner_.stop();
  std::lock_guard lock{mutex_};
  stopped_ = true;
  stopped_cv_.notify_all();
}

}  // namespace mixtape::replication
