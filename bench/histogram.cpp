#include "histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace mixtape::bench {
namespace {

constexpr std::uint64_t exact_limit = std::uint64_t{1} << histogram::sub_bits;  // 256
constexpr std::uint64_t half = exact_limit / 2;                                  // buckets per octave

}  // namespace

// Layout: indexes [0, 256) hold the values 0..255 exactly. A value v >= 256 with
// e = floor(log2 v) lies in octave o = e - 7 (>= 1); its bucket is 256 + (o-1)*128 +
// ((v >> o) - 128): the top 8 bits of v select one of 128 buckets of width 2^o.
std::size_t histogram::bucket_of(std::uint64_t value) noexcept {
  value = std::min(value, highest_trackable);
  if (value < exact_limit) return static_cast<std::size_t>(value);
  const unsigned octave = static_cast<unsigned>(std::bit_width(value)) - histogram::sub_bits;
  const std::uint64_t top = value >> octave;  // in [128, 256)
  return static_cast<std::size_t>(exact_limit + (octave - 1) * half + (top - half));
}

std::uint64_t histogram::bucket_low(std::size_t index) noexcept {
  if (index < exact_limit) return index;
  const std::uint64_t octave = (index - exact_limit) / half + 1;
  const std::uint64_t top = (index - exact_limit) % half + half;
  return top << octave;
}

std::uint64_t histogram::bucket_high(std::size_t index) noexcept {
  if (index < exact_limit) return index;
  const std::uint64_t octave = (index - exact_limit) / half + 1;
  return bucket_low(index) + (std::uint64_t{1} << octave) - 1;
}

histogram::histogram() : counts_(bucket_of(highest_trackable) + 1, 0) {}

void histogram::record(std::uint64_t value) noexcept {
  ++counts_[bucket_of(value)];
  ++total_;
  sum_ += value;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
}

void histogram::merge(const histogram& other) {
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  total_ += other.total_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void histogram::reset() noexcept {
  std::fill(counts_.begin(), counts_.end(), 0);
  total_ = sum_ = max_ = 0;
  min_ = UINT64_MAX;
}

double histogram::mean() const noexcept {
  return total_ == 0 ? 0.0 : static_cast<double>(sum_) / static_cast<double>(total_);
}

std::uint64_t histogram::percentile(double p) const noexcept {
  if (total_ == 0) return 0;
  p = std::clamp(p, 0.0, 100.0);
  // Nearest rank: the smallest value with at least ceil(p% of total) values at or below it.
  const auto wanted = static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(total_)));
  const std::uint64_t rank = std::max<std::uint64_t>(wanted, 1);
  if (rank >= total_) return max_;  // the extremes are known exactly
  if (rank == 1) return min_;
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      const std::uint64_t mid = bucket_low(i) + (bucket_high(i) - bucket_low(i)) / 2;
      return std::clamp(mid, min(), max_);
    }
  }
  return max_;
}

}  // namespace mixtape::bench
