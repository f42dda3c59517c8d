#include <boost/test/unit_test.hpp>

#include <random>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "model/collection.hpp"

using namespace mixtape::model;

namespace {
collection sample() {
  collection c;
  c.id = "mcoll_4a1f9c7e2b8d";
  c.org = "org_abc123";
  c.owner = "usr_alice";
  c.name = "Focus \"Deep\" \\ Work\n\t\x01 caf\xc3\xa9 \xf0\x9f\x98\x80";
  c.description = "Instrumental </script>";
  c.cover_image_url = "https://example.com/c.png";
  c.created_at = 1782642600;  // 2026-06-28T10:30:00Z
  c.updated_at = 1782648000;  // 2026-06-28T12:00:00Z
  c.tracks = {{"mtrack_a", 1782642600}};
  return c;
}

const std::string sample_head =
    R"({"id":"mcoll_4a1f9c7e2b8d","name":"Focus \"Deep\" \\ Work\n\t\u0001 caf)"
    "\xc3\xa9 \xf0\x9f\x98\x80"
    R"(","description":"Instrumental </script>","cover_track_id":null,)"
    R"("cover_image_url":"https://example.com/c.png","track_count":)";
const std::string sample_tail =
    R"(,"created_at":"2026-06-28T10:30:00Z","updated_at":"2026-06-28T12:00:00Z"})";
}  // namespace

BOOST_AUTO_TEST_SUITE(collection_json)

BOOST_AUTO_TEST_CASE(render_produces_exact_spec_text) {
  const cached_json j = render(sample());
  BOOST_TEST(j.text == sample_head + sample_tail);
  BOOST_TEST(j.count_at == sample_head.size());
  BOOST_TEST(j.text[j.count_at - 1] == ':');
}

BOOST_AUTO_TEST_CASE(append_json_puts_the_count_in_place) {
  const cached_json j = render(sample());
  std::string out = "[";
  append_json(out, j, 7);
  BOOST_TEST(out == "[" + sample_head + "7" + sample_tail);
  out.clear();
  append_json(out, j, 0);
  BOOST_TEST(out == sample_head + "0" + sample_tail);
  out.clear();
  append_json(out, j, std::size_t{18446744073709551615u});
  BOOST_TEST(out == sample_head + "18446744073709551615" + sample_tail);
}

BOOST_AUTO_TEST_CASE(append_json_without_count_writes_null) {
  const cached_json j = render(sample());
  std::string out;
  append_json(out, j, std::nullopt);
  BOOST_TEST(out == sample_head + "null" + sample_tail);
}

BOOST_AUTO_TEST_CASE(rendered_json_parses_back_to_the_same_values) {
  collection c = sample();
  c.description.reset();
  c.cover_track_id = "mtrack_8d2e1f6a3c9b";
  c.cover_image_url.reset();
  std::string out;
  append_json(out, render(c), 12);
  const boost::json::object o = boost::json::parse(out).as_object();
  BOOST_TEST(o.size() == 8u);
  BOOST_TEST(o.at("name").as_string() == c.name);
  BOOST_TEST(o.at("description").is_null());
  BOOST_TEST(o.at("cover_track_id").as_string() == "mtrack_8d2e1f6a3c9b");
  BOOST_TEST(o.at("cover_image_url").is_null());
  BOOST_TEST(o.at("track_count").as_int64() == 12);
  BOOST_TEST(o.at("updated_at").as_string() == "2026-06-28T12:00:00Z");
  const char* order[] = {"id", "name", "description", "cover_track_id", "cover_image_url",
                         "track_count", "created_at", "updated_at"};
  std::size_t i = 0;
  for (const auto& kv : o) BOOST_TEST(kv.key() == order[i++]);
}

BOOST_AUTO_TEST_CASE(every_control_character_is_escaped) {
  for (int b = 0; b < 0x20; ++b) {
    std::string out;
    append_json_string(out, std::string(1, static_cast<char>(b)));
    BOOST_TEST(out.size() >= 4u);
    BOOST_TEST(out[1] == '\\', "byte " << b);
    BOOST_TEST(boost::json::parse(out).as_string() == std::string(1, static_cast<char>(b)));
  }
  std::string out = "x";
  append_json_string(out, std::string_view("\0\x1f\x7f", 3));
  BOOST_TEST(out == "x\"\\u0000\\u001f\x7f\"");
}

// The hot path must escape exactly as Boost.JSON does elsewhere in the server.
BOOST_AUTO_TEST_CASE(append_json_string_matches_boost_json_serialize) {
  std::mt19937 rng(7);
  const std::string pool[] = {"a", "\"", "\\", "/", "\n", "\r", "\t", "\b", "\f", "\x01",
                              "\x1f", " ", "\x7f", "\xc3\xa9", "\xe2\x80\xa8",
                              "\xf0\x9f\x98\x80", std::string(1, '\0')};
  for (int round = 0; round < 2000; ++round) {
    std::string s;
    for (int n = static_cast<int>(rng() % 12); n > 0; --n) s += pool[rng() % std::size(pool)];
    std::string ours;
    append_json_string(ours, s);
    BOOST_TEST_REQUIRE(ours == boost::json::serialize(boost::json::value(s)), "round " << round);
  }
}

// The store keeps no other copy of the text fields: they must come back exactly, escapes,
// NULs and absent optionals included.
BOOST_AUTO_TEST_CASE(text_fields_read_back_from_the_cached_json_exactly) {
  collection c = sample();
  c.description.reset();
  c.cover_track_id = "mtrack_9";
  c.name += std::string(1, '\0') + "\xe2\x80\xa8 end";
  collection back;
  back.description = "stale";
  BOOST_TEST_REQUIRE(read_text_fields(render(c), back));
  BOOST_TEST(back.name == c.name);
  BOOST_TEST(!back.description.has_value());
  BOOST_TEST((back.cover_track_id == c.cover_track_id));
  BOOST_TEST((back.cover_image_url == c.cover_image_url));
  BOOST_TEST(!read_text_fields(cached_json{"{\"id\":1}", 7}, back));
  BOOST_TEST(!read_text_fields(cached_json{"not json", 0}, back));
}

BOOST_AUTO_TEST_CASE(text_fields_read_back_for_random_strings_and_any_json_escape) {
  std::mt19937 rng(5);
  const std::string pool[] = {"a", "\"", "\\", "/", "\n", "\r", "\t", "\b", "\f", "\x01", "\x1f", " ",
                              "\x7f", "\xc3\xa9", "\xe2\x80\xa8", "\xf0\x9f\x98\x80", std::string(1, '\0')};
  const auto random_text = [&] {
    std::string s;
    for (int n = static_cast<int>(rng() % 12); n > 0; --n) s += pool[rng() % std::size(pool)];
    return s;
  };
  for (int round = 0; round < 500; ++round) {
    collection c = sample();
    c.name = random_text();
    c.description = random_text();
    if (rng() % 2) c.cover_track_id = random_text();
    collection back;
    BOOST_TEST_REQUIRE(read_text_fields(render(c), back), "round " << round);
    BOOST_TEST_REQUIRE(back.name == c.name, "round " << round);
    BOOST_TEST_REQUIRE((back.description == c.description && back.cover_track_id == c.cover_track_id));
  }
  // Escapes render() never makes, as any JSON writer may: \/, \uXXXX, surrogate pairs.
  const std::string head = R"({"id":"mcoll_4a1f9c7e2b8d","name":)";
  const std::string tail = R"(,"description":null,"cover_track_id":null,"cover_image_url":null,"track_count":)";
  const auto read_name = [&](const std::string& name_json) -> std::optional<std::string> {
    const cached_json j{head + name_json + tail, static_cast<std::uint32_t>((head + name_json + tail).size())};
    collection back;
    if (!read_text_fields(j, back)) return std::nullopt;
    return back.name;
  };
  BOOST_TEST(read_name(R"("a\/b\u00e9\u2028\ud83d\ude00")").value_or("?") == "a/b\xc3\xa9\xe2\x80\xa8\xf0\x9f\x98\x80");
  for (const char* bad : {R"("\ud83d")", R"("\ude00")", R"("\u12")", R"("\x")", R"("open)", "null", "1"})
    BOOST_TEST(!read_name(bad).has_value(), bad);
}

BOOST_AUTO_TEST_CASE(collection_ids_map_to_48_bit_numbers_and_back) {
  BOOST_TEST(collection_number("mcoll_000000000000").value_or(1) == 0u);
  BOOST_TEST(collection_number("mcoll_4a1f9c7e2b8d").value_or(0) == 0x4a1f9c7e2b8dull);
  BOOST_TEST(collection_number("mcoll_ffffffffffff").value_or(0) == 0xffffffffffffull);
  BOOST_TEST(collection_id(0x4a1f9c7e2b8dull) == "mcoll_4a1f9c7e2b8d");
  BOOST_TEST(collection_id(0) == "mcoll_000000000000");
  for (const char* bad : {"", "mcoll_", "mcoll_4a1f9c7e2b8", "mcoll_4a1f9c7e2b8d0", "mcoll_4A1F9C7E2B8D",
                          "mcoll_4a1f9c7e2b8g", "mcolx_4a1f9c7e2b8d", "xmcoll_4a1f9c7e2b8"})
    BOOST_TEST(!collection_number(bad).has_value(), bad);
  std::mt19937_64 rng(11);
  for (int i = 0; i < 1000; ++i) {
    const std::uint64_t n = rng() & 0xffffffffffffull;
    BOOST_TEST_REQUIRE(collection_number(collection_id(n)).value_or(~n) == n);
  }
}

BOOST_AUTO_TEST_SUITE_END()
