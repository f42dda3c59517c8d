// Idempotent retries (docs/openapi.yaml, Idempotency-Key) over real HTTP: the retry of a
// keyed create, add or share returns the first status and body and executes nothing — also
// after kill -9 between the first request and its retry, and after a snapshot; the same key
// with another body is a 422; the keys of one principal are not another's.
#define BOOST_TEST_MODULE integration_idempotency
#include <sys/stat.h>

#include <cstdlib>

#include "collections_support.hpp"
#include "support/wait.hpp"

using namespace mixtape::test;

namespace {

http_reply keyed(live_server& s, const std::string& method, const std::string& target, const std::string& body,
                 const std::string& key, const std::string& api_key = alice_key) {
  return s.client->request(method, target, body, {{"X-API-Key", api_key}, {"Idempotency-Key", key}});
}

// SIGKILL and start again on the same data directory: nothing but the disk survives.
void kill_and_restart(live_server& s, std::vector<std::string> args = {}) {
  s.client.reset();
  s.process->kill_hard();
  s.process = std::make_unique<server_process>(s.dir.path(), std::move(args));
  BOOST_REQUIRE(s.process->started());
  s.client = std::make_unique<http_client>(s.process->port());
}

std::size_t collection_count(live_server& s) {
  const auto r = s.call("GET", s.collections_url() + "?limit=100");
  BOOST_REQUIRE_EQUAL(r.status, 200u);
  return r.json().at("items").as_array().size();
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(idempotency, live_server)

BOOST_AUTO_TEST_CASE(a_retried_create_replays_the_first_answer_and_creates_nothing) {
  const auto first = keyed(*this, "POST", collections_url(), R"({"name":"Once"})", "create-1");
  BOOST_REQUIRE_EQUAL(first.status, 201u);
  BOOST_TEST(first.header("Idempotent-Replayed").empty());
  BOOST_REQUIRE_EQUAL(call("PATCH", coll_url(*this, std::string{first.json().at("id").as_string()}),
                           R"({"name":"Changed since"})").status, 200u);
  const auto again = keyed(*this, "POST", collections_url(), R"({"name":"Once"})", "create-1");
  BOOST_TEST(again.status == 201u);
  BOOST_TEST(again.body == first.body);  // the first answer, not the collection as it is now
  BOOST_TEST(again.header("Idempotent-Replayed") == "true");
  BOOST_TEST(collection_count(*this) == 1u);
  // Another key is another request; a key is the principal's own.
  BOOST_TEST(keyed(*this, "POST", collections_url(), R"({"name":"Once"})", "create-2").status == 201u);
  const auto bobs = keyed(*this, "POST", collections_url(), R"({"name":"Once"})", "create-1", bob_key);
  BOOST_TEST(bobs.status == 201u);
  BOOST_TEST(bobs.header("Idempotent-Replayed").empty());
  BOOST_TEST(collection_count(*this) == 2u);
}

BOOST_AUTO_TEST_CASE(the_same_key_with_another_body_is_422_and_a_bad_key_too) {
  BOOST_REQUIRE_EQUAL(keyed(*this, "POST", collections_url(), R"({"name":"A"})", "k").status, 201u);
  const auto other = keyed(*this, "POST", collections_url(), R"({"name":"B"})", "k");
  BOOST_TEST(field_of(check_envelope(other, 422, "VALIDATION_ERROR")) == "Idempotency-Key");
  const std::string id = create("c");
  const auto elsewhere = keyed(*this, "POST", coll_url(*this, id) + "/tracks", R"({"name":"A"})", "k");
  BOOST_TEST(elsewhere.status == 422u);  // another route is another request
  BOOST_TEST(keyed(*this, "POST", collections_url(), R"({"name":"A"})", std::string(256, 'x')).status == 422u);
  BOOST_TEST(keyed(*this, "POST", collections_url(), R"({"name":"A"})", "tab\there").status == 422u);
  BOOST_TEST(collection_count(*this) == 2u);
}

BOOST_AUTO_TEST_CASE(retried_adds_replay_and_add_nothing) {
  const std::string id = create("c");
  const auto one = keyed(*this, "POST", coll_url(*this, id) + "/tracks", R"({"track_id":"mtrack_a"})", "add-1");
  BOOST_REQUIRE_EQUAL(one.status, 200u);
  BOOST_REQUIRE_EQUAL(call("DELETE", coll_url(*this, id) + "/tracks/mtrack_a").status, 200u);
  const auto again = keyed(*this, "POST", coll_url(*this, id) + "/tracks", R"({"track_id":"mtrack_a"})", "add-1");
  BOOST_TEST(again.body == one.body);
  BOOST_TEST(again.header("Idempotent-Replayed") == "true");
  BOOST_TEST(track_ids(*this, id).empty());  // not added again
  const std::string batch = R"({"track_ids":["mtrack_b","mtrack_c"]})";
  const auto first = keyed(*this, "POST", coll_url(*this, id) + "/tracks", batch, "add-2");
  BOOST_TEST(first.json().at("added").as_int64() == 2);
  const auto replayed = keyed(*this, "POST", coll_url(*this, id) + "/tracks", batch, "add-2");
  BOOST_TEST(replayed.body == first.body);  // "added":2 again, not 0
  BOOST_TEST(replayed.header("Idempotent-Replayed") == "true");
}

BOOST_AUTO_TEST_CASE(a_retry_after_kill_9_makes_no_second_collection_or_share_link) {
  const auto created = keyed(*this, "POST", collections_url(), R"({"name":"Durable"})", "c-key");
  BOOST_REQUIRE_EQUAL(created.status, 201u);
  const std::string id{created.json().at("id").as_string()};
  const std::string share_body = R"({"visibility":"public","expires_in_days":3})";
  const auto shared = keyed(*this, "POST", coll_url(*this, id) + "/share", share_body, "s-key");
  BOOST_REQUIRE_EQUAL(shared.status, 201u);
  // The client never saw these answers (say): the server dies, the client retries.
  kill_and_restart(*this);
  const auto create_retry = keyed(*this, "POST", collections_url(), R"({"name":"Durable"})", "c-key");
  BOOST_TEST(create_retry.status == 201u);
  BOOST_TEST(create_retry.body == created.body);
  BOOST_TEST(create_retry.header("Idempotent-Replayed") == "true");
  BOOST_TEST(collection_count(*this) == 1u);
  const auto share_retry = keyed(*this, "POST", coll_url(*this, id) + "/share", share_body, "s-key");
  BOOST_TEST(share_retry.status == 201u);
  // The same answer, token recomputed (it is not stored); the URL names the new port.
  auto first_share = shared.json().as_object(), retried_share = share_retry.json().as_object();
  const std::string url{retried_share.at("url").as_string()};
  BOOST_TEST(url.substr(url.rfind('/') + 1) == retried_share.at("token").as_string());
  first_share.erase("url");
  retried_share.erase("url");
  BOOST_TEST(json::serialize(retried_share) == json::serialize(first_share));
  BOOST_TEST(share_retry.header("Idempotent-Replayed") == "true");
  BOOST_TEST(resolve(*this, std::string{share_retry.json().at("token").as_string()}).status == 200u);
  // The token is on disk only as its hash.
  const std::string token{shared.json().at("token").as_string()};
  BOOST_TEST(std::system(("grep -rqF '" + token + "' " + dir.path() + " 2>/dev/null").c_str()) != 0);
}

BOOST_AUTO_TEST_CASE(remembered_keys_survive_a_snapshot) {
  BOOST_REQUIRE_EQUAL(restart({"--compact-bytes", "4096"}), 0);
  const auto created = keyed(*this, "POST", collections_url(), R"({"name":"Before the snapshot"})", "snap");
  BOOST_REQUIRE_EQUAL(created.status, 201u);
  const std::string filler = create("filler");
  write_past_a_compaction(*this, filler);
  BOOST_REQUIRE(process->wait_for_stderr("compaction done"));
  kill_and_restart(*this);
  const auto again = keyed(*this, "POST", collections_url(), R"({"name":"Before the snapshot"})", "snap");
  BOOST_TEST(again.body == created.body);
  BOOST_TEST(again.header("Idempotent-Replayed") == "true");
  BOOST_TEST(collection_count(*this) == 2u);
}

BOOST_AUTO_TEST_CASE(the_secret_file_is_made_once_with_mode_0600) {
  struct stat st{};
  BOOST_REQUIRE_EQUAL(::stat((dir.path() + "/secret.key").c_str(), &st), 0);
  BOOST_TEST((st.st_mode & 0777) == 0600u);
  BOOST_TEST(st.st_size == 32);
  const auto before = st.st_mtime;
  const auto ino = st.st_ino;
  BOOST_REQUIRE_EQUAL(restart(), 0);
  BOOST_REQUIRE_EQUAL(::stat((dir.path() + "/secret.key").c_str(), &st), 0);
  BOOST_TEST(st.st_ino == ino);  // read, not made again
  BOOST_TEST(st.st_mtime == before);
}

BOOST_AUTO_TEST_CASE(a_key_expires_after_the_ttl) {
  BOOST_REQUIRE_EQUAL(restart({"--idempotency-ttl", "1"}), 0);
  const auto first = keyed(*this, "POST", collections_url(), R"({"name":"Short"})", "ttl");
  BOOST_REQUIRE_EQUAL(first.status, 201u);
  // Waits for the clock to pass the expiry (whole seconds), checking the state, not sleeping blind.
  BOOST_REQUIRE(wait_until(
      [&] {
        const auto r = keyed(*this, "POST", collections_url(), R"({"name":"Short"})", "ttl");
        return r.status == 201u && r.header("Idempotent-Replayed").empty();
      },
      std::chrono::seconds(5), std::chrono::milliseconds(200)));
  BOOST_TEST(collection_count(*this) == 2u);  // once replayed meanwhile, then made anew
}

BOOST_AUTO_TEST_SUITE_END()
