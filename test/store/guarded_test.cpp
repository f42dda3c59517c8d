// Versions and guarded writes in the store (journal-format.md §2): a collection's version
// is the seq of the last mutation that changed it; a guarded write applies only at its
// If-Match version, and remembers its Idempotency-Key when it succeeds.
#include <boost/test/unit_test.hpp>

#include "store/collection_store.hpp"

using namespace mixtape;
using store::outcome;

namespace {

const std::string id = "mcoll_0000000000aa";

model::create_collection create_at(core::unix_seconds at) {
  model::create_collection c;
  c.id = id;
  c.org = "org_x";
  c.owner = "usr_a";
  c.name = "n";
  c.at = at;
  return c;
}

model::mutation guarded(std::uint64_t if_match, model::mutation inner, std::string key = {}) {
  model::guarded_write g;
  g.if_match = if_match;
  if (!key.empty()) g.idempotency = {"usr_a", std::move(key), {}, 1000};
  g.inner = std::make_shared<const model::mutation>(std::move(inner));
  return g;
}

std::uint64_t version(const store::collection_store& s) { return s.version_of(id, "org_x", "usr_a").value_or(0); }

}  // namespace

BOOST_AUTO_TEST_SUITE(guarded_writes)

BOOST_AUTO_TEST_CASE(the_version_is_the_seq_of_the_last_change) {
  store::collection_store s{4};
  BOOST_REQUIRE(s.apply(create_at(1), 5) == outcome::applied);
  BOOST_TEST(version(s) == 5u);
  BOOST_TEST((s.apply(model::update_collection{id, "m", {}, {}, {}, 2}, 6) == outcome::applied));
  BOOST_TEST(version(s) == 6u);
  BOOST_TEST((s.apply(model::update_collection{id, "m", {}, {}, {}, 3}, 7) == outcome::unchanged));
  BOOST_TEST(version(s) == 6u);  // nothing changed
  BOOST_TEST((s.apply(model::add_track{id, "mtrack_a", 4, 10}, 8) == outcome::applied));
  BOOST_TEST(version(s) == 8u);  // tracks count
  model::create_share share;
  share.share_id = "mslink_1";
  share.collection_id = id;
  share.at = 5;
  BOOST_TEST((s.apply(share, 9) == outcome::applied));
  BOOST_TEST(version(s) == 8u);  // a share is no change to the collection
  BOOST_TEST((s.apply(model::reorder_tracks{id, {"mtrack_a"}, 6}, 10) == outcome::unchanged));
  BOOST_TEST((s.apply(model::remove_track{id, "mtrack_a", 7}, 11) == outcome::applied));
  BOOST_TEST(version(s) == 11u);
  std::uint64_t seen = 0;
  std::string json;
  BOOST_TEST(s.append_json(json, id, "org_x", "usr_a", seen));
  BOOST_TEST(seen == 11u);
  BOOST_TEST(!s.version_of(id, "org_x", "usr_b"));  // another owner sees nothing
}

BOOST_AUTO_TEST_CASE(a_stale_if_match_changes_nothing_and_a_current_one_applies) {
  store::collection_store s{4};
  BOOST_REQUIRE(s.apply(create_at(1), 3) == outcome::applied);
  BOOST_TEST((s.apply(guarded(2, model::update_collection{id, "x", {}, {}, {}, 2}), 4) == outcome::precondition_failed));
  std::string json;
  BOOST_REQUIRE(s.append_json(json, id, "org_x", "usr_a"));
  BOOST_TEST(json.find("\"name\":\"n\"") != std::string::npos);
  BOOST_TEST(version(s) == 3u);
  BOOST_TEST((s.apply(guarded(3, model::add_tracks{id, {"mtrack_a", "mtrack_b"}, 2, 10}), 5) == outcome::applied));
  BOOST_TEST(version(s) == 5u);
  BOOST_TEST((s.apply(guarded(3, model::remove_track{id, "mtrack_a", 3}), 6) == outcome::precondition_failed));
  BOOST_TEST((s.apply(guarded(5, model::delete_collection{id, 3}), 7) == outcome::applied));
  BOOST_TEST((s.apply(guarded(5, model::delete_collection{id, 3}), 8) == outcome::not_found));
}

BOOST_AUTO_TEST_CASE(a_key_is_remembered_only_when_its_write_succeeds) {
  store::collection_store s{4};
  BOOST_REQUIRE(s.apply(guarded(0, create_at(100), "create"), 1) == outcome::applied);
  const auto created = s.remembered().find("usr_a", "create", 999);
  BOOST_REQUIRE(created);
  BOOST_TEST(created->record_type == model::type_byte(create_at(0)));
  BOOST_TEST(created->text == id);
  BOOST_TEST(created->number == 100u);
  BOOST_TEST(!s.remembered().find("usr_a", "create", 1000));  // expired at expires_at
  BOOST_TEST(!s.remembered().find("usr_b", "create", 0));     // another principal's
  BOOST_TEST((s.apply(guarded(0, model::add_tracks{id, {"mtrack_a", "mtrack_b"}, 2, 10}, "add"), 2) == outcome::applied));
  BOOST_TEST(s.remembered().find("usr_a", "add", 0)->number == 2u);  // tracks added
  BOOST_TEST((s.apply(guarded(1, model::add_track{id, "mtrack_c", 2, 10}, "stale"), 3) == outcome::precondition_failed));
  BOOST_TEST(!s.remembered().find("usr_a", "stale", 0));
  BOOST_TEST((s.apply(guarded(0, model::add_track{"mcoll_0000000000bb", "mtrack_c", 2, 10}, "gone"), 4) ==
             outcome::not_found));
  BOOST_TEST(!s.remembered().find("usr_a", "gone", 0));
  BOOST_TEST(s.remembered().size() == 2u);
}

BOOST_AUTO_TEST_CASE(remembered_keys_are_bounded_oldest_forgotten_first) {
  store::collection_store s{4};
  s.remembered().set_limit(3);
  BOOST_REQUIRE(s.apply(create_at(1), 1) == outcome::applied);
  for (int i = 0; i < 5; ++i)
    BOOST_REQUIRE(s.apply(guarded(0, model::add_track{id, "mtrack_" + std::to_string(i), 2, 10}, "k" + std::to_string(i)),
                          static_cast<std::uint64_t>(2 + i)) == outcome::applied);
  BOOST_TEST(s.remembered().size() == 3u);
  BOOST_TEST(s.remembered().forgotten_early() == 2u);
  BOOST_TEST(!s.remembered().find("usr_a", "k0", 0));
  BOOST_TEST(!s.remembered().find("usr_a", "k1", 0));
  BOOST_TEST(s.remembered().find("usr_a", "k4", 0).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
