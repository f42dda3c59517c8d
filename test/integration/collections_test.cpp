// Issue #3 against the real binary: listing, delete, tracks and their order, the track
// limit, and updated_at. Share links, isolation, replay and the seeds' own examples are in
// the other files of this executable.
#define BOOST_TEST_MODULE integration_collections
#include "collections_support.hpp"

using namespace mixtape::test;

BOOST_FIXTURE_TEST_SUITE(listing, live_server)

BOOST_AUTO_TEST_CASE(list_is_newest_first_with_null_track_count) {
  BOOST_REQUIRE(process->started());
  const std::string a = create("A"), b = create("B"), c = create("C");
  BOOST_TEST(add_track(*this, b, "mtrack_1").status == 200u);
  const auto r = call("GET", collections_url());
  BOOST_TEST(r.status == 200u);
  const auto page = object_of(r);
  BOOST_TEST(page.size() == 3u);
  BOOST_TEST(page.at("limit").as_int64() == 50);
  BOOST_TEST(page.at("offset").as_int64() == 0);
  BOOST_TEST((ids_of(r) == std::vector<std::string>{c, b, a}));
  for (const auto& item : page.at("items").as_array()) {
    BOOST_TEST(item.at("track_count").is_null());
    // Apart from track_count, an item is the collection as GET shows it.
    auto detail = call("GET", coll_url(*this, std::string{item.at("id").as_string()})).json().as_object();
    detail["track_count"] = nullptr;
    BOOST_TEST(item.as_object() == detail);
  }
}

BOOST_AUTO_TEST_CASE(limit_and_offset_page_through_the_list) {
  std::vector<std::string> ids;  // newest first
  for (int i = 0; i < 5; ++i) ids.insert(ids.begin(), create("c" + std::to_string(i)));
  const auto page = [&](const std::string& query) { return call("GET", collections_url() + query); };
  BOOST_TEST((ids_of(page("?limit=2")) == std::vector<std::string>{ids[0], ids[1]}));
  BOOST_TEST((ids_of(page("?limit=2&offset=2")) == std::vector<std::string>{ids[2], ids[3]}));
  BOOST_TEST((ids_of(page("?offset=4&limit=2")) == std::vector<std::string>{ids[4]}));
  BOOST_TEST(ids_of(page("?offset=5")).empty());
  const auto past = page("?offset=1000&limit=1");
  BOOST_TEST(past.status == 200u);
  BOOST_TEST(ids_of(past).empty());
  BOOST_TEST(object_of(past).at("offset").as_int64() == 1000);
  BOOST_TEST(object_of(past).at("limit").as_int64() == 1);
  const auto huge = page("?offset=123456789012345678901234567890");  // any integer >= 0 is an offset
  BOOST_TEST(huge.status == 200u);
  BOOST_TEST(ids_of(huge).empty());
  BOOST_TEST(ids_of(page("?limit=1")).size() == 1u);
  BOOST_TEST(ids_of(page("?limit=100")) == ids);
  BOOST_TEST(ids_of(page("?limit=5&unknown=x")) == ids);  // other parameters are ignored
}

BOOST_AUTO_TEST_CASE(the_default_limit_is_50_and_the_maximum_100) {
  for (int i = 0; i < 101; ++i) BOOST_REQUIRE(!create("n" + std::to_string(i)).empty());
  BOOST_TEST(ids_of(call("GET", collections_url())).size() == 50u);
  BOOST_TEST(ids_of(call("GET", collections_url() + "?limit=100")).size() == 100u);
  BOOST_TEST(ids_of(call("GET", collections_url() + "?limit=100&offset=100")).size() == 1u);
}

BOOST_AUTO_TEST_CASE(bad_query_values_are_422_naming_the_parameter) {
  for (const char* q : {"limit=0", "limit=101", "limit=-1", "limit=abc", "limit=", "limit=2.5", "limit=1&limit=2"})
    BOOST_TEST_CONTEXT(q) { check_422(call("GET", collections_url() + "?" + q), "limit"); }
  for (const char* q : {"offset=-1", "offset=abc", "offset=", "offset=1&offset=2"})
    BOOST_TEST_CONTEXT(q) { check_422(call("GET", collections_url() + "?" + q), "offset"); }
}

BOOST_AUTO_TEST_CASE(list_needs_a_key_with_the_org_and_capability) {
  check_envelope(call("GET", collections_url(), "", ""), 401, "AUTHENTICATION_REQUIRED");
  check_envelope(call("GET", collections_url(), "", carol_key), 403, "INSUFFICIENT_PERMISSIONS");
  check_envelope(call("GET", collections_url(), "", nocap_key), 403, "INSUFFICIENT_PERMISSIONS");
  const auto r = call("PUT", collections_url(), "{}", "");
  check_envelope(r, 405, "METHOD_NOT_ALLOWED");
  BOOST_TEST(r.header("Allow") == "GET, HEAD, POST");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(deletion, live_server)

BOOST_AUTO_TEST_CASE(delete_answers_the_spec_body_then_everything_is_404) {
  const std::string keep = create("Keep"), id = create("Doomed");
  BOOST_TEST(add_track(*this, id, "mtrack_1").status == 200u);
  const auto link = call("POST", coll_url(*this, id) + "/share");
  BOOST_REQUIRE(link.status == 201u);
  check_success(call("DELETE", coll_url(*this, id)), id, "Collection deleted.");
  const std::string url = coll_url(*this, id);
  check_404(call("GET", url), id);
  check_404(call("PATCH", url, R"({"name":"x"})"), id);
  check_404(call("DELETE", url), id);
  check_404(call("GET", url + "/tracks"), id);
  check_404(call("POST", url + "/tracks", R"({"track_id":"mtrack_2"})"), id);
  check_404(call("DELETE", url + "/tracks/mtrack_1"), id);
  check_404(call("PATCH", url + "/order", R"({"ordered_track_ids":[]})"), id);
  check_404(call("POST", url + "/share"), id);
  BOOST_TEST((ids_of(call("GET", collections_url())) == std::vector<std::string>{keep}));
  const auto shared = resolve(*this, std::string{link.json().at("token").as_string()});
  BOOST_TEST(shared.status == 200u);
  BOOST_TEST(shared.json().at("available").as_bool() == false);
}

BOOST_AUTO_TEST_CASE(deleting_an_unknown_or_malformed_id_is_404) {
  check_404(call("DELETE", coll_url(*this, "mcoll_ffffffffffff")), "mcoll_ffffffffffff");
  check_404(call("DELETE", coll_url(*this, "not-an-id")), "not-an-id");
  check_envelope(call("DELETE", coll_url(*this, "mcoll_ffffffffffff"), "", ""), 401, "AUTHENTICATION_REQUIRED");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(tracks, live_server)

BOOST_AUTO_TEST_CASE(add_appends_and_adding_again_changes_nothing) {
  const std::string id = create("T");
  for (const auto& t : tracks_of({1, 2, 3})) check_success(add_track(*this, id, t), t, "Track added to collection.");
  check_success(add_track(*this, id, "mtrack_t2"), "mtrack_t2", "Track added to collection.");
  BOOST_TEST(track_ids(*this, id) == tracks_of({1, 2, 3}));
  const auto c = call("GET", coll_url(*this, id)).json();
  BOOST_TEST(c.at("track_count").as_int64() == 3);
  const auto page = call("GET", coll_url(*this, id) + "/tracks").json().as_object();
  BOOST_TEST(page.size() == 4u);
  BOOST_TEST(page.at("collection_id").as_string() == id);
  BOOST_TEST(page.at("limit").as_int64() == 200);
  BOOST_TEST(page.at("offset").as_int64() == 0);
  std::int64_t position = 0;
  for (const auto& item : page.at("items").as_array()) {
    BOOST_TEST(item.as_object().size() == 3u);
    BOOST_TEST(item.at("position").as_int64() == position++);
    const auto added = item.at("added_at").as_string();
    BOOST_TEST(added.size() == 20u);
    BOOST_TEST(added >= c.at("created_at").as_string());
    BOOST_TEST(added <= c.at("updated_at").as_string());
  }
}

BOOST_AUTO_TEST_CASE(remove_closes_the_gap_and_removing_again_changes_nothing) {
  const std::string id = create("T");
  for (const auto& t : tracks_of({1, 2, 3})) add_track(*this, id, t);
  const auto before = call("GET", coll_url(*this, id) + "/tracks").json().at("items").as_array();
  check_success(call("DELETE", coll_url(*this, id) + "/tracks/mtrack_t2"), "mtrack_t2",
                "Track removed from collection.");
  check_success(call("DELETE", coll_url(*this, id) + "/tracks/mtrack_t2"), "mtrack_t2",
                "Track removed from collection.");
  check_success(call("DELETE", coll_url(*this, id) + "/tracks/mtrack_never"), "mtrack_never",
                "Track removed from collection.");
  const auto after = call("GET", coll_url(*this, id) + "/tracks").json().at("items").as_array();
  BOOST_REQUIRE(after.size() == 2u);
  BOOST_TEST(after[0].at("track_id").as_string() == "mtrack_t1");
  BOOST_TEST(after[1].at("track_id").as_string() == "mtrack_t3");
  BOOST_TEST(after[1].at("position").as_int64() == 1);
  BOOST_TEST(after[1].at("added_at") == before[2].at("added_at"));  // moving up keeps added_at
  BOOST_TEST(call("GET", coll_url(*this, id)).json().at("track_count").as_int64() == 2);
  // Removed, then added again: appended at the end.
  add_track(*this, id, "mtrack_t2");
  BOOST_TEST(track_ids(*this, id) == tracks_of({1, 3, 2}));
}

BOOST_AUTO_TEST_CASE(tracks_page_with_limit_and_offset_within_bounds) {
  const std::string id = create("T");
  for (const auto& t : tracks_of({0, 1, 2, 3, 4})) add_track(*this, id, t);
  const std::string url = coll_url(*this, id) + "/tracks";
  const auto page = call("GET", url + "?limit=2&offset=1").json().as_object();
  BOOST_TEST(page.at("limit").as_int64() == 2);
  BOOST_TEST(page.at("offset").as_int64() == 1);
  const auto& items = page.at("items").as_array();
  BOOST_REQUIRE(items.size() == 2u);
  BOOST_TEST(items[0].at("track_id").as_string() == "mtrack_t1");
  BOOST_TEST(items[0].at("position").as_int64() == 1);
  BOOST_TEST(items[1].at("position").as_int64() == 2);
  BOOST_TEST(call("GET", url + "?offset=4").json().at("items").as_array().size() == 1u);
  BOOST_TEST(call("GET", url + "?offset=5").json().at("items").as_array().empty());
  BOOST_TEST(call("GET", url + "?offset=99999").json().at("items").as_array().empty());
  BOOST_TEST(call("GET", url + "?limit=1").json().at("items").as_array().size() == 1u);
  BOOST_TEST(call("GET", url + "?limit=500").json().at("limit").as_int64() == 500);
  for (const char* q : {"limit=0", "limit=501", "limit=-1", "limit=x", "limit=1&limit=1"})
    BOOST_TEST_CONTEXT(q) { check_422(call("GET", url + "?" + q), "limit"); }
  for (const char* q : {"offset=-1", "offset=x"})
    BOOST_TEST_CONTEXT(q) { check_422(call("GET", url + "?" + q), "offset"); }
  check_404(call("GET", coll_url(*this, "mcoll_ffffffffffff") + "/tracks"), "mcoll_ffffffffffff");
}

BOOST_AUTO_TEST_CASE(add_track_bodies_are_strict) {
  const std::string id = create("T");
  const std::string url = coll_url(*this, id) + "/tracks";
  const std::pair<std::string, std::string> cases[] = {
      {"{}", "track_id"},
      {R"({"track_id":null})", "track_id"},
      {R"({"track_id":5})", "track_id"},
      {R"({"track_id":["mtrack_1"]})", "track_id"},
      {R"({"track_id":"track_1"})", "track_id"},
      {R"({"track_id":"mtrack_"})", "track_id"},
      {R"({"track_id":"mtrack_a-b"})", "track_id"},
      {R"({"track_id":"mtrack_)" + std::string(65, 'a') + "\"}", "track_id"},
      {R"({"track_id":"mtrack_1","position":0})", "position"},
      {R"({"track_id":"mtrack_1","track_id":"mtrack_2"})", "track_id"},
      {"[]", "body"},
      {"{bad", "body"},
      {"", "body"},
  };
  for (const auto& [body, field] : cases) BOOST_TEST_CONTEXT(body) { check_422(call("POST", url, body), field); }
  BOOST_TEST(add_track(*this, id, "mtrack_" + std::string(64, 'Z')).status == 200u);  // the longest valid id
  const auto r = client->request("POST", url, R"({"track_id":"mtrack_1"})",
                                 {{"X-API-Key", alice_key}, {"Content-Type", "text/plain"}});
  check_envelope(r, 415, "UNSUPPORTED_MEDIA_TYPE");
  check_404(call("POST", coll_url(*this, "mcoll_ffffffffffff") + "/tracks", R"({"track_id":"mtrack_1"})"),
            "mcoll_ffffffffffff");
  check_422(call("POST", coll_url(*this, "mcoll_ffffffffffff") + "/tracks", "{}"), "track_id");  // 422 first
  BOOST_TEST(track_ids(*this, id).size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_malformed_track_id_in_the_path_is_422) {
  const std::string id = create("T");
  for (const std::string& t : {std::string{"not-a-track"}, std::string{"mtrack_"}, std::string{"mtrack_a.b"},
                              "mtrack_" + std::string(65, 'a'), std::string{"MTRACK_1"}})
    BOOST_TEST_CONTEXT(t) { check_422(call("DELETE", coll_url(*this, id) + "/tracks/" + t), "track_id"); }
  check_422(call("DELETE", coll_url(*this, "mcoll_ffffffffffff") + "/tracks/bad"), "track_id");
  check_404(call("DELETE", coll_url(*this, "mcoll_ffffffffffff") + "/tracks/mtrack_1"), "mcoll_ffffffffffff");
  const auto r = call("GET", coll_url(*this, id) + "/tracks/mtrack_1");
  check_envelope(r, 405, "METHOD_NOT_ALLOWED");
  BOOST_TEST(r.header("Allow") == "DELETE");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(order, live_server)

BOOST_AUTO_TEST_CASE(listed_ids_first_unknown_ignored_the_rest_keep_their_order) {
  const std::string id = create("O");
  for (const auto& t : tracks_of({1, 2, 3, 4, 5})) add_track(*this, id, t);
  check_success(reorder(*this, id, {"mtrack_t4", "mtrack_unknown", "mtrack_t2"}), id, "Collection reordered.");
  BOOST_TEST(track_ids(*this, id) == tracks_of({4, 2, 1, 3, 5}));
  check_success(reorder(*this, id, {}), id, "Collection reordered.");
  BOOST_TEST(track_ids(*this, id) == tracks_of({4, 2, 1, 3, 5}));
  check_success(reorder(*this, id, tracks_of({5, 3, 1, 2, 4})), id, "Collection reordered.");
  BOOST_TEST(track_ids(*this, id) == tracks_of({5, 3, 1, 2, 4}));
  check_success(reorder(*this, id, {"mtrack_nobody"}), id, "Collection reordered.");
  BOOST_TEST(track_ids(*this, id) == tracks_of({5, 3, 1, 2, 4}));
  const auto items = call("GET", coll_url(*this, id) + "/tracks").json().at("items").as_array();
  for (std::size_t i = 0; i < items.size(); ++i) BOOST_TEST(items[i].at("position").as_int64() == std::int64_t(i));
  BOOST_TEST(call("GET", coll_url(*this, id)).json().at("track_count").as_int64() == 5);
}

BOOST_AUTO_TEST_CASE(reorder_bodies_are_strict_and_leave_the_order_alone) {
  const std::string id = create("O");
  for (const auto& t : tracks_of({1, 2})) add_track(*this, id, t);
  const std::string url = coll_url(*this, id) + "/order";
  const std::pair<std::string, std::string> cases[] = {
      {"{}", "ordered_track_ids"},
      {R"({"ordered_track_ids":null})", "ordered_track_ids"},
      {R"({"ordered_track_ids":"mtrack_t2"})", "ordered_track_ids"},
      {R"({"ordered_track_ids":["mtrack_t2","not-a-track"]})", "ordered_track_ids"},
      {R"({"ordered_track_ids":["mtrack_t2",5]})", "ordered_track_ids"},
      {R"({"ordered_track_ids":["mtrack_t2",null]})", "ordered_track_ids"},
      {R"({"ordered_track_ids":["mtrack_t2","mtrack_t1","mtrack_t2"]})", "ordered_track_ids"},
      {R"({"ordered_track_ids":["mtrack_t2"],"extra":1})", "extra"},
      {"[]", "body"},
  };
  for (const auto& [body, field] : cases) BOOST_TEST_CONTEXT(body) { check_422(call("PATCH", url, body), field); }
  BOOST_TEST(track_ids(*this, id) == tracks_of({1, 2}));
  check_404(call("PATCH", coll_url(*this, "mcoll_ffffffffffff") + "/order", R"({"ordered_track_ids":[]})"),
            "mcoll_ffffffffffff");
  const auto r = call("POST", url, R"({"ordered_track_ids":[]})");
  check_envelope(r, 405, "METHOD_NOT_ALLOWED");
  BOOST_TEST(r.header("Allow") == "PATCH");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(a_full_collection_refuses_new_tracks_with_409) {
  live_server s{{"--max-tracks", "3"}};
  BOOST_REQUIRE(s.process->started());
  const std::string id = s.create("Small");
  for (const auto& t : tracks_of({1, 2, 3})) BOOST_TEST(add_track(s, id, t).status == 200u);
  const auto e = check_envelope(add_track(s, id, "mtrack_t4"), 409, "COLLECTION_FULL");
  BOOST_TEST(e.at("type").as_string() == "client_error");
  BOOST_TEST(field_of(e) == "track_id");
  check_success(add_track(s, id, "mtrack_t2"), "mtrack_t2", "Track added to collection.");  // present: no change
  BOOST_TEST(track_ids(s, id) == tracks_of({1, 2, 3}));
  BOOST_TEST(s.call("DELETE", coll_url(s, id) + "/tracks/mtrack_t1").status == 200u);
  BOOST_TEST(add_track(s, id, "mtrack_t4").status == 200u);
  BOOST_TEST(track_ids(s, id) == tracks_of({2, 3, 4}));
  BOOST_TEST(s.call("GET", coll_url(s, id)).json().at("track_count").as_int64() == 3);
}

BOOST_FIXTURE_TEST_SUITE(batch_add, live_server)

void check_added(const http_reply& r, const std::string& id, std::size_t added) {
  BOOST_TEST_REQUIRE(r.status == 200u, r.body);
  BOOST_TEST(r.body == R"({"success":true,"id":")" + id + R"(","detail":"Tracks added to collection.","added":)" +
                           std::to_string(added) + "}");
}

BOOST_AUTO_TEST_CASE(new_ids_are_appended_in_order_and_present_ones_skipped) {
  const std::string id = create("B");
  BOOST_TEST(add_track(*this, id, "mtrack_t2").status == 200u);
  check_added(add_tracks(*this, id, tracks_of({1, 2, 3})), id, 2);
  BOOST_TEST(track_ids(*this, id) == tracks_of({2, 1, 3}));
  const auto updated_at = call("GET", coll_url(*this, id)).json().at("updated_at");
  check_added(add_tracks(*this, id, tracks_of({3, 1})), id, 0);  // all present: nothing written
  BOOST_TEST(call("GET", coll_url(*this, id)).json().at("updated_at") == updated_at);
  BOOST_TEST(call("GET", coll_url(*this, id)).json().at("track_count").as_int64() == 3);
}

BOOST_AUTO_TEST_CASE(a_bad_batch_is_422_and_changes_nothing) {
  const std::string id = create("B");
  std::vector<std::string> too_many;
  for (int i = 0; i < 101; ++i) too_many.push_back("mtrack_m" + std::to_string(i));
  const std::string url = coll_url(*this, id) + "/tracks";
  for (const std::string body : {R"({"track_ids":[]})", R"({"track_ids":["mtrack_a","mtrack_a"]})",
                                 R"({"track_ids":["mtrack_a","bad"]})", R"({"track_ids":"mtrack_a"})",
                                 R"({"track_id":"mtrack_a","track_ids":["mtrack_b"]})"})
    check_422(call("POST", url, body), "track_ids");
  check_422(add_tracks(*this, id, too_many), "track_ids");
  too_many.pop_back();
  check_added(add_tracks(*this, id, too_many), id, 100);  // 100 is the most a batch holds
}

BOOST_AUTO_TEST_CASE(a_batch_past_the_limit_is_409_and_adds_none) {
  live_server s{{"--max-tracks", "3"}};
  BOOST_REQUIRE(s.process->started());
  const std::string id = s.create("Small");
  check_added(add_tracks(s, id, tracks_of({1, 2})), id, 2);
  const auto e = check_envelope(add_tracks(s, id, tracks_of({1, 3, 4})), 409, "COLLECTION_FULL");
  BOOST_TEST(field_of(e) == "track_ids");
  BOOST_TEST(track_ids(s, id) == tracks_of({1, 2}));
  check_added(add_tracks(s, id, tracks_of({2, 3, 1})), id, 1);  // fits: present ones do not count
  BOOST_TEST(track_ids(s, id) == tracks_of({1, 2, 3}));
}

BOOST_AUTO_TEST_SUITE_END()

// A collection at the default limit of 10,000 tracks, filled by batches: the last page,
// the 10,001st track refused, a reorder of all of it with default settings (its body is
// ~190 KB), and a track removed from the middle.
BOOST_FIXTURE_TEST_CASE(a_full_collection_pages_refuses_more_and_reorders_whole, live_server) {
  const std::string id = create("Full");
  std::vector<std::string> all;
  for (int i = 0; i < 10'000; ++i) all.push_back("mtrack_f" + std::to_string(i));
  for (std::size_t first = 0; first < all.size(); first += 100) {
    const std::vector<std::string> batch(all.begin() + first, all.begin() + first + 100);
    BOOST_REQUIRE(add_tracks(*this, id, batch).status == 200u);
  }
  BOOST_TEST(call("GET", coll_url(*this, id)).json().at("track_count").as_int64() == 10'000);
  check_envelope(add_track(*this, id, "mtrack_onemore"), 409, "COLLECTION_FULL");
  const std::vector<std::string> reversed(all.rbegin(), all.rend());
  BOOST_TEST_REQUIRE(reorder(*this, id, reversed).status == 200u);
  const auto last = call("GET", coll_url(*this, id) + "/tracks?limit=200&offset=9800").json();
  const auto& items = last.at("items").as_array();
  BOOST_REQUIRE(items.size() == 200u);
  BOOST_TEST(items.front().at("position").as_int64() == 9800);
  BOOST_TEST(items.front().at("track_id").as_string() == "mtrack_f199");
  BOOST_TEST(items.back().at("track_id").as_string() == "mtrack_f0");
  BOOST_TEST(call("DELETE", coll_url(*this, id) + "/tracks/mtrack_f5000").status == 200u);
  const auto middle = call("GET", coll_url(*this, id) + "/tracks?limit=2&offset=4998").json();
  BOOST_TEST(middle.at("items").at(0).at("track_id").as_string() == "mtrack_f5001");
  BOOST_TEST(middle.at("items").at(1).at("track_id").as_string() == "mtrack_f4999");
  BOOST_TEST(middle.at("items").at(1).at("position").as_int64() == 4999);
}

// That each changing call moves updated_at is checked against an injected clock in
// test/service/updated_at_test.cpp. Here, without the wall clock: each no-op leaves it
// where it was, as GET and the list show it.
BOOST_FIXTURE_TEST_CASE(updated_at_stays_when_nothing_changes, live_server) {
  const std::string unchanged = create("noop");
  for (const auto& t : tracks_of({1, 2})) add_track(*this, unchanged, t);
  const auto updated_at = [&](const std::string& id) {
    return std::string{call("GET", coll_url(*this, id)).json().at("updated_at").as_string()};
  };
  const std::string before = updated_at(unchanged);
  add_track(*this, unchanged, "mtrack_t1");
  call("DELETE", coll_url(*this, unchanged) + "/tracks/mtrack_t7");
  reorder(*this, unchanged, {"mtrack_t1", "mtrack_t8"});
  reorder(*this, unchanged, {});
  call("POST", coll_url(*this, unchanged) + "/share");
  call("PATCH", coll_url(*this, unchanged), R"({"name":"noop"})");
  BOOST_TEST(updated_at(unchanged) == before);
  BOOST_TEST(call("GET", collections_url()).json().at("items").at(0).at("updated_at").as_string() == before);
}
