#include "core/rate_limit.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <random>
#include <vector>

namespace mixtape::core {
namespace {

constexpr std::int64_t ns_per_s = 1'000'000'000;

std::int64_t ceil_seconds(std::int64_t ns) noexcept { return ns <= 0 ? 0 : (ns + ns_per_s - 1) / ns_per_s; }

}  // namespace

rate_clock rate_clock::now() noexcept {
  using namespace std::chrono;
  return {duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count(),
          duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count()};
}

rate_verdict take_token(std::int64_t& tat, const rate_limit& r, const rate_clock& now) noexcept {
  const std::int64_t t = now.monotonic_ns;
  const std::int64_t interval = 60 * ns_per_s / r.per_minute;  // per_minute <= 2^32: >= 13 ns
  const std::uint32_t burst = r.effective_burst();
  const std::int64_t window = interval * burst;
  const std::int64_t start = std::max(tat, t);
  const std::int64_t next = start + interval;
  rate_verdict v;
  v.limit = r.per_minute;
  if (next - t > window) {  // refused: tat stays
    v.allowed = false;
    v.remaining = 0;
    v.retry_after = static_cast<std::uint32_t>(std::max<std::int64_t>(1, ceil_seconds(next - window - t)));
    v.reset = ceil_seconds(now.epoch_ns + (start - t));
    return v;
  }
  tat = next;
  v.remaining = static_cast<std::uint32_t>((window - (next - t)) / interval);
  v.reset = ceil_seconds(now.epoch_ns + (next - t));
  return v;
}

std::size_t bucket_table::key_hash::operator()(const bucket_key& k) const noexcept {
  std::uint64_t h = seed;
  for (std::size_t i = 0; i < k.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, k.data() + i, 8);
    h ^= w;
    h *= 0x9e3779b97f4a7c15ull;  // splitmix-style rounds: keys may be chosen by clients
    h ^= h >> 29;
  }
  return static_cast<std::size_t>(h ^ (h >> 32));
}

bucket_table::bucket_table(std::size_t capacity)
    : seed_(std::random_device{}() | (std::uint64_t{std::random_device{}()} << 32)),
      per_stripe_(std::max<std::size_t>(1, (capacity + stripe_count - 1) / stripe_count)) {
  for (std::size_t i = 0; i < stripe_count; ++i) stripes_[i] = std::make_unique<stripe>(seed_ + i);
}

rate_verdict bucket_table::take(const bucket_key& key, const rate_limit& r, const rate_clock& now) {
  const std::size_t h = key_hash{seed_ ^ 0x5bd1e995u}(key);
  stripe& s = *stripes_[h % stripe_count];
  core::mutex_lock lock{s.mutex};
  auto it = s.tats.find(key);
  if (it == s.tats.end()) {
    if (s.tats.size() >= per_stripe_) make_room(s, now.monotonic_ns);
    it = s.tats.emplace(key, 0).first;
  }
  return take_token(it->second, r, now);
}

void bucket_table::make_room(stripe& s, std::int64_t now_ns) const {
  std::erase_if(s.tats, [&](const auto& kv) { return kv.second <= now_ns; });  // full: nothing lost
  const std::size_t target = per_stripe_ - per_stripe_ / 8 - 1;  // < per_stripe_: room for one at least
  if (s.tats.size() <= target) return;
  std::vector<std::pair<std::int64_t, bucket_key>> by_tat;
  by_tat.reserve(s.tats.size());
  for (const auto& [k, tat] : s.tats) by_tat.emplace_back(tat, k);
  const std::size_t evict = s.tats.size() - target;
  std::nth_element(by_tat.begin(), by_tat.begin() + static_cast<std::ptrdiff_t>(evict - 1), by_tat.end());
  for (std::size_t i = 0; i < evict; ++i) s.tats.erase(by_tat[i].second);
}

std::size_t bucket_table::size() const {
  std::size_t n = 0;
  for (const auto& s : stripes_) {
    core::mutex_lock lock{s->mutex};
    n += s->tats.size();
  }
  return n;
}

}  // namespace mixtape::core
