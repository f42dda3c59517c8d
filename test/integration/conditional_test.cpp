// What web clients expect (README.md, "Browsers, concurrent edits and retries"), over real
// HTTP: CORS headers and preflights, and conditional requests — ETag, If-None-Match (304),
// If-Match (412) — with versions that survive a restart and a snapshot.
#define BOOST_TEST_MODULE integration_conditional
#include <algorithm>
#include <thread>

#include "collections_support.hpp"

using namespace mixtape::test;

namespace {

const std::string app_origin = "https://app.example";

header_list with(header_list h, const std::string& name, const std::string& value) {
  h.emplace_back(name, value);
  return h;
}

http_reply get_with(live_server& s, const std::string& target, const header_list& extra) {
  return s.client->request("GET", target, {}, with(extra, "X-API-Key", alice_key));
}

http_reply write_with(live_server& s, const std::string& method, const std::string& target, const std::string& body,
                      const header_list& extra) {
  return s.client->request(method, target, body, with(extra, "X-API-Key", alice_key));
}

std::string etag_of(live_server& s, const std::string& id) {
  const auto r = s.call("GET", coll_url(s, id));
  BOOST_REQUIRE_EQUAL(r.status, 200u);
  BOOST_REQUIRE(!r.header("ETag").empty());
  return r.header("ETag");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cors)

BOOST_AUTO_TEST_CASE(a_preflight_from_an_allowed_origin_is_204_without_a_key) {
  live_server s{{"--cors-origins", "http://other.example," + app_origin}};
  const auto r = s.client->request("OPTIONS", s.collections_url() + "/mcoll_0123456789ab", {},
                                   {{"Origin", app_origin}, {"Access-Control-Request-Method", "PATCH"},
                                    {"Access-Control-Request-Headers", "x-api-key, content-type, if-match"}});
  BOOST_TEST(r.status == 204u);
  BOOST_TEST(r.body.empty());
  BOOST_TEST(r.header("Content-Length").empty());
  BOOST_TEST(r.header("Access-Control-Allow-Origin") == app_origin);
  BOOST_TEST(r.header("Vary") == "Origin");
  BOOST_TEST(r.header("Access-Control-Allow-Methods") == "GET, HEAD, PATCH, DELETE");  // the route table's
  BOOST_TEST(r.header("Access-Control-Allow-Headers") ==
             "X-API-Key, Authorization, Content-Type, If-Match, If-None-Match, Idempotency-Key, X-Request-Id, "
                 "X-Mixtape-Min-Seq");
  BOOST_TEST(!r.header("Access-Control-Max-Age").empty());
  const auto tracks = s.client->request("OPTIONS", s.collections_url() + "/mcoll_0123456789ab/tracks/mtrack_1", {},
                                        {{"Origin", app_origin}, {"Access-Control-Request-Method", "DELETE"}});
  BOOST_TEST(tracks.status == 204u);
  BOOST_TEST(tracks.header("Access-Control-Allow-Methods") == "DELETE");
}

BOOST_AUTO_TEST_CASE(other_answers_to_an_allowed_origin_carry_allow_and_expose_headers) {
  live_server s{{"--cors-origins", app_origin}};
  const auto created = write_with(s, "POST", s.collections_url(), R"({"name":"x"})", {{"Origin", app_origin}});
  BOOST_TEST(created.status == 201u);
  BOOST_TEST(created.header("Access-Control-Allow-Origin") == app_origin);
  BOOST_TEST(created.header("Access-Control-Expose-Headers").find("ETag") != std::string::npos);
  BOOST_TEST(created.header("Access-Control-Expose-Headers").find("Idempotent-Replayed") != std::string::npos);
  BOOST_TEST(created.header("Vary") == "Origin");
  // Errors too (a page must be able to read a 401), and without a key.
  const auto refused = s.client->request("GET", s.collections_url(), {}, {{"Origin", app_origin}});
  BOOST_TEST(refused.status == 401u);
  BOOST_TEST(refused.header("Access-Control-Allow-Origin") == app_origin);
}

BOOST_AUTO_TEST_CASE(a_disallowed_origin_gets_no_cors_headers) {
  live_server s{{"--cors-origins", app_origin}};
  const header_list evil{{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}};
  const auto pre = s.client->request("OPTIONS", s.collections_url(), {}, evil);
  BOOST_TEST(pre.status == 405u);  // no preflight answer: an OPTIONS like any other
  BOOST_TEST(pre.header("Access-Control-Allow-Origin").empty());
  BOOST_TEST(pre.header("Access-Control-Allow-Methods").empty());
  const auto got = get_with(s, s.collections_url(), {{"Origin", "https://evil.example"}});
  BOOST_TEST(got.status == 200u);
  BOOST_TEST(got.header("Access-Control-Allow-Origin").empty());
  BOOST_TEST(got.header("Access-Control-Expose-Headers").empty());
  BOOST_TEST(got.header("Vary") == "Origin");  // a cache must not serve it to the allowed origin
}

BOOST_AUTO_TEST_CASE(without_the_flag_there_is_no_cors_and_options_stays_405) {
  live_server s;
  const auto pre = s.client->request("OPTIONS", s.collections_url(), {},
                                     {{"Origin", app_origin}, {"Access-Control-Request-Method", "POST"}});
  BOOST_TEST(pre.status == 405u);
  const auto got = get_with(s, s.collections_url(), {{"Origin", app_origin}});
  BOOST_TEST(got.header("Access-Control-Allow-Origin").empty());
  BOOST_TEST(got.header("Vary").empty());
}

BOOST_AUTO_TEST_CASE(a_star_allows_any_origin) {
  live_server s{{"--cors-origins", "*"}};
  const auto got = get_with(s, s.collections_url(), {{"Origin", "http://127.0.0.1:9"}});
  BOOST_TEST(got.header("Access-Control-Allow-Origin") == "http://127.0.0.1:9");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(conditional, live_server)

BOOST_AUTO_TEST_CASE(get_carries_a_strong_etag_and_if_none_match_is_304_without_a_body) {
  const std::string id = create("c");
  const std::string tag = etag_of(*this, id);
  BOOST_TEST(tag.front() == '"');
  BOOST_TEST(tag.back() == '"');
  const auto again = get_with(*this, coll_url(*this, id), {{"If-None-Match", tag}});
  BOOST_TEST(again.status == 304u);
  BOOST_TEST(again.body.empty());
  BOOST_TEST(again.header("ETag") == tag);
  BOOST_TEST(get_with(*this, coll_url(*this, id), {{"If-None-Match", "W/" + tag}}).status == 304u);  // weak compare
  BOOST_TEST(get_with(*this, coll_url(*this, id), {{"If-None-Match", "\"999999\", " + tag}}).status == 304u);
  BOOST_TEST(get_with(*this, coll_url(*this, id), {{"If-None-Match", "\"999999\""}}).status == 200u);
  const auto tracks = get_with(*this, coll_url(*this, id) + "/tracks", {});
  BOOST_TEST(tracks.header("ETag") == tag);
  BOOST_TEST(get_with(*this, coll_url(*this, id) + "/tracks", {{"If-None-Match", tag}}).status == 304u);
}

BOOST_AUTO_TEST_CASE(every_change_changes_the_etag_tracks_included_and_writes_return_it) {
  const std::string id = create("c");
  std::vector<std::string> seen{etag_of(*this, id)};
  const auto expect_new = [&](const http_reply& r) {
    BOOST_REQUIRE_MESSAGE(r.status == 200u, r.body);
    const std::string tag = r.header("ETag");
    BOOST_TEST((std::find(seen.begin(), seen.end(), tag) == seen.end()), "ETag " << tag << " seen before");
    BOOST_TEST(etag_of(*this, id) == tag);  // the write's ETag is the one a GET gives next
    seen.push_back(tag);
  };
  expect_new(call("PATCH", coll_url(*this, id), R"({"name":"d"})"));
  expect_new(add_track(*this, id, "mtrack_a"));
  expect_new(add_tracks(*this, id, {"mtrack_b", "mtrack_c"}));
  expect_new(reorder(*this, id, {"mtrack_c"}));
  expect_new(call("DELETE", coll_url(*this, id) + "/tracks/mtrack_a"));
  // A write that changes nothing keeps the tag (and still returns it).
  const auto same = call("PATCH", coll_url(*this, id), R"({"name":"d"})");
  BOOST_TEST(same.header("ETag") == seen.back());
}

BOOST_AUTO_TEST_CASE(a_stale_if_match_is_412_and_nothing_is_written) {
  const std::string id = create("c");
  const std::string old_tag = etag_of(*this, id);
  const auto first = write_with(*this, "PATCH", coll_url(*this, id), R"({"name":"first"})", {{"If-Match", old_tag}});
  BOOST_REQUIRE_EQUAL(first.status, 200u);
  const std::string url = coll_url(*this, id);
  const std::vector<std::pair<std::string, std::pair<std::string, std::string>>> writes{
      {"PATCH", {url, R"({"name":"second"})"}},
      {"POST", {url + "/tracks", R"({"track_id":"mtrack_x"})"}},
      {"POST", {url + "/tracks", R"({"track_ids":["mtrack_y"]})"}},
      {"PATCH", {url + "/order", R"({"ordered_track_ids":[]})"}},
      {"DELETE", {url + "/tracks/mtrack_x", ""}},
      {"POST", {url + "/share", "{}"}},
      {"DELETE", {url, ""}},
  };
  for (const auto& [method, target_body] : writes) {
    const auto r = write_with(*this, method, target_body.first, target_body.second, {{"If-Match", old_tag}});
    const auto e = check_envelope(r, 412, "PRECONDITION_FAILED");
    BOOST_TEST(e.at("type").as_string() == "client_error");
    BOOST_TEST(e.at("message").as_string() == "The resource has changed since it was read.");
  }
  const auto now = call("GET", url);
  BOOST_TEST(now.json().at("name").as_string() == "first");
  BOOST_TEST(now.json().at("track_count").as_int64() == 0);
  BOOST_TEST(now.header("ETag") == first.header("ETag"));
  // The current tag, "*", and a list holding it pass.
  BOOST_TEST(write_with(*this, "POST", url + "/tracks", R"({"track_id":"mtrack_x"})",
                        {{"If-Match", "\"1\", " + now.header("ETag")}}).status == 200u);
  BOOST_TEST(write_with(*this, "PATCH", url, R"({"name":"star"})", {{"If-Match", "*"}}).status == 200u);
  BOOST_TEST(write_with(*this, "PATCH", url, R"({"name":"weak"})", {{"If-Match", "W/" + etag_of(*this, id)}}).status ==
             412u);  // If-Match compares strongly
}

BOOST_AUTO_TEST_CASE(two_clients_with_the_same_etag_cannot_both_write) {
  const std::string id = create("c");
  const std::string tag = etag_of(*this, id);
  constexpr int writers = 8;
  std::vector<unsigned> statuses(writers);
  std::vector<std::thread> threads;
  for (int i = 0; i < writers; ++i)
    threads.emplace_back([&, i] {
      http_client own{process->port()};
      statuses[i] = own.request("PATCH", coll_url(*this, id), R"({"name":"w)" + std::to_string(i) + "\"}",
                                {{"X-API-Key", alice_key}, {"If-Match", tag}})
                        .status;
    });
  for (auto& t : threads) t.join();
  BOOST_TEST(std::count(statuses.begin(), statuses.end(), 200u) == 1);
  BOOST_TEST(std::count(statuses.begin(), statuses.end(), 412u) == writers - 1);
}

BOOST_AUTO_TEST_CASE(versions_survive_a_restart_and_a_snapshot) {
  const std::string a = create("a"), b = create("b");
  BOOST_REQUIRE_EQUAL(add_track(*this, a, "mtrack_1").status, 200u);
  const std::string tag_a = etag_of(*this, a), tag_b = etag_of(*this, b);
  BOOST_REQUIRE_EQUAL(restart(), 0);
  BOOST_TEST(etag_of(*this, a) == tag_a);
  BOOST_TEST(etag_of(*this, b) == tag_b);
  // A small --compact-bytes: enough writes to another collection make a snapshot.
  BOOST_REQUIRE_EQUAL(restart({"--compact-bytes", "4096"}), 0);
  const std::string filler = create("filler");
  write_past_a_compaction(*this, filler);
  BOOST_REQUIRE(process->wait_for_stderr("compaction done"));
  BOOST_REQUIRE_EQUAL(restart(), 0);
  BOOST_TEST(etag_of(*this, a) == tag_a);
  BOOST_TEST(etag_of(*this, b) == tag_b);
  BOOST_TEST(write_with(*this, "PATCH", coll_url(*this, a), R"({"name":"after"})", {{"If-Match", tag_a}}).status ==
             200u);
}

BOOST_AUTO_TEST_SUITE_END()
