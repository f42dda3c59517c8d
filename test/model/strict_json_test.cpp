#include <boost/test/unit_test.hpp>

#include "model/requests.hpp"
#include "model/test_util.hpp"

using namespace mixtape::model;
using test::rejected;
using test::repeat;

namespace {
// `depth` nested JSON containers: an object holding arrays, {"a":[[...]]}.
std::string nested(std::size_t depth) {
  return "{\"a\":" + repeat("[", depth - 1) + repeat("]", depth - 1) + "}";
}
}  // namespace

BOOST_AUTO_TEST_SUITE(strict_json)

BOOST_AUTO_TEST_CASE(object_is_parsed_with_all_its_members) {
  auto r = parse_strict_object(R"( {"name":"Focus","n":[1,2.5,-3,true,null],"o":{"k":"v"}} )");
  BOOST_TEST_REQUIRE(r.ok());
  const auto& o = r.value();
  BOOST_TEST(o.size() == 3u);
  BOOST_TEST(o.at("name").as_string() == "Focus");
  BOOST_TEST(o.at("n").as_array().size() == 5u);
  BOOST_TEST(o.at("n").as_array()[1].as_double() == 2.5);
  BOOST_TEST(o.at("n").as_array()[2].as_int64() == -3);
  BOOST_TEST(o.at("o").as_object().at("k").as_string() == "v");
}

BOOST_AUTO_TEST_CASE(escaped_strings_and_keys_are_decoded) {
  auto r = parse_strict_object(R"({"na\u006de":"a\"b\\c\n\u00e9\ud83d\ude00"})");
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST(r->at("name").as_string() == "a\"b\\c\n\xc3\xa9\xf0\x9f\x98\x80");
}

BOOST_AUTO_TEST_CASE(duplicate_keys_are_rejected) {
  const auto r = parse_strict_object(R"({"name":"a","name":"b"})");
  BOOST_TEST(rejected(r, "name", "duplicate key \"name\""));
}

BOOST_AUTO_TEST_CASE(duplicate_keys_in_nested_objects_are_rejected) {
  BOOST_TEST(rejected(parse_strict_object(R"({"a":{"x":1,"y":2,"x":3}})"), "x"));
  BOOST_TEST(rejected(parse_strict_object(R"({"a":[{"k":1},{"k":1,"k":2}]})"), "k"));
  BOOST_TEST(rejected(parse_strict_object(R"({"a":[[[{"deep":{"z":0,"z":0}}]]]})"), "z"));
}

BOOST_AUTO_TEST_CASE(duplicate_keys_spelled_with_escapes_are_rejected) {
  BOOST_TEST(rejected(parse_strict_object(R"({"name":1,"na\u006de":2})"), "name"));
}

BOOST_AUTO_TEST_CASE(long_duplicate_keys_are_rejected) {
  const std::string key = repeat("k", 5000);
  const auto r = parse_strict_object("{\"" + key + "\":1,\"" + key + "\":2}");
  BOOST_TEST(rejected(r, key));
  BOOST_TEST(parse_strict_object("{\"" + key + "\":1,\"" + key + "x\":2}").ok());
}

BOOST_AUTO_TEST_CASE(same_key_in_different_objects_is_accepted) {
  BOOST_TEST(parse_strict_object(R"({"k":{"k":{"k":1}}})").ok());
  BOOST_TEST(parse_strict_object(R"({"a":[{"k":1},{"k":2}],"b":{"k":3}})").ok());
  BOOST_TEST(parse_strict_object(R"({"a":{"x":1},"b":{"x":1}})").ok());
}

BOOST_AUTO_TEST_CASE(duplicate_key_message_is_one_escaped_line) {
  const auto r = parse_strict_object("{\"a\\nb\":1,\"a\\nb\":2}");
  BOOST_TEST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().field == "a\nb");
  BOOST_TEST(r.error().message == "duplicate key \"a\\nb\"");
}

BOOST_AUTO_TEST_CASE(invalid_json_is_rejected_as_body) {
  for (const char* body : {"", " ", "{", "}", "{\"a\":}", "{\"a\" 1}", "{'a':1}", "{a:1}",
                           "{\"a\":1,}", "{\"a\":[1,]}", "{\"a\":01}", "{\"a\":NaN}",
                           "{\"a\":1}/*c*/", "{/*c*/}", "{\"a\":\"\x01\"}", "{\"a\":tru}",
                           "{\"a\":\"\\x\"}"}) {
    BOOST_TEST(rejected(parse_strict_object(body), "body"), "body: " << body);
  }
}

BOOST_AUTO_TEST_CASE(invalid_utf8_in_body_is_rejected) {
  BOOST_TEST(rejected(parse_strict_object("{\"name\":\"\xff\"}"), "body"));
  BOOST_TEST(rejected(parse_strict_object("{\"name\":\"\xc0\xaf\"}"), "body"));
  BOOST_TEST(rejected(parse_strict_object("{\"name\":\"\xed\xa0\x80\"}"), "body"));
  BOOST_TEST(rejected(parse_strict_object("{\"name\":\"caf\xc3\"}"), "body"));
  BOOST_TEST(rejected(parse_strict_object("{\"na\xffme\":\"x\"}"), "body"));
  BOOST_TEST(rejected(parse_strict_object(R"({"name":"\ud800"})"), "body"));
  BOOST_TEST(rejected(parse_strict_object(R"({"name":"\udc00x"})"), "body"));
}

BOOST_AUTO_TEST_CASE(trailing_data_is_rejected) {
  BOOST_TEST(rejected(parse_strict_object("{} x"), "body"));
  BOOST_TEST(rejected(parse_strict_object("{}{}"), "body"));
  BOOST_TEST(rejected(parse_strict_object("{\"a\":1}\n{\"a\":1}"), "body"));
  BOOST_TEST(rejected(parse_strict_object(std::string_view("{}\0", 3)), "body"));
  BOOST_TEST(parse_strict_object("  {}\r\n\t ").ok());
}

BOOST_AUTO_TEST_CASE(non_object_top_level_is_rejected) {
  for (const char* body : {"[]", "[{}]", "1", "\"s\"", "null", "true"})
    BOOST_TEST(rejected(parse_strict_object(body), "body", "request body must be a JSON object"),
               "body: " << body);
}

BOOST_AUTO_TEST_CASE(nesting_of_32_is_accepted_and_33_is_not) {
  BOOST_TEST(parse_strict_object(nested(32)).ok());
  BOOST_TEST(rejected(parse_strict_object(nested(33)), "body"));
  BOOST_TEST(rejected(parse_strict_object(nested(5000)), "body"));
}

BOOST_AUTO_TEST_SUITE_END()
