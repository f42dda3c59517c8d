// The router in process, without sockets: the order of checks docs/openapi.yaml states
// (info.description), status codes of the dispatch, request ids, and the public routes.
#include <boost/test/unit_test.hpp>

#include <boost/json.hpp>

#include <future>

#include "api/router.hpp"
#include "core/sha256.hpp"
#include "journal/writer.hpp"
#include "support/fake_journal_file.hpp"

using namespace mixtape;
using namespace mixtape::api;
namespace json = boost::json;

namespace {

auth::keyset test_keys() {
  const auto entry = [](std::string_view id, std::string_view key, std::string_view principal, bool capability) {
    return std::string{R"({"id":")"} + std::string{id} + R"(","sha256":")" + core::sha256_hex(key) +
           R"(","principal":")" + std::string{principal} + R"(","organizations":["org_a"],"capabilities":[)" +
           (capability ? R"("USE_MUSIC_GENERATION")" : "") + "]}";
  };
  auto k = auth::keyset::parse(R"({"keys":[)" + entry("key_a", "key-a", "usr_a", true) + "," +
                               entry("key_n", "key-n", "usr_n", false) + "]}");
  BOOST_REQUIRE(k);
  return std::move(k).value();
}

struct fixture {
  store::collection_store store{8};
  journal::writer writer{test::make_fake(), 1, {}};  // a journal file in memory that never fails
  service::collections svc{store, writer, service::options{}};
  auth::key_store keys{test_keys()};
  api::router router{svc, keys, [] { return gauges{}; }};

  ~fixture() { writer.close(); }

  response send(method verb, std::string_view target, std::string_view body = {}, std::string_view key = "key-a",
                std::string_view content_type = "application/json", std::string_view request_id = {},
                bool too_large = false) {
    request req;
    req.verb = verb;
    req.target = target;
    req.x_api_key = key;
    req.content_type = content_type;
    req.body = body;
    req.request_id = request_id;
    req.body_too_large = too_large;
    std::promise<response> p;
    if (auto now = router.handle(req, match_target(req.target), [&p](response r) { p.set_value(std::move(r)); }))
      return *now;
    return p.get_future().get();
  }
  static std::string code_of(const response& r) {
    return std::string{json::parse(r.body).at("error").at("code").as_string()};
  }
  std::string create() {
    const auto r = send(method::post, "/v1/music/org_a/collections", R"({"name":"n"})");
    BOOST_REQUIRE(r.status == 201u);
    return std::string{json::parse(r.body).at("id").as_string()};
  }
};

constexpr std::string_view collections = "/v1/music/org_a/collections";

}  // namespace

BOOST_FIXTURE_TEST_SUITE(router_in_process, fixture)

BOOST_AUTO_TEST_CASE(checks_run_in_spec_order) {
  const std::string missing = std::string{collections} + "/mcoll_000000000000";
  // Routing before auth.
  BOOST_TEST(code_of(send(method::get, "/v1/music/org_a/nothing", "", "")) == "ROUTE_NOT_FOUND");
  const auto r405 = send(method::put, missing, "{not json", "");
  BOOST_TEST(r405.status == 405u);
  BOOST_TEST(r405.allow == "GET, HEAD, PATCH, DELETE");
  // Auth (401, then 403) before the request checks.
  BOOST_TEST(send(method::patch, missing, "{not json", "", "text/plain", {}, true).status == 401u);
  BOOST_TEST(send(method::patch, missing, "{not json", "wrong").status == 401u);
  BOOST_TEST(send(method::patch, missing, "{not json", "key-n", "text/plain", {}, true).status == 403u);
  BOOST_TEST(send(method::patch, "/v1/music/org_b/collections/x", "{not json", "key-a").status == 403u);
  // 413 before 415 before 422 before 404.
  BOOST_TEST(send(method::patch, missing, "{not json", "key-a", "text/plain", {}, true).status == 413u);
  BOOST_TEST(send(method::patch, missing, "{not json", "key-a", "text/plain").status == 415u);
  BOOST_TEST(send(method::patch, missing, "{not json").status == 422u);
  BOOST_TEST(send(method::patch, missing, R"({"name":"x"})").status == 404u);
}

BOOST_AUTO_TEST_CASE(posts_that_create_are_201_and_other_writes_200) {
  const std::string id = create();
  const std::string base = std::string{collections} + "/" + id;
  BOOST_TEST(send(method::post, base + "/tracks", R"({"track_id":"mtrack_1"})").status == 200u);
  BOOST_TEST(send(method::patch, base + "/order", R"({"ordered_track_ids":[]})").status == 200u);
  BOOST_TEST(send(method::post, base + "/share", "").status == 201u);
  BOOST_TEST(send(method::delete_, base + "/tracks/mtrack_1").status == 200u);
  BOOST_TEST(send(method::get, base + "/tracks").status == 200u);
  BOOST_TEST(send(method::delete_, base).status == 200u);
}

BOOST_AUTO_TEST_CASE(an_empty_body_needs_no_content_type_but_a_body_does) {
  const std::string share = std::string{collections} + "/" + create() + "/share";
  BOOST_TEST(send(method::post, share, "", "key-a", "").status == 201u);
  BOOST_TEST(send(method::post, share, "{}", "key-a", "").status == 415u);
  BOOST_TEST(send(method::post, share, "{}", "key-a", "application/json; charset=utf-8").status == 201u);
  BOOST_TEST(send(method::post, share, "{}", "key-a", "Application/JSON;charset=UTF-8").status == 201u);
  BOOST_TEST(send(method::post, share, "{}", "key-a", "application/json; charset=latin1").status == 415u);
}

BOOST_AUTO_TEST_CASE(paging_errors_come_back_as_422_with_the_field) {
  const auto r = send(method::get, std::string{collections} + "?limit=101");
  BOOST_TEST(r.status == 422u);
  BOOST_TEST(json::parse(r.body).at("error").at("details").at("field").as_string() == "limit");
  const auto t = send(method::get, std::string{collections} + "/" + create() + "/tracks?offset=x");
  BOOST_TEST(t.status == 422u);
  BOOST_TEST(json::parse(t.body).at("error").at("details").at("field").as_string() == "offset");
}

BOOST_AUTO_TEST_CASE(request_ids_are_echoed_or_generated) {
  auto r = send(method::get, "/healthz", "", "", "", "abc-1");
  BOOST_TEST(r.request_id == "abc-1");
  r = send(method::get, std::string{collections} + "/x", "", "key-a", "", "abc-2");
  BOOST_TEST(r.request_id == "abc-2");
  BOOST_TEST(json::parse(r.body).at("error").at("trace_id").as_string() == "abc-2");
  r = send(method::get, "/healthz", "", "", "", "bad id");
  BOOST_TEST(r.request_id.rfind("req_", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(public_routes_need_no_key) {
  BOOST_TEST(send(method::get, "/healthz", "", "").status == 200u);
  BOOST_TEST(send(method::get, "/readyz", "", "").status == 200u);
  const auto m = send(method::get, "/metrics", "", "");
  BOOST_TEST(m.status == 200u);
  BOOST_TEST(m.content_type.starts_with("text/plain"));
  const auto s = send(method::get, "/v1/music/shared/unknown-token", "", "");
  BOOST_TEST(s.status == 404u);
  BOOST_TEST(code_of(s) == "RESOURCE_NOT_FOUND");
  BOOST_TEST(json::parse(s.body).at("error").at("details").as_object().empty());
}

BOOST_AUTO_TEST_CASE(draining_makes_readyz_503) {
  router.set_draining();
  BOOST_TEST(!router.ready());
  const auto r = send(method::get, "/readyz", "", "");
  BOOST_TEST(r.status == 503u);
  BOOST_TEST(code_of(r) == "SERVICE_UNAVAILABLE");
  BOOST_TEST(send(method::get, "/healthz", "", "").status == 200u);
}

BOOST_AUTO_TEST_CASE(metrics_count_requests_by_route_and_status) {
  send(method::get, "/nowhere", "", "");
  send(method::get, std::string{collections} + "/x");
  const auto m = send(method::get, "/metrics", "", "");
  BOOST_TEST(m.body.find(R"(mixtape_http_requests_total{route="unmatched",status="404"} 1)") != std::string::npos);
  BOOST_TEST(m.body.find(R"(route="/v1/music/{org}/collections/{id}",status="404"} 1)") != std::string::npos);
  BOOST_TEST(m.body.find("mixtape_http_request_duration_seconds_count 2") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
