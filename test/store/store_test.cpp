#define BOOST_TEST_MODULE store
#include <boost/test/unit_test.hpp>

#include <boost/json.hpp>

#include "store/collection_store.hpp"
#include "store/owner_index.hpp"

using namespace mixtape;
using store::outcome;

namespace {

struct track_copy {
  std::string id;
  std::size_t position;
  core::unix_seconds added_at;
};

std::vector<track_copy> tracks_of(const store::collection_store& s, const std::string& id, std::size_t offset = 0,
                                  std::size_t limit = SIZE_MAX) {
  std::vector<track_copy> out;
  BOOST_TEST(s.visit_tracks(id, "org_x", "usr_a", offset, limit, [&](const store::track_view& t) {
    out.push_back({std::string{t.track_id}, t.position, t.added_at});
  }));
  return out;
}

std::vector<std::string> ids_of(const std::vector<track_copy>& v) {
  std::vector<std::string> out;
  for (const auto& t : v) out.push_back(t.id);
  return out;
}

model::create_collection create(std::string id, std::string owner = "usr_a", std::string org = "org_x") {
  model::create_collection c;
  c.id = std::move(id);
  c.org = std::move(org);
  c.owner = std::move(owner);
  c.name = "n";
  c.at = 1000;
  return c;
}

boost::json::value get(const store::collection_store& s, const std::string& id, std::string_view owner = "usr_a") {
  std::string out;
  if (!s.append_json(out, id, "org_x", owner)) return nullptr;
  return boost::json::parse(out);
}

}  // namespace

BOOST_AUTO_TEST_CASE(owner_index_pages_newest_first_by_rank) {
  store::owner_index idx;
  const auto* a = idx.intern("org_x", "usr_a");
  for (std::uint64_t seq = 1; seq <= 10; ++seq) idx.insert(*a, seq, 100 + seq);
  const auto* b = idx.intern("org_x", "usr_b");
  const auto* other_org = idx.intern("org_y", "usr_a");
  idx.insert(*b, 11, 200);
  idx.insert(*other_org, 12, 300);
  BOOST_TEST((a == idx.intern("org_x", "usr_a")));  // interned: one per pair
  BOOST_TEST((a != b && a != other_org && b != other_org));
  idx.insert(*a, 13, 113);
  BOOST_TEST(a->org == "org_x");
  BOOST_TEST(a->principal == "usr_a");
  idx.erase(*a, 13, 113);
  std::vector<std::uint64_t> page;
  const auto n = idx.for_page("org_x", "usr_a", 3, 4, [&](std::uint64_t id) { page.push_back(id); });
  BOOST_TEST(n == 4u);
  const std::vector<std::uint64_t> expected{107, 106, 105, 104};
  BOOST_TEST(page == expected, boost::test_tools::per_element());
  BOOST_TEST(idx.for_page("org_x", "usr_a", 10, 5, [](std::uint64_t) {}) == 0u);
  BOOST_TEST(idx.for_page("org_x", "usr_c", 0, 5, [](std::uint64_t) {}) == 0u);
  idx.erase(*a, 7, 107);
  BOOST_TEST(idx.count("org_x", "usr_a") == 9u);
  BOOST_TEST(idx.count("org_y", "usr_a") == 1u);
  page.clear();
  idx.for_page("org_x", "usr_a", 3, 1, [&](std::uint64_t id) { page.push_back(id); });
  BOOST_TEST(page.front() == 106u);
}

BOOST_AUTO_TEST_CASE(collections_are_visible_only_to_their_owner_in_their_org) {
  store::collection_store s{4};
  BOOST_TEST((s.apply(create("mcoll_000000000001"), 1) == outcome::applied));
  BOOST_TEST(!get(s, "mcoll_000000000001").is_null());
  BOOST_TEST(get(s, "mcoll_000000000001", "usr_b").is_null());
  std::string out;
  BOOST_TEST(!s.append_json(out, "mcoll_000000000001", "org_y", "usr_a"));
  BOOST_TEST(out.empty());
}

BOOST_AUTO_TEST_CASE(update_changes_present_fields_and_bumps_updated_at_only_on_change) {
  store::collection_store s{4};
  s.apply(create("mcoll_000000000001"), 1);
  model::update_collection u;
  u.id = "mcoll_000000000001";
  u.description = std::optional<std::string>{"hello"};
  u.at = 2000;
  BOOST_TEST((s.apply(u, 2) == outcome::applied));
  auto j = get(s, u.id);
  BOOST_TEST(j.at("description").as_string() == "hello");
  BOOST_TEST(j.at("name").as_string() == "n");
  BOOST_TEST(j.at("updated_at").as_string() == core::format_utc(2000));
  u.at = 3000;
  BOOST_TEST((s.apply(u, 3) == outcome::unchanged));
  BOOST_TEST(get(s, u.id).at("updated_at").as_string() == core::format_utc(2000));
  u.description = std::optional<std::string>{};  // explicit null clears
  BOOST_TEST((s.apply(u, 4) == outcome::applied));
  BOOST_TEST(get(s, u.id).at("description").is_null());
}

BOOST_AUTO_TEST_CASE(tracks_are_idempotent_and_limited) {
  store::collection_store s{4};
  s.apply(create("mcoll_000000000001"), 1);
  const std::string id = "mcoll_000000000001";
  BOOST_TEST((s.apply(model::add_track{id, "mtrack_a", 10, 2}, 2) == outcome::applied));
  BOOST_TEST((s.apply(model::add_track{id, "mtrack_a", 11, 2}, 3) == outcome::unchanged));
  BOOST_TEST((s.apply(model::add_track{id, "mtrack_b", 12, 2}, 4) == outcome::applied));
  BOOST_TEST((s.apply(model::add_track{id, "mtrack_c", 13, 2}, 5) == outcome::full));
  BOOST_TEST(get(s, id).at("track_count").as_int64() == 2);
  BOOST_TEST((s.apply(model::remove_track{id, "mtrack_zz", 14}, 6) == outcome::unchanged));
  BOOST_TEST((s.apply(model::remove_track{id, "mtrack_a", 15}, 7) == outcome::applied));
  const auto tracks = tracks_of(s, id);
  BOOST_TEST(ids_of(tracks) == std::vector<std::string>{"mtrack_b"});
  BOOST_TEST(tracks.at(0).added_at == 12);
  BOOST_TEST(get(s, id).at("updated_at").as_string() == core::format_utc(15));
}

BOOST_AUTO_TEST_CASE(mutations_of_a_missing_collection_report_not_found) {
  store::collection_store s{4};
  const std::string id = "mcoll_000000000009";
  BOOST_TEST((s.apply(model::add_track{id, "mtrack_a", 1, 10}, 1) == outcome::not_found));
  BOOST_TEST((s.apply(model::delete_collection{id, 1}, 2) == outcome::not_found));
  model::update_collection u;
  u.id = id;
  u.name = "x";
  BOOST_TEST((s.apply(u, 3) == outcome::not_found));
  BOOST_TEST(s.size() == 0u);
}

BOOST_AUTO_TEST_CASE(a_page_is_newest_first_and_delete_removes) {
  store::collection_store s{4};
  for (int i = 1; i <= 5; ++i) s.apply(create("mcoll_00000000000" + std::to_string(i)), static_cast<std::uint64_t>(i));
  s.apply(create("mcoll_0000000000ff", "usr_b"), 6);
  s.apply(model::delete_collection{"mcoll_000000000004", 2000}, 7);
  const auto page = [&](std::size_t limit, std::size_t offset) {
    std::vector<std::string> ids;
    s.visit_page("org_x", "usr_a", limit, offset, [&](const model::cached_json& j) {
      std::string out;
      model::append_json(out, j, std::nullopt);
      const auto v = boost::json::parse(out);
      BOOST_TEST(v.at("track_count").is_null());
      ids.emplace_back(v.at("id").as_string());
    });
    return ids;
  };
  BOOST_TEST(page(3, 0) == (std::vector<std::string>{"mcoll_000000000005", "mcoll_000000000003", "mcoll_000000000002"}));
  BOOST_TEST(page(50, 10).empty());
}

BOOST_AUTO_TEST_CASE(share_links_resolve_and_follow_deletion) {
  store::collection_store s{4};
  s.apply(create("mcoll_000000000001"), 1);
  s.apply(model::add_track{"mcoll_000000000001", "mtrack_a", 5, 10}, 2);
  model::create_share share;
  share.share_id = "mslink_000000000001";
  share.collection_id = "mcoll_000000000001";
  share.token_sha256[0] = 7;
  share.at = 50;
  BOOST_TEST((s.apply(share, 3) == outcome::applied));
  std::vector<std::string> shared_tracks;
  const auto collect = [&](const store::track_view& t) { shared_tracks.emplace_back(t.track_id); };
  auto v = s.find_share(share.token_sha256, collect);
  BOOST_REQUIRE(v.has_value());
  BOOST_TEST(v->collection_exists);
  BOOST_TEST(shared_tracks == std::vector<std::string>{"mtrack_a"});
  std::array<unsigned char, 32> other{};
  BOOST_TEST(!s.find_share(other, collect).has_value());
  s.apply(model::delete_collection{"mcoll_000000000001", 60}, 4);
  shared_tracks.clear();
  v = s.find_share(share.token_sha256, collect);
  BOOST_TEST(shared_tracks.empty());
  BOOST_REQUIRE(v.has_value());
  BOOST_TEST(!v->collection_exists);
  share.collection_id = "mcoll_000000000001";
  share.token_sha256[0] = 8;
  BOOST_TEST((s.apply(share, 5) == outcome::not_found));  // no link to a deleted collection
}

BOOST_AUTO_TEST_CASE(ids_named_by_share_links_stay_in_use_after_delete) {
  store::collection_store s{4};
  const std::string id = "mcoll_000000000001";
  BOOST_TEST(!s.id_in_use(id));
  s.apply(create(id), 1);
  BOOST_TEST(s.id_in_use(id));
  model::create_share share;
  share.share_id = "mslink_000000000001";
  share.collection_id = id;
  share.token_sha256[0] = 9;
  s.apply(share, 2);
  s.apply(model::delete_collection{id, 60}, 3);
  BOOST_TEST(!s.contains(id));
  BOOST_TEST(s.id_in_use(id));  // a new collection must not inherit the old link
  BOOST_TEST(!s.id_in_use("mcoll_000000000002"));
}
