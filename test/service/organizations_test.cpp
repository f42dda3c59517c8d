// The organization use cases (service/organizations.hpp) over an in-memory journal: an
// import's back-pressure (no next piece while its records wait for their sync), its all-or-
// nothing rollback, the refusals, and freezing as the collection use cases see it.
#include <boost/test/unit_test.hpp>

#include <future>

#include "model/org_export.hpp"
#include "service/held_journal_fixture.hpp"
#include "service/organizations.hpp"
#include "support/wait.hpp"

using namespace mixtape;
using namespace mixtape::test;
using failure = service::org_import::failure;

namespace {

struct fixture : held_journal_fixture {
  service::organizations orgs{store, writer, [] { return core::unix_seconds{1000}; },
                              service::import_limits{10, 1u << 20, 256}};
};

// An export of `n` collections of org_x (one track each) and one share of the first.
std::string export_of(int n) {
  std::string out;
  model::append_export_line(out, model::export_header{"org_x", 9});
  for (int i = 0; i < n; ++i) {
    model::collection c;
    c.id = model::collection_id(0x100 + static_cast<std::uint64_t>(i));
    c.owner = "usr_alice";
    c.name = "c" + std::to_string(i);
    c.created_at = c.updated_at = 500;
    c.tracks = {{"mtrack_" + std::to_string(i), 500}};
    model::append_export_line(out, c);
  }
  model::share_state s;
  s.link.share_id = "mslink_0123456789ab";
  s.link.collection_id = model::collection_id(0x100);
  s.link.token_sha256[0] = 7;
  s.link.at = 600;
  s.owner = "usr_alice";
  model::append_export_line(out, s);
  model::append_export_line(out, model::export_end{static_cast<std::uint64_t>(n), 1});
  return out;
}

// write() as a future of what its `next` got.
std::future<std::optional<failure>> write(service::org_import& i, std::string_view piece) {
  auto p = std::make_shared<std::promise<std::optional<failure>>>();
  auto f = p->get_future();
  i.write(piece, [p](std::optional<failure> r) { p->set_value(std::move(r)); });
  return f;
}

std::pair<core::result<std::string>, std::uint64_t> finish(service::org_import& i) {
  std::promise<std::pair<core::result<std::string>, std::uint64_t>> p;
  auto f = p.get_future();
  i.finish([&p](core::result<std::string> r, std::uint64_t line) { p.set_value({std::move(r), line}); });
  return f.get();
}

bool ready(std::future<std::optional<failure>>& f) { return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready; }

}  // namespace

BOOST_FIXTURE_TEST_SUITE(organizations, fixture)

BOOST_AUTO_TEST_CASE(no_next_piece_while_more_than_the_window_waits_for_its_sync) {
  auto i = orgs.start_import("org_x");
  BOOST_REQUIRE(i.ok());
  const std::string body = export_of(20);  // ~20 records of ~80 bytes: past the 256-byte window
  BOOST_TEST(!write(*i.value(), "").get().has_value());  // once the import's start has applied
  file->hold_syncs();
  auto step = write(*i.value(), body);
  BOOST_TEST(!ready(step));  // held: nothing applied, the window is full
  file->release_syncs();
  BOOST_TEST(!step.get().has_value());
  const auto [done, line] = finish(*i.value());
  BOOST_REQUIRE_MESSAGE(done.ok(), (done.ok() ? "" : done.error().message));
  BOOST_TEST(done.value().find(R"("collections":20,"share_links":1)") != std::string::npos, done.value());
  BOOST_TEST(store.collections_of_org("org_x") == 20u);
  BOOST_TEST((store.orgs().state_of("org_x") == model::org_state::active));
  BOOST_TEST(store.shares().find_live(std::array<unsigned char, 32>{7}).has_value());
}

BOOST_AUTO_TEST_CASE(a_bad_line_rolls_back_what_came_before_it) {
  auto i = orgs.start_import("org_x");
  BOOST_REQUIRE(i.ok());
  std::string body = export_of(5);
  body.insert(body.rfind("{\"type\":\"share\""), "{\"type\":\"collection\"}\n");  // line 7
  const auto f = write(*i.value(), body).get();
  BOOST_REQUIRE(f.has_value());
  BOOST_TEST(f->line == 7u);
  BOOST_TEST(f->problem.field == "id");  // the first member missing
  BOOST_TEST(store.collections_of_org("org_x") == 0u);
  BOOST_TEST(!store.orgs().any());
  BOOST_TEST(!store.shares().id_in_use("mslink_0123456789ab"));
}

BOOST_AUTO_TEST_CASE(an_id_in_use_elsewhere_fails_the_import_at_its_line) {
  store.apply(model::create_collection{model::collection_id(0x102), "org_y", "usr_bob", "taken", {}, {}, {}, 1}, 1);
  auto i = orgs.start_import("org_x");
  BOOST_REQUIRE(i.ok());
  // The failure shows when the record applies: at the write's `next` or at the finish.
  auto f = write(*i.value(), export_of(5)).get();
  if (!f) {
    auto [done, line] = finish(*i.value());
    BOOST_REQUIRE(!done.ok());
    f = failure{done.error(), line};
  }
  BOOST_TEST(f->problem.field == "id");
  BOOST_TEST(f->line == 4u);  // header, 0x100, 0x101, then 0x102
  BOOST_TEST(store.collections_of_org("org_x") == 0u);
  BOOST_TEST(store.collections_of_org("org_y") == 1u);
}

BOOST_AUTO_TEST_CASE(a_body_cut_short_or_abandoned_leaves_nothing) {
  auto i = orgs.start_import("org_x");
  BOOST_REQUIRE(i.ok());
  const std::string body = export_of(5);
  BOOST_TEST(!write(*i.value(), body.substr(0, body.size() / 2)).get().has_value());
  const auto [done, line] = finish(*i.value());
  BOOST_TEST(!done.ok());
  BOOST_TEST(store.collections_of_org("org_x") == 0u);

  auto j = orgs.start_import("org_x");
  BOOST_REQUIRE(j.ok());
  BOOST_TEST(!write(*j.value(), body.substr(0, body.size() / 2)).get().has_value());
  j.value()->abandon();  // its rollback is journaled: the org leaves the importing state
  BOOST_REQUIRE(wait_until([&] { return !store.orgs().any(); }, std::chrono::seconds(10)));
  auto k = orgs.start_import("org_x");
  BOOST_REQUIRE(k.ok());
  BOOST_TEST(!write(*k.value(), body).get().has_value());
  BOOST_TEST(finish(*k.value()).first.ok());
  BOOST_TEST(store.collections_of_org("org_x") == 5u);
}

BOOST_AUTO_TEST_CASE(an_import_needs_an_empty_org_that_is_not_importing) {
  auto busy = orgs.start_import("org_x");
  BOOST_REQUIRE(busy.ok());
  BOOST_TEST(!write(*busy.value(), "").get().has_value());  // its start has applied
  const auto second = orgs.start_import("org_x");
  BOOST_REQUIRE(!second.ok());
  BOOST_TEST((second.error().code == core::errc::conflict));
  busy.value()->abandon();
  BOOST_REQUIRE(wait_until([&] { return !store.orgs().any(); }, std::chrono::seconds(10)));

  const auto made = await_reply([&](service::reply_fn done) { svc.create(alice, R"({"name":"there"})", done); });
  BOOST_REQUIRE(made.ok());
  const auto full = orgs.start_import("org_x");
  BOOST_REQUIRE(!full.ok());
  BOOST_TEST((full.error().code == core::errc::conflict));
}

BOOST_AUTO_TEST_CASE(a_frozen_org_refuses_writes_with_503_until_unfrozen) {
  const auto frozen = await_reply([&](service::reply_fn done) { orgs.set_frozen("org_x", true, done); });
  BOOST_REQUIRE(frozen.ok());
  const auto refused = await_reply([&](service::reply_fn done) { svc.create(alice, R"({"name":"x"})", done); });
  BOOST_REQUIRE(!refused.ok());
  BOOST_TEST((refused.error().code == core::errc::unavailable));
  BOOST_TEST(refused.error().message.find("frozen") != std::string::npos);
  BOOST_REQUIRE(await_reply([&](service::reply_fn done) { orgs.set_frozen("org_x", false, done); }).ok());
  BOOST_TEST(await_reply([&](service::reply_fn done) { svc.create(alice, R"({"name":"x"})", done); }).ok());
}

BOOST_AUTO_TEST_SUITE_END()
