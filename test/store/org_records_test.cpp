// The organization records (SPEC §10): freezing refuses an organization's writes at apply
// time, an import admits only its own records, deleting an organization removes its
// collections and their links, and snapshots keep the states.
#include <boost/test/unit_test.hpp>

#include "model/snapshot_item.hpp"
#include "store/collection_store.hpp"
#include "store/history.hpp"

using namespace mixtape;
using store::outcome;
using model::org_state;

namespace {

const std::string coll = "mcoll_000000000001";
const std::string other = "mcoll_000000000002";

model::create_collection create(const std::string& id, const std::string& org = "org_x") {
  return {id, org, "usr_a", "n", std::nullopt, std::nullopt, std::nullopt, 10};
}

std::array<unsigned char, 32> token(unsigned char t) {
  std::array<unsigned char, 32> a{};
  a[0] = t;
  return a;
}

model::create_share share(const std::string& share_id, const std::string& collection, unsigned char t) {
  model::create_share s;
  s.share_id = share_id;
  s.collection_id = collection;
  s.token_sha256 = token(t);
  s.at = 40;
  return s;
}

model::import_collection imported(const std::string& id, const std::string& org,
                                  std::vector<model::track_entry> tracks) {
  model::collection c;
  c.id = id;
  c.org = org;
  c.owner = "usr_a";
  c.name = "imported " + id;
  c.created_at = 5;
  c.updated_at = 7;
  c.tracks = std::move(tracks);
  return {c, 100};
}

const auto no_tracks = [](const store::track_view&) {};

std::vector<std::string> page(const store::collection_store& s, const std::string& org) {
  std::vector<std::string> ids;
  s.visit_page(org, "usr_a", 100, 0, [&](const model::cached_json& j) { ids.push_back(j.text.substr(7, 18)); });
  return ids;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(store_org_records)

BOOST_AUTO_TEST_CASE(a_frozen_organization_refuses_every_write_and_an_unfrozen_one_takes_them_again) {
  store::collection_store s{4};
  BOOST_TEST((s.apply(create(coll), 1) == outcome::applied));
  BOOST_TEST((s.apply(create(other, "org_y"), 2) == outcome::applied));
  BOOST_TEST((s.apply(share("mslink_000000000001", coll, 1), 3) == outcome::applied));
  BOOST_TEST((s.apply(model::set_org_state{"org_x", org_state::frozen, 4}, 4) == outcome::applied));
  BOOST_TEST((s.apply(model::set_org_state{"org_x", org_state::frozen, 4}, 5) == outcome::unchanged));
  BOOST_TEST((s.apply(create("mcoll_000000000003"), 6) == outcome::blocked));
  BOOST_TEST((s.apply(model::add_track{coll, "mtrack_1", 7, 100}, 7) == outcome::blocked));
  BOOST_TEST((s.apply(model::delete_collection{coll, 8}, 8) == outcome::blocked));
  BOOST_TEST((s.apply(model::revoke_share{"mslink_000000000001", 9}, 9) == outcome::blocked));
  const model::mutation guarded = model::guarded_write{0, {}, std::make_shared<const model::mutation>(
                                                                   model::update_collection{coll, "x", {}, {}, {}, 9})};
  BOOST_TEST((s.apply(guarded, 10) == outcome::blocked));
  BOOST_TEST((s.apply(model::add_track{other, "mtrack_1", 7, 100}, 11) == outcome::applied));  // another org
  BOOST_TEST(s.version_of(coll, "org_x", "usr_a").value() == 1u);  // reads go on, nothing changed
  BOOST_TEST(s.find_share(token(1), no_tracks).has_value());
  BOOST_TEST((s.apply(model::set_org_state{"org_x", org_state::active, 12}, 12) == outcome::applied));
  BOOST_TEST(!s.orgs().any());
  BOOST_TEST((s.apply(model::add_track{coll, "mtrack_1", 13, 100}, 13) == outcome::applied));
}

BOOST_AUTO_TEST_CASE(an_import_applies_only_while_importing_and_keeps_ids_order_tracks_and_links) {
  store::collection_store s{4};
  BOOST_TEST((s.apply(imported(coll, "org_m", {}), 1) == outcome::blocked));
  BOOST_TEST((s.apply(model::set_org_state{"org_m", org_state::importing, 2}, 2) == outcome::applied));
  BOOST_TEST((s.apply(create("mcoll_000000000009", "org_m"), 3) == outcome::blocked));  // clients wait
  BOOST_TEST((s.apply(model::set_org_state{"org_m", org_state::frozen, 3}, 3) == outcome::unchanged));  // not mid-import
  BOOST_TEST((s.apply(model::set_org_state{"org_m", org_state::importing, 3}, 3) == outcome::unchanged));  // one at a time
  BOOST_TEST((s.apply(imported(other, "org_m", {}), 4) == outcome::applied));
  BOOST_TEST((s.apply(imported(coll, "org_m", {{"mtrack_b", 3}, {"mtrack_a", 4}}), 5) == outcome::applied));
  BOOST_TEST((s.apply(imported(coll, "org_m", {}), 6) == outcome::unchanged));  // id in use
  BOOST_TEST((s.apply(imported("mcoll_000000000005", "org_m", {{"mtrack_a", 1}, {"mtrack_a", 2}}), 7) ==
              outcome::unchanged));  // a track twice
  model::import_share link{"org_m", "usr_a", share("mslink_000000000001", coll, 1), std::nullopt, 100};
  BOOST_TEST((s.apply(link, 8) == outcome::applied));
  model::import_share revoked{"org_m", "usr_a", share("mslink_000000000002", coll, 2), 60, 100};
  BOOST_TEST((s.apply(revoked, 9) == outcome::applied));
  model::import_share elsewhere{"org_n", "usr_a", share("mslink_000000000003", coll, 3), std::nullopt, 100};
  BOOST_TEST((s.apply(elsewhere, 10) == outcome::blocked));
  model::import_share orphan{"org_m", "usr_a", share("mslink_000000000004", "mcoll_00000000000f", 4), std::nullopt, 100};
  BOOST_TEST((s.apply(orphan, 10) == outcome::applied));  // its collection was deleted at the source
  BOOST_TEST(s.id_in_use("mcoll_00000000000f"));  // so no new collection takes that id
  BOOST_TEST((s.apply(model::set_org_state{"org_m", org_state::active, 11}, 11) == outcome::applied));

  BOOST_TEST(page(s, "org_m") == (std::vector<std::string>{coll, other}), boost::test_tools::per_element());
  std::vector<std::pair<std::string, core::unix_seconds>> tracks;
  s.visit_tracks(coll, "org_m", "usr_a", 0, 10,
                 [&](const store::track_view& t) { tracks.emplace_back(std::string{t.track_id}, t.added_at); });
  BOOST_TEST((tracks == std::vector<std::pair<std::string, core::unix_seconds>>{{"mtrack_b", 3}, {"mtrack_a", 4}}));
  BOOST_TEST(s.version_of(coll, "org_m", "usr_a").value() == 5u);  // the import's seq
  BOOST_TEST(s.find_share(token(1), no_tracks).has_value());
  BOOST_TEST(!s.find_share(token(2), no_tracks).has_value());  // revoked stays revoked
  BOOST_TEST(*s.shares().find_by_id("mslink_000000000002", "org_m", "usr_a")->revoked_at == 60);
}

BOOST_AUTO_TEST_CASE(deleting_an_organization_removes_its_collections_and_links_and_nothing_else) {
  store::collection_store s{4};
  s.apply(create(coll), 1);
  s.apply(create(other, "org_y"), 2);
  s.apply(model::add_track{coll, "mtrack_1", 3, 100}, 3);
  s.apply(share("mslink_000000000001", coll, 1), 4);
  s.apply(share("mslink_000000000002", other, 2), 5);
  s.apply(model::set_org_state{"org_x", org_state::frozen, 6}, 6);
  BOOST_TEST((s.apply(model::delete_org{"org_x", 7}, 7) == outcome::applied));
  BOOST_TEST(!s.contains(coll));
  BOOST_TEST(!s.id_in_use(coll));  // its links went too: the id and token may come back by an import
  BOOST_TEST(!s.find_share(token(1), no_tracks).has_value());
  BOOST_TEST(!s.shares().id_in_use("mslink_000000000001"));
  BOOST_TEST(s.collections_of_org("org_x") == 0u);
  BOOST_TEST(!s.orgs().any());  // no longer frozen
  BOOST_TEST(s.contains(other));
  BOOST_TEST(s.find_share(token(2), no_tracks).has_value());
  BOOST_TEST((s.apply(model::delete_org{"org_x", 8}, 8) == outcome::unchanged));
}

BOOST_AUTO_TEST_CASE(a_snapshot_keeps_the_organization_states_as_of_its_cut) {
  store::collection_store s{4};
  s.apply(create(coll), 1);
  s.apply(model::set_org_state{"org_x", org_state::frozen, 2}, 2);
  s.apply(model::set_org_state{"org_m", org_state::importing, 3}, 3);
  const auto epoch = s.begin_snapshot(3);
  s.apply(model::set_org_state{"org_x", org_state::active, 4}, 4);  // after the cut
  const std::string body = store_test::snapshot_body(s, epoch);
  store::collection_store loaded{8};
  BOOST_REQUIRE(loaded.load_snapshot(body).ok());
  BOOST_TEST((loaded.orgs().state_of("org_x") == org_state::frozen));
  BOOST_TEST((loaded.orgs().state_of("org_m") == org_state::importing));
  BOOST_TEST((loaded.orgs().in_state(org_state::importing) == std::vector<std::string>{"org_m"}));
  BOOST_TEST((s.orgs().state_of("org_x") == org_state::active));
}

BOOST_AUTO_TEST_SUITE_END()
