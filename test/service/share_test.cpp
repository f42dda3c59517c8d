// Share links and time at the service level, with an injected clock: expiry (which the
// real binary cannot reach in a test), the 90-day clamp, only the token's hash kept, and
// updated_at following track changes.
#include <boost/test/unit_test.hpp>

#include <boost/json.hpp>

#include "service/clock_fixture.hpp"
#include "core/sha256.hpp"

using namespace mixtape;
namespace json = boost::json;

using test::clock_fixture;
using test::day;

BOOST_FIXTURE_TEST_SUITE(share_links, clock_fixture)

BOOST_AUTO_TEST_CASE(expiry_is_counted_in_days_and_clamped_to_90) {
  const auto id = create();
  const std::pair<std::string, core::unix_seconds> cases[] = {
      {R"({"expires_in_days":1})", 1},  {R"({"expires_in_days":7})", 7},
      {R"({"expires_in_days":90})", 90}, {R"({"expires_in_days":91})", 90},
      {R"({"expires_in_days":365})", 90}, {R"({"expires_in_days":9223372036854775807})", 90},
      {R"({"expires_in_days":18446744073709551615})", 90},
  };
  for (const auto& [body, days] : cases) {
    BOOST_TEST_CONTEXT(body) {
      const auto link = share(id, body);
      BOOST_TEST(seconds(link.at("created_at")) == now);
      BOOST_TEST(seconds(link.at("expires_at")) - seconds(link.at("created_at")) == days * day);
    }
  }
  BOOST_TEST(share(id, R"({"expires_in_days":null})").at("expires_at").is_null());
  BOOST_TEST(share(id, "").at("expires_at").is_null());
}

BOOST_AUTO_TEST_CASE(a_link_is_available_until_it_expires) {
  const auto id = create();
  ok(wait([&](service::reply_fn d) { svc.add_track(alice, id, R"({"track_id":"mtrack_a"})", std::move(d)); }));
  const auto link = share(id, R"({"expires_in_days":1,"visibility":"public"})");
  now += day - 1;
  auto r = resolve(link);
  BOOST_TEST(r.at("available").as_bool());
  BOOST_TEST(r.at("message").is_null());
  BOOST_TEST(r.at("tracks").as_array().size() == 1u);
  now += 1;
  r = resolve(link);
  BOOST_TEST(!r.at("available").as_bool());
  BOOST_TEST(r.at("message").as_string() == "This share link has expired.");
  BOOST_TEST(r.at("collection").is_null());
  BOOST_TEST(r.at("tracks").as_array().empty());
  BOOST_TEST(r.at("share").at("id") == link.at("id"));
  BOOST_TEST(r.at("share").at("visibility").as_string() == "public");
  BOOST_TEST(r.at("share").at("expires_at") == link.at("expires_at"));
}

BOOST_AUTO_TEST_CASE(a_link_without_expiry_never_expires) {
  const auto link = share(create(), "{}");
  now += 100 * 365 * day;
  BOOST_TEST(resolve(link).at("available").as_bool());
}

BOOST_AUTO_TEST_CASE(an_expired_link_to_a_deleted_collection_says_it_expired) {
  const auto id = create();
  const auto link = share(id, R"({"expires_in_days":2})");
  ok(wait([&](service::reply_fn d) { svc.remove(alice, id, std::move(d)); }));
  BOOST_TEST(resolve(link).at("message").as_string() == "The shared collection is no longer available.");
  now += 2 * day;
  BOOST_TEST(resolve(link).at("message").as_string() == "This share link has expired.");
}

BOOST_AUTO_TEST_CASE(only_the_hash_of_a_token_reaches_the_journal) {
  const auto link = share(create(), "{}");
  const std::string token{link.at("token").as_string()};
  BOOST_TEST(token.size() >= 22u);
  BOOST_TEST(journal_bytes().find(token) == std::string::npos);
  const auto digest = core::sha256(token);
  BOOST_TEST(journal_bytes().find(std::string{reinterpret_cast<const char*>(digest.data()), digest.size()}) !=
             std::string::npos);
  BOOST_TEST(link.at("url").as_string() == "https://music.example.com/v1/music/shared/" + token);
  BOOST_TEST(!svc.resolve_share(token.substr(1)).ok());
  BOOST_TEST(!svc.resolve_share("").ok());
}

BOOST_AUTO_TEST_CASE(sharing_needs_ownership_and_writes_nothing_otherwise) {
  const auto id = create();
  const auto records = writer.stats().records;
  auto r = wait([&](service::reply_fn d) { svc.share({"org_x", "usr_bob"}, id, "{}", std::move(d)); });
  BOOST_TEST((!r.ok() && r.error().code == core::errc::not_found));
  r = wait([&](service::reply_fn d) { svc.share({"org_y", "usr_alice"}, id, "{}", std::move(d)); });
  BOOST_TEST((!r.ok() && r.error().code == core::errc::not_found));
  r = wait([&](service::reply_fn d) { svc.share(alice, id, R"({"expires_in_days":0})", std::move(d)); });
  BOOST_TEST((!r.ok() && r.error().field == "expires_in_days"));
  BOOST_TEST(writer.stats().records == records);
  BOOST_TEST(store.shares().size() == 0u);
}

BOOST_AUTO_TEST_CASE(updated_at_follows_track_changes_only) {
  const auto id = create();
  const auto write = [&](auto&& call) { return wait([&](service::reply_fn d) { call(std::move(d)); }); };
  const auto at = [](core::unix_seconds t) { return core::format_utc(t); };
  const auto t0 = now;
  now += 10;
  ok(write([&](auto d) { svc.add_track(alice, id, R"({"track_id":"mtrack_a"})", std::move(d)); }));
  ok(write([&](auto d) { svc.add_track(alice, id, R"({"track_id":"mtrack_b"})", std::move(d)); }));
  BOOST_TEST(updated_at(id) == at(t0 + 10));
  now += 10;  // nothing changes: updated_at stays
  ok(write([&](auto d) { svc.add_track(alice, id, R"({"track_id":"mtrack_a"})", std::move(d)); }));
  ok(write([&](auto d) { svc.remove_track(alice, id, "mtrack_zzz", std::move(d)); }));
  ok(write([&](auto d) { svc.reorder(alice, id, R"({"ordered_track_ids":["mtrack_a","mtrack_q"]})", std::move(d)); }));
  share(id, "{}");  // a share link is not a change of the collection
  BOOST_TEST(updated_at(id) == at(t0 + 10));
  now += 10;
  ok(write([&](auto d) { svc.reorder(alice, id, R"({"ordered_track_ids":["mtrack_b"]})", std::move(d)); }));
  BOOST_TEST(updated_at(id) == at(t0 + 30));
  now += 10;
  ok(write([&](auto d) { svc.remove_track(alice, id, "mtrack_a", std::move(d)); }));
  BOOST_TEST(updated_at(id) == at(t0 + 40));
  const auto tracks = ok(svc.list_tracks(alice, id, 200, 0)).at("items").as_array();
  BOOST_REQUIRE(tracks.size() == 1u);
  BOOST_TEST(tracks[0].at("track_id").as_string() == "mtrack_b");
  BOOST_TEST(tracks[0].at("added_at").as_string() == at(t0 + 10));
}

BOOST_AUTO_TEST_SUITE_END()
