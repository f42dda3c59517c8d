// updated_at with an injected clock (moved here from the integration tests, which slept
// past a second of the wall clock): a write that changes something sets it to the clock's
// time, a write that changes nothing leaves it, and writes no journal record either.
#include <boost/test/unit_test.hpp>

#include <boost/json.hpp>

#include <map>
#include <vector>

#include "service/clock_fixture.hpp"

using namespace mixtape;
using test::clock_fixture;

BOOST_FIXTURE_TEST_SUITE(updated_at, clock_fixture)

BOOST_AUTO_TEST_CASE(a_patch_that_changes_nothing_keeps_updated_at_and_writes_nothing) {
  const auto created = ok(wait([&](service::reply_fn d) { svc.create(alice, R"({"name":"Same"})", std::move(d)); }));
  const std::string id{created.at("id").as_string()};
  const auto records = writer.stats().records;
  now += 10;
  const auto r = ok(wait([&](service::reply_fn d) {
    svc.update(alice, id, R"({"name":"Same","description":null})", std::move(d));
  }));
  BOOST_TEST(r.at("updated_at") == created.at("updated_at"));
  BOOST_TEST(writer.stats().records == records);
  const auto changed = ok(wait([&](service::reply_fn d) { svc.update(alice, id, R"({"name":"Other"})", std::move(d)); }));
  BOOST_TEST(changed.at("updated_at") != created.at("updated_at"));
  BOOST_TEST(changed.at("updated_at").as_string() == core::format_utc(now));
  BOOST_TEST(writer.stats().records == records + 1);
}

// Each changing call must move updated_at (to the clock's time) and each no-op must leave
// it where it was: the add, remove and reorder that change something, against their no-op
// forms, a share link and a PATCH that repeats the name.
BOOST_AUTO_TEST_CASE(updated_at_moves_only_when_something_changes) {
  const std::string added = create(R"({"name":"add"})"), removed = create(R"({"name":"remove"})"),
                    ordered = create(R"({"name":"order"})"), unchanged = create(R"({"name":"noop"})");
  const auto write = [&](auto&& call) { return wait([&](service::reply_fn d) { call(std::move(d)); }); };
  const auto add_track = [&](const std::string& id, const std::string& track) {
    return write([&](service::reply_fn d) { svc.add_track(alice, id, R"({"track_id":")" + track + "\"}", std::move(d)); });
  };
  const auto reorder = [&](const std::string& id, const std::string& ids) {
    return write([&](service::reply_fn d) { svc.reorder(alice, id, R"({"ordered_track_ids":)" + ids + "}", std::move(d)); });
  };
  for (const auto& id : {removed, ordered, unchanged})
    for (const char* t : {"mtrack_t1", "mtrack_t2"}) BOOST_TEST(add_track(id, t).ok());
  std::map<std::string, std::string> before;
  for (const auto& id : {added, removed, ordered, unchanged}) before[id] = updated_at(id);
  const auto records = writer.stats().records;
  now += 10;
  ok(add_track(added, "mtrack_t9"));
  ok(write([&](service::reply_fn d) { svc.remove_track(alice, removed, "mtrack_t1", std::move(d)); }));
  ok(reorder(ordered, R"(["mtrack_t2"])"));
  BOOST_TEST(writer.stats().records == records + 3);
  ok(add_track(unchanged, "mtrack_t1"));
  ok(write([&](service::reply_fn d) { svc.remove_track(alice, unchanged, "mtrack_t7", std::move(d)); }));
  ok(reorder(unchanged, R"(["mtrack_t1","mtrack_t8"])"));
  ok(reorder(unchanged, "[]"));
  share(unchanged, "{}");
  ok(write([&](service::reply_fn d) { svc.update(alice, unchanged, R"({"name":"noop"})", std::move(d)); }));
  for (const auto& id : {added, removed, ordered}) {
    BOOST_TEST(updated_at(id) > before[id], id);
    BOOST_TEST(updated_at(id) == core::format_utc(now), id);
  }
  BOOST_TEST(updated_at(unchanged) == before[unchanged]);
  const auto list = ok(svc.list(alice, 50, 0));
  BOOST_TEST(list.at("items").at(0).at("updated_at").as_string() == before[unchanged]);
}

BOOST_AUTO_TEST_SUITE_END()
