#include <boost/test/unit_test.hpp>

#include "model/requests.hpp"
#include "model/test_util.hpp"

using namespace mixtape::model;
using test::rejected;
using test::repeat;

namespace {
constexpr std::string_view name_rule = "name must be between 1 and 512 characters";

std::string body_with_name(const std::string& name) { return "{\"name\":\"" + name + "\"}"; }
}  // namespace

BOOST_AUTO_TEST_SUITE(create)

BOOST_AUTO_TEST_CASE(name_of_512_multibyte_chars_is_accepted) {
  for (const char* ch : {"a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"}) {
    const auto r = parse_create(body_with_name(repeat(ch, 512)));
    BOOST_TEST_REQUIRE(r.ok(), "char " << ch);
    BOOST_TEST(r->name == repeat(ch, 512));
  }
}

BOOST_AUTO_TEST_CASE(name_of_513_chars_is_rejected) {
  for (const char* ch : {"a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"})
    BOOST_TEST(rejected(parse_create(body_with_name(repeat(ch, 513))), "name", name_rule),
               "char " << ch);
}

BOOST_AUTO_TEST_CASE(name_counts_escaped_characters_once) {
  BOOST_TEST(parse_create(body_with_name(repeat("\\u00e9", 512))).ok());
  BOOST_TEST(parse_create(body_with_name(repeat("\\ud83d\\ude00", 512))).ok());
  BOOST_TEST(rejected(parse_create(body_with_name(repeat("\\ud83d\\ude00", 513))), "name"));
}

BOOST_AUTO_TEST_CASE(empty_name_is_rejected) {
  BOOST_TEST(rejected(parse_create(R"({"name":""})"), "name", name_rule));
}

BOOST_AUTO_TEST_CASE(missing_name_is_rejected) {
  BOOST_TEST(rejected(parse_create(R"({})"), "name", "name is required"));
  BOOST_TEST(rejected(parse_create(R"({"description":"x"})"), "name", "name is required"));
}

BOOST_AUTO_TEST_CASE(null_or_non_string_name_is_rejected) {
  for (const char* body : {R"({"name":null})", R"({"name":1})", R"({"name":true})",
                           R"({"name":["a"]})", R"({"name":{"a":1}})"})
    BOOST_TEST(rejected(parse_create(body), "name", "name must be a string"), body);
}

BOOST_AUTO_TEST_CASE(all_fields_are_read) {
  const auto r = parse_create(
      R"({"name":"Focus Sessions","description":"Instrumental","cover_track_id":"mtrack_8d2e",
          "cover_image_url":"https://example.com/c.png"})");
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST(r->name == "Focus Sessions");
  BOOST_TEST(r->description.value() == "Instrumental");
  BOOST_TEST(r->cover_track_id.value() == "mtrack_8d2e");
  BOOST_TEST(r->cover_image_url.value() == "https://example.com/c.png");
}

BOOST_AUTO_TEST_CASE(null_optional_fields_mean_not_set) {
  const auto r = parse_create(
      R"({"name":"x","description":null,"cover_track_id":null,"cover_image_url":null})");
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST(!r->description.has_value());
  BOOST_TEST(!r->cover_track_id.has_value());
  BOOST_TEST(!r->cover_image_url.has_value());
}

BOOST_AUTO_TEST_CASE(long_and_empty_descriptions_are_accepted) {
  const auto r = parse_create("{\"name\":\"x\",\"description\":\"" + repeat("d", 60000) + "\"}");
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST(r->description->size() == 60000u);
  BOOST_TEST(parse_create(R"({"name":"x","description":""})")->description.value() == "");
}

BOOST_AUTO_TEST_CASE(wrong_types_name_the_field) {
  BOOST_TEST(rejected(parse_create(R"({"name":"x","description":5})"), "description",
                      "description must be a string or null"));
  BOOST_TEST(rejected(parse_create(R"({"name":"x","cover_track_id":false})"), "cover_track_id"));
  BOOST_TEST(rejected(parse_create(R"({"name":"x","cover_image_url":[]})"), "cover_image_url"));
}

BOOST_AUTO_TEST_CASE(bad_cover_track_id_is_rejected) {
  BOOST_TEST(rejected(parse_create(R"({"name":"x","cover_track_id":"track_1"})"),
                      "cover_track_id"));
  BOOST_TEST(rejected(
      parse_create("{\"name\":\"x\",\"cover_track_id\":\"mtrack_" + repeat("a", 65) + "\"}"),
      "cover_track_id"));
}

BOOST_AUTO_TEST_CASE(bad_cover_image_url_is_rejected) {
  BOOST_TEST(rejected(
      parse_create(R"({"name":"x","cover_image_url":"ftp://example.com/a.png"})"),
      "cover_image_url",
      "cover_image_url must be an absolute http or https URL of at most 1024 characters"));
}

BOOST_AUTO_TEST_CASE(unknown_fields_are_rejected) {
  BOOST_TEST(rejected(parse_create(R"({"name":"x","foo":1})"), "foo", "unknown field \"foo\""));
  BOOST_TEST(rejected(parse_create(R"({"Name":"x"})"), "Name"));
  BOOST_TEST(rejected(parse_create(R"({"name":"x","track_count":0})"), "track_count"));
}

BOOST_AUTO_TEST_CASE(first_offending_field_in_document_order_is_reported) {
  BOOST_TEST(rejected(parse_create(R"({"description":1,"name":""})"), "description"));
  BOOST_TEST(rejected(parse_create(R"({"name":"","description":1})"), "name"));
}

BOOST_AUTO_TEST_CASE(body_errors_come_before_field_errors) {
  BOOST_TEST(rejected(parse_create(R"({"name":"","name":"x"})"), "name", "duplicate key \"name\""));
  BOOST_TEST(rejected(parse_create("{\"name\":\"\xff\"}"), "body"));
  BOOST_TEST(rejected(parse_create("[]"), "body"));
  BOOST_TEST(rejected(parse_create(""), "body"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(patch)

BOOST_AUTO_TEST_CASE(empty_patch_changes_nothing) {
  const auto r = parse_patch("{}");
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST(!r->name.has_value());
  BOOST_TEST(!r->description.has_value());
  BOOST_TEST(!r->cover_track_id.has_value());
  BOOST_TEST(!r->cover_image_url.has_value());
}

BOOST_AUTO_TEST_CASE(patch_null_clears_and_absent_keeps) {
  const auto r = parse_patch(R"({"description":null,"cover_image_url":null})");
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST_REQUIRE(r->description.has_value());      // present...
  BOOST_TEST(!r->description->has_value());            // ...as null: clear
  BOOST_TEST_REQUIRE(r->cover_image_url.has_value());
  BOOST_TEST(!r->cover_image_url->has_value());
  BOOST_TEST(!r->cover_track_id.has_value());          // absent: keep
  BOOST_TEST(!r->name.has_value());
}

BOOST_AUTO_TEST_CASE(patch_values_are_set) {
  const auto r = parse_patch(R"({"name":"Deep Work","cover_track_id":"mtrack_8d2e1f6a3c9b"})");
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST(r->name.value() == "Deep Work");
  BOOST_TEST(r->cover_track_id.value().value() == "mtrack_8d2e1f6a3c9b");
  BOOST_TEST(!r->description.has_value());
}

BOOST_AUTO_TEST_CASE(patch_null_name_is_rejected) {
  BOOST_TEST(rejected(parse_patch(R"({"name":null})"), "name"));
}

BOOST_AUTO_TEST_CASE(patch_checks_ranges_like_create) {
  BOOST_TEST(rejected(parse_patch(R"({"name":""})"), "name", name_rule));
  BOOST_TEST(rejected(parse_patch("{\"name\":\"" + repeat("\xc3\xa9", 513) + "\"}"), "name"));
  BOOST_TEST(parse_patch("{\"name\":\"" + repeat("\xc3\xa9", 512) + "\"}").ok());
  BOOST_TEST(rejected(parse_patch(R"({"cover_track_id":"mtrack_"})"), "cover_track_id"));
  BOOST_TEST(rejected(parse_patch(R"({"cover_image_url":"https://"})"), "cover_image_url"));
  BOOST_TEST(rejected(parse_patch(R"({"description":{}})"), "description"));
  BOOST_TEST(rejected(parse_patch(R"({"id":"mcoll_4a1f9c7e2b8d"})"), "id"));
  BOOST_TEST(rejected(parse_patch("{"), "body"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(add_track)

BOOST_AUTO_TEST_CASE(track_id_is_read) {
  const auto r = parse_add_track(R"({"track_id":"mtrack_abc"})");
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST(r->track_ids == std::vector<std::string>{"mtrack_abc"});
  BOOST_TEST(!r->batch);
  BOOST_TEST(parse_add_track("{\"track_id\":\"mtrack_" + repeat("9", 64) + "\"}").ok());
}

BOOST_AUTO_TEST_CASE(bad_track_ids_are_rejected) {
  BOOST_TEST(rejected(parse_add_track("{}"), "track_id", "track_id is required"));
  BOOST_TEST(rejected(parse_add_track(R"({"track_id":null})"), "track_id"));
  BOOST_TEST(rejected(parse_add_track(R"({"track_id":7})"), "track_id",
                      "track_id must be a string"));
  BOOST_TEST(rejected(parse_add_track(R"({"track_id":"mtrack_a-b"})"), "track_id"));
  BOOST_TEST(rejected(parse_add_track("{\"track_id\":\"mtrack_" + repeat("9", 65) + "\"}"),
                      "track_id"));
  BOOST_TEST(rejected(parse_add_track(R"({"track_id":"mtrack_a","position":0})"), "position"));
}

std::string batch_of(std::size_t n, const std::string& repeat_last = "") {
  std::string body = R"({"track_ids":[)";
  for (std::size_t i = 0; i < n; ++i) body += (i ? ",\"mtrack_" : "\"mtrack_") + std::to_string(i) + "\"";
  if (!repeat_last.empty()) body += ",\"" + repeat_last + "\"";
  return body + "]}";
}

BOOST_AUTO_TEST_CASE(a_batch_of_1_to_100_distinct_ids_is_read_in_order) {
  const auto one = parse_add_track(batch_of(1));
  BOOST_TEST_REQUIRE(one.ok());
  BOOST_TEST(one->batch);
  BOOST_TEST(one->track_ids == std::vector<std::string>{"mtrack_0"});
  const auto full = parse_add_track(batch_of(100));
  BOOST_TEST_REQUIRE(full.ok());
  BOOST_TEST(full->track_ids.size() == 100u);
  BOOST_TEST(full->track_ids[99] == "mtrack_99");
}

BOOST_AUTO_TEST_CASE(bad_batches_are_rejected) {
  const std::string shape = "track_ids must be an array of 1 to 100 track ids";
  BOOST_TEST(rejected(parse_add_track(batch_of(0)), "track_ids", shape));
  BOOST_TEST(rejected(parse_add_track(batch_of(101)), "track_ids", shape));
  BOOST_TEST(rejected(parse_add_track(R"({"track_ids":"mtrack_a"})"), "track_ids", shape));
  BOOST_TEST(rejected(parse_add_track(R"({"track_ids":null})"), "track_ids", shape));
  BOOST_TEST(rejected(parse_add_track(R"({"track_ids":["mtrack_a",7]})"), "track_ids",
                      "track_ids must contain only track ids"));
  BOOST_TEST(rejected(parse_add_track(R"({"track_ids":["mtrack_a","mtrack_b-"]})"), "track_ids"));
  BOOST_TEST(rejected(parse_add_track(batch_of(3, "mtrack_1")), "track_ids",
                      "track_ids lists \"mtrack_1\" more than once"));
  BOOST_TEST(rejected(parse_add_track(R"({"track_id":"mtrack_a","track_ids":["mtrack_b"]})"), "track_ids",
                      "give exactly one of track_id and track_ids"));
  BOOST_TEST(rejected(parse_add_track(R"({"track_ids":["mtrack_b"],"track_id":"mtrack_a"})"), "track_id"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(reorder)

BOOST_AUTO_TEST_CASE(ordered_track_ids_are_read_in_order) {
  const auto r = parse_reorder(R"({"ordered_track_ids":["mtrack_c","mtrack_a","mtrack_b"]})");
  BOOST_TEST_REQUIRE(r.ok());
  const std::vector<std::string> want{"mtrack_c", "mtrack_a", "mtrack_b"};
  BOOST_TEST(r->ordered_track_ids == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(empty_ordered_track_ids_is_accepted) {
  const auto r = parse_reorder(R"({"ordered_track_ids":[]})");
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST(r->ordered_track_ids.empty());
}

BOOST_AUTO_TEST_CASE(repeated_track_id_is_rejected) {
  BOOST_TEST(rejected(parse_reorder(R"({"ordered_track_ids":["mtrack_a","mtrack_b","mtrack_a"]})"),
                      "ordered_track_ids"));
}

BOOST_AUTO_TEST_CASE(non_track_id_elements_are_rejected) {
  for (const char* body :
       {R"({"ordered_track_ids":["mtrack_a","nope"]})", R"({"ordered_track_ids":["mtrack_a",1]})",
        R"({"ordered_track_ids":[null]})", R"({"ordered_track_ids":[["mtrack_a"]]})",
        R"({"ordered_track_ids":["mtrack_"]})"})
    BOOST_TEST(rejected(parse_reorder(body), "ordered_track_ids"), body);
}

BOOST_AUTO_TEST_CASE(ordered_track_ids_must_be_a_present_array) {
  BOOST_TEST(rejected(parse_reorder("{}"), "ordered_track_ids", "ordered_track_ids is required"));
  BOOST_TEST(rejected(parse_reorder(R"({"ordered_track_ids":null})"), "ordered_track_ids"));
  BOOST_TEST(rejected(parse_reorder(R"({"ordered_track_ids":"mtrack_a"})"), "ordered_track_ids"));
  BOOST_TEST(rejected(parse_reorder(R"({"ordered_track_ids":{}})"), "ordered_track_ids"));
  BOOST_TEST(rejected(parse_reorder(R"({"ordered_track_ids":[],"x":1})"), "x"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(share)

BOOST_AUTO_TEST_CASE(empty_body_means_link_only_and_never_expires) {
  for (const char* body : {"", "{}", R"({"expires_in_days":null})"}) {
    const auto r = parse_share(body);
    BOOST_TEST_REQUIRE(r.ok(), body);
    BOOST_TEST((r->visibility == share_visibility::link_only));
    BOOST_TEST(!r->expires_in_days.has_value());
  }
}

BOOST_AUTO_TEST_CASE(whitespace_only_body_is_not_empty) {
  BOOST_TEST(rejected(parse_share(" "), "body"));
}

BOOST_AUTO_TEST_CASE(visibility_is_link_only_or_public) {
  BOOST_TEST((parse_share(R"({"visibility":"public"})")->visibility == share_visibility::public_));
  BOOST_TEST(
      (parse_share(R"({"visibility":"link_only"})")->visibility == share_visibility::link_only));
  for (const char* body : {R"({"visibility":"private"})", R"({"visibility":"PUBLIC"})",
                           R"({"visibility":null})", R"({"visibility":1})"})
    BOOST_TEST(rejected(parse_share(body), "visibility"), body);
}

BOOST_AUTO_TEST_CASE(expires_in_days_over_90_is_clamped) {
  const std::pair<const char*, int> cases[] = {
      {"1", 1}, {"30", 30}, {"90", 90}, {"91", 90}, {"100000", 90},
      {"9223372036854775807", 90}, {"9223372036854775808", 90}, {"18446744073709551615", 90},
      {"18446744073709551616", 90}, {"100000000000000000000000000000000000000000", 90}};
  for (const auto& [text, days] : cases) {
    const auto r = parse_share(std::string("{\"expires_in_days\":") + text + "}");
    BOOST_TEST_REQUIRE(r.ok(), text);
    BOOST_TEST(r->expires_in_days.value() == days, text);
  }
}

BOOST_AUTO_TEST_CASE(expires_in_days_must_be_a_positive_integer) {
  for (const char* v : {"0", "-1", "-9223372036854775808", "1.5", "1.0", "1e1", "true", "\"5\"",
                        "[5]", "-18446744073709551616", "1e400"})
    BOOST_TEST(rejected(parse_share(std::string("{\"expires_in_days\":") + v + "}"),
                        "expires_in_days"),
               v);
}

BOOST_AUTO_TEST_CASE(share_rejects_unknown_fields_and_duplicates) {
  BOOST_TEST(rejected(parse_share(R"({"expires":5})"), "expires"));
  BOOST_TEST(rejected(parse_share(R"({"visibility":"public","visibility":"public"})"),
                      "visibility"));
  BOOST_TEST(rejected(parse_share("null"), "body"));
}

BOOST_AUTO_TEST_SUITE_END()
