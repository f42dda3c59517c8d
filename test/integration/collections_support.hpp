#pragma once
// Helpers for the collections integration tests (issue #3): short forms of the track and share calls against a live_server.
#include <boost/test/unit_test.hpp>

#include <boost/json.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "support/envelope.hpp"
#include "support/fixture.hpp"

namespace mixtape::test {

namespace json = boost::json;


// A 422 whose details.field is `field`.
inline void check_422(const http_reply& r, std::string_view field) {
  const auto e = check_envelope(r, 422, "VALIDATION_ERROR");
  BOOST_TEST(field_of(e) == field, "body: " << r.body);
}

// A 404 RESOURCE_NOT_FOUND naming the collection.
inline void check_404(const http_reply& r, std::string_view collection_id) {
  const auto e = check_envelope(r, 404, "RESOURCE_NOT_FOUND");
  const auto* id = e.at("details").as_object().if_contains("collection_id");
  BOOST_TEST((id && id->as_string() == collection_id), "body: " << r.body);
}

inline json::object object_of(const http_reply& r) { return r.json().as_object(); }

// {"success":true,"id":ID,"detail":DETAIL}
inline void check_success(const http_reply& r, std::string_view id, std::string_view detail) {
  BOOST_TEST_CONTEXT("body " << r.body) {
    BOOST_TEST(r.status == 200u);
    BOOST_TEST(r.json() == json::parse(R"({"success":true,"id":")" + std::string{id} + R"(","detail":")" +
                                       std::string{detail} + R"("})"));
  }
}

inline std::string coll_url(live_server& s, const std::string& id) { return s.collections_url() + "/" + id; }

inline http_reply add_track(live_server& s, const std::string& id, const std::string& track,
                            const std::string& key = alice_key) {
  return s.call("POST", coll_url(s, id) + "/tracks", R"({"track_id":")" + track + "\"}", key);
}

inline http_reply add_tracks(live_server& s, const std::string& id, const std::vector<std::string>& tracks,
                             const std::string& key = alice_key) {
  json::array a;
  for (const auto& t : tracks) a.emplace_back(t);
  return s.call("POST", coll_url(s, id) + "/tracks", json::serialize(json::object{{"track_ids", a}}), key);
}

// Journals ~25 KB of track batches into `id` (320 tracks): past a server started with
// `--compact-bytes 4096`, so a snapshot follows (wait for "compaction done").
inline void write_past_a_compaction(live_server& s, const std::string& id) {
  for (int round = 0; round < 8; ++round) {
    std::vector<std::string> ids;
    for (int i = 0; i < 40; ++i) ids.push_back("mtrack_r" + std::to_string(round) + "n" + std::to_string(i));
    BOOST_REQUIRE_EQUAL(add_tracks(s, id, ids).status, 200u);
  }
}

inline http_reply reorder(live_server& s, const std::string& id, const std::vector<std::string>& ids,
                          const std::string& key = alice_key) {
  json::array a;
  for (const auto& t : ids) a.emplace_back(t);
  return s.call("PATCH", coll_url(s, id) + "/order", json::serialize(json::object{{"ordered_track_ids", a}}), key);
}

// The track ids of a collection, by position (one page of up to 500).
inline std::vector<std::string> track_ids(live_server& s, const std::string& id) {
  const auto r = s.call("GET", coll_url(s, id) + "/tracks?limit=500");
  BOOST_REQUIRE_MESSAGE(r.status == 200u, r.body);
  std::vector<std::string> out;
  const auto page = r.json();  // named: a temporary would die before the loop body
  for (const auto& item : page.at("items").as_array()) out.emplace_back(item.at("track_id").as_string());
  return out;
}

inline std::vector<std::string> tracks_of(std::initializer_list<int> numbers) {
  std::vector<std::string> out;
  for (const int n : numbers) out.push_back("mtrack_t" + std::to_string(n));
  return out;
}

// The ids of a listing page, in order.
inline std::vector<std::string> ids_of(const http_reply& r) {
  std::vector<std::string> out;
  const auto page = r.json();  // named: a temporary would die before the loop body
  for (const auto& item : page.at("items").as_array()) out.emplace_back(item.at("id").as_string());
  return out;
}

// The unauthenticated resolution of a share token.
inline http_reply resolve(live_server& s, const std::string& token) {
  return s.call("GET", "/v1/music/shared/" + token, "", "");
}

}  // namespace mixtape::test
