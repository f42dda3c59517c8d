#include <boost/test/unit_test.hpp>

#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <set>
#include <tuple>

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


bool is_track_id(std::string_view s) {
  return s.size() == track_id_size && s.substr(0, 7) == "mtrack_" &&
         std::all_of(s.begin() + 7, s.end(), [](unsigned char c) { return std::isalnum(c) != 0; });
}

const prepared_data four_collections{
    {"mcoll_00000000000a", "mcoll_00000000000b", "mcoll_00000000000c", "mcoll_00000000000d"},
    {"tokenA_xxxxxxxxxxxxxxxxxxxx", "tokenB_xxxxxxxxxxxxxxxxxxxx", "tokenC_xxxxxxxxxxxxxxxxxxxx",
     "tokenD_xxxxxxxxxxxxxxxxxxxx"}};
const std::string base = "/v1/music/org_abc123/collections/";

// The index of the prepared collection a target starts with ("/v1/.../collections/ID/...").
std::size_t collection_of(std::string_view target) {
  BOOST_TEST_REQUIRE(target.substr(0, base.size()) == base, target);
  const std::string_view id = target.substr(base.size(), 18);
  for (std::size_t k = 0; k < four_collections.ids.size(); ++k)
    if (four_collections.ids[k] == id) return k;
  BOOST_FAIL("not a prepared collection: " << target);
  return 0;
}

std::vector<std::string> strings_of(const boost::json::value& array) {
  std::vector<std::string> out;
  for (const auto& v : array.as_array()) out.emplace_back(v.as_string());
  return out;
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
  for (const char* s : {"get", "create", "update", "list", "add-track", "remove-track", "tracks", "reorder", "resolve"}) {
    const options o = keyed({"--scenario", s, "--tracks", std::string{s} == "create" ? "0" : "1"});
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
  const prepared_data data{{"mcoll_000000000001", "mcoll_000000000002"}, {}};
  workload w{o, &data, 3};
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

BOOST_AUTO_TEST_CASE(track_ids_are_deterministic_spotify_like_and_never_repeat) {
  BOOST_TEST(prepared_track_id(0, 0) == prepared_track_id(0, 0));
  BOOST_TEST(added_track_id(5, 9) == added_track_id(5, 9));
  std::set<std::string> seen;
  for (std::uint64_t k = 0; k < 40; ++k)
    for (std::uint64_t i = 0; i < 1000; ++i) seen.insert(prepared_track_id(k, i));
  for (unsigned c = 0; c < 10; ++c)
    for (std::uint64_t n = 1; n <= 1000; ++n) seen.insert(added_track_id(c, n));
  BOOST_TEST(seen.size() == 50'000u);
  for (const auto& id : seen) BOOST_TEST_REQUIRE(is_track_id(id), id);
  BOOST_TEST(is_track_id(prepared_track_id((1ull << 43) - 1, (1u << 20) - 1)));
  BOOST_TEST(is_track_id(added_track_id(9999, ~0ull)));
}

BOOST_AUTO_TEST_CASE(add_track_posts_a_new_track_each_time) {
  const options o = keyed({"--scenario", "add-track"});
  workload w{o, &four_collections, 7};
  for (std::uint64_t n = 1; n <= 3; ++n) {
    const auto req = parse_request(w.build(operation::add_track));
    BOOST_TEST(req.method() == http::verb::post);
    const std::string target{req.target()};
    BOOST_TEST(target == base + four_collections.ids[collection_of(target)] + "/tracks");
    BOOST_TEST(req["X-API-Key"] == "the-key");
    BOOST_TEST(req[http::field::content_type] == "application/json");
    BOOST_TEST(req[http::field::content_length] == std::to_string(req.body().size()));
    const auto body = boost::json::parse(req.body()).as_object();
    BOOST_TEST(body.size() == 1u);
    BOOST_TEST(body.at("track_id").as_string() == added_track_id(7, n));
  }
}

BOOST_AUTO_TEST_CASE(remove_track_connections_share_out_distinct_prepared_tracks) {
  // 4 collections x 3 tracks = 12 pairs over 3 connections: 4 requests each cover them all.
  const options o = keyed({"--scenario", "remove-track", "--tracks", "3", "--connections", "3"});
  std::vector<workload> connections;
  for (unsigned i = 0; i < 3; ++i) connections.emplace_back(o, &four_collections, i);
  std::set<std::string> removed;
  for (int round = 0; round < 4; ++round)
    for (auto& w : connections) {
      const auto req = parse_request(w.build(operation::remove_track));
      BOOST_TEST(req.method() == http::verb::delete_);
      BOOST_TEST(req.body().empty());
      BOOST_TEST(req["X-API-Key"] == "the-key");
      const std::string target{req.target()};
      const std::size_t k = collection_of(target);
      const std::string prefix = base + four_collections.ids[k] + "/tracks/";
      BOOST_TEST_REQUIRE(target.substr(0, prefix.size()) == prefix);
      const std::string track = target.substr(prefix.size());
      const bool prepared_here = track == prepared_track_id(k, 0) || track == prepared_track_id(k, 1) ||
                                 track == prepared_track_id(k, 2);
      BOOST_TEST(prepared_here, target);
      BOOST_TEST(removed.insert(target).second, "removed twice: " << target);
    }
  BOOST_TEST(removed.size() == 12u);
  // Exhausted: still well-formed requests for prepared tracks (the server answers 200, no change).
  const std::string again{parse_request(connections[1].build(operation::remove_track)).target()};
  BOOST_TEST(removed.count(again) == 1u, again);
}

BOOST_AUTO_TEST_CASE(tracks_asks_for_a_page_start_or_the_pinned_offset) {
  const options o = keyed({"--scenario", "tracks", "--tracks", "450"});
  workload w{o, &four_collections, 0};
  std::set<std::string> offsets;
  for (int i = 0; i < 200; ++i) {
    const auto req = parse_request(w.build(operation::tracks));
    BOOST_TEST(req.method() == http::verb::get);
    BOOST_TEST(req.body().empty());
    const std::string target{req.target()};
    const std::string prefix = base + four_collections.ids[collection_of(target)] + "/tracks?limit=200&offset=";
    BOOST_TEST_REQUIRE(target.substr(0, prefix.size()) == prefix, target);
    offsets.insert(target.substr(prefix.size()));
  }
  BOOST_TEST((offsets == std::set<std::string>{"0", "200", "400"}));
  workload pinned{keyed({"--scenario", "tracks", "--tracks", "450", "--page-offset", "250"}), &four_collections, 0};
  for (int i = 0; i < 10; ++i) {
    const std::string target{parse_request(pinned.build(operation::tracks)).target()};
    BOOST_TEST(target.substr(target.size() - 20) == "limit=200&offset=250", target);
  }
  workload empty{keyed({"--scenario", "tracks"}), &four_collections, 0};
  const std::string target{parse_request(empty.build(operation::tracks)).target()};
  BOOST_TEST(target.substr(target.size() - 9) == "&offset=0", target);
}

BOOST_AUTO_TEST_CASE(reorder_lists_every_prepared_track_in_a_new_rotation) {
  const std::size_t n = 257;
  workload w{keyed({"--scenario", "reorder", "--tracks", std::to_string(n)}), &four_collections, 2};
  for (int i = 0; i < 20; ++i) {
    const auto req = parse_request(w.build(operation::reorder));
    BOOST_TEST(req.method() == http::verb::patch);
    const std::string target{req.target()};
    const std::size_t k = collection_of(target);
    BOOST_TEST(target == base + four_collections.ids[k] + "/order");
    BOOST_TEST(req[http::field::content_length] == std::to_string(req.body().size()));
    const auto body = boost::json::parse(req.body()).as_object();
    BOOST_TEST(body.size() == 1u);
    const auto ids = strings_of(body.at("ordered_track_ids"));
    BOOST_TEST_REQUIRE(ids.size() == n);
    std::size_t shift = 0;
    while (shift < n && ids[0] != prepared_track_id(k, shift)) ++shift;
    BOOST_TEST_REQUIRE(shift < n, "the first id is not a prepared track of the collection");
    BOOST_TEST(shift != 0u, "a rotation by 0 would change nothing");
    for (std::size_t p = 0; p < n; ++p) BOOST_TEST_REQUIRE(ids[p] == prepared_track_id(k, (shift + p) % n));
  }
  workload one{keyed({"--scenario", "reorder", "--tracks", "1"}), &four_collections, 2};
  const auto req = parse_request(one.build(operation::reorder));
  const auto ids = strings_of(boost::json::parse(req.body()).at("ordered_track_ids"));
  BOOST_TEST_REQUIRE(ids.size() == 1u);
  BOOST_TEST(ids[0] == prepared_track_id(collection_of(req.target()), 0));
}

BOOST_AUTO_TEST_CASE(resolve_opens_a_public_link_without_the_key) {
  workload w{keyed({"--scenario", "resolve", "--url", "http://127.0.0.1:9999"}), &four_collections, 1};
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const auto req = parse_request(w.build(operation::resolve));
    BOOST_TEST(req.method() == http::verb::get);
    BOOST_TEST(req.count("X-API-Key") == 0u);
    BOOST_TEST(req[http::field::host] == "127.0.0.1:9999");
    BOOST_TEST(req.keep_alive());
    const std::string target{req.target()};
    BOOST_TEST_REQUIRE(target.substr(0, 17) == "/v1/music/shared/");
    const std::string token = target.substr(17);
    BOOST_TEST(std::count(four_collections.tokens.begin(), four_collections.tokens.end(), token) == 1);
    seen.insert(token);
  }
  BOOST_TEST(seen.size() == 4u);
}

BOOST_AUTO_TEST_CASE(prepare_requests_add_batches_and_share_links) {
  workload w{keyed({"--scenario", "tracks", "--tracks", "250"}), &four_collections, 0};
  for (const auto& [k, first, count] : {std::tuple{0u, 0u, 100u}, std::tuple{3u, 200u, 50u}, std::tuple{1u, 7u, 1u}}) {
    const auto req = parse_request(w.build_add_batch(k, first, count));
    BOOST_TEST(req.method() == http::verb::post);
    BOOST_TEST(req.target() == base + four_collections.ids[k] + "/tracks");
    BOOST_TEST(req[http::field::content_length] == std::to_string(req.body().size()));
    const auto body = boost::json::parse(req.body()).as_object();
    BOOST_TEST(body.size() == 1u);
    const auto ids = strings_of(body.at("track_ids"));
    BOOST_TEST_REQUIRE(ids.size() == count);
    for (std::size_t i = 0; i < count; ++i) BOOST_TEST(ids[i] == prepared_track_id(k, first + i));
  }
  const auto share = parse_request(w.build_share(2));
  BOOST_TEST(share.method() == http::verb::post);
  BOOST_TEST(share.target() == base + four_collections.ids[2] + "/share");
  BOOST_TEST(share["X-API-Key"] == "the-key");
  BOOST_TEST(boost::json::serialize(boost::json::parse(share.body())) == R"({"visibility":"public"})");
}

BOOST_AUTO_TEST_CASE(mixed_picks_only_the_weighted_track_operations) {
  const options o = keyed({"--mix", "tracks=1,resolve=1,reorder=1", "--tracks", "5"});
  operation_picker picker{o};
  rng r{7};
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(std::string{name_of(picker.next(r))});
  BOOST_TEST((seen == std::set<std::string>{"reorder", "resolve", "tracks"}));
}

BOOST_AUTO_TEST_CASE(json_fields_are_read_from_responses) {
  BOOST_TEST(string_field(R"({"id":"mslink_1","token":"abc"})", "token") == "abc");
  BOOST_TEST(string_field(R"({"token":null})", "token") == "");
  BOOST_TEST((integer_field(R"({"success":true,"added":100})", "added") == 100));
  BOOST_TEST(!integer_field(R"({"added":"100"})", "added").has_value());
  BOOST_TEST(!integer_field("[1]", "added").has_value());
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
  r.stats.account({{}, 429}, t0, t0 + std::chrono::microseconds(50));
  const auto v = boost::json::parse(format_json(r)).as_object();
  BOOST_TEST(v.at("rate_limited").to_number<std::int64_t>() == 1);
  BOOST_TEST(!v.at("errors").as_object().contains("429"));  // a 429 is the limit working, reported apart
  BOOST_TEST(format_table(r).find("rate-limited 1") != std::string::npos);
  BOOST_TEST(v.at("scenario").as_string() == "get");
  BOOST_TEST(v.at("connections").to_number<std::int64_t>() == 64);
  BOOST_TEST(v.at("duration_s").to_number<double>() == 2.0);
  BOOST_TEST(v.at("rate").is_null());
  BOOST_TEST(v.at("requests").to_number<std::int64_t>() == 3);
  BOOST_TEST(v.at("throughput_rps").to_number<double>() == 1.5);
  BOOST_TEST(v.at("errors").at("503").to_number<std::int64_t>() == 1);
  BOOST_TEST(v.at("errors").at("transport").to_number<std::int64_t>() == 0);
  BOOST_TEST(v.at("tracks").to_number<std::int64_t>() == 0);
  for (const char* k : {"prepared_tracks", "prepare_tracks_s", "prepared_shares", "prepare_shares_s"})
    BOOST_TEST(v.contains(k), k);
  const auto& lat = v.at("latency_us").as_object();
  for (const char* k : {"p50", "p90", "p99", "p999", "max", "mean"}) BOOST_TEST(lat.contains(k), k);
  BOOST_TEST(lat.at("max").to_number<std::int64_t>() == 250);
  BOOST_TEST(format_table(r).find("HTTP 503: 1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(json_report_has_the_track_preparation_and_the_non_zero_mix) {
  report r{keyed({"--mix", "get=3,tracks=1", "--tracks", "250", "--prepare", "4"}), 4, 0.25, run_stats{}, 1.0};
  r.prepared_tracks = 1000;
  r.prepare_tracks_s = 0.5;
  r.prepared_shares = 4;
  r.prepare_shares_s = 0.125;
  const auto v = boost::json::parse(format_json(r)).as_object();
  BOOST_TEST(v.at("mix").as_string() == "get=3,tracks=1");
  BOOST_TEST(v.at("tracks").to_number<std::int64_t>() == 250);
  BOOST_TEST(v.at("prepared_tracks").to_number<std::int64_t>() == 1000);
  BOOST_TEST(v.at("prepare_tracks_s").to_number<double>() == 0.5);
  BOOST_TEST(v.at("prepared_shares").to_number<std::int64_t>() == 4);
  BOOST_TEST(v.at("prepare_shares_s").to_number<double>() == 0.125);
  BOOST_TEST(format_table(r).find("1000 tracks in 0.50 s") != std::string::npos, format_table(r));
}

BOOST_AUTO_TEST_SUITE_END()
