#pragma once
// A realistic state for the tests that copy or move one (backup_test, org_move_test): two
// principals of one organization, batches, reorders, removals, a deleted collection, every
// kind of share link (link-only, public, expiring, revoked, keyed), remembered keys; and
// every read of it.
#include <string>
#include <vector>

#include "collections_support.hpp"

namespace mixtape::test {

struct state {
  std::vector<std::string> ids;     // alice's and bob's collections, deleted ones included
  std::vector<std::string> tokens;  // share tokens, the revoked one included
  std::string keyed_share_id;       // the collection shared with an Idempotency-Key
};

inline void ok(const http_reply& r) { BOOST_REQUIRE_MESSAGE(r.status == 200u || r.status == 201u, r.body); }

inline header_list keyed(const std::string& key, const std::string& idem) { return {{"X-API-Key", key}, {"Idempotency-Key", idem}}; }

// Several principals and orgs, batches, reorders, removals, a deleted collection, every
// kind of share link (link-only, public, expiring, revoked, keyed), remembered keys.
inline state build_state(live_server& s) {
  state st;
  for (int i = 0; i < 6; ++i) st.ids.push_back(s.create("Alice " + std::to_string(i)));
  st.ids.push_back(s.create("Bob's", bob_key));
  const auto& ids = st.ids;
  ok(add_tracks(s, ids[0], tracks_of({1, 2, 3, 4, 5, 6})));
  ok(s.call("DELETE", coll_url(s, ids[0]) + "/tracks/mtrack_t3"));
  ok(reorder(s, ids[0], {"mtrack_t6", "mtrack_t1"}));
  ok(add_track(s, ids[1], "mtrack_t9"));
  ok(s.call("PATCH", coll_url(s, ids[1]), R"({"description":"edited","cover_track_id":"mtrack_t9"})"));
  const auto r_gone = s.call("POST", coll_url(s, ids[2]) + "/share", "{}");  // outlives its collection
  ok(r_gone);
  ok(s.call("DELETE", coll_url(s, ids[2])));
  ok(add_track(s, ids[6], "mtrack_b1", bob_key));
  const auto share = [&](const std::string& id, const std::string& body, const std::string& key = alice_key) {
    const auto r = s.call("POST", coll_url(s, id) + "/share", body, key);
    ok(r);
    st.tokens.emplace_back(r.json().at("token").as_string());
    return std::string{r.json().at("id").as_string()};
  };
  share(ids[0], "");
  share(ids[1], R"({"visibility":"public"})");
  share(ids[3], R"({"expires_in_days":3})");
  const std::string revoked = share(ids[4], "{}");
  ok(s.call("DELETE", "/v1/music/" + org + "/share/" + revoked));
  share(ids[6], "{}", bob_key);
  // Keyed writes: a share and a create, whose retries must replay after the restore.
  const auto r = s.client->request("POST", coll_url(s, ids[5]) + "/share", R"({"visibility":"public"})",
                                   keyed(alice_key, "share-key-1"));
  ok(r);
  st.tokens.emplace_back(r.json().at("token").as_string());
  st.keyed_share_id = ids[5];
  ok(s.client->request("POST", s.collections_url(), R"({"name":"Keyed"})", keyed(alice_key, "create-key-1")));
  for (int i = 0; i < 40; ++i) ok(add_track(s, ids[3], "mtrack_p" + std::to_string(i)));  // past --compact-bytes
  st.tokens.emplace_back(r_gone.json().at("token").as_string());  // last: tokens[0] is a live link's
  return st;
}

// What observe() leaves out: an organization's move keeps neither (its versions are the
// target's journal seqs, and Idempotency-Keys stay with the server that answered them).
struct observed {
  bool etags = true;
  bool replays = true;
};

// Every read alice and bob can make of the state: ETags and keyed retries as `what` says.
inline json::value observe(live_server& s, const state& st, observed what = {}) {
  json::object out;
  for (const auto& key : {alice_key, bob_key}) {
    const auto list = s.call("GET", s.collections_url() + "?limit=100", "", key);
    out[key] = list.json();
  }
  json::array collections;
  for (const auto& id : st.ids)
    for (const auto& key : {alice_key, bob_key}) {
      const auto one = s.call("GET", coll_url(s, id), "", key);
      const auto tracks = s.call("GET", coll_url(s, id) + "/tracks?limit=500", "", key);
      const auto shares = s.call("GET", coll_url(s, id) + "/shares", "", key);
      collections.push_back(json::object{{"id", id},
                                         {"status", one.status},
                                         {"etag", what.etags ? one.header("ETag") : ""},
                                         {"tracks_etag", what.etags ? tracks.header("ETag") : ""},
                                         {"body", one.status == 200 ? one.json() : json::value{}},
                                         {"tracks", tracks.status == 200 ? tracks.json() : json::value{}},
                                         {"shares", shares.status == 200 ? shares.json() : json::value{}}});
    }
  out["collections"] = std::move(collections);
  json::array shared;
  for (const auto& t : st.tokens) {
    const auto r = resolve(s, t);
    shared.push_back(json::object{{"status", r.status}, {"body", r.status == 200 ? r.json() : json::value{}}});
  }
  out["shared"] = std::move(shared);
  if (!what.replays) return out;
  // The remembered keys answer their retries with the first answers.
  const auto share = s.client->request("POST", coll_url(s, st.keyed_share_id) + "/share", R"({"visibility":"public"})",
                                       keyed(alice_key, "share-key-1"));
  const auto create = s.client->request("POST", s.collections_url(), R"({"name":"Keyed"})", keyed(alice_key, "create-key-1"));
  auto share_body = share.json().as_object();
  share_body.erase("url");  // public_url: the serving server's own address
  out["replays"] = json::array{json::value(share.header("Idempotent-Replayed")), share_body,
                               json::value(create.header("Idempotent-Replayed")), create.json()};
  return out;
}

}  // namespace mixtape::test
