// The api module's pure parts: the route table, paging parameters, the error envelope,
// request ids, and replies turned into responses.
#define BOOST_TEST_MODULE api
#include <boost/test/unit_test.hpp>

#include <deque>

#include <boost/json.hpp>

#include <algorithm>
#include <limits>
#include <vector>

#include "api/errors.hpp"
#include "api/etag.hpp"
#include "api/query.hpp"
#include "api/responses.hpp"
#include "api/router.hpp"
#include "api/routes.hpp"

using namespace mixtape;
using namespace mixtape::api;
namespace json = boost::json;

namespace {

constexpr std::string_view coll = "/v1/music/org_abc123/collections";

// A collections path with `tail` appended. The string lives until the test program ends,
// because a route_match holds views into the path it matched.
const std::string& path(std::string_view tail) {
  static std::deque<std::string> paths;
  return paths.emplace_back(std::string{coll} + std::string{tail});
}

// The field a paging failure names, or "" when parsing succeeded.
std::string page_error_field(std::string_view query, std::size_t def = 50, std::size_t max = 100) {
  const auto p = parse_page(query, def, max);
  return p ? std::string{} : p.error().field;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(routes)

BOOST_AUTO_TEST_CASE(every_route_matches_with_its_parts) {
  auto m = match_route(coll);
  BOOST_REQUIRE(m);
  BOOST_TEST((m->id == route_id::collections));
  BOOST_TEST(m->org == "org_abc123");
  m = match_route(path("/mcoll_0123456789ab"));
  BOOST_REQUIRE(m);
  BOOST_TEST((m->id == route_id::collection));
  BOOST_TEST(m->collection == "mcoll_0123456789ab");
  m = match_route(path("/c1/tracks"));
  BOOST_TEST((m && m->id == route_id::tracks && m->collection == "c1"));
  m = match_route(path("/c1/tracks/mtrack_9"));
  BOOST_TEST((m && m->id == route_id::track && m->collection == "c1" && m->track == "mtrack_9"));
  m = match_route(path("/c1/order"));
  BOOST_TEST((m && m->id == route_id::order));
  m = match_route(path("/c1/share"));
  BOOST_TEST((m && m->id == route_id::share));
  m = match_route(path("/c1/shares"));
  BOOST_TEST((m && m->id == route_id::shares && m->collection == "c1"));
  m = match_route("/v1/music/org_abc123/share/mslink_0123456789ab");
  BOOST_TEST((m && m->id == route_id::share_link && m->org == "org_abc123" && m->share == "mslink_0123456789ab"));
  m = match_route("/v1/music/shared/tok-en_1");
  BOOST_TEST((m && m->id == route_id::shared && m->token == "tok-en_1" && m->org.empty()));
  for (const char* p : {"/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/docs/init.js",
                        "/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css"}) {
    m = match_route(p);
    BOOST_TEST((m && m->org.empty() && !needs_key(m->id) && route_label(m->id) == p), p);
  }
}

// Matching is generated from the table: every route's pattern, its placeholders filled in,
// matches that route and captures each part; a literal beats a placeholder at the same
// place (no organization is called "shared"), as in a trie.
BOOST_AUTO_TEST_CASE(every_pattern_of_the_table_matches_its_own_route) {
  for (std::size_t r = 0; r < route_count; ++r) {
    const auto id = static_cast<route_id>(r);
    std::string path{route_label(id)};
    for (std::size_t open; (open = path.find('{')) != std::string::npos;)
      path.replace(open, path.find('}', open) - open + 1, "p" + std::to_string(open));
    const auto m = match_route(path);
    BOOST_TEST_REQUIRE(m.has_value(), path);
    BOOST_TEST((m->id == id), path);
    for (const std::string_view part : {m->org, m->collection, m->track, m->token, m->share})
      BOOST_TEST((part.empty() || path.find("/" + std::string{part}) != std::string::npos), path);
  }
  const auto shared = match_route("/v1/music/shared/collections");
  BOOST_TEST((shared && shared->id == route_id::shared && shared->token == "collections"));
  BOOST_TEST(!match_route("/v1/music/shared/share/mslink_0123456789ab").has_value());
  BOOST_TEST(!match_route("/v1/music/shared/collections/mcoll_0123456789ab").has_value());
  const auto target = match_target("/v1/music/org_a/collections/c1/tracks?limit=5&offset=1");
  BOOST_TEST((target && target->id == route_id::tracks && target->collection == "c1"));
}

BOOST_AUTO_TEST_CASE(a_malformed_collection_id_still_matches_so_it_can_be_a_404_of_the_resource) {
  const auto m = match_route(path("/not-an-id"));
  BOOST_TEST((m && m->id == route_id::collection && m->collection == "not-an-id"));
  const auto t = match_route(path("/c1/tracks/not-a-track"));
  BOOST_TEST((t && t->id == route_id::track && t->track == "not-a-track"));
}

BOOST_AUTO_TEST_CASE(edge_paths_match_no_route) {
  for (const std::string& p :
       {std::string{coll} + "/", path("//c1"), path("/c1/"), path("/c1//tracks"), path("/c1/tracks/"),
        path("/c1/tracks/t/extra"), path("/c1/order/x"), path("/c1/share/x"), path("/c1/other"),
        std::string{"/v1/music/shared"}, std::string{"/v1/music/shared/"}, std::string{"/v1/music/shared/a/b"},
        std::string{"/v1/music/org_abc123"}, std::string{"/v1/music/org_abc123/playlists"},
        std::string{"/v1/Music/org_abc123/collections"}, std::string{"//v1/music/org_abc123/collections"},
        std::string{"v1/music/org_abc123/collections"}, std::string{""}, std::string{"/"},
        std::string{"/healthz/"}, std::string{"/metrics/x"},
        std::string{"/docs/"}, std::string{"/openapi.yaml"}, std::string{"/docs/other.js"}, std::string{"/docs/reference.js"},
        std::string{"/docs/init.js/"}, std::string{"/docs/swagger-ui.css.map"}, std::string{"/docs/swagger-ui/LICENSE"},
        std::string{"/v2/music/org_abc123/collections"},
        std::string{"/v1/music/org_abc123/collections/a/tracks/b/c/d/e"}, std::string{"/v1/music/org_abc123/share"},
        std::string{"/v1/music/org_abc123/share/s/x"}, path("/c1/shares/x")})
    BOOST_TEST(!match_route(p).has_value(), p);
}

BOOST_AUTO_TEST_CASE(allowed_methods_match_the_allow_header) {
  struct row {
    route_id r;
    std::vector<method> ok;
    std::string_view allow;
  };
  const row rows[] = {
      {route_id::collections, {method::get, method::head, method::post}, "GET, HEAD, POST"},
      {route_id::collection, {method::get, method::head, method::patch, method::delete_}, "GET, HEAD, PATCH, DELETE"},
      {route_id::tracks, {method::get, method::head, method::post}, "GET, HEAD, POST"},
      {route_id::track, {method::delete_}, "DELETE"},
      {route_id::order, {method::patch}, "PATCH"},
      {route_id::share, {method::post}, "POST"},
      {route_id::shared, {method::get, method::head}, "GET, HEAD"},
      {route_id::healthz, {method::get, method::head}, "GET, HEAD"},
      {route_id::readyz, {method::get, method::head}, "GET, HEAD"},
      {route_id::metrics, {method::get, method::head}, "GET, HEAD"},
      {route_id::shares, {method::get, method::head}, "GET, HEAD"},
      {route_id::share_link, {method::delete_}, "DELETE"},
      {route_id::openapi, {method::get, method::head}, "GET, HEAD"},
      {route_id::docs, {method::get, method::head}, "GET, HEAD"},
      {route_id::docs_init, {method::get, method::head}, "GET, HEAD"},
      {route_id::docs_bundle, {method::get, method::head}, "GET, HEAD"},
      {route_id::docs_style, {method::get, method::head}, "GET, HEAD"},
  };
  const method all[] = {method::get,   method::head,    method::post,    method::put,
                        method::patch, method::delete_, method::options, method::other};
  for (const auto& [r, ok, allow] : rows) {
    BOOST_TEST(allowed_methods(r) == allow);
    for (const method m : all) {
      const bool expected = std::find(ok.begin(), ok.end(), m) != ok.end();
      BOOST_TEST(method_allowed(r, m) == expected, route_label(r) << " method " << static_cast<int>(m));
    }
  }
}

BOOST_AUTO_TEST_CASE(route_labels_never_contain_ids) {
  BOOST_TEST(route_label(route_id::track) == "/v1/music/{org}/collections/{id}/tracks/{track_id}");
  BOOST_TEST(route_label(route_id::shared) == "/v1/music/shared/{token}");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(query)

BOOST_AUTO_TEST_CASE(defaults_apply_when_absent) {
  auto p = parse_page("", 50, 100);
  BOOST_REQUIRE(p);
  BOOST_TEST(p->limit == 50u);
  BOOST_TEST(p->offset == 0u);
  p = parse_page("foo=bar&&x", 200, 500);  // unknown and empty parameters are ignored
  BOOST_REQUIRE(p);
  BOOST_TEST(p->limit == 200u);
}

BOOST_AUTO_TEST_CASE(limit_and_offset_are_read_at_their_bounds) {
  auto p = parse_page("limit=1&offset=0", 50, 100);
  BOOST_REQUIRE(p);
  BOOST_TEST(p->limit == 1u);
  p = parse_page("offset=7&limit=100", 50, 100);
  BOOST_REQUIRE(p);
  BOOST_TEST(p->limit == 100u);
  BOOST_TEST(p->offset == 7u);
  p = parse_page("limit=500", 200, 500);
  BOOST_REQUIRE(p);
  BOOST_TEST(p->limit == 500u);
  p = parse_page("limit=007", 50, 100);  // leading zeros are still a plain decimal
  BOOST_REQUIRE(p);
  BOOST_TEST(p->limit == 7u);
}

BOOST_AUTO_TEST_CASE(bad_values_name_their_parameter) {
  for (const char* q : {"limit=0", "limit=101", "limit=-1", "limit=abc", "limit=", "limit", "limit=1.5",
                        "limit=+5", "limit=%35", "limit= 5", "limit=5&limit=6", "limit=99999999999999999999"})
    BOOST_TEST(page_error_field(q) == "limit", q);
  for (const char* q : {"offset=-1", "offset=abc", "offset=", "offset=1e3", "offset=0x10", "offset=1&offset=1"})
    BOOST_TEST(page_error_field(q) == "offset", q);
  BOOST_TEST(page_error_field("limit=501", 200, 500) == "limit");
  BOOST_TEST(page_error_field("limit=500", 200, 500) == "");
}

BOOST_AUTO_TEST_CASE(messages_state_the_rule_in_one_line) {
  const auto l = parse_page("limit=0", 50, 100);
  BOOST_REQUIRE(!l);
  BOOST_TEST((l.error().code == core::errc::validation_failed));
  BOOST_TEST(l.error().message == "limit must be an integer between 1 and 100");
  const auto o = parse_page("offset=-1", 50, 100);
  BOOST_REQUIRE(!o);
  BOOST_TEST(o.error().message == "offset must be an integer of 0 or more");
}

BOOST_AUTO_TEST_CASE(an_offset_of_any_size_is_valid_and_past_the_end) {
  const auto p = parse_page("offset=123456789012345678901234567890", 50, 100);
  BOOST_REQUIRE(p);
  BOOST_TEST(p->offset == std::numeric_limits<std::size_t>::max());
  const auto q = parse_page("offset=1000000000000000000", 50, 100);  // 19 digits
  BOOST_REQUIRE(q);
  BOOST_TEST(q->offset == 1000000000000000000u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(envelope)

BOOST_AUTO_TEST_CASE(every_kind_renders_the_spec_envelope) {
  struct row {
    error_kind k;
    unsigned status;
    std::string_view code, type;
  };
  const row rows[] = {
      {error_kind::bad_request, 400, "BAD_REQUEST", "client_error"},
      {error_kind::authentication, 401, "AUTHENTICATION_REQUIRED", "authentication_error"},
      {error_kind::permission, 403, "INSUFFICIENT_PERMISSIONS", "authorization_error"},
      {error_kind::resource_not_found, 404, "RESOURCE_NOT_FOUND", "client_error"},
      {error_kind::route_not_found, 404, "ROUTE_NOT_FOUND", "client_error"},
      {error_kind::method_not_allowed, 405, "METHOD_NOT_ALLOWED", "client_error"},
      {error_kind::collection_full, 409, "COLLECTION_FULL", "client_error"},
      {error_kind::payload_too_large, 413, "PAYLOAD_TOO_LARGE", "client_error"},
      {error_kind::unsupported_media_type, 415, "UNSUPPORTED_MEDIA_TYPE", "client_error"},
      {error_kind::validation, 422, "VALIDATION_ERROR", "validation_error"},
      {error_kind::rate_limited, 429, "RATE_LIMITED", "client_error"},
      {error_kind::internal, 500, "INTERNAL_ERROR", "server_error"},
      {error_kind::unavailable, 503, "SERVICE_UNAVAILABLE", "server_error"},
  };
  for (const auto& [k, status, code, type] : rows) {
    BOOST_TEST_CONTEXT(code) {
      BOOST_TEST(status_of(k) == status);
      const auto v = json::parse(error_body(k, "why \"quoted\"\n", "", "req_1"));
      BOOST_TEST(v.as_object().size() == 2u);
      BOOST_TEST(v.at("success").as_bool() == false);
      const auto& e = v.at("error").as_object();
      BOOST_TEST(e.size() == 8u);
      BOOST_TEST(e.at("code").as_string() == code);
      BOOST_TEST(e.at("type").as_string() == type);
      BOOST_TEST(e.at("status").as_int64() == status);
      BOOST_TEST(!e.at("message").as_string().empty());
      BOOST_TEST(e.at("system_message").as_string() == "why \"quoted\"\n");
      BOOST_TEST(e.at("details").as_object().empty());
      BOOST_TEST(e.at("trace_id").as_string() == "req_1");
      BOOST_TEST(e.at("timestamp").as_string().size() == 20u);
    }
  }
}

BOOST_AUTO_TEST_CASE(messages_of_the_spec_table) {
  const auto message = [](error_kind k) {
    return std::string{json::parse(error_body(k, "x", "{}", "t")).at("error").at("message").as_string()};
  };
  BOOST_TEST(message(error_kind::authentication) == "Authentication required. Please provide a valid API key.");
  BOOST_TEST(message(error_kind::permission) == "You do not have permission to perform this action.");
  BOOST_TEST(message(error_kind::resource_not_found) == "The requested resource was not found.");
  BOOST_TEST(message(error_kind::validation) == "The request payload is invalid.");
}

BOOST_AUTO_TEST_CASE(details_are_escaped_json) {
  const auto d = details_of("field", "a\"b\\c\x01");
  BOOST_TEST(json::parse(d).at("field").as_string() == "a\"b\\c\x01");
  const auto v = json::parse(error_body(error_kind::validation, "m", d, "t"));
  BOOST_TEST(v.at("error").at("details").at("field").as_string() == "a\"b\\c\x01");
}

BOOST_AUTO_TEST_CASE(problems_map_to_kinds) {
  BOOST_TEST((kind_of(core::errc::validation_failed) == error_kind::validation));
  BOOST_TEST((kind_of(core::errc::not_found) == error_kind::resource_not_found));
  BOOST_TEST((kind_of(core::errc::collection_full) == error_kind::collection_full));
  BOOST_TEST((kind_of(core::errc::unavailable) == error_kind::unavailable));
  BOOST_TEST((kind_of(core::errc::io_error) == error_kind::internal));
  BOOST_TEST((kind_of(core::errc::corrupt_data) == error_kind::internal));
  BOOST_TEST((kind_of(core::errc::internal) == error_kind::internal));
}

BOOST_AUTO_TEST_CASE(replies_become_responses_with_the_right_details) {
  auto r = to_response(service::reply{std::string{"{\"ok\":1}"}}, 201, "c1", "req_a");
  BOOST_TEST(r.status == 201u);
  BOOST_TEST(r.body == "{\"ok\":1}");
  BOOST_TEST(r.request_id == "req_a");

  r = to_response(service::reply{core::problem::validation("track_id", "bad")}, 200, "c1", "req_b");
  BOOST_TEST(r.status == 422u);
  BOOST_TEST(r.request_id == "req_b");
  auto e = json::parse(r.body).at("error");
  BOOST_TEST(e.at("details").at("field").as_string() == "track_id");
  BOOST_TEST(e.at("trace_id").as_string() == "req_b");

  r = to_response(service::reply{service::collection_not_found()}, 200, "mcoll_0123456789ab", "t");
  BOOST_TEST(r.status == 404u);
  e = json::parse(r.body).at("error");
  BOOST_TEST(e.at("details").at("collection_id").as_string() == "mcoll_0123456789ab");
  BOOST_TEST(e.at("system_message").as_string() == "Music collection not found or not owned by caller");

  r = to_response(service::reply{core::problem{core::errc::collection_full, "track_id", "full"}}, 200, "c", "t");
  BOOST_TEST(r.status == 409u);
  BOOST_TEST(json::parse(r.body).at("error").at("details").at("field").as_string() == "track_id");

  r = to_response(service::reply{service::journal_unavailable()}, 200, "c", "t");
  BOOST_TEST(r.status == 503u);
  BOOST_TEST(json::parse(r.body).at("error").at("details").as_object().empty());
}

BOOST_AUTO_TEST_CASE(internal_problems_never_leak_their_message) {
  const auto r = to_response(service::reply{core::problem{core::errc::internal, "", "/var/secret: EIO"}}, 200,
                             "c", "t");
  BOOST_TEST(r.status == 500u);
  BOOST_TEST(r.body.find("secret") == std::string::npos);
  BOOST_TEST(json::parse(r.body).at("error").at("system_message").as_string() == "internal error");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(request_ids)

BOOST_AUTO_TEST_CASE(sane_ids_are_short_tokens) {
  for (const std::string& id : {std::string{"a"}, std::string{"client-req.42"}, std::string{"A_b:c-d.e"},
                               std::string(128, 'x'), std::string{"req_0123456789abcdef"}})
    BOOST_TEST(is_sane_request_id(id), id);
  for (const std::string& id : {std::string{}, std::string(129, 'x'), std::string{"has space"},
                               std::string{"semi;colon"}, std::string{"new\nline"}, std::string{"quote\""},
                               std::string{"slash/x"}, std::string{"caf\xC3\xA9"}, std::string{"nul\0x", 5}})
    BOOST_TEST(!is_sane_request_id(id), id);
}

BOOST_AUTO_TEST_SUITE_END()

// Entity tags (api/etag.hpp): what If-None-Match and If-Match headers name.
BOOST_AUTO_TEST_CASE(if_none_match_compares_weakly_and_takes_lists_and_star) {
  using mixtape::api::none_match_hits;
  BOOST_TEST(none_match_hits("\"42\"", 42));
  BOOST_TEST(none_match_hits("W/\"42\"", 42));
  BOOST_TEST(none_match_hits(" \"1\" ,\"42\"", 42));
  BOOST_TEST(none_match_hits("*", 42));
  BOOST_TEST(!none_match_hits("\"41\"", 42));
  BOOST_TEST(!none_match_hits("42", 42));  // unquoted: not a tag
  BOOST_TEST(!none_match_hits("\"42", 42));
  BOOST_TEST(!none_match_hits("\"0x2a\"", 42));
  BOOST_TEST(!none_match_hits("", 42));
}

BOOST_AUTO_TEST_CASE(if_match_keeps_strong_tags_only) {
  using mixtape::api::if_match_versions;
  BOOST_TEST(!if_match_versions("*").has_value());
  BOOST_TEST((*if_match_versions("\"7\", \"9\"") == std::vector<std::uint64_t>{7, 9}));
  BOOST_TEST(if_match_versions("W/\"7\"")->empty());  // weak never matches a write
  BOOST_TEST(if_match_versions("garbage")->empty());
  BOOST_TEST(if_match_versions("\"18446744073709551616\"")->empty());  // past u64
  BOOST_TEST(if_match_versions("\"0\"")->empty());                     // no collection is at 0
}
