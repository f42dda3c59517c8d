// Replay: a history mixing every kind of mutation (create, update, delete, add and remove
// track, reorder, share) gives the same observable state after a SIGTERM restart and
// after kill -9, and the server goes on from there.
#include <signal.h>

#include "collections_support.hpp"

using namespace mixtape::test;

namespace {

struct history {
  std::vector<std::string> ids;      // every collection created, deleted ones included
  std::vector<std::string> tokens;   // every share token
};

std::string share_token(live_server& s, const std::string& id, const std::string& body,
                        const std::string& key = alice_key) {
  const auto r = s.call("POST", coll_url(s, id) + "/share", body, key);
  BOOST_REQUIRE_MESSAGE(r.status == 201u, r.body);
  return std::string{r.json().at("token").as_string()};
}

void ok(const http_reply& r) { BOOST_REQUIRE_MESSAGE(r.status == 200u || r.status == 201u, r.body); }

history make_history(live_server& s) {
  history h;
  const auto created = s.call("POST", s.collections_url(),
                              R"({"name":"Ünïcode \"quoted\"","description":"line\nbreak","cover_track_id":)"
                              R"("mtrack_cover1","cover_image_url":"https://img.example.com/a.png"})");
  ok(created);
  const std::string a{created.json().at("id").as_string()};
  const std::string b = s.create("B"), c = s.create("C"), d = s.create("D"), x = s.create("Bob's", bob_key);
  h.ids = {a, b, c, d, x};
  ok(s.call("PATCH", coll_url(s, a), R"({"name":"A renamed","description":null,"cover_image_url":null})"));
  for (const auto& t : tracks_of({1, 2, 3, 4, 5})) ok(add_track(s, a, t));
  ok(s.call("DELETE", coll_url(s, a) + "/tracks/mtrack_t2"));
  ok(reorder(s, a, {"mtrack_t5", "mtrack_unknown", "mtrack_t3"}));
  ok(add_track(s, a, "mtrack_t2"));  // back, at the end
  for (const auto& t : tracks_of({7, 8, 9})) ok(add_track(s, b, t));
  ok(s.call("POST", coll_url(s, b) + "/tracks", R"({"track_ids":["mtrack_t10","mtrack_t8","mtrack_t11"]})"));
  ok(s.call("PATCH", coll_url(s, b), R"({"cover_track_id":"mtrack_t8","description":"set"})"));
  ok(s.call("PATCH", coll_url(s, b), R"({"cover_track_id":null})"));
  ok(s.call("DELETE", coll_url(s, b) + "/tracks/mtrack_t7"));
  h.tokens.push_back(share_token(s, a, R"({"visibility":"public","expires_in_days":7})"));
  h.tokens.push_back(share_token(s, b, ""));
  h.tokens.push_back(share_token(s, c, R"({"expires_in_days":365})"));
  ok(add_track(s, c, "mtrack_c1"));
  ok(s.call("DELETE", coll_url(s, c)));  // its link now resolves unavailable
  ok(s.call("DELETE", coll_url(s, d)));
  ok(add_track(s, x, "mtrack_x1", bob_key));
  ok(s.call("PATCH", coll_url(s, x), R"({"description":"bob"})", bob_key));
  h.tokens.push_back(share_token(s, x, "{}", bob_key));
  ok(reorder(s, b, {"mtrack_t9"}));
  return h;
}

// Everything a client can observe of the history, as one JSON value.
json::value observe(live_server& s, const history& h) {
  json::object out;
  out["alice"] = s.call("GET", s.collections_url() + "?limit=100").json();
  out["bob"] = s.call("GET", s.collections_url() + "?limit=100", "", bob_key).json();
  json::array collections;
  for (const auto& id : h.ids)
    for (const auto& key : {alice_key, bob_key}) {
      const auto one = s.call("GET", coll_url(s, id), "", key);
      const auto tracks = s.call("GET", coll_url(s, id) + "/tracks?limit=500", "", key);
      collections.push_back(json::object{{"id", id},
                                         {"status", one.status},
                                         {"body", one.status == 200 ? one.json() : json::value{}},
                                         {"tracks", tracks.status == 200 ? tracks.json() : json::value{}}});
    }
  out["collections"] = std::move(collections);
  json::array shared;
  for (const auto& t : h.tokens) shared.push_back(resolve(s, t).json());
  out["shared"] = std::move(shared);
  return out;
}

// What the history must have produced, so that a replay equal to a wrong state fails too.
void check_history_state(live_server& s, const history& h) {
  const auto& [a, b, c, d, x] = std::tie(h.ids[0], h.ids[1], h.ids[2], h.ids[3], h.ids[4]);
  BOOST_TEST((ids_of(s.call("GET", s.collections_url())) == std::vector<std::string>{b, a}));
  BOOST_TEST(track_ids(s, a) == tracks_of({5, 3, 1, 4, 2}));
  BOOST_TEST(track_ids(s, b) == tracks_of({9, 8, 10, 11}));
  const auto ca = s.call("GET", coll_url(s, a)).json();
  BOOST_TEST(ca.at("name").as_string() == "A renamed");
  BOOST_TEST(ca.at("description").is_null());
  BOOST_TEST(ca.at("cover_track_id").as_string() == "mtrack_cover1");
  BOOST_TEST(ca.at("cover_image_url").is_null());
  const auto cb = s.call("GET", coll_url(s, b)).json();
  BOOST_TEST(cb.at("cover_track_id").is_null());
  BOOST_TEST(cb.at("description").as_string() == "set");
  BOOST_TEST(s.call("GET", coll_url(s, c)).status == 404u);
  BOOST_TEST(s.call("GET", coll_url(s, d)).status == 404u);
  BOOST_TEST(s.call("GET", coll_url(s, x), "", bob_key).json().at("description").as_string() == "bob");
  const bool expected_available[] = {true, true, false, true};
  for (std::size_t i = 0; i < h.tokens.size(); ++i)
    BOOST_TEST(resolve(s, h.tokens[i]).json().at("available").as_bool() == expected_available[i], i);
}

void replace_process_after_kill9(live_server& s) {
  s.client.reset();
  s.process->kill_hard();
  s.process = std::make_unique<server_process>(s.dir.path());
  BOOST_REQUIRE(s.process->started());
  s.client = std::make_unique<http_client>(s.process->port());
}

// After the restart, writes go on and new collections still list first.
void check_it_goes_on(live_server& s, const history& h) {
  const std::string fresh = s.create("After restart");
  BOOST_REQUIRE(!fresh.empty());
  BOOST_TEST((ids_of(s.call("GET", s.collections_url())) == std::vector<std::string>{fresh, h.ids[1], h.ids[0]}));
  BOOST_TEST(add_track(s, h.ids[0], "mtrack_t6").status == 200u);
  BOOST_TEST(track_ids(s, h.ids[0]) == tracks_of({5, 3, 1, 4, 2, 6}));
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(replay, live_server)

BOOST_AUTO_TEST_CASE(a_mixed_history_survives_a_sigterm_restart) {
  BOOST_REQUIRE(process->started());
  const auto h = make_history(*this);
  check_history_state(*this, h);
  const auto before = observe(*this, h);
  BOOST_TEST(restart() == 0);
  BOOST_REQUIRE(process->started());
  BOOST_TEST(observe(*this, h) == before);
  check_history_state(*this, h);
  check_it_goes_on(*this, h);
}

BOOST_AUTO_TEST_CASE(a_mixed_history_survives_kill_9) {
  BOOST_REQUIRE(process->started());
  const auto h = make_history(*this);
  const auto before = observe(*this, h);
  replace_process_after_kill9(*this);
  BOOST_TEST(observe(*this, h) == before);
  check_history_state(*this, h);
  check_it_goes_on(*this, h);
  // And once more, with the writes made after the first restart.
  const auto again = observe(*this, h);
  replace_process_after_kill9(*this);
  BOOST_TEST(observe(*this, h) == again);
}

BOOST_AUTO_TEST_SUITE_END()
