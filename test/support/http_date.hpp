#pragma once
// The Date header every response carries (RFC 9110 §6.6.1), checked for the integration tests:
// IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") and the server's clock, which is this machine's.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <ctime>
#include <regex>
#include <string>

#include "support/http_client.hpp"

namespace mixtape::test {

inline void check_http_date(const http_reply& r) {
  const std::string date = r.header("Date");
  static const std::regex imf_fixdate{
      R"((Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT)"};
  BOOST_TEST_REQUIRE(std::regex_match(date, imf_fixdate), "Date: \"" << date << "\"");
  std::tm tm{};
  BOOST_TEST_REQUIRE(::strptime(date.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm) != nullptr);
  const std::time_t sent = ::timegm(&tm);
  // The server's clock (CLOCK_REALTIME) read before ours: not after our now. time(2) would
  // read the coarse clock, which may still show the previous second at a second's turn.
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  BOOST_TEST(sent <= now, date);
  BOOST_TEST(sent >= now - 5, date);  // a bound for a slow test machine, not a wait
  std::tm check{};
  ::gmtime_r(&sent, &check);
  BOOST_TEST(check.tm_wday == tm.tm_wday, "the weekday matches the date: " << date);
}

}  // namespace mixtape::test
