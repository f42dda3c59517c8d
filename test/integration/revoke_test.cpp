// Revoking and listing share links against the real binary (issue 13): the revoke's
// envelope and idempotence, ownership (another principal's revoke is a 404 that changes
// nothing), the revoked token resolving like an unknown one, the listing, and the
// revocation surviving a restart and a compaction (then it comes from the snapshot).
#include "collections_support.hpp"

using namespace mixtape::test;

namespace {

struct share_server : live_server {
  explicit share_server(std::vector<std::string> args = {}) : live_server(std::move(args)) {}

  // {"id","token"} of a new link of collection `id`.
  std::pair<std::string, std::string> share(const std::string& id, const std::string& body = {}) {
    const auto r = call("POST", coll_url(*this, id) + "/share", body);
    BOOST_REQUIRE_MESSAGE(r.status == 201u, r.body);
    const auto o = object_of(r);
    return {std::string{o.at("id").as_string()}, std::string{o.at("token").as_string()}};
  }
  std::string share_url(const std::string& share_id) const { return "/v1/music/" + org + "/share/" + share_id; }
  http_reply revoke(const std::string& share_id, const std::string& key = alice_key) {
    return call("DELETE", share_url(share_id), "", key);
  }
  http_reply list(const std::string& id, const std::string& key = alice_key) {
    return call("GET", coll_url(*this, id) + "/shares", "", key);
  }
};

// A 404 RESOURCE_NOT_FOUND with details {"share_id": id}.
void check_share_404(const http_reply& r, const std::string& share_id) {
  const auto e = check_envelope(r, 404, "RESOURCE_NOT_FOUND");
  BOOST_TEST(json::value(e.at("details")) == json::parse(R"({"share_id":")" + share_id + "\"}"), r.body);
}

// The token resolves exactly like one never issued: 404 with empty details.
void check_resolves_as_unknown(share_server& s, const std::string& token) {
  const auto e = check_envelope(resolve(s, token), 404, "RESOURCE_NOT_FOUND");
  BOOST_TEST(e.at("details").as_object().empty());
  const auto unknown = check_envelope(resolve(s, "x" + token.substr(1)), 404, "RESOURCE_NOT_FOUND");
  BOOST_TEST(e.at("system_message") == unknown.at("system_message"));
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(share_revocation, share_server)

BOOST_AUTO_TEST_CASE(revoke_is_200_idempotent_and_the_token_then_resolves_as_unknown) {
  BOOST_REQUIRE(process->started());
  const std::string id = create("Shared");
  const auto [share_id, token] = share(id);
  const auto [other_id, other_token] = share(id);
  BOOST_TEST(resolve(*this, token).status == 200u);
  check_success(revoke(share_id), share_id, "Share link revoked.");
  check_resolves_as_unknown(*this, token);
  check_success(revoke(share_id), share_id, "Share link revoked.");  // again: the same 200
  BOOST_TEST(resolve(*this, other_token).status == 200u);          // the other link is untouched
}

BOOST_AUTO_TEST_CASE(another_principals_revoke_is_404_and_changes_nothing) {
  const std::string id = create("Alice's");
  const auto [share_id, token] = share(id);
  check_share_404(revoke(share_id, bob_key), share_id);
  BOOST_TEST(resolve(*this, token).status == 200u);
  const auto listed = list(id).json();
  BOOST_TEST(listed.at("items").at(0).at("revoked_at").is_null());
  // Another organization (carol's key is not in org_abc123): 403 before anything is looked up.
  check_envelope(revoke(share_id, carol_key), 403, "INSUFFICIENT_PERMISSIONS");
  BOOST_TEST(resolve(*this, token).status == 200u);
}

BOOST_AUTO_TEST_CASE(unknown_and_malformed_ids_are_404_naming_the_id) {
  check_share_404(revoke("mslink_0123456789ab"), "mslink_0123456789ab");
  check_share_404(revoke("mslink_XYZ"), "mslink_XYZ");
  check_share_404(revoke("mcoll_0123456789ab"), "mcoll_0123456789ab");
  check_envelope(call("GET", share_url("mslink_0123456789ab")), 405, "METHOD_NOT_ALLOWED");
  check_envelope(call("DELETE", share_url("mslink_0123456789ab"), "", ""), 401, "AUTHENTICATION_REQUIRED");
}

BOOST_AUTO_TEST_CASE(a_link_of_a_deleted_collection_can_still_be_revoked) {
  const std::string id = create("Gone");
  const auto [share_id, token] = share(id);
  BOOST_TEST(call("DELETE", coll_url(*this, id)).status == 200u);
  BOOST_TEST(resolve(*this, token).json().at("available").as_bool() == false);
  check_success(revoke(share_id), share_id, "Share link revoked.");
  check_resolves_as_unknown(*this, token);
}

BOOST_AUTO_TEST_CASE(listing_shows_a_collections_links_newest_first_without_tokens) {
  const std::string id = create("Listed");
  const std::string other = create("Other");
  const auto a = share(id);
  const auto b = share(id, R"({"visibility":"public","expires_in_days":3})");
  const auto c = share(id);
  share(other);
  check_success(revoke(b.first), b.first, "Share link revoked.");
  const auto r = list(id);
  BOOST_REQUIRE_MESSAGE(r.status == 200u, r.body);
  const auto body = r.json().as_object();
  BOOST_TEST(body.at("collection_id").as_string() == id);
  const auto& items = body.at("items").as_array();
  BOOST_REQUIRE(items.size() == 3u);
  BOOST_TEST(items[0].at("id").as_string() == c.first);
  BOOST_TEST(items[1].at("id").as_string() == b.first);
  BOOST_TEST(items[2].at("id").as_string() == a.first);
  for (const auto& item : items) {
    BOOST_TEST(item.as_object().size() == 5u);  // id, visibility, expires_at, created_at, revoked_at
    BOOST_TEST(item.as_object().contains("created_at"));
  }
  BOOST_TEST(items[1].at("visibility").as_string() == "public");
  BOOST_TEST(items[1].at("expires_at").is_string());
  BOOST_TEST(items[1].at("revoked_at").as_string().size() == 20u);
  BOOST_TEST(items[0].at("revoked_at").is_null());
  for (const auto* token : {&a.second, &b.second, &c.second}) BOOST_TEST(r.body.find(*token) == std::string::npos);
  check_404(list(id, bob_key), id);
  check_404(list("mcoll_0123456789ab"), "mcoll_0123456789ab");
  BOOST_TEST(list(create("Empty")).json().at("items").as_array().empty());
}

BOOST_AUTO_TEST_CASE(revocation_survives_restart_and_compaction) {
  BOOST_REQUIRE(restart({"--compact-bytes", "4096"}) == 0);
  const std::string id = create("Durable");
  const auto [revoked_id, revoked_token] = share(id);
  const auto [kept_id, kept_token] = share(id);
  check_success(revoke(revoked_id), revoked_id, "Share link revoked.");
  BOOST_REQUIRE(restart({"--compact-bytes", "4096"}) == 0);  // replayed from the journal
  check_resolves_as_unknown(*this, revoked_token);
  BOOST_TEST(resolve(*this, kept_token).status == 200u);
  // Enough writes to pass 4 KiB: the snapshot then holds the revocation, and the journal
  // that recorded it is deleted.
  const std::string filler(200, 'd');
  for (int i = 0; !process->wait_for_stderr("compaction done", std::chrono::milliseconds(0)) && i < 200; ++i)
    BOOST_REQUIRE(call("PATCH", coll_url(*this, id), R"({"description":")" + filler + std::to_string(i) + "\"}").status ==
                  200u);
  BOOST_REQUIRE(process->wait_for_stderr("compaction done"));
  BOOST_REQUIRE(restart({"--compact-bytes", "4096"}) == 0);
  check_resolves_as_unknown(*this, revoked_token);
  BOOST_TEST(resolve(*this, kept_token).status == 200u);
  const auto listed = list(id).json();
  const auto& items = listed.at("items").as_array();
  BOOST_REQUIRE(items.size() == 2u);
  BOOST_TEST(items[0].at("id").as_string() == kept_id);
  BOOST_TEST(items[1].at("revoked_at").is_string());
  check_share_404(revoke(revoked_id, bob_key), revoked_id);  // the creator survived the snapshot too
  check_success(revoke(revoked_id), revoked_id, "Share link revoked.");
}

BOOST_AUTO_TEST_SUITE_END()
