#define BOOST_TEST_MODULE core
#include <boost/test/unit_test.hpp>

#include <pthread.h>

#include <set>
#include <string>
#include <thread>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "core/text.hpp"
#include "core/thread_name.hpp"

using namespace mixtape::core;

BOOST_AUTO_TEST_CASE(format_utc_matches_spec_shape) {
  BOOST_TEST(format_utc(0) == "1970-01-01T00:00:00Z");
  BOOST_TEST(format_utc(1782642600) == "2026-06-28T10:30:00Z");
  BOOST_TEST(format_utc(951782400) == "2000-02-29T00:00:00Z");
}

BOOST_AUTO_TEST_CASE(parse_utc_round_trips_and_rejects_garbage) {
  BOOST_TEST(parse_utc("2026-06-28T10:30:00Z").value() == 1782642600);
  BOOST_TEST(!parse_utc("2026-02-30T10:30:00Z"));
  BOOST_TEST(!parse_utc("2026-06-28 10:30:00Z"));
  BOOST_TEST(!parse_utc("2026-06-28T24:00:00Z"));
  BOOST_TEST(!parse_utc(""));
}

// RFC 3339 §5.6 date-times, as `mixtaped restore --until` takes them.
BOOST_AUTO_TEST_CASE(parse_rfc3339_takes_offsets_and_fractions_and_rejects_the_rest) {
  const unix_seconds t = 1782642600;  // 2026-06-28T10:30:00Z
  BOOST_TEST(parse_rfc3339("2026-06-28T10:30:00Z").value() == t);
  BOOST_TEST(parse_rfc3339("2026-06-28t10:30:00z").value() == t);
  BOOST_TEST(parse_rfc3339("2026-06-28T12:30:00+02:00").value() == t);
  BOOST_TEST(parse_rfc3339("2026-06-28T05:00:00-05:30").value() == t);
  BOOST_TEST(parse_rfc3339("2026-06-28T10:30:00-00:00").value() == t);
  BOOST_TEST(parse_rfc3339("2026-06-29T00:15:00+13:45").value() == t);
  // Fractions are dropped: the instant lies in second t.
  BOOST_TEST(parse_rfc3339("2026-06-28T10:30:00.999999999Z").value() == t);
  BOOST_TEST(parse_rfc3339("2026-06-28T10:30:00.5+00:00").value() == t);
  BOOST_TEST(parse_rfc3339("2026-06-28T10:29:59.000Z").value() == t - 1);
  // The offset moves the date too, and leap years count.
  BOOST_TEST(parse_rfc3339("2000-03-01T00:30:00+01:00").value() == 951867000);  // 2000-02-29T23:30:00Z
  BOOST_TEST(parse_rfc3339("1970-01-01T00:00:00Z").value() == 0);
  BOOST_TEST(parse_rfc3339("1969-12-31T23:59:59Z").value() == -1);
  // A leap second is the second before it.
  BOOST_TEST(parse_rfc3339("2016-12-31T23:59:60Z").value() == parse_rfc3339("2016-12-31T23:59:59Z").value());
  for (const char* bad : {"", "2026-06-28T10:30:00", "2026-06-28 10:30:00Z", "2026-06-28T10:30Z",
                          "2026-06-28T10:30:00.Z", "2026-06-28T10:30:00+0200", "2026-06-28T10:30:00+02",
                          "2026-06-28T10:30:00+24:00", "2026-06-28T10:30:00+02:60", "2026-06-28T24:00:00Z",
                          "2026-06-28T10:60:00Z", "2026-06-28T10:30:61Z", "2026-02-29T10:30:00Z",
                          "2026-13-01T10:30:00Z", "2026-06-28T10:30:00Zjunk", "2026-06-28T10:30:00+02:00 ",
                          "26-06-28T10:30:00Z", "2026-06-28T10:30:00GMT", "2026-06-28T1O:30:00Z"})
    BOOST_TEST(!parse_rfc3339(bad), bad);
}

BOOST_AUTO_TEST_CASE(collection_ids_have_spec_form_and_differ) {
  std::set<std::string> seen;
  for (int i = 0; i < 3000; ++i) {  // several refills of the per-thread random buffer
    const auto id = new_collection_id();
    BOOST_TEST(id.size() == 18u);
    BOOST_TEST(id.rfind("mcoll_", 0) == 0u);
    BOOST_TEST(id.find_first_not_of("0123456789abcdef", 6) == std::string::npos);
    seen.insert(id);
  }
  BOOST_TEST(seen.size() == 3000u);
}

BOOST_AUTO_TEST_CASE(base64url_encodes_rfc4648_vectors_without_padding) {
  auto enc = [](std::string_view s) {
    return base64url_encode({reinterpret_cast<const unsigned char*>(s.data()), s.size()});
  };
  BOOST_TEST(enc("") == "");
  BOOST_TEST(enc("f") == "Zg");
  BOOST_TEST(enc("fo") == "Zm8");
  BOOST_TEST(enc("foo") == "Zm9v");
  BOOST_TEST(enc("foob") == "Zm9vYg");
  BOOST_TEST(enc("\xfb\xff") == "-_8");
  BOOST_TEST(random_base64url(32).size() == 43u);
}

BOOST_AUTO_TEST_CASE(result_holds_value_or_problem) {
  result<int> good = 7;
  result<int> bad = problem::validation("name", "name must be between 1 and 512 characters");
  BOOST_TEST(good.ok());
  BOOST_TEST(good.value() == 7);
  BOOST_TEST(!bad.ok());
  BOOST_TEST(bad.error().field == "name");
  BOOST_TEST((bad.error().code == errc::validation_failed));
  const std::error_code ec = errc::unavailable;
  BOOST_TEST(ec.message() == "service unavailable");
}

BOOST_AUTO_TEST_CASE(a_thread_names_itself_cut_to_what_linux_keeps) {
  std::string short_name, long_name;
  std::thread([&] {
    char got[32] = {};
    name_this_thread("mixtape-test");
    ::pthread_getname_np(::pthread_self(), got, sizeof got);
    short_name = got;
    name_this_thread("mixtape-a-very-long-thread-name");
    ::pthread_getname_np(::pthread_self(), got, sizeof got);
    long_name = got;
  }).join();
  BOOST_TEST(short_name == "mixtape-test");
  BOOST_TEST(long_name == "mixtape-a-very-");
}

BOOST_AUTO_TEST_CASE(http_dates_are_imf_fixdate) {
  std::string out;
  append_http_date(out, 784111777);  // RFC 9110 §5.6.7's example
  BOOST_TEST(out == "Sun, 06 Nov 1994 08:49:37 GMT");
  out.clear();
  append_http_date(out, 1'798'761'599);  // 2026-12-31T23:59:59Z, a Thursday
  BOOST_TEST(out == "Thu, 31 Dec 2026 23:59:59 GMT");
  out.clear();
  append_http_date(out, 951'782'400);  // 2000-02-29, a leap day
  BOOST_TEST(out == "Tue, 29 Feb 2000 00:00:00 GMT");
}

BOOST_AUTO_TEST_CASE(ascii_case_is_folded_and_nothing_else) {
  BOOST_TEST(iequals_ascii("Content-Type", "content-type"));
  BOOST_TEST(iequals_ascii("CHUNKED", "chunked"));
  BOOST_TEST(iequals_ascii("", ""));
  BOOST_TEST(!iequals_ascii("chunked", "chunke"));
  BOOST_TEST(!iequals_ascii("chunkeD", "chunkex"));
  BOOST_TEST(!iequals_ascii("[", "{"));  // '[' + 32 is '{': only A-Z fold
  BOOST_TEST(!iequals_ascii("\xc4", "\xe4"));  // no locale: Latin-1 letters stay apart
  BOOST_TEST(trim_blanks(" \t a b \t") == "a b");
  BOOST_TEST(trim_blanks(" \t ").empty());
}
