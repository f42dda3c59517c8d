// The client address a share-link request counts against (api/rate_limiter.hpp).
#include <boost/test/unit_test.hpp>

#include "api/rate_limiter.hpp"

using namespace mixtape;
using namespace mixtape::api;

namespace {

core::ip_address ip(const char* text) { return *core::parse_ip(text); }

request from(const char* peer, std::string_view forwarded = {}) {
  request r;
  r.peer = ip(peer);
  r.x_forwarded_for = forwarded;
  return r;
}

rate_limiter trusting(const char* ranges) {
  rate_limit_options o;
  o.trusted_proxies = *core::parse_ip_ranges(ranges);
  o.share = {60, 30};
  return rate_limiter{o};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(client_address)

BOOST_AUTO_TEST_CASE(the_peer_counts_unless_it_is_a_trusted_proxy) {
  auto none = trusting("");
  BOOST_TEST((none.client_of(from("127.0.0.9", "203.0.113.1")) == ip("127.0.0.9")));
  auto proxy = trusting("127.0.0.1");
  BOOST_TEST((proxy.client_of(from("127.0.0.9", "203.0.113.1")) == ip("127.0.0.9")));
  BOOST_TEST((proxy.client_of(from("127.0.0.1", "203.0.113.1")) == ip("203.0.113.1")));
  BOOST_TEST((proxy.client_of(from("127.0.0.1")) == ip("127.0.0.1")));
}

BOOST_AUTO_TEST_CASE(forwarded_lists_are_read_from_the_right_past_trusted_hops) {
  auto proxies = trusting("127.0.0.1,10.0.0.0/8");
  // The leftmost entry is whatever the client wrote: only the hops we trust vouch for the next.
  BOOST_TEST((proxies.client_of(from("127.0.0.1", "6.6.6.6, 203.0.113.5, 10.1.2.3")) == ip("203.0.113.5")));
  BOOST_TEST((proxies.client_of(from("127.0.0.1", "10.0.0.1,10.0.0.2")) == ip("10.0.0.1")));
  BOOST_TEST((proxies.client_of(from("127.0.0.1", "[2001:db8::7]")) == ip("2001:db8::7")));
  BOOST_TEST((proxies.client_of(from("127.0.0.1", "198.51.100.1:4711")) == ip("198.51.100.1")));
  // Garbage stops the walk at the last trusted hop: a bad header never picks a bucket freely.
  BOOST_TEST((proxies.client_of(from("127.0.0.1", "203.0.113.5, garbage")) == ip("127.0.0.1")));
  BOOST_TEST((proxies.client_of(from("127.0.0.1", "203.0.113.5, garbage, 10.0.0.3")) == ip("10.0.0.3")));
}

BOOST_AUTO_TEST_CASE(a_client_s_bucket_is_shared_by_its_requests) {
  auto limiter = trusting("127.0.0.1");
  const core::rate_clock now{1'000'000'000'000, 1'700'000'000'000'000'000};
  for (int i = 0; i < 30; ++i) BOOST_TEST(limiter.take_for_client(from("127.0.0.1", "203.0.113.1"), now).allowed);
  BOOST_TEST(!limiter.take_for_client(from("127.0.0.1", "203.0.113.1"), now).allowed);
  BOOST_TEST(limiter.take_for_client(from("127.0.0.1", "203.0.113.2"), now).allowed);
  BOOST_TEST(limiter.tracked_ips() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
