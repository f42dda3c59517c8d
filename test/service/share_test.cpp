// Share links and time at the service level, with an injected clock: expiry (which the
// real binary cannot reach in a test), the 90-day clamp, only the token's hash kept, and
// updated_at following track changes.
#include <boost/test/unit_test.hpp>

#include <boost/json.hpp>

#include <future>
#include <memory>
#include <mutex>

#include "core/sha256.hpp"
#include "journal/writer.hpp"
#include "service/collections.hpp"
#include "service/await_reply.hpp"

using namespace mixtape;
namespace json = boost::json;

namespace {

constexpr core::unix_seconds day = 86'400;

// A journal file in memory whose bytes the test can read.
class recording_file final : public journal::file {
 public:
  explicit recording_file(std::shared_ptr<std::string> bytes) : bytes_(std::move(bytes)) {}
  std::error_code append(std::string_view data) override {
    bytes_->append(data);
    return {};
  }
  std::error_code sync() override { return {}; }
  std::error_code truncate(std::uint64_t size) override {
    bytes_->resize(size);
    return {};
  }
  std::uint64_t size() const override { return bytes_->size(); }

 private:
  std::shared_ptr<std::string> bytes_;
};

struct clock_fixture {
  core::unix_seconds now = 1'750'000'000;  // 2025-06-15T15:06:40Z
  std::shared_ptr<std::string> journal_bytes = std::make_shared<std::string>();
  store::collection_store store{8};
  journal::writer writer{std::make_unique<recording_file>(journal_bytes), 1, {}};
  service::collections svc{store, writer, service::options{10, "https://music.example.com", [this] { return now; }}};
  service::caller alice{"org_x", "usr_alice"};

  ~clock_fixture() { writer.close(); }

  template <class F>
  service::reply wait(F&& start) {
    return test::await_reply(std::forward<F>(start));
  }
  json::object ok(service::reply r) {
    BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string{} : r.error().message));
    return json::parse(r.value()).as_object();
  }
  std::string create() {
    auto c = ok(wait([&](service::reply_fn d) { svc.create(alice, R"({"name":"Shared","description":"d"})", std::move(d)); }));
    return std::string{c.at("id").as_string()};
  }
  json::object share(const std::string& id, const std::string& body) {
    return ok(wait([&](service::reply_fn d) { svc.share(alice, id, body, std::move(d)); }));
  }
  json::object resolve(const json::object& link) {
    return ok(svc.resolve_share(std::string{link.at("token").as_string()}));
  }
  static core::unix_seconds seconds(const json::value& utc) {
    const auto t = core::parse_utc(utc.as_string());
    BOOST_REQUIRE(t);
    return *t;
  }
  std::string updated_at(const std::string& id) {
    return std::string{ok(svc.get(alice, id)).at("updated_at").as_string()};
  }
};

}  // namespace

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
  BOOST_TEST(journal_bytes->find(token) == std::string::npos);
  const auto digest = core::sha256(token);
  BOOST_TEST(journal_bytes->find(std::string{reinterpret_cast<const char*>(digest.data()), digest.size()}) !=
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
  BOOST_TEST(store.share_count() == 0u);
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
