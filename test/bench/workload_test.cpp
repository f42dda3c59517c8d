#include <boost/test/unit_test.hpp>

#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include "loops.hpp"
#include "report.hpp"
#include "workload.hpp"

using namespace mixtape::bench;
namespace http = boost::beast::http;

namespace {

using parsed_request = http::request<http::string_body>;

// Parses the bytes a workload produced as one complete HTTP/1.1 request.
parsed_request parse_request(const std::string& bytes) {
  http::request_parser<http::string_body> parser;
  parser.eager(true);
  boost::system::error_code ec;
  const auto used = parser.put(boost::asio::buffer(bytes), ec);
  BOOST_TEST_REQUIRE(!ec, ec.message() << " in " << bytes);
  BOOST_TEST_REQUIRE(parser.is_done(), bytes);
  BOOST_TEST(used == bytes.size());
  return parser.release();
}

options keyed(std::vector<std::string> args) {
  args.insert(args.begin(), {"--key", "the-key", "--org", "org_abc123"});
  auto r = parse_args(args, [](const std::string&) { return std::optional<std::string>{}; });
  BOOST_TEST_REQUIRE(r.ok(), (r ? "" : r.error().message));
  return r.value();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(workload_suite)

BOOST_AUTO_TEST_CASE(mixed_picks_follow_the_weights) {
  const options o = keyed({"--mix", "get=70,create=20,update=10,list=0"});
  operation_picker picker{o};
  rng r{42};
  std::size_t counts[operation_count] = {};
  const std::size_t n = 100'000;
  for (std::size_t i = 0; i < n; ++i) ++counts[static_cast<std::size_t>(picker.next(r))];
  BOOST_TEST(counts[0] / double(n) == 0.70, boost::test_tools::tolerance(0.03));
  BOOST_TEST(counts[1] / double(n) == 0.20, boost::test_tools::tolerance(0.05));
  BOOST_TEST(counts[2] / double(n) == 0.10, boost::test_tools::tolerance(0.08));
  BOOST_TEST(counts[3] == 0u);
}

BOOST_AUTO_TEST_CASE(single_scenarios_always_pick_their_operation) {
  rng r{1};
  for (const char* s : {"get", "create", "update", "list"}) {
    const options o = keyed({"--scenario", s});
    operation_picker picker{o};
    for (int i = 0; i < 100; ++i) BOOST_TEST(name_of(picker.next(r)) == s);
  }
}

BOOST_AUTO_TEST_CASE(bodies_are_json_with_the_documented_sizes) {
  for (const std::string& body : {create_body("c0001", 7), update_body("c0001", 123456789)}) {
    const auto v = boost::json::parse(body).as_object();
    BOOST_TEST(v.size() == 2u);
    BOOST_TEST(v.at("name").as_string().size() == 20u);
    const auto d = v.at("description").as_string().size();
    BOOST_TEST((d >= 35 && d <= 45), d);
  }
}

BOOST_AUTO_TEST_CASE(requests_are_complete_http_with_target_key_and_body) {
  const options o = keyed({"--url", "http://127.0.0.1:9999"});
  const std::vector<std::string> ids{"mcoll_000000000001", "mcoll_000000000002"};
  workload w{o, &ids, 3};
  const auto get = parse_request(w.build(operation::get));
  BOOST_TEST(get.method() == http::verb::get);
  const std::string target{get.target()};
  BOOST_TEST((target == "/v1/music/org_abc123/collections/mcoll_000000000001" ||
              target == "/v1/music/org_abc123/collections/mcoll_000000000002"));
  BOOST_TEST(get["X-API-Key"] == "the-key");
  BOOST_TEST(get[http::field::host] == "127.0.0.1:9999");
  BOOST_TEST(get.keep_alive());
  BOOST_TEST(get.body().empty());
  BOOST_TEST(parse_request(w.build(operation::list)).target() == "/v1/music/org_abc123/collections?limit=50");
  const auto create = parse_request(w.build(operation::create));
  BOOST_TEST(create.method() == http::verb::post);
  BOOST_TEST(create.target() == "/v1/music/org_abc123/collections");
  BOOST_TEST(create[http::field::content_type] == "application/json");
  BOOST_TEST(boost::json::parse(create.body()).at("name").as_string().size() == 20u);
  const auto update = parse_request(w.build(operation::update));
  BOOST_TEST(update.method() == http::verb::patch);
  BOOST_TEST(std::string{update.target()}.rfind("/v1/music/org_abc123/collections/mcoll_", 0) == 0u);
  BOOST_TEST(boost::json::parse(update.body()).at("description").as_string().size() > 30u);
}

BOOST_AUTO_TEST_CASE(created_ids_are_read_from_the_response) {
  BOOST_TEST(id_of(R"({"id":"mcoll_0123456789ab","name":"x"})") == "mcoll_0123456789ab");
  BOOST_TEST(id_of(R"({"success":false})") == "");
  BOOST_TEST(id_of("not json") == "");
  BOOST_TEST(id_of(R"({"id":5})") == "");
}

BOOST_AUTO_TEST_CASE(stats_count_statuses_transport_errors_and_latency) {
  run_stats a, b;
  const auto t0 = bench_clock::now();
  a.account({{}, 200}, t0, t0 + std::chrono::microseconds(100));
  a.account({{}, 404}, t0, t0 + std::chrono::microseconds(300));
  b.account({boost::asio::error::connection_refused, 0}, t0, t0 + std::chrono::microseconds(5));
  b.account({{}, 201}, t0, t0 + std::chrono::microseconds(900));
  b.account({{}, 404}, t0, t0 + std::chrono::microseconds(200));
  a.merge(b);
  BOOST_TEST(a.requests == 4u);
  BOOST_TEST(a.transport_errors == 1u);
  BOOST_TEST(a.status_errors.size() == 1u);
  BOOST_TEST(a.status_errors[404] == 2u);
  BOOST_TEST(a.latency.max() == 900u);
  BOOST_TEST(a.latency.count() == 4u);
  BOOST_TEST((a.last_done == t0 + std::chrono::microseconds(900)));
}

BOOST_AUTO_TEST_CASE(json_report_has_the_contract_fields) {
  report r{keyed({"--duration", "2"}), 10, 0.5, run_stats{}, 2.0};
  const auto t0 = bench_clock::now();
  r.stats.account({{}, 200}, t0, t0 + std::chrono::microseconds(150));
  r.stats.account({{}, 503}, t0, t0 + std::chrono::microseconds(250));
  const auto v = boost::json::parse(format_json(r)).as_object();
  BOOST_TEST(v.at("scenario").as_string() == "get");
  BOOST_TEST(v.at("connections").to_number<std::int64_t>() == 64);
  BOOST_TEST(v.at("duration_s").to_number<double>() == 2.0);
  BOOST_TEST(v.at("rate").is_null());
  BOOST_TEST(v.at("requests").to_number<std::int64_t>() == 2);
  BOOST_TEST(v.at("throughput_rps").to_number<double>() == 1.0);
  BOOST_TEST(v.at("errors").at("503").to_number<std::int64_t>() == 1);
  BOOST_TEST(v.at("errors").at("transport").to_number<std::int64_t>() == 0);
  const auto& lat = v.at("latency_us").as_object();
  for (const char* k : {"p50", "p90", "p99", "p999", "max", "mean"}) BOOST_TEST(lat.contains(k), k);
  BOOST_TEST(lat.at("max").to_number<std::int64_t>() == 250);
  BOOST_TEST(format_table(r).find("HTTP 503: 1") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
