#include <boost/test/unit_test.hpp>

#include <random>
#include <string>

#include <boost/json/parse.hpp>

#include "model/test_util.hpp"
#include "model/validation.hpp"

using namespace mixtape::model;
using test::repeat;

BOOST_AUTO_TEST_SUITE(validation)

BOOST_AUTO_TEST_CASE(org_id_takes_1_to_64_word_characters) {
  BOOST_TEST(is_org_id("org_a"));
  BOOST_TEST(is_org_id("org_abc123"));
  BOOST_TEST(is_org_id("org_A_9_z"));
  BOOST_TEST(is_org_id("org__"));
  BOOST_TEST(is_org_id("org_" + repeat("x", 64)));
  BOOST_TEST(!is_org_id("org_" + repeat("x", 65)));
  BOOST_TEST(!is_org_id("org_"));
  BOOST_TEST(!is_org_id("org"));
  BOOST_TEST(!is_org_id(""));
  BOOST_TEST(!is_org_id("ORG_abc"));
  BOOST_TEST(!is_org_id("org_a-b"));
  BOOST_TEST(!is_org_id("org_a b"));
  BOOST_TEST(!is_org_id("org_\xc3\xa9"));
  BOOST_TEST(!is_org_id(std::string_view("org_a\0b", 7)));
}

BOOST_AUTO_TEST_CASE(collection_id_is_mcoll_and_12_lowercase_hex) {
  BOOST_TEST(is_collection_id("mcoll_4a1f9c7e2b8d"));
  BOOST_TEST(is_collection_id("mcoll_000000000000"));
  BOOST_TEST(!is_collection_id("mcoll_4a1f9c7e2b8"));
  BOOST_TEST(!is_collection_id("mcoll_4a1f9c7e2b8d0"));
  BOOST_TEST(!is_collection_id("mcoll_4A1F9C7E2B8D"));
  BOOST_TEST(!is_collection_id("mcoll_4a1f9c7e2b8g"));
  BOOST_TEST(!is_collection_id("mcol_4a1f9c7e2b8d"));
  BOOST_TEST(!is_collection_id(""));
}

BOOST_AUTO_TEST_CASE(track_id_takes_1_to_64_alphanumerics) {
  BOOST_TEST(is_track_id("mtrack_8d2e1f6a3c9b"));
  BOOST_TEST(is_track_id("mtrack_a"));
  BOOST_TEST(is_track_id("mtrack_AZaz09"));
  BOOST_TEST(is_track_id("mtrack_" + repeat("Z", 64)));
  BOOST_TEST(!is_track_id("mtrack_" + repeat("Z", 65)));
  BOOST_TEST(!is_track_id("mtrack_"));
  BOOST_TEST(!is_track_id("mtrack_a_b"));
  BOOST_TEST(!is_track_id("mtrack_a-b"));
  BOOST_TEST(!is_track_id("mtrack_ab "));
  BOOST_TEST(!is_track_id(" mtrack_ab"));
  BOOST_TEST(!is_track_id("Mtrack_ab"));
  BOOST_TEST(!is_track_id("mtrack_\xc3\xa9"));
  BOOST_TEST(!is_track_id(std::string_view("mtrack_a\0", 9)));
}

BOOST_AUTO_TEST_CASE(share_id_is_mslink_and_12_lowercase_hex) {
  BOOST_TEST(is_share_id("mslink_0123456789ab"));
  BOOST_TEST(!is_share_id("mslink_0123456789a"));
  BOOST_TEST(!is_share_id("mslink_0123456789abc"));
  BOOST_TEST(!is_share_id("mslink_0123456789AB"));
  BOOST_TEST(!is_share_id("mcoll_0123456789ab"));
}

BOOST_AUTO_TEST_CASE(utf8_length_counts_code_points) {
  BOOST_TEST(utf8_length("").value() == 0u);
  BOOST_TEST(utf8_length("abc").value() == 3u);
  BOOST_TEST(utf8_length("\xc3\xa9").value() == 1u);              // é
  BOOST_TEST(utf8_length("\xe2\x82\xac").value() == 1u);          // €
  BOOST_TEST(utf8_length("\xf0\x9f\x98\x80").value() == 1u);      // 😀
  BOOST_TEST(utf8_length("a\xc3\xa9\xf0\x9f\x98\x80z").value() == 4u);
  BOOST_TEST(utf8_length(std::string_view("\0", 1)).value() == 1u);
  BOOST_TEST(utf8_length("\xed\x9f\xbf").value() == 1u);          // U+D7FF
  BOOST_TEST(utf8_length("\xee\x80\x80").value() == 1u);          // U+E000
  BOOST_TEST(utf8_length("\xf4\x8f\xbf\xbf").value() == 1u);      // U+10FFFF
}

BOOST_AUTO_TEST_CASE(utf8_length_rejects_ill_formed_sequences) {
  BOOST_TEST(!utf8_length("\xc0\xaf"));                // overlong '/'
  BOOST_TEST(!utf8_length("\xc1\xbf"));                // overlong
  BOOST_TEST(!utf8_length("\xe0\x80\xaf"));            // overlong
  BOOST_TEST(!utf8_length("\xe0\x9f\xbf"));            // overlong
  BOOST_TEST(!utf8_length("\xf0\x80\x80\xaf"));        // overlong
  BOOST_TEST(!utf8_length("\xf0\x8f\xbf\xbf"));        // overlong
  BOOST_TEST(!utf8_length("\xed\xa0\x80"));            // U+D800
  BOOST_TEST(!utf8_length("\xed\xbf\xbf"));            // U+DFFF
  BOOST_TEST(!utf8_length("\xf4\x90\x80\x80"));        // U+110000
  BOOST_TEST(!utf8_length("\xf5\x80\x80\x80"));
  BOOST_TEST(!utf8_length("\xff"));
  BOOST_TEST(!utf8_length("\x80"));                    // stray continuation
  BOOST_TEST(!utf8_length("a\xe2\x82"));               // truncated at the end
  BOOST_TEST(!utf8_length("\xe2\x82z"));               // truncated in the middle
  BOOST_TEST(!utf8_length("\xf0\x9f\x98"));
  BOOST_TEST(!utf8_length("\xc3"));
}

// Boost.JSON validates UTF-8 per Unicode Table 3-7 as well: the two must agree on every
// input, including random byte soup biased towards multi-byte lead bytes.
BOOST_AUTO_TEST_CASE(utf8_length_agrees_with_boost_json_on_random_bytes) {
  std::mt19937 rng(12345);
  const unsigned char pool[] = {'a',  0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2,
                                0xdf, 0xe0, 0xe1, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf4, 0xf5};
  for (int round = 0; round < 20000; ++round) {
    std::string s;
    const int len = static_cast<int>(rng() % 6);
    for (int i = 0; i < len; ++i) s += static_cast<char>(pool[rng() % sizeof pool]);
    boost::json::error_code ec;
    (void)boost::json::parse("\"" + s + "\"", ec);
    BOOST_TEST_REQUIRE(utf8_length(s).has_value() == !ec, "input #" << round);
  }
}

BOOST_AUTO_TEST_CASE(cover_image_url_accepts_absolute_http_and_https) {
  BOOST_TEST(is_cover_image_url("https://example.com/a.png"));
  BOOST_TEST(is_cover_image_url("http://example.com"));
  BOOST_TEST(is_cover_image_url("HTTPS://EXAMPLE.COM/X.PNG"));
  BOOST_TEST(is_cover_image_url("https://cdn.example.com:8443/img/1.jpg?w=300&h=300#top"));
  BOOST_TEST(is_cover_image_url("https://user:pw@example.com/a.png"));
  BOOST_TEST(is_cover_image_url("http://127.0.0.1:8080/x"));
  BOOST_TEST(is_cover_image_url("http://[::1]:8080/x"));
  BOOST_TEST(is_cover_image_url("https://example.com?x=1"));
  BOOST_TEST(is_cover_image_url("https://example.com/caf%C3%A9.png"));
  BOOST_TEST(is_cover_image_url("https://\xe4\xbe\x8b\xe3\x81\x88.jp/\xc3\xa9.png"));  // IDN
}

BOOST_AUTO_TEST_CASE(cover_image_url_rejects_other_schemes_and_missing_hosts) {
  BOOST_TEST(!is_cover_image_url(""));
  BOOST_TEST(!is_cover_image_url("ftp://example.com/a.png"));
  BOOST_TEST(!is_cover_image_url("javascript:alert(1)"));
  BOOST_TEST(!is_cover_image_url("data:image/png;base64,AAAA"));
  BOOST_TEST(!is_cover_image_url("//example.com/a.png"));
  BOOST_TEST(!is_cover_image_url("example.com/a.png"));
  BOOST_TEST(!is_cover_image_url("/a.png"));
  BOOST_TEST(!is_cover_image_url("https:example.com"));
  BOOST_TEST(!is_cover_image_url("https://"));
  BOOST_TEST(!is_cover_image_url("https:///a.png"));
  BOOST_TEST(!is_cover_image_url("https://?x"));
  BOOST_TEST(!is_cover_image_url("https://:443/a.png"));
  BOOST_TEST(!is_cover_image_url("https://user@/a.png"));
  BOOST_TEST(!is_cover_image_url("https://example.com:https/a.png"));
  BOOST_TEST(!is_cover_image_url("http://[]/x"));
  BOOST_TEST(!is_cover_image_url("http://[::1/x"));
  BOOST_TEST(!is_cover_image_url("https://exa<mple.com/"));
}

BOOST_AUTO_TEST_CASE(cover_image_url_rejects_whitespace_controls_and_bad_utf8) {
  BOOST_TEST(!is_cover_image_url("https://exa mple.com/a.png"));
  BOOST_TEST(!is_cover_image_url("https://example.com/a b.png"));
  BOOST_TEST(!is_cover_image_url(" https://example.com/a.png"));
  BOOST_TEST(!is_cover_image_url("https://example.com/a.png "));
  BOOST_TEST(!is_cover_image_url("https://example.com/\ta.png"));
  BOOST_TEST(!is_cover_image_url("https://example.com/a.png\n"));
  BOOST_TEST(!is_cover_image_url("https://example.com/\x7f"));
  BOOST_TEST(!is_cover_image_url(std::string_view("https://example.com/\0", 21)));
  BOOST_TEST(!is_cover_image_url("https://example.com/\xc2\xa0"));      // NBSP
  BOOST_TEST(!is_cover_image_url("https://example.com/\xe2\x80\xa8"));  // LINE SEPARATOR
  BOOST_TEST(!is_cover_image_url("https://example.com/\xc2\x85"));      // NEL (C1)
  BOOST_TEST(!is_cover_image_url("https://example.com/\xff"));
  BOOST_TEST(!is_cover_image_url("https://example.com/\xed\xa0\x80"));
}

BOOST_AUTO_TEST_CASE(cover_image_url_of_1024_characters_is_accepted_and_1025_is_not) {
  const std::string head = "https://example.com/";
  BOOST_TEST(is_cover_image_url(head + repeat("a", 1024 - head.size())));
  BOOST_TEST(!is_cover_image_url(head + repeat("a", 1025 - head.size())));
  // Characters, not bytes: 1024 code points of two bytes each still fit.
  BOOST_TEST(is_cover_image_url(head + repeat("\xc3\xa9", 1024 - head.size())));
  BOOST_TEST(!is_cover_image_url(head + repeat("\xc3\xa9", 1025 - head.size())));
}

BOOST_AUTO_TEST_SUITE_END()
