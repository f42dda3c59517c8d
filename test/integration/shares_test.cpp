// Share links against the real binary: creation, tokens, --public-url, visibility and
// expiry rules, and the unauthenticated resolution. (Expiry itself needs a clock the test
// can move: test/service/share_test.cpp covers it with the injectable clock.)
#include <regex>

#include "collections_support.hpp"
#include "core/clock.hpp"

using namespace mixtape::test;

namespace {

struct public_url_server : live_server {
  public_url_server() : live_server({"--public-url", "https://music.example.com"}) {}

  json::object share(const std::string& id, const std::string& body = {}) {
    const auto r = call("POST", coll_url(*this, id) + "/share", body);
    BOOST_REQUIRE_MESSAGE(r.status == 201u, r.body);
    return object_of(r);
  }
};

std::int64_t seconds_of(const json::value& utc) {
  const auto t = mixtape::core::parse_utc(utc.as_string());
  BOOST_REQUIRE(t);
  return *t;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(shares, public_url_server)

BOOST_AUTO_TEST_CASE(share_is_201_with_a_token_returned_once) {
  BOOST_REQUIRE(process->started());
  const std::string id = create("Shared");
  const auto link = share(id);
  BOOST_TEST(link.size() == 7u);
  const std::string token{link.at("token").as_string()};
  BOOST_TEST(std::regex_match(std::string{link.at("id").as_string()}, std::regex{"mslink_[0-9a-f]{12}"}));
  BOOST_TEST(std::regex_match(token, std::regex{"[A-Za-z0-9_-]{22,}"}), token);  // >= 128 bits, URL-safe
  BOOST_TEST(link.at("url").as_string() == "https://music.example.com/v1/music/shared/" + token);
  BOOST_TEST(link.at("target_type").as_string() == "collection");
  BOOST_TEST(link.at("visibility").as_string() == "link_only");
  BOOST_TEST(link.at("expires_at").is_null());
  BOOST_TEST(link.at("created_at").as_string().size() == 20u);
  const auto again = share(id);
  BOOST_TEST(again.at("token") != link.at("token"));
  BOOST_TEST(again.at("id") != link.at("id"));
  // The token is never shown again.
  BOOST_TEST(resolve(*this, token).body.find(token) == std::string::npos);
  BOOST_TEST(call("GET", coll_url(*this, id)).body.find(token) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(visibility_and_expiry_follow_the_body) {
  const std::string id = create("S");
  BOOST_TEST(share(id, R"({"visibility":"public"})").at("visibility").as_string() == "public");
  BOOST_TEST(share(id, R"({"visibility":"link_only"})").at("visibility").as_string() == "link_only");
  const std::pair<std::string, std::int64_t> days[] = {{"1", 1}, {"7", 7}, {"90", 90}, {"91", 90}, {"365", 90}};
  for (const auto& [sent, kept] : days) {
    BOOST_TEST_CONTEXT(sent) {
      const auto link = share(id, R"({"expires_in_days":)" + sent + "}");
      BOOST_TEST(seconds_of(link.at("expires_at")) - seconds_of(link.at("created_at")) == kept * 86400);
    }
  }
  const auto never = share(id, R"({"expires_in_days":null,"visibility":"public"})");
  BOOST_TEST(never.at("expires_at").is_null());
  BOOST_TEST(never.at("visibility").as_string() == "public");
  const auto empty = share(id, "{}");
  BOOST_TEST(empty.at("visibility").as_string() == "link_only");
  BOOST_TEST(empty.at("expires_at").is_null());
  // No body at all, and no Content-Type: the defaults.
  const auto bare = client->request("POST", coll_url(*this, id) + "/share", "", key_header(alice_key));
  BOOST_TEST(bare.status == 201u);
  BOOST_TEST(bare.json().at("visibility").as_string() == "link_only");
}

BOOST_AUTO_TEST_CASE(share_bodies_are_strict_and_leave_nothing_behind) {
  const std::string id = create("S");
  const std::string url = coll_url(*this, id) + "/share";
  const std::pair<std::string, std::string> cases[] = {
      {R"({"visibility":"private"})", "visibility"},   {R"({"visibility":"PUBLIC"})", "visibility"},
      {R"({"visibility":1})", "visibility"},           {R"({"visibility":null})", "visibility"},
      {R"({"expires_in_days":0})", "expires_in_days"}, {R"({"expires_in_days":-1})", "expires_in_days"},
      {R"({"expires_in_days":"7"})", "expires_in_days"}, {R"({"expires_in_days":1.5})", "expires_in_days"},
      {R"({"expires_in_days":7.0})", "expires_in_days"}, {R"({"expires_in_days":true})", "expires_in_days"},
      {R"({"expires_in_days":[7]})", "expires_in_days"}, {R"({"target_type":"collection"})", "target_type"},
      {R"({"visibility":"public","visibility":"public"})", "visibility"},
      {"[]", "body"},                                  {"{bad", "body"},
      {"null", "body"},
  };
  for (const auto& [body, field] : cases) BOOST_TEST_CONTEXT(body) { check_422(call("POST", url, body), field); }
  const auto big = R"({"visibility":")" + std::string(70 * 1024, 'a') + "\"}";
  check_envelope(call("POST", url, big), 413, "PAYLOAD_TOO_LARGE");
  const auto r = client->request("POST", url, "{}", {{"X-API-Key", alice_key}, {"Content-Type", "text/plain"}});
  check_envelope(r, 415, "UNSUPPORTED_MEDIA_TYPE");
  BOOST_TEST(call("GET", "/metrics", "", "").body.find("mixtape_share_links 0\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(share_needs_auth_and_an_existing_collection) {
  const std::string id = create("S");
  const std::string url = coll_url(*this, id) + "/share";
  check_envelope(call("POST", url, "{}", ""), 401, "AUTHENTICATION_REQUIRED");
  check_envelope(call("POST", url, "{}", carol_key), 403, "INSUFFICIENT_PERMISSIONS");
  check_envelope(call("POST", url, "{}", nocap_key), 403, "INSUFFICIENT_PERMISSIONS");
  check_404(call("POST", coll_url(*this, "mcoll_ffffffffffff") + "/share", "{}"), "mcoll_ffffffffffff");
  check_404(call("POST", coll_url(*this, "bogus") + "/share"), "bogus");
  const auto r = call("GET", url);
  check_envelope(r, 405, "METHOD_NOT_ALLOWED");
  BOOST_TEST(r.header("Allow") == "POST");
}

BOOST_AUTO_TEST_CASE(a_link_resolves_without_a_key_to_the_live_collection) {
  const auto created = call("POST", collections_url(), R"({"name":"Road trip","description":"summer"})");
  const std::string id{created.json().at("id").as_string()};
  for (const auto& t : tracks_of({1, 2, 3})) add_track(*this, id, t);
  reorder(*this, id, {"mtrack_t3"});
  const auto link = share(id, R"({"visibility":"public","expires_in_days":30})");
  const std::string token{link.at("token").as_string()};
  const auto r = resolve(*this, token);
  BOOST_TEST(r.status == 200u);
  const auto expected = json::parse(R"({"kind":"collection","available":true,"message":null,"share":{"id":)" +
                                    json::serialize(link.at("id")) + R"(,"visibility":"public","expires_at":)" +
                                    json::serialize(link.at("expires_at")) + R"(,"created_at":)" +
                                    json::serialize(link.at("created_at")) + R"(},"collection":{"id":")" + id +
                                    R"(","name":"Road trip","description":"summer"},"tracks":[)" +
                                    R"({"track_id":"mtrack_t3","position":0},{"track_id":"mtrack_t1","position":1},)" +
                                    R"({"track_id":"mtrack_t2","position":2}]})");
  BOOST_TEST(r.json() == expected, r.body);
  // It follows later changes, and any (or a wrong) key makes no difference.
  call("PATCH", coll_url(*this, id), R"({"name":"Road trip 2","description":null})");
  call("DELETE", coll_url(*this, id) + "/tracks/mtrack_t3");
  const auto later = client->request("GET", "/v1/music/shared/" + token, "", key_header("mxt_wrong")).json();
  BOOST_TEST(later.at("collection").at("name").as_string() == "Road trip 2");
  BOOST_TEST(later.at("collection").at("description").is_null());
  BOOST_TEST(later.at("tracks").as_array().size() == 2u);
  BOOST_TEST(later.at("tracks").at(0).at("track_id").as_string() == "mtrack_t1");
}

BOOST_AUTO_TEST_CASE(an_unknown_token_is_404_with_empty_details) {
  const std::string id = create("S");
  const std::string token{share(id).at("token").as_string()};
  for (const std::string& t : {std::string(43, 'A'), token.substr(0, token.size() - 1), token + "A",
                              std::string{"x"}}) {
    const auto e = check_envelope(resolve(*this, t), 404, "RESOURCE_NOT_FOUND");
    BOOST_TEST(e.at("details").as_object().empty());
    BOOST_TEST(e.at("system_message").as_string().find(t) == std::string::npos);
  }
  check_envelope(resolve(*this, ""), 404, "ROUTE_NOT_FOUND");
  check_envelope(call("GET", "/v1/music/shared/" + token + "/x", "", ""), 404, "ROUTE_NOT_FOUND");
  const auto r = call("DELETE", "/v1/music/shared/" + token, "", "");
  check_envelope(r, 405, "METHOD_NOT_ALLOWED");
  BOOST_TEST(r.header("Allow") == "GET, HEAD");
  BOOST_TEST(resolve(*this, token).status == 200u);  // still there
}

BOOST_AUTO_TEST_CASE(deleting_the_collection_makes_its_links_unavailable) {
  const std::string id = create("Gone");
  add_track(*this, id, "mtrack_1");
  const auto a = share(id), b = share(id, R"({"visibility":"public","expires_in_days":5})");
  BOOST_TEST(call("DELETE", coll_url(*this, id)).status == 200u);
  for (const auto& link : {a, b}) {
    const auto r = resolve(*this, std::string{link.at("token").as_string()});
    BOOST_TEST(r.status == 200u);
    const auto v = r.json();
    BOOST_TEST(v.at("kind").as_string() == "collection");
    BOOST_TEST(v.at("available").as_bool() == false);
    BOOST_TEST(!v.at("message").as_string().empty());
    BOOST_TEST(v.at("collection").is_null());
    BOOST_TEST(v.at("tracks").as_array().empty());
    BOOST_TEST(v.at("share").at("id") == link.at("id"));
    BOOST_TEST(v.at("share").at("visibility") == link.at("visibility"));
    BOOST_TEST(v.at("share").at("expires_at") == link.at("expires_at"));
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(without_public_url_links_use_the_listen_address) {
  live_server s;
  BOOST_REQUIRE(s.process->started());
  const auto r = s.call("POST", coll_url(s, s.create("S")) + "/share");
  BOOST_REQUIRE(r.status == 201u);
  const std::string expected = "http://127.0.0.1:" + std::to_string(s.process->port()) + "/v1/music/shared/";
  BOOST_TEST(std::string{r.json().at("url").as_string()}.rfind(expected, 0) == 0u);
  BOOST_TEST(resolve(s, std::string{r.json().at("url").as_string()}.substr(expected.size())).status == 200u);
}
