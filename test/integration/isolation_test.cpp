// Ownership and organizations against the real binary: another principal sees 404 on
// every endpoint and changes nothing; another organization's key is 403; a key in two
// organizations sees a collection only under the organization it was created in.
#include <fstream>

#include "collections_support.hpp"
#include "core/sha256.hpp"

using namespace mixtape::test;

namespace {

// Every call an owner can make on collection `id`, as (method, path, body).
struct endpoint {
  std::string method, path, body;
};
std::vector<endpoint> endpoints_of(const std::string& base, const std::string& id) {
  const std::string c = base + "/" + id;
  return {{"GET", c, ""},
          {"PATCH", c, R"({"name":"taken"})"},
          {"DELETE", c, ""},
          {"GET", c + "/tracks", ""},
          {"POST", c + "/tracks", R"({"track_id":"mtrack_bob"})"},
          {"DELETE", c + "/tracks/mtrack_t1", ""},
          {"PATCH", c + "/order", R"({"ordered_track_ids":["mtrack_t2"]})"},
          {"POST", c + "/share", "{}"}};
}

// The observable state of one collection: its detail view and its tracks page.
std::string state_of(live_server& s, const std::string& id) {
  return s.call("GET", coll_url(s, id)).body + s.call("GET", coll_url(s, id) + "/tracks").body;
}

const std::string dave_key = "mxt_test_dave_0123456789";

// Keys file: the usual four plus dave, whose key is in two organizations.
std::string write_two_org_keys(const std::string& dir) {
  const std::string path = dir + "/two-org-keys.json";
  write_test_keys(path);
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string dave = R"({"id":"key_dave","sha256":")" + mixtape::core::sha256_hex(dave_key) +
                           R"(","principal":"usr_dave","organizations":["org_abc123","org_two"],)"
                           R"("capabilities":["USE_MUSIC_GENERATION"]})";
  text.insert(text.rfind(']'), "," + dave);
  std::ofstream(path) << text;
  return path;
}

struct two_org_server {
  temp_dir keys_dir;
  std::string keys_path = write_two_org_keys(keys_dir.path());
  live_server s{{"--keys", keys_path}};
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(isolation, live_server)

BOOST_AUTO_TEST_CASE(another_principal_gets_404_everywhere_and_changes_nothing) {
  const std::string id = create("Alice's");
  for (const auto& t : tracks_of({1, 2})) add_track(*this, id, t);
  const auto token = std::string{call("POST", coll_url(*this, id) + "/share").json().at("token").as_string()};
  const std::string before = state_of(*this, id);
  const std::string missing = "mcoll_ffffffffffff";
  const auto ours = endpoints_of(collections_url(), id), none = endpoints_of(collections_url(), missing);
  for (std::size_t i = 0; i < ours.size(); ++i) {
    const auto& e = ours[i];
    BOOST_TEST_CONTEXT(e.method << " " << e.path) {
      const auto r = call(e.method, e.path, e.body, bob_key);
      check_404(r, id);
      // Indistinguishable from a collection that does not exist.
      const auto m = call(none[i].method, none[i].path, none[i].body, bob_key).json().at("error");
      BOOST_TEST(r.json().at("error").at("system_message") == m.at("system_message"));
    }
  }
  BOOST_TEST(state_of(*this, id) == before);
  BOOST_TEST(ids_of(call("GET", collections_url(), "", bob_key)).empty());
  BOOST_TEST((ids_of(call("GET", collections_url())) == std::vector<std::string>{id}));
  BOOST_TEST(resolve(*this, token).json().at("available").as_bool());
  BOOST_TEST(call("GET", "/metrics", "", "").body.find("mixtape_share_links 1\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(each_principal_lists_only_its_own) {
  const std::string a1 = create("a1"), b1 = create("b1", bob_key), a2 = create("a2");
  BOOST_TEST((ids_of(call("GET", collections_url())) == std::vector<std::string>{a2, a1}));
  BOOST_TEST((ids_of(call("GET", collections_url(), "", bob_key)) == std::vector<std::string>{b1}));
  BOOST_TEST(call("DELETE", coll_url(*this, b1), "", bob_key).status == 200u);
  BOOST_TEST(ids_of(call("GET", collections_url(), "", bob_key)).empty());
  BOOST_TEST(ids_of(call("GET", collections_url())).size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_key_of_another_org_is_403_even_for_real_collections) {
  const std::string id = create("Alice's");
  add_track(*this, id, "mtrack_t1");
  const std::string before = state_of(*this, id);
  for (const auto& e : endpoints_of(collections_url(), id))
    BOOST_TEST_CONTEXT(e.method << " " << e.path) {
      check_envelope(call(e.method, e.path, e.body, carol_key), 403, "INSUFFICIENT_PERMISSIONS");
      check_envelope(call(e.method, e.path, e.body, nocap_key), 403, "INSUFFICIENT_PERMISSIONS");
    }
  check_envelope(call("GET", collections_url(), "", carol_key), 403, "INSUFFICIENT_PERMISSIONS");
  BOOST_TEST(state_of(*this, id) == before);
  // Carol's own org works for her, and is closed to alice.
  const std::string other = "/v1/music/org_other/collections";
  const auto mine = call("POST", other, R"({"name":"Carol's"})", carol_key);
  BOOST_TEST(mine.status == 201u);
  BOOST_TEST(ids_of(call("GET", other, "", carol_key)).size() == 1u);
  check_envelope(call("GET", other), 403, "INSUFFICIENT_PERMISSIONS");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_CASE(a_two_org_key_sees_a_collection_only_in_its_own_org, two_org_server) {
  BOOST_REQUIRE(s.process->started());
  const std::string org_a = "/v1/music/org_abc123/collections", org_b = "/v1/music/org_two/collections";
  const auto created = s.call("POST", org_a, R"({"name":"In A"})", dave_key);
  BOOST_REQUIRE(created.status == 201u);
  const std::string id{created.json().at("id").as_string()};
  add_track(s, id, "mtrack_t1", dave_key);
  const auto before = s.call("GET", org_a + "/" + id, "", dave_key).body;
  for (const auto& e : endpoints_of(org_b, id))
    BOOST_TEST_CONTEXT(e.method << " " << e.path) { check_404(s.call(e.method, e.path, e.body, dave_key), id); }
  BOOST_TEST(s.call("GET", org_a + "/" + id, "", dave_key).body == before);
  BOOST_TEST(ids_of(s.call("GET", org_b, "", dave_key)).empty());
  BOOST_TEST((ids_of(s.call("GET", org_a, "", dave_key)) == std::vector<std::string>{id}));
  const auto in_b = s.call("POST", org_b, R"({"name":"In B"})", dave_key);
  BOOST_REQUIRE(in_b.status == 201u);
  const std::string id_b{in_b.json().at("id").as_string()};
  BOOST_TEST((ids_of(s.call("GET", org_b, "", dave_key)) == std::vector<std::string>{id_b}));
  BOOST_TEST((ids_of(s.call("GET", org_a, "", dave_key)) == std::vector<std::string>{id}));
  check_404(s.call("GET", org_a + "/" + id_b, "", dave_key), id_b);
  // Same org, another principal: alice sees neither.
  check_404(s.call("GET", org_a + "/" + id, "", alice_key), id);
  BOOST_TEST(ids_of(s.call("GET", org_a, "", alice_key)).empty());
  check_envelope(s.call("GET", org_b, "", alice_key), 403, "INSUFFICIENT_PERMISSIONS");
}
