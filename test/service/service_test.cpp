#define BOOST_TEST_MODULE service
#include <boost/test/unit_test.hpp>

#include <boost/json.hpp>

#include <condition_variable>
#include <future>
#include <mutex>

#include "journal/create.hpp"
#include "journal/reader.hpp"
#include "service/collections.hpp"
#include "service/views.hpp"
#include "service/await_reply.hpp"
#include "service/held_journal_fixture.hpp"
#include "support/fake_journal_file.hpp"
#include "support/temp_dir.hpp"

using namespace mixtape;

namespace {

struct fixture : test::held_journal_fixture {
  // Runs a write use case and waits for its reply.
  template <class F>
  service::reply wait(F&& start) {
    return test::await_reply(std::forward<F>(start));
  }
  std::string create(const std::string& body) {
    auto r = wait([&](service::reply_fn done) { svc.create(alice, body, std::move(done)); });
    BOOST_REQUIRE(r.ok());
    return std::string{boost::json::parse(r.value()).at("id").as_string()};
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(service_suite, fixture)

BOOST_AUTO_TEST_CASE(create_then_get_round_trips) {
  const auto id = create(R"({"name":"Focus","description":"d"})");
  const auto got = svc.get(alice, id);
  BOOST_REQUIRE(got.ok());
  BOOST_TEST(boost::json::parse(got.value()).at("name").as_string() == "Focus");
  BOOST_TEST(!svc.get({"org_x", "usr_bob"}, id).ok());
}

BOOST_AUTO_TEST_CASE(a_write_is_invisible_until_its_sync_completes) {
  file->hold_syncs();
  std::promise<service::reply> p;
  svc.create(alice, R"({"name":"Pending"})", [&p](service::reply r) { p.set_value(std::move(r)); });
  auto f = p.get_future();
  // Kept: no event to wait for, a window in which the reply must NOT arrive.
  BOOST_TEST((f.wait_for(std::chrono::milliseconds(100)) == std::future_status::timeout));
  BOOST_TEST(store.size() == 0u);
  auto listed = svc.list(alice, 50, 0);
  BOOST_TEST(boost::json::parse(listed.value()).at("items").as_array().empty());
  file->release_syncs();
  BOOST_TEST(f.get().ok());
  BOOST_TEST(store.size() == 1u);
}

BOOST_AUTO_TEST_CASE(no_op_writes_reach_no_journal_record) {
  const auto id = create(R"({"name":"Same"})");
  const auto before = writer.stats().records;
  auto r = wait([&](service::reply_fn d) { svc.update(alice, id, R"({"name":"Same"})", std::move(d)); });
  BOOST_TEST(r.ok());
  r = wait([&](service::reply_fn d) { svc.remove_track(alice, id, "mtrack_absent", std::move(d)); });
  BOOST_TEST(r.ok());
  r = wait([&](service::reply_fn d) { svc.reorder(alice, id, R"({"ordered_track_ids":[]})", std::move(d)); });
  BOOST_TEST(r.ok());
  BOOST_TEST(writer.stats().records == before);
}

BOOST_AUTO_TEST_CASE(the_track_limit_gives_collection_full) {
  const auto id = create(R"({"name":"Small"})");
  for (const char* t : {"mtrack_1", "mtrack_2", "mtrack_3"}) {
    auto r = wait([&](service::reply_fn d) { svc.add_track(alice, id, std::string{R"({"track_id":")"} + t + "\"}", std::move(d)); });
    BOOST_TEST(r.ok());
  }
  auto again = wait([&](service::reply_fn d) { svc.add_track(alice, id, R"({"track_id":"mtrack_2"})", std::move(d)); });
  BOOST_TEST(again.ok());  // already present: idempotent, not full
  auto full = wait([&](service::reply_fn d) { svc.add_track(alice, id, R"({"track_id":"mtrack_4"})", std::move(d)); });
  BOOST_REQUIRE(!full.ok());
  BOOST_TEST((full.error().code == core::errc::collection_full));
}

BOOST_AUTO_TEST_CASE(a_failed_sync_poisons_writes_but_not_reads) {
  const auto id = create(R"({"name":"Before"})");
  file->fail_next_sync();
  auto r = wait([&](service::reply_fn d) { svc.update(alice, id, R"({"name":"After"})", std::move(d)); });
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST((r.error().code == core::errc::unavailable));
  BOOST_TEST(!svc.writable());
  BOOST_TEST(boost::json::parse(svc.get(alice, id).value()).at("name").as_string() == "Before");
  auto later = wait([&](service::reply_fn d) { svc.create(alice, R"({"name":"x"})", std::move(d)); });
  BOOST_TEST((later.error().code == core::errc::unavailable));
  BOOST_TEST(store.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(replaying_the_journal_rebuilds_the_same_state) {
  test::temp_dir dir;
  const std::string path = dir.path() + "/j.journal";
  BOOST_REQUIRE(journal::create_journal_file(path).ok());
  store::collection_store live{8};
  const service::caller who{"org_x", "usr_a"};
  std::vector<std::string> ids;
  {
    std::error_code ec;
    journal::writer w{journal::open_posix_file(path, ec), 1, {}};
    service::collections svc{live, w, {}};
    auto run = [](auto&& start) { return test::await_reply(start); };
    for (int i = 0; i < 5; ++i) {
      auto r = run([&](service::reply_fn d) { svc.create(who, R"({"name":"c)" + std::to_string(i) + "\"}", std::move(d)); });
      ids.emplace_back(boost::json::parse(r.value()).at("id").as_string());
    }
    BOOST_TEST(run([&](service::reply_fn d) { svc.update(who, ids[0], R"({"description":"x","cover_image_url":"https://a/b.png"})", std::move(d)); }).ok());
    for (const char* t : {"mtrack_a", "mtrack_b", "mtrack_c"})
      BOOST_TEST(run([&](service::reply_fn d) { svc.add_track(who, ids[1], std::string{R"({"track_id":")"} + t + "\"}", std::move(d)); }).ok());
    BOOST_TEST(run([&](service::reply_fn d) { svc.reorder(who, ids[1], R"({"ordered_track_ids":["mtrack_c"]})", std::move(d)); }).ok());
    BOOST_TEST(run([&](service::reply_fn d) { svc.remove_track(who, ids[1], "mtrack_a", std::move(d)); }).ok());
    BOOST_TEST(run([&](service::reply_fn d) { svc.remove(who, ids[2], std::move(d)); }).ok());
    BOOST_TEST(run([&](service::reply_fn d) { svc.share(who, ids[3], R"({"expires_in_days":7})", std::move(d)); }).ok());
    w.close();
  }
  store::collection_store replayed{8};
  auto report = journal::recover(
      path,
      [&](const journal::record_view& r) -> core::status {
        auto m = model::decode(r.type, r.payload);
        BOOST_REQUIRE(m.ok());
        replayed.apply(m.value(), r.seq);
        return core::success();
      },
      journal::recovery_mode::strict);
  BOOST_REQUIRE(report.ok());
  auto dump = [&](const store::collection_store& s) {
    std::string out;
    service::append_list_body(out, s, "org_x", "usr_a", 100, 0);
    for (const auto& id : ids) {
      s.append_json(out, id, "org_x", "usr_a");
      service::append_tracks_body(out, s, id, "org_x", "usr_a", 500, 0);
    }
    return out + std::to_string(s.shares().size());
  };
  BOOST_TEST(dump(replayed) == dump(live));
  BOOST_TEST(replayed.size() == 4u);
}
