#pragma once
// Token buckets (README, "Rate limits"), as GCRA: a bucket is one number, its "theoretical
// arrival time" (tat): the moment it will be full again. A request at `now` takes one token
// when max(tat, now) + T - now <= burst * T (T = the time one token takes to come back), and
// then moves tat on by T. That is exactly a bucket of `burst` tokens refilled at `per_minute`
// a minute: from full, `burst` requests at one instant pass and the next fails.
//
// bucket_table holds buckets by key, shared by all threads: 16 stripes, each a mutex and
// a map, held for one lookup. Its size is bounded: a stripe at its share of the capacity
// first forgets full buckets (tat <= now: a new bucket is the same thing), then, if that
// freed too little, the eighth of its buckets closest to full. So memory stays within
// `capacity` entries whatever the number of keys seen, and each insert costs O(1)
// amortized.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>

#include "core/mutex.hpp"

namespace mixtape::core {

// `per_minute` tokens a minute into a bucket of `burst`; per_minute 0: no limit.
struct rate_limit {
  std::uint32_t per_minute = 0;
  std::uint32_t burst = 0;  // 0: the same as per_minute (see effective_burst)
  bool limited() const noexcept { return per_minute != 0; }
  // The bucket's capacity: `burst`, or per_minute when burst is 0.
  std::uint32_t effective_burst() const noexcept { return burst != 0 ? burst : per_minute; }
  friend bool operator==(const rate_limit&, const rate_limit&) = default;
};

// Times as a check needs them: a monotonic clock for the bucket, the wall clock for Reset.
struct rate_clock {
  std::int64_t monotonic_ns = 0;
  std::int64_t epoch_ns = 0;
  static rate_clock now() noexcept;
};

// A check's outcome and the values of the X-RateLimit-* and Retry-After headers.
struct rate_verdict {
  bool allowed = true;
  std::uint32_t limit = 0;        // X-RateLimit-Limit: requests allowed per minute (per_minute)
  std::uint32_t remaining = 0;    // X-RateLimit-Remaining: whole tokens left after this request (<= burst)
  std::int64_t reset = 0;         // X-RateLimit-Reset: epoch seconds when the bucket is full again
  std::uint32_t retry_after = 0;  // refused: seconds (rounded up, >= 1) until a token is back
};

// One GCRA step on `tat` (monotonic ns; 0 for a new bucket). `r` must be limited().
rate_verdict take_token(std::int64_t& tat, const rate_limit& r, const rate_clock& now) noexcept;

using bucket_key = std::array<unsigned char, 32>;

class bucket_table {
 public:
  // `capacity`: the most buckets held (rounded up to a multiple of the stripe count).
  explicit bucket_table(std::size_t capacity);
  // Takes a token from `key`'s bucket (made full when new). Thread-safe.
  rate_verdict take(const bucket_key& key, const rate_limit& r, const rate_clock& now);
  // Buckets held now (each stripe read under its lock). Thread-safe.
  std::size_t size() const;
  std::size_t capacity() const noexcept { return per_stripe_ * stripe_count; }

  static constexpr std::size_t stripe_count = 16;

 private:
  struct key_hash {
    std::uint64_t seed;
    std::size_t operator()(const bucket_key& k) const noexcept;
  };
  struct alignas(64) stripe {
    mutable core::mutex mutex;
    std::unordered_map<bucket_key, std::int64_t, key_hash> tats GUARDED_BY(mutex);  // key -> tat
    explicit stripe(std::uint64_t seed) : tats(0, key_hash{seed}) {}
  };
  // Frees room in a full stripe, as the class comment says.
  void make_room(stripe& s, std::int64_t now_ns) const REQUIRES(s.mutex);

  std::uint64_t seed_;
  std::size_t per_stripe_;
  std::array<std::unique_ptr<stripe>, stripe_count> stripes_;
};

}  // namespace mixtape::core
