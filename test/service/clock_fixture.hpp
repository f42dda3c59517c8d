#pragma once
// A service on an in-memory journal file whose bytes the test can read, with an injected
// clock (`now`, which a test moves by hand: no test waits for the wall clock).
#include <boost/test/unit_test.hpp>

#include <boost/json.hpp>

#include <memory>
#include <string>

#include "core/clock.hpp"
#include "journal/writer.hpp"
#include "service/await_reply.hpp"
#include "service/collections.hpp"
#include "support/fake_journal_file.hpp"

namespace mixtape::test {

inline constexpr core::unix_seconds day = 86'400;

struct clock_fixture {
  core::unix_seconds now = 1'750'000'000;  // 2025-06-15T15:06:40Z
  std::shared_ptr<fake_disk> disk = std::make_shared<fake_disk>();
  store::collection_store store{8};
  journal::writer writer{make_fake(disk), 1, {}};
  service::collections svc{store, writer, service::options{10, "https://music.example.com", [this] { return now; }}};
  service::caller alice{"org_x", "usr_alice"};

  ~clock_fixture() { writer.close(); }

  std::string journal_bytes() { return disk->bytes(); }
  template <class F>
  service::reply wait(F&& start) {
    return await_reply(std::forward<F>(start));
  }
  boost::json::object ok(service::reply r) {
    BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string{} : r.error().message));
    return boost::json::parse(r.value()).as_object();
  }
  std::string create(const std::string& body = R"({"name":"Shared","description":"d"})") {
    auto c = ok(wait([&](service::reply_fn d) { svc.create(alice, body, std::move(d)); }));
    return std::string{c.at("id").as_string()};
  }
  boost::json::object share(const std::string& id, const std::string& body) {
    return ok(wait([&](service::reply_fn d) { svc.share(alice, id, body, std::move(d)); }));
  }
  boost::json::object resolve(const boost::json::object& link) {
    return ok(svc.resolve_share(std::string{link.at("token").as_string()}));
  }
  static core::unix_seconds seconds(const boost::json::value& utc) {
    const auto t = core::parse_utc(utc.as_string());
    BOOST_REQUIRE(t);
    return *t;
  }
  std::string updated_at(const std::string& id) {
    return std::string{ok(svc.get(alice, id)).at("updated_at").as_string()};
  }
};

}  // namespace mixtape::test
