// The foundation slice against the real binary: create, get, update; auth; the error
// envelope; strict validation; request ids; keep-alive.
#define BOOST_TEST_MODULE integration_foundation
#include <boost/test/unit_test.hpp>

#include <boost/json.hpp>

#include "support/envelope.hpp"
#include "support/fixture.hpp"

using namespace mixtape::test;
namespace json = boost::json;

namespace {

std::string repeat(std::string_view unit, std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += unit;
  return s;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(foundation, live_server)

BOOST_AUTO_TEST_CASE(create_returns_201_with_the_collection) {
  BOOST_REQUIRE(process->started());
  const auto r = call("POST", collections_url(),
                      R"({"name":"Focus Sessions","description":"Instrumental tracks for deep work"})");
  BOOST_TEST(r.status == 201u);
  const auto c = r.json().as_object();
  const std::string id{c.at("id").as_string()};
  BOOST_TEST(id.size() == 18u);
  BOOST_TEST(id.rfind("mcoll_", 0) == 0u);
  BOOST_TEST(c.at("name").as_string() == "Focus Sessions");
  BOOST_TEST(c.at("description").as_string() == "Instrumental tracks for deep work");
  BOOST_TEST(c.at("cover_track_id").is_null());
  BOOST_TEST(c.at("cover_image_url").is_null());
  BOOST_TEST(c.at("track_count").as_int64() == 0);
  BOOST_TEST(c.at("created_at").as_string().size() == 20u);
  BOOST_TEST(c.at("created_at") == c.at("updated_at"));
  BOOST_TEST(c.size() == 8u);
}

BOOST_AUTO_TEST_CASE(get_returns_what_create_returned) {
  const auto created = call("POST", collections_url(), R"({"name":"A","cover_track_id":"mtrack_8d2e1f6a3c9b"})");
  const std::string id{created.json().at("id").as_string()};
  const auto got = call("GET", collections_url() + "/" + id);
  BOOST_TEST(got.status == 200u);
  BOOST_TEST(got.json() == created.json());
}

BOOST_AUTO_TEST_CASE(patch_changes_only_present_fields_and_null_clears) {
  const auto created = call("POST", collections_url(),
                            R"({"name":"Focus","description":"d","cover_track_id":"mtrack_8d2e1f6a3c9b"})");
  const std::string id{created.json().at("id").as_string()};
  const auto r = call("PATCH", collections_url() + "/" + id, R"({ "name": "Deep Work", "description": null })");
  BOOST_TEST(r.status == 200u);
  const auto c = r.json().as_object();
  BOOST_TEST(c.at("name").as_string() == "Deep Work");
  BOOST_TEST(c.at("description").is_null());
  BOOST_TEST(c.at("cover_track_id").as_string() == "mtrack_8d2e1f6a3c9b");
  BOOST_TEST(c.at("track_count").as_int64() == 0);
  BOOST_TEST(call("GET", collections_url() + "/" + id).json() == r.json());
}

// Which writes move updated_at is checked against an injected clock in
// test/service/updated_at_test.cpp; here, without the wall clock, a PATCH that changes
// nothing answers the collection exactly as it was.
BOOST_AUTO_TEST_CASE(patch_that_changes_nothing_answers_the_collection_unchanged) {
  const auto created = call("POST", collections_url(), R"({"name":"Same"})");
  const std::string id{created.json().at("id").as_string()};
  const auto r = call("PATCH", collections_url() + "/" + id, R"({"name":"Same","description":null})");
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.json() == created.json());
}

BOOST_AUTO_TEST_CASE(bearer_authorization_works_like_x_api_key) {
  const auto r = client->request("POST", collections_url(), R"({"name":"B"})",
                                 {{"Authorization", "Bearer " + alice_key}});
  BOOST_TEST(r.status == 201u);
}

BOOST_AUTO_TEST_CASE(missing_or_unknown_key_is_401) {
  check_envelope(call("GET", collections_url() + "/mcoll_000000000000", "", ""), 401, "AUTHENTICATION_REQUIRED");
  const auto e = check_envelope(call("POST", collections_url(), R"({"name":"x"})", "mxt_wrong"), 401,
                                "AUTHENTICATION_REQUIRED");
  BOOST_TEST(e.at("type").as_string() == "authentication_error");
  BOOST_TEST(e.at("message").as_string() == "Authentication required. Please provide a valid API key.");
}

BOOST_AUTO_TEST_CASE(key_of_another_org_or_without_capability_is_403) {
  const auto e = check_envelope(call("POST", collections_url(), R"({"name":"x"})", carol_key), 403,
                                "INSUFFICIENT_PERMISSIONS");
  BOOST_TEST(e.at("type").as_string() == "authorization_error");
  const auto n = check_envelope(call("POST", collections_url(), R"({"name":"x"})", nocap_key), 403,
                                "INSUFFICIENT_PERMISSIONS");
  BOOST_TEST(n.at("system_message").as_string() == "Missing USE_MUSIC_GENERATION capability");
}

BOOST_AUTO_TEST_CASE(routing_errors_come_before_auth) {
  check_envelope(call("GET", "/v1/music/org_abc123/playlists", "", ""), 404, "ROUTE_NOT_FOUND");
  check_envelope(call("GET", "/nothing", "", ""), 404, "ROUTE_NOT_FOUND");
  const auto r = call("PUT", collections_url() + "/mcoll_000000000000", R"({"name":"x"})", "");
  check_envelope(r, 405, "METHOD_NOT_ALLOWED");
  BOOST_TEST(r.header("Allow") == "GET, HEAD, PATCH, DELETE");
}

BOOST_AUTO_TEST_CASE(auth_comes_before_validation) {
  check_envelope(call("POST", collections_url(), "{not json", ""), 401, "AUTHENTICATION_REQUIRED");
  check_envelope(call("POST", collections_url(), "{not json", carol_key), 403, "INSUFFICIENT_PERMISSIONS");
}

BOOST_AUTO_TEST_CASE(body_over_the_limit_is_413) {
  const std::string big = R"({"name":"x","description":")" + std::string(70 * 1024, 'a') + "\"}";
  check_envelope(call("POST", collections_url(), big), 413, "PAYLOAD_TOO_LARGE");
  check_envelope(call("POST", collections_url(), big, ""), 401, "AUTHENTICATION_REQUIRED");
}

BOOST_AUTO_TEST_CASE(non_json_content_type_is_415) {
  const auto r = client->request("POST", collections_url(), "name=x",
                                 {{"X-API-Key", alice_key}, {"Content-Type", "application/x-www-form-urlencoded"}});
  check_envelope(r, 415, "UNSUPPORTED_MEDIA_TYPE");
  const auto ok = client->request("POST", collections_url(), R"({"name":"x"})",
                                  {{"X-API-Key", alice_key}, {"Content-Type", "application/json; charset=utf-8"}});
  BOOST_TEST(ok.status == 201u);
}

BOOST_AUTO_TEST_CASE(invalid_bodies_are_422_naming_the_field) {
  const std::pair<std::string, std::string> cases[] = {
      {"{not json", "body"},
      {"[1,2]", "body"},
      {R"({"name":"a","name":"b"})", "name"},
      {R"({"name":"a","colour":"red"})", "colour"},
      {R"({"name":5})", "name"},
      {R"({"name":null})", "name"},
      {R"({})", "name"},
      {R"({"name":""})", "name"},
      {R"({"name":"a","description":7})", "description"},
      {R"({"name":"a","cover_track_id":"track_1"})", "cover_track_id"},
      {R"({"name":"a","cover_image_url":"ftp://x/y.png"})", "cover_image_url"},
  };
  for (const auto& [body, field] : cases) {
    BOOST_TEST_CONTEXT(body) {
      const auto e = check_envelope(call("POST", collections_url(), body), 422, "VALIDATION_ERROR");
      BOOST_TEST(field_of(e) == field);
      BOOST_TEST(e.at("type").as_string() == "validation_error");
      BOOST_TEST(e.at("message").as_string() == "The request payload is invalid.");
    }
  }
}

BOOST_AUTO_TEST_CASE(name_length_counts_code_points) {
  BOOST_TEST(call("POST", collections_url(), R"({"name":")" + repeat("é", 512) + "\"}").status == 201u);
  const auto e = check_envelope(call("POST", collections_url(), R"({"name":")" + repeat("é", 513) + "\"}"), 422,
                                "VALIDATION_ERROR");
  BOOST_TEST(e.at("system_message").as_string() == "name must be between 1 and 512 characters");
  BOOST_TEST(call("POST", collections_url(), R"({"name":")" + repeat("\xF0\x9F\x98\x80", 512) + "\"}").status == 201u);
}

BOOST_AUTO_TEST_CASE(another_owners_collection_is_404_not_403) {
  const std::string id = create("Alice's");
  const auto e = check_envelope(call("GET", collections_url() + "/" + id, "", bob_key), 404, "RESOURCE_NOT_FOUND");
  BOOST_TEST(e.at("details").at("collection_id").as_string() == id);
  check_envelope(call("PATCH", collections_url() + "/" + id, R"({"name":"mine"})", bob_key), 404,
                 "RESOURCE_NOT_FOUND");
  BOOST_TEST(call("GET", collections_url() + "/" + id).json().at("name").as_string() == "Alice's");
}

BOOST_AUTO_TEST_CASE(malformed_or_unknown_collection_id_is_404) {
  check_envelope(call("GET", collections_url() + "/not-an-id"), 404, "RESOURCE_NOT_FOUND");
  check_envelope(call("GET", collections_url() + "/mcoll_ffffffffffff"), 404, "RESOURCE_NOT_FOUND");
  check_envelope(call("PATCH", collections_url() + "/mcoll_ffffffffffff", R"({"name":"x"})"), 404,
                 "RESOURCE_NOT_FOUND");
}

BOOST_AUTO_TEST_CASE(validation_comes_before_existence) {
  check_envelope(call("PATCH", collections_url() + "/mcoll_ffffffffffff", R"({"name":null})"), 422,
                 "VALIDATION_ERROR");
}

BOOST_AUTO_TEST_CASE(request_id_is_echoed_when_sane_and_generated_otherwise) {
  auto r = client->request("GET", collections_url() + "/mcoll_ffffffffffff", "",
                           {{"X-API-Key", alice_key}, {"X-Request-Id", "client-req.42"}});
  BOOST_TEST(r.header("X-Request-Id") == "client-req.42");
  BOOST_TEST(r.json().at("error").at("trace_id").as_string() == "client-req.42");
  r = client->request("GET", collections_url() + "/mcoll_ffffffffffff", "",
                      {{"X-API-Key", alice_key}, {"X-Request-Id", "bad id with spaces"}});
  BOOST_TEST(r.header("X-Request-Id").rfind("req_", 0) == 0u);
  BOOST_TEST(call("POST", collections_url(), R"({"name":"x"})").header("X-Request-Id").rfind("req_", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(one_connection_serves_many_requests) {
  for (int i = 0; i < 50; ++i) {
    const auto r = call("POST", collections_url(), R"({"name":"n)" + std::to_string(i) + "\"}");
    BOOST_REQUIRE(r.status == 201u);
    BOOST_REQUIRE(!r.closed);
  }
}

BOOST_AUTO_TEST_CASE(malformed_http_gets_400_and_a_closed_connection) {
  const auto r = raw_exchange(process->port(), "GARBAGE\r\n\r\n", std::chrono::seconds(5));
  BOOST_TEST(r.received.rfind("HTTP/1.1 400", 0) == 0u);
  BOOST_TEST(r.closed_by_server);
}

BOOST_AUTO_TEST_CASE(oversized_header_is_413) {
  const std::string req = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n";
  const auto r = raw_exchange(process->port(), req, std::chrono::seconds(5));
  BOOST_TEST(r.received.rfind("HTTP/1.1 413", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(health_endpoints_need_no_key) {
  BOOST_TEST(call("GET", "/healthz", "", "").status == 200u);
  BOOST_TEST(call("GET", "/readyz", "", "").status == 200u);
  call("POST", collections_url(), R"({"name":"x"})");
  const auto m = call("GET", "/metrics", "", "");
  BOOST_TEST(m.status == 200u);
  BOOST_TEST(m.body.find("mixtape_collections 1") != std::string::npos);
  BOOST_TEST(m.body.find("route=\"/v1/music/{org}/collections\",status=\"201\"") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
