// Share links in the store (issue 13): revocation, ownership by the creating principal,
// a collection's links newest first, and what snapshots keep of them (version 2 items,
// version 1 items still loaded).
#include <boost/test/unit_test.hpp>

#include "model/snapshot_item.hpp"
#include "store/collection_store.hpp"
#include "store/history.hpp"

using namespace mixtape;
using store::outcome;

namespace {

const std::string coll = "mcoll_000000000001";

model::create_collection create(const std::string& id, const std::string& owner = "usr_a") {
  return {id, "org_x", owner, "n", std::nullopt, std::nullopt, std::nullopt, 10};
}

model::create_share share(const std::string& share_id, unsigned char token, core::unix_seconds at = 50) {
  model::create_share s;
  s.share_id = share_id;
  s.collection_id = coll;
  s.token_sha256[0] = token;
  s.at = at;
  return s;
}

std::array<unsigned char, 32> token(unsigned char t) {
  std::array<unsigned char, 32> a{};
  a[0] = t;
  return a;
}

std::vector<std::string> listed(const store::collection_store& s, const std::string& owner = "usr_a") {
  std::vector<std::string> out;
  s.visit_shares(coll, "org_x", owner, [&](const store::share_link& l) {
    out.push_back(l.id + (l.revoked_at ? " revoked@" + std::to_string(*l.revoked_at) : ""));
  });
  return out;
}

const auto no_tracks = [](const store::track_view&) {};

}  // namespace

BOOST_AUTO_TEST_SUITE(store_shares)

BOOST_AUTO_TEST_CASE(a_revoked_link_resolves_as_unknown_and_revoking_again_changes_nothing) {
  store::collection_store s{4};
  s.apply(create(coll), 1);
  s.apply(share("mslink_000000000001", 1), 2);
  s.apply(share("mslink_000000000002", 2), 3);
  BOOST_TEST((s.apply(model::revoke_share{"mslink_000000000001", 70}, 4) == outcome::applied));
  BOOST_TEST(!s.find_share(token(1), no_tracks).has_value());
  BOOST_TEST(s.find_share(token(2), no_tracks).has_value());
  BOOST_TEST((s.apply(model::revoke_share{"mslink_000000000001", 80}, 5) == outcome::unchanged));
  BOOST_TEST(*s.shares().find_by_id("mslink_000000000001", "org_x", "usr_a")->revoked_at == 70);  // the first time stays
  BOOST_TEST((s.apply(model::revoke_share{"mslink_00000000000f", 80}, 6) == outcome::not_found));
  BOOST_TEST(s.shares().size() == 2u);  // revoked links are kept (listed, and their ids stay taken)
  BOOST_TEST(s.shares().id_in_use("mslink_000000000001"));
}

BOOST_AUTO_TEST_CASE(a_link_belongs_to_the_principal_whose_collection_it_shared) {
  store::collection_store s{4};
  s.apply(create(coll), 1);
  s.apply(share("mslink_000000000001", 1), 2);
  BOOST_TEST(s.shares().find_by_id("mslink_000000000001", "org_x", "usr_a").has_value());
  BOOST_TEST(!s.shares().find_by_id("mslink_000000000001", "org_x", "usr_b").has_value());
  BOOST_TEST(!s.shares().find_by_id("mslink_000000000001", "org_y", "usr_a").has_value());
  BOOST_TEST(!s.shares().find_by_id("mslink_000000000009", "org_x", "usr_a").has_value());
  s.apply(model::delete_collection{coll, 60}, 3);
  BOOST_TEST(s.shares().find_by_id("mslink_000000000001", "org_x", "usr_a").has_value());  // still theirs to revoke
  BOOST_TEST(listed(s).empty());  // but the collection is gone: nothing to list under it
}

BOOST_AUTO_TEST_CASE(a_collections_links_are_listed_newest_first) {
  store::collection_store s{4};
  s.apply(create(coll), 1);
  s.apply(create("mcoll_000000000002"), 2);
  s.apply(share("mslink_000000000001", 1, 50), 3);
  s.apply(share("mslink_000000000002", 2, 50), 4);  // the same second: the journal order decides
  auto other = share("mslink_000000000003", 3, 51);
  other.collection_id = "mcoll_000000000002";
  s.apply(other, 5);
  s.apply(share("mslink_000000000004", 4, 52), 6);
  s.apply(model::revoke_share{"mslink_000000000002", 90}, 7);
  BOOST_TEST(listed(s) == (std::vector<std::string>{"mslink_000000000004", "mslink_000000000002 revoked@90",
                                                    "mslink_000000000001"}));
  BOOST_TEST(!s.visit_shares(coll, "org_x", "usr_b", [](const store::share_link&) {}));
}

BOOST_AUTO_TEST_CASE(snapshots_keep_revocation_creator_and_order) {
  store::collection_store s{4};
  s.apply(create(coll), 1);
  s.apply(share("mslink_000000000001", 1), 2);
  s.apply(share("mslink_000000000002", 2), 3);
  s.apply(model::revoke_share{"mslink_000000000001", 70}, 4);
  s.apply(model::delete_collection{coll, 80}, 5);  // the creator is no longer derivable from the collection
  const std::string body = store_test::snapshot_body(s, s.begin_snapshot(5));
  store::collection_store loaded{8};
  BOOST_REQUIRE(loaded.load_snapshot(body).ok());
  BOOST_TEST(!loaded.find_share(token(1), no_tracks).has_value());
  BOOST_TEST(loaded.find_share(token(2), no_tracks).has_value());
  const auto link = loaded.shares().find_by_id("mslink_000000000001", "org_x", "usr_a");
  BOOST_REQUIRE(link.has_value());
  BOOST_TEST(*link->revoked_at == 70);
  BOOST_TEST(link->created_seq == 2u);
  BOOST_TEST((loaded.apply(model::revoke_share{"mslink_000000000002", 90}, 6) == outcome::applied));
}

BOOST_AUTO_TEST_CASE(version_1_share_items_take_their_collections_owner) {
  store::collection_store s{4};
  s.apply(create(coll), 1);
  std::string body = store_test::snapshot_body(s, s.begin_snapshot(1));  // the collection
  model::append_v1_share_item(body, share("mslink_000000000001", 1));
  auto orphan = share("mslink_000000000002", 2);
  orphan.collection_id = "mcoll_000000000009";  // deleted before that snapshot
  model::append_v1_share_item(body, orphan);
  store::collection_store loaded{4};
  BOOST_REQUIRE(loaded.load_snapshot(body).ok());
  BOOST_TEST(loaded.shares().find_by_id("mslink_000000000001", "org_x", "usr_a").has_value());
  BOOST_TEST(listed(loaded) == std::vector<std::string>{"mslink_000000000001"});
  BOOST_TEST(!loaded.shares().find_by_id("mslink_000000000002", "org_x", "usr_a").has_value());  // no creator known
  BOOST_TEST(loaded.find_share(token(2), no_tracks).has_value());  // still resolves (available:false)
}

BOOST_AUTO_TEST_SUITE_END()
