// Idempotency-Key and If-Match in the service (docs/openapi.yaml), against a journal whose
// syncs the test holds back: a key in flight is a 409, a remembered one replays, a key
// names the principal's request only; If-Match guards each write.
#include <boost/test/unit_test.hpp>

#include <boost/json.hpp>

#include <future>

#include "service/await_reply.hpp"
#include "service/collections.hpp"
#include "service/held_journal_fixture.hpp"

using namespace mixtape;

namespace {

struct keyed_fixture : test::held_journal_fixture {
  service::reply create(const std::string& body, std::string_view key, const service::caller& who) {
    service::conditions when;
    when.idempotency_key = key;
    return test::await_reply([&](service::reply_fn done) { svc.create(who, body, std::move(done), when); });
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(idempotency, keyed_fixture)

BOOST_AUTO_TEST_CASE(a_key_in_flight_is_409_and_once_done_it_replays) {
  file->hold_syncs();
  std::promise<service::reply> p;
  service::conditions when;
  when.idempotency_key = "k1";
  svc.create(alice, R"({"name":"A"})", [&p](service::reply r) { p.set_value(std::move(r)); }, when);
  const auto second = create(R"({"name":"A"})", "k1", alice);  // answered at once: the first is unsynced
  BOOST_REQUIRE(!second.ok());
  BOOST_TEST((second.error().code == core::errc::idempotency_conflict));
  file->release_syncs();
  const auto first = p.get_future().get();
  BOOST_REQUIRE(first.ok());
  BOOST_TEST(!first.replayed);
  const auto third = create(R"({"name":"A"})", "k1", alice);
  BOOST_REQUIRE(third.ok());
  BOOST_TEST(third.replayed);
  BOOST_TEST(third.status == 201u);
  BOOST_TEST(third.value() == first.value());
  BOOST_TEST(store.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_failed_write_is_not_remembered_and_runs_again) {
  const auto bad = create(R"({"name":""})", "k2", alice);
  BOOST_TEST(!bad.ok());
  const auto good = create(R"({"name":"fixed"})", "k2", alice);  // not "another request": nothing was remembered
  BOOST_TEST(good.ok());
  BOOST_TEST(!good.replayed);
}

BOOST_AUTO_TEST_CASE(a_keyed_share_token_is_recomputed_not_stored) {
  const auto made = create(R"({"name":"S"})", "", alice);  // no key: a plain create
  BOOST_REQUIRE(made.ok());
  const std::string id{boost::json::parse(made.value()).at("id").as_string()};
  service::conditions when;
  when.idempotency_key = "share-1";
  const auto share = [&] {
    return test::await_reply([&](service::reply_fn done) { svc.share(alice, id, R"({"expires_in_days":2})", std::move(done), when); });
  };
  const auto first = share();
  BOOST_REQUIRE(first.ok());
  const auto again = share();
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(again.replayed);
  BOOST_TEST(again.value() == first.value());
  BOOST_TEST(store.shares().size() == 1u);
  const std::string token{boost::json::parse(first.value()).at("token").as_string()};
  BOOST_TEST(svc.resolve_share(token).ok());
}
BOOST_AUTO_TEST_SUITE_END()
