#define BOOST_TEST_MODULE bench_unit
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "histogram.hpp"

using mixtape::bench::histogram;

namespace {

// Nearest-rank percentile of sorted values: the value at rank ceil(p/100 * n).
std::uint64_t exact_percentile(const std::vector<std::uint64_t>& sorted, double p) {
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::max<std::size_t>(rank, 1) - 1];
}

// Log-uniform values from 1 us to 60 s.
std::vector<std::uint64_t> log_uniform(std::size_t n, unsigned seed) {
  std::mt19937_64 gen{seed};
  std::uniform_real_distribution<double> exponent{0.0, std::log(60e6)};
  std::vector<std::uint64_t> v(n);
  for (auto& x : v) x = static_cast<std::uint64_t>(std::exp(exponent(gen)));
  return v;
}

void check_close(std::uint64_t got, std::uint64_t want, double p) {
  const double err = std::abs(static_cast<double>(got) - static_cast<double>(want)) / static_cast<double>(want);
  BOOST_TEST_CONTEXT("p" << p << ": got " << got << " want " << want) { BOOST_TEST(err < 0.01); }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(histogram_suite)

BOOST_AUTO_TEST_CASE(empty_histogram_reports_zeros) {
  histogram h;
  BOOST_TEST(h.count() == 0u);
  BOOST_TEST(h.percentile(50) == 0u);
  BOOST_TEST(h.max() == 0u);
  BOOST_TEST(h.min() == 0u);
  BOOST_TEST(h.mean() == 0.0);
}

BOOST_AUTO_TEST_CASE(small_values_are_exact) {
  histogram h;
  for (std::uint64_t v = 1; v <= 100; ++v) h.record(v);
  BOOST_TEST(h.percentile(50) == 50u);
  BOOST_TEST(h.percentile(99) == 99u);
  BOOST_TEST(h.percentile(100) == 100u);
  BOOST_TEST(h.percentile(0) == 1u);
  BOOST_TEST(h.mean() == 50.5);
}

BOOST_AUTO_TEST_CASE(buckets_tile_the_range_and_stay_narrow) {
  // Every bucket starts right after the previous one ends; the first 256 hold one value
  // each, the others are at most 1/128 of their values wide.
  const std::size_t last = histogram::bucket_of(histogram::highest_trackable);
  for (std::size_t i = 1; i <= last; ++i) {
    BOOST_TEST_REQUIRE(histogram::bucket_low(i) == histogram::bucket_high(i - 1) + 1);
    const double width = static_cast<double>(histogram::bucket_high(i) - histogram::bucket_low(i) + 1);
    if (i < 256) BOOST_TEST_REQUIRE(width == 1.0);
    else BOOST_TEST_REQUIRE(width / static_cast<double>(histogram::bucket_low(i)) <= 1.0 / 128);
  }
  BOOST_TEST(histogram::bucket_high(last) >= histogram::highest_trackable);
  for (std::uint64_t v : {0ull, 1ull, 255ull, 256ull, 257ull, 511ull, 512ull, 1000ull, 123456789ull, 60000000ull}) {
    const auto b = histogram::bucket_of(v);
    BOOST_TEST((histogram::bucket_low(b) <= v && v <= histogram::bucket_high(b)), "value " << v);
  }
}

BOOST_AUTO_TEST_CASE(percentiles_match_sorted_values_within_one_percent) {
  auto values = log_uniform(200'000, 7);
  histogram h;
  for (auto v : values) h.record(v);
  std::sort(values.begin(), values.end());
  for (double p : {1.0, 10.0, 50.0, 90.0, 99.0, 99.9, 99.99, 100.0}) check_close(h.percentile(p), exact_percentile(values, p), p);
  BOOST_TEST(h.count() == values.size());
  BOOST_TEST(h.max() == values.back());
  BOOST_TEST(h.min() == values.front());
}

BOOST_AUTO_TEST_CASE(max_is_exact_even_in_a_wide_bucket) {
  histogram h;
  h.record(100);
  h.record(59'999'999);
  BOOST_TEST(h.max() == 59'999'999u);
  BOOST_TEST(h.percentile(100) == 59'999'999u);
  BOOST_TEST(h.percentile(50) == 100u);
}

BOOST_AUTO_TEST_CASE(values_beyond_the_range_are_counted_and_max_is_kept) {
  histogram h;
  h.record(histogram::highest_trackable * 10);
  BOOST_TEST(h.count() == 1u);
  BOOST_TEST(h.max() == histogram::highest_trackable * 10);
  BOOST_TEST(h.percentile(50) <= histogram::highest_trackable * 10);
  BOOST_TEST(h.percentile(50) >= histogram::highest_trackable * 99 / 100);
}

BOOST_AUTO_TEST_CASE(merge_equals_recording_everything_in_one) {
  const auto a = log_uniform(50'000, 1), b = log_uniform(30'000, 2);
  histogram ha, hb, all;
  for (auto v : a) ha.record(v), all.record(v);
  for (auto v : b) hb.record(v), all.record(v);
  ha.merge(hb);
  BOOST_TEST(ha.count() == all.count());
  BOOST_TEST(ha.max() == all.max());
  BOOST_TEST(ha.min() == all.min());
  BOOST_TEST(ha.mean() == all.mean());
  for (double p : {50.0, 90.0, 99.0, 99.9}) BOOST_TEST(ha.percentile(p) == all.percentile(p));
}

BOOST_AUTO_TEST_CASE(merging_into_an_empty_histogram_copies_it) {
  histogram empty, h;
  h.record(42);
  h.record(4200);
  empty.merge(h);
  BOOST_TEST(empty.count() == 2u);
  BOOST_TEST(empty.min() == 42u);
  BOOST_TEST(empty.max() == 4200u);
  h.reset();
  BOOST_TEST(h.count() == 0u);
  BOOST_TEST(h.max() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
