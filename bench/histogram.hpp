#pragma once
// A log-linear latency histogram in the style of HdrHistogram: values (microseconds)
// below 2^sub_bits are counted exactly; above that, each power-of-two range is split
// into 2^(sub_bits-1) equal buckets, so a bucket is at most 1/128 of its values wide and
// a reported percentile is within 0.4% of a value actually recorded in its bucket.
// Values above `highest_trackable` are counted in the top bucket; max() stays exact.
//
// Not thread-safe: keep one per thread (or connection) and merge() them at the end.
#include <cstdint>
#include <vector>

namespace mixtape::bench {

class histogram {
 public:
  static constexpr unsigned sub_bits = 8;  // 256 exact values, then 128 buckets per power of two
  static constexpr std::uint64_t highest_trackable = 3'600'000'000;  // one hour in microseconds

  histogram();

  void record(std::uint64_t value) noexcept;
  // Adds every count of `other` to this one.
  void merge(const histogram& other);
  void reset() noexcept;

  std::uint64_t count() const noexcept { return total_; }
  std::uint64_t min() const noexcept { return total_ == 0 ? 0 : min_; }
  std::uint64_t max() const noexcept { return max_; }
  double mean() const noexcept;
  // The value at percentile `p` (0..100, nearest rank): the middle of the bucket holding
  // that rank, clamped to [min(), max()]; exactly min() or max() for the first and last
  // rank. 0 for an empty histogram.
  std::uint64_t percentile(double p) const noexcept;

  // Bucket arithmetic, exposed for tests.
  static std::size_t bucket_of(std::uint64_t value) noexcept;
  static std::uint64_t bucket_low(std::size_t index) noexcept;   // smallest value in the bucket
  static std::uint64_t bucket_high(std::size_t index) noexcept;  // largest value in the bucket

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t total_ = 0;
  std::uint64_t sum_ = 0;
  std::uint64_t min_ = UINT64_MAX;
  std::uint64_t max_ = 0;
};

}  // namespace mixtape::bench
