// Token buckets (core/rate_limit.hpp) on an injected clock, and IP address parsing.
#include <boost/test/unit_test.hpp>

#include <thread>

#include "core/ip_address.hpp"
#include "core/rate_limit.hpp"

using namespace mixtape::core;

namespace {

constexpr std::int64_t s = 1'000'000'000;  // ns
constexpr std::int64_t t0 = 1'000 * s;     // a monotonic time well after 0
constexpr std::int64_t epoch0 = 1'700'000'000 * s;

rate_clock at(std::int64_t ns_after_t0) { return {t0 + ns_after_t0, epoch0 + ns_after_t0}; }

bucket_key key(unsigned n) {
  bucket_key k{};
  k[0] = static_cast<unsigned char>(n);
  k[1] = static_cast<unsigned char>(n >> 8);
  k[2] = static_cast<unsigned char>(n >> 16);
  return k;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(token_bucket)

BOOST_AUTO_TEST_CASE(burst_requests_pass_at_once_and_the_next_is_refused) {
  const rate_limit r{60, 5};
  std::int64_t tat = 0;
  for (unsigned i = 0; i < 5; ++i) {
    const auto v = take_token(tat, r, at(0));
    BOOST_TEST(v.allowed);
    BOOST_TEST(v.limit == 60u);  // X-RateLimit-Limit: the requests allowed per minute, not the burst
    BOOST_TEST(v.remaining == 4 - i);
  }
  const auto refused = take_token(tat, r, at(0));
  BOOST_TEST(!refused.allowed);
  BOOST_TEST(refused.remaining == 0u);
  BOOST_TEST(refused.retry_after == 1u);  // one token a second
  BOOST_TEST(refused.reset == 1'700'000'005);  // full again after 5 tokens' time
}

BOOST_AUTO_TEST_CASE(retry_after_is_rounded_up_and_long_enough) {
  const rate_limit r{7, 1};  // a token every 8.57 s
  std::int64_t tat = 0;
  BOOST_TEST(take_token(tat, r, at(0)).allowed);
  const auto refused = take_token(tat, r, at(s / 2));
  BOOST_TEST(!refused.allowed);
  BOOST_TEST(refused.retry_after == 9u);  // 8.07 s left, rounded up
  BOOST_TEST(!take_token(tat, r, at(s / 2 + 8 * s)).allowed);  // 8 s later: not yet
  BOOST_TEST(take_token(tat, r, at(s / 2 + 9 * s)).allowed);   // Retry-After later: a token
}

BOOST_AUTO_TEST_CASE(tokens_come_back_at_the_rate_and_never_beyond_the_burst) {
  const rate_limit r{120, 3};  // a token every 0.5 s
  std::int64_t tat = 0;
  for (int i = 0; i < 3; ++i) BOOST_TEST(take_token(tat, r, at(0)).allowed);
  BOOST_TEST(!take_token(tat, r, at(s / 4)).allowed);
  BOOST_TEST(take_token(tat, r, at(s / 2)).allowed);
  BOOST_TEST(!take_token(tat, r, at(s / 2)).allowed);
  // A long pause refills to the burst, no more.
  for (int i = 0; i < 3; ++i) BOOST_TEST(take_token(tat, r, at(3600 * s)).allowed);
  BOOST_TEST(!take_token(tat, r, at(3600 * s)).allowed);
}

BOOST_AUTO_TEST_CASE(burst_zero_means_the_per_minute_rate) {
  const rate_limit r{4, 0};
  BOOST_TEST(r.effective_burst() == 4u);
  std::int64_t tat = 0;
  for (int i = 0; i < 4; ++i) BOOST_TEST(take_token(tat, r, at(0)).allowed);
  BOOST_TEST(!take_token(tat, r, at(0)).allowed);
}

BOOST_AUTO_TEST_CASE(a_table_bucket_is_shared_by_threads) {
  bucket_table table{1024};
  const rate_limit r{1, 1000};
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) allowed += table.take(key(7), r, at(0)).allowed;
    });
  for (auto& t : threads) t.join();
  BOOST_TEST(allowed.load() == 1000);
  BOOST_TEST(table.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_table_keeps_within_its_capacity_and_keeps_recent_buckets) {
  bucket_table table{64};
  BOOST_TEST(table.capacity() == 64u);
  const rate_limit r{1, 1};
  for (unsigned i = 0; i < 10'000; ++i) {
    BOOST_TEST_REQUIRE(table.take(key(i), r, at(i)).allowed);  // every key new: a full bucket
    BOOST_TEST_REQUIRE(table.size() <= 64u);
  }
  BOOST_TEST(!table.take(key(9'999), r, at(10'000)).allowed);  // the newest was kept, still empty
}

BOOST_AUTO_TEST_CASE(full_buckets_are_forgotten_first) {
  bucket_table table{16};  // one per stripe
  const rate_limit r{60, 1};
  for (unsigned i = 0; i < 100; ++i) table.take(key(i), r, at(std::int64_t{i} * 2 * s));  // each full again 1 s later
  BOOST_TEST(table.size() <= 16u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ip_addresses)

BOOST_AUTO_TEST_CASE(ipv4_is_mapped_and_ipv6_is_kept) {
  const auto v4 = parse_ip("127.1.2.3");
  BOOST_REQUIRE(v4);
  BOOST_TEST((*v4 == ipv4_mapped({127, 1, 2, 3})));
  BOOST_TEST((parse_ip("::ffff:127.1.2.3") == v4));
  BOOST_TEST(parse_ip("2001:db8::1").has_value());
  for (const char* bad : {"", "127.1", "1.2.3.4.5", "999.1.1.1", "[::1]", "fe80::1%eth0", " 1.2.3.4", "localhost"})
    BOOST_TEST(!parse_ip(bad).has_value(), bad);
}

BOOST_AUTO_TEST_CASE(ranges_contain_what_their_prefix_says) {
  const auto r = parse_ip_range("10.9.0.0/16");
  BOOST_REQUIRE(r);
  BOOST_TEST(r->contains(*parse_ip("10.9.255.1")));
  BOOST_TEST(!r->contains(*parse_ip("10.10.0.1")));
  BOOST_TEST(!r->contains(*parse_ip("::1")));
  const auto one = parse_ip_range("192.0.2.7");
  BOOST_TEST(one->contains(*parse_ip("192.0.2.7")));
  BOOST_TEST(!one->contains(*parse_ip("192.0.2.8")));
  const auto v6 = parse_ip_range("2001:db8::/33");
  BOOST_TEST(v6->contains(*parse_ip("2001:db8:7fff::1")));
  BOOST_TEST(!v6->contains(*parse_ip("2001:db8:8000::1")));
  BOOST_TEST(parse_ip_range("0.0.0.0/0")->contains(*parse_ip("8.8.8.8")));
  for (const char* bad : {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "::/129", "/8"})
    BOOST_TEST(!parse_ip_range(bad).has_value(), bad);
}

BOOST_AUTO_TEST_CASE(range_lists_are_comma_separated) {
  BOOST_TEST(parse_ip_ranges("")->empty());
  BOOST_TEST(parse_ip_ranges("127.0.0.1, 10.0.0.0/8 ,::1")->size() == 3u);
  BOOST_TEST(!parse_ip_ranges("127.0.0.1,,10.0.0.1").has_value());
  BOOST_TEST(!parse_ip_ranges("127.0.0.1,nope").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
