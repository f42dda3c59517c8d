// A hostile client against the real binary over raw sockets (docs/operations.md, "What one
// connection can make the server hold"): bounded memory for everything one request can make
// the server hold, no request smuggling through Transfer-Encoding, HEAD without a body, the
// RFC 9112 rules proxies rely on.
#define BOOST_TEST_MODULE integration_hostile
#include <boost/test/unit_test.hpp>

#include <boost/json.hpp>

#include <ctime>

#include "support/envelope.hpp"
#include "support/fixture.hpp"
#include "support/http_date.hpp"
#include "support/raw_connection.hpp"

using namespace mixtape::test;
namespace json = boost::json;

namespace {

constexpr std::size_t header_limit = 4096;  // the servers below run with --max-header-bytes 4096

struct hostile_server : live_server {
  hostile_server() : live_server({"--max-header-bytes", std::to_string(header_limit)}) {}

  std::string authed(const std::string& method, const std::string& target, const std::string& extra = {}) const {
    return method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: " + alice_key + "\r\n" + extra +
           "\r\n";
  }
};

std::int64_t epoch_seconds(std::string_view utc) {
  std::tm tm{};
  ::strptime(std::string{utc}.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return ::timegm(&tm);
}

const std::string hidden_get = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

std::string_view code_of(unsigned status) {
  switch (status) {
    case 400: return "BAD_REQUEST";
    case 413: return "PAYLOAD_TOO_LARGE";
    case 505: return "HTTP_VERSION_NOT_SUPPORTED";
    default: return "?";
  }
}

// Sends `request`, expects exactly one error (400 unless said) in the envelope, then the
// server's close.
void expect_refused_and_closed(std::uint16_t port, const std::string& request, unsigned status = 400) {
  raw_connection c{port};
  BOOST_REQUIRE(c.send(request));
  const auto r = c.read_reply();
  BOOST_REQUIRE(r.has_value());
  check_envelope(*r, status, code_of(status));
  BOOST_TEST(r->header("Connection") == "close");
  BOOST_TEST(c.closed_by_server());
  BOOST_TEST(c.leftover().empty());  // nothing answered after it: a smuggled request never runs
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(hostile, hostile_server)

BOOST_AUTO_TEST_CASE(a_chunk_size_line_that_never_ends_is_refused_within_the_header_limit) {
  BOOST_REQUIRE(process->started());
  for (const char fill : {'a', '0'}) {
    BOOST_TEST_CONTEXT("chunk line of '" << fill << "'") {
      const std::size_t rss_before = resident_bytes(process->pid());
      raw_connection c{process->port()};
      const std::string prefix = fill == 'a' ? "1;" : "";
      BOOST_REQUIRE(c.send(authed("POST", collections_url(),
                                  "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n") +
                           prefix));
      const std::size_t sent = c.send_until_answered(fill, 64u << 20);
      const auto r = c.read_reply();
      BOOST_REQUIRE(r.has_value());
      check_envelope(*r, 413, "PAYLOAD_TOO_LARGE");
      BOOST_TEST(c.closed_by_server());
      // Answered long before the 64 MiB were through (socket buffers hold a few MiB at most),
      // and the server never held them.
      BOOST_TEST(sent < (16u << 20));
      BOOST_TEST(resident_bytes(process->pid()) < rss_before + (8u << 20));
    }
  }
}

BOOST_AUTO_TEST_CASE(oversized_header_and_trailers_are_413_and_close) {
  const std::string big(header_limit, 'x');
  expect_refused_and_closed(process->port(), authed("GET", collections_url(), "X-Big: " + big + "\r\n"), 413);
  const std::string chunked_head =
      authed("POST", collections_url(), "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n");
  expect_refused_and_closed(process->port(), chunked_head + "2\r\n{}\r\n0\r\nX-Trailer: " + big + big + "\r\n\r\n",
                            413);
}

BOOST_AUTO_TEST_CASE(a_transfer_encoding_other_than_a_single_chunked_is_400_and_nothing_is_smuggled) {
  const std::string head = "POST " + collections_url() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: " + alice_key +
                           "\r\nContent-Type: application/json\r\n";
  const std::string codings[] = {
      "Transfer-Encoding: gzip\r\n",
      "Transfer-Encoding: identity\r\n",
      "Transfer-Encoding: xchunked\r\n",
      "Transfer-Encoding: chunked, identity\r\n",
      "Transfer-Encoding: chunked, chunked\r\n",
      "Transfer-Encoding: gzip, chunked\r\n",
      "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
      "Transfer-Encoding: identity\r\nContent-Length: " + std::to_string(hidden_get.size()) + "\r\n",
      "Content-Length: " + std::to_string(hidden_get.size()) + "\r\nTransfer-Encoding: chunked\r\n",
      "Content-Length: 5\r\nContent-Length: 6\r\n",
  };
  for (const auto& te : codings)
    BOOST_TEST_CONTEXT(te) { expect_refused_and_closed(process->port(), head + te + "\r\n" + hidden_get); }
  // HTTP/1.0 has no chunked framing: a Transfer-Encoding there is faulty framing too.
  expect_refused_and_closed(process->port(), "POST " + collections_url() +
                                                 " HTTP/1.0\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
}

BOOST_AUTO_TEST_CASE(a_chunked_body_is_read_and_the_next_request_follows) {
  raw_connection c{process->port()};
  const std::string body = R"({"name":"chunked"})";
  char size[16];
  std::snprintf(size, sizeof size, "%zx", body.size());
  BOOST_REQUIRE(c.send(authed("POST", collections_url(),
                              "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n") +
                       size + ";ext=1\r\n" + body + "\r\n0\r\nX-API-Key: " + bob_key + "\r\n\r\n" + hidden_get));
  const auto created = c.read_reply();
  BOOST_REQUIRE(created.has_value());
  BOOST_TEST(created->status == 201u);
  const auto next = c.read_reply();
  BOOST_REQUIRE(next.has_value());
  BOOST_TEST(next->status == 200u);
  // The trailer's key was not taken for the header's: the collection is alice's.
  const std::string id{created->json().at("id").as_string()};
  BOOST_TEST(call("GET", collections_url() + "/" + id).status == 200u);
  BOOST_TEST(call("GET", collections_url() + "/" + id, {}, bob_key).status == 404u);
}

BOOST_AUTO_TEST_CASE(head_answers_as_get_without_a_body_and_the_connection_stays_in_step) {
  const std::string id = create("head me");
  raw_connection c{process->port()};
  const std::string targets[] = {"/healthz", collections_url() + "/" + id, collections_url() + "/" + id + "/tracks",
                                 collections_url() + "?limit=1"};
  for (const auto& t : targets) {
    BOOST_TEST_CONTEXT(t) {
      BOOST_REQUIRE(c.send(authed("HEAD", t) + authed("GET", t)));
      const auto head = c.read_reply(true);
      const auto get = c.read_reply();
      BOOST_REQUIRE((head && get));
      BOOST_TEST(head->status == 200u);
      BOOST_TEST(get->status == 200u);
      BOOST_TEST(head->header("Content-Length") == std::to_string(get->body.size()));
      BOOST_TEST(head->header("Content-Type") == get->header("Content-Type"));
    }
  }
  // Refusals to HEAD have no body either: a 405 (with Allow), a 404 and a 401.
  BOOST_REQUIRE(c.send(authed("HEAD", collections_url() + "/" + id + "/order") + authed("HEAD", "/nope") +
                       "HEAD " + collections_url() + " HTTP/1.1\r\nHost: h\r\n\r\n" + authed("GET", "/healthz")));
  const auto not_allowed = c.read_reply(true);
  const auto not_found = c.read_reply(true);
  const auto unauthenticated = c.read_reply(true);
  const auto health = c.read_reply();
  BOOST_REQUIRE((not_allowed && not_found && unauthenticated && health));
  BOOST_TEST(not_allowed->status == 405u);
  BOOST_TEST(not_allowed->header("Allow") == "PATCH");
  BOOST_TEST(not_found->status == 404u);
  BOOST_TEST(unauthenticated->status == 401u);
  BOOST_TEST(health->status == 200u);
  BOOST_TEST(health->body == R"({"status":"ok"})");
  BOOST_TEST(call("GET", "/nope").header("Allow").empty());
  BOOST_TEST(call("POST", "/healthz").header("Allow") == "GET, HEAD");
}

BOOST_AUTO_TEST_CASE(an_absolute_form_target_is_routed_by_its_path) {
  const std::string id = create("absolute");
  raw_connection c{process->port()};
  const std::string base = "http://127.0.0.1:" + std::to_string(process->port());
  BOOST_REQUIRE(c.send(authed("GET", base + collections_url() + "/" + id) + authed("GET", "HTTP://h/healthz")));
  const auto r = c.read_reply();
  const auto h = c.read_reply();
  BOOST_REQUIRE((r && h));
  BOOST_TEST(r->status == 200u);
  BOOST_TEST(r->json().at("id").as_string() == id);
  BOOST_TEST(h->status == 200u);
}

BOOST_AUTO_TEST_CASE(host_is_required_once_of_http11_and_at_most_once_of_http10) {
  expect_refused_and_closed(process->port(), "GET /healthz HTTP/1.1\r\n\r\n");
  expect_refused_and_closed(process->port(), "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
  expect_refused_and_closed(process->port(), "GET /healthz HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n");
  expect_refused_and_closed(process->port(), "GET /healthz HTTP/1.2\r\n\r\n");  // read as 1.1
  // Refusals made before routing are counted and logged like any other answer.
  const auto metrics = call("GET", "/metrics").body;
  BOOST_TEST(metrics.find("mixtape_http_requests_total{route=\"unmatched\",status=\"400\"} 4") != std::string::npos,
             metrics);
  BOOST_TEST(process->wait_for_stderr("route=unmatched status=400"));  // the access log is buffered
  // RFC 9112 §3.2: an HTTP/1.0 request may omit Host (old health checkers do).
  raw_connection c{process->port()};
  BOOST_REQUIRE(c.send("GET /healthz HTTP/1.0\r\n\r\n"));
  const auto r = c.read_reply();
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->status == 200u);
  BOOST_TEST(r->header("Connection") == "close");  // HTTP/1.0 without keep-alive
  BOOST_TEST(c.closed_by_server());
}

BOOST_AUTO_TEST_CASE(a_higher_http1_minor_version_is_served_as_http11) {
  raw_connection c{process->port()};
  BOOST_REQUIRE(c.send("GET /healthz HTTP/1.2\r\nHost: h\r\n\r\n" + authed("GET", collections_url()) +
                       "GET /healthz HTTP/1.9\r\nHost: h\r\nConnection: close\r\n\r\n"));
  for (const unsigned status : {200u, 200u, 200u}) {
    const auto r = c.read_reply();
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->status == status);
  }
  BOOST_TEST(c.closed_by_server());  // kept alive as 1.1 until the Connection: close
  BOOST_TEST(c.leftover().empty());
}

BOOST_AUTO_TEST_CASE(another_major_version_is_505_and_close) {
  for (const char* version : {"HTTP/2.0", "HTTP/3.0", "HTTP/0.9", "HTTP/9.9"})
    BOOST_TEST_CONTEXT(version) {
      expect_refused_and_closed(process->port(), std::string{"GET /healthz "} + version + "\r\nHost: h\r\n\r\n", 505);
    }
  const auto metrics = call("GET", "/metrics").body;
  BOOST_TEST(metrics.find("mixtape_http_requests_total{route=\"unmatched\",status=\"505\"} 4") != std::string::npos,
             metrics);
}

BOOST_AUTO_TEST_CASE(every_response_carries_date) {
  // 200, HEAD, 304, and 4xx from a handler, from the router and from the transport.
  const std::string id = create("dated");
  raw_connection c{process->port()};
  BOOST_REQUIRE(c.send(authed("GET", collections_url() + "/" + id) + authed("GET", collections_url() + "/mcoll_000000000000") +
                       authed("DELETE", "/healthz") + "HEAD /healthz HTTP/1.1\r\nHost: h\r\n\r\n"));
  struct expected {
    unsigned status;
    bool head;
  };
  std::string etag;
  for (const auto [status, head] : {expected{200, false}, expected{404, false}, expected{405, false}, expected{200, true}}) {
    const auto r = c.read_reply(head);
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->status == status);
    check_http_date(*r);
    if (etag.empty()) etag = r->header("ETag");
  }
  BOOST_REQUIRE(c.send(authed("GET", collections_url() + "/" + id, "If-None-Match: " + etag + "\r\n")));
  const auto not_modified = c.read_reply();
  BOOST_REQUIRE(not_modified.has_value());
  BOOST_TEST(not_modified->status == 304u);
  check_http_date(*not_modified);
  raw_connection bad{process->port()};
  BOOST_REQUIRE(bad.send("GET /healthz HTTP/1.1\r\nHost h\r\n\r\n"));  // no colon: unparseable
  const auto refused = bad.read_reply();
  BOOST_REQUIRE(refused.has_value());
  BOOST_TEST(refused->status == 400u);
  check_http_date(*refused);
}

BOOST_AUTO_TEST_CASE(empty_lines_before_a_request_line_are_ignored) {
  raw_connection c{process->port()};
  BOOST_REQUIRE(c.send("\r\n\r\n\n" + hidden_get + "\r\n" + hidden_get));
  for (int i = 0; i < 2; ++i) {
    const auto r = c.read_reply();
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->status == 200u);
  }
  // ...but not without end.
  raw_connection flood{process->port()};
  BOOST_REQUIRE(flood.send(std::string(2 * header_limit, '\n')));
  const auto r = flood.read_reply();
  BOOST_REQUIRE(r.has_value());
  check_envelope(*r, 400, "BAD_REQUEST");
  BOOST_TEST(flood.closed_by_server());
}

BOOST_AUTO_TEST_CASE(every_integer_of_at_least_one_day_is_clamped_to_90) {
  const std::string id = create("big numbers");
  const std::string share = collections_url() + "/" + id + "/share";
  for (const std::string days : {"90", "9223372036854775807", "18446744073709551615", "18446744073709551616",
                                 "1000000000000000000000000000000000000000000000000000000000000"}) {
    BOOST_TEST_CONTEXT(days) {
      const auto r = call("POST", share, R"({"expires_in_days":)" + days + "}");
      BOOST_TEST(r.status == 201u);
      if (r.status != 201u) continue;
      const auto v = r.json();
      const auto days_between = epoch_seconds(v.at("expires_at").as_string()) -
                                epoch_seconds(v.at("created_at").as_string());
      BOOST_TEST(days_between == 90 * 86400);
    }
  }
  for (const std::string days : {"0", "-1", "-18446744073709551616", "1.5", "1e3"})
    BOOST_TEST_CONTEXT(days) {
      const auto e = check_envelope(call("POST", share, R"({"expires_in_days":)" + days + "}"), 422, "VALIDATION_ERROR");
      BOOST_TEST(field_of(e) == "expires_in_days");
    }
}

BOOST_AUTO_TEST_CASE(the_order_route_takes_max_tracks_ids_and_other_routes_keep_the_standard_limit) {
  const std::string id = create("reorder all");
  std::string ids = R"({"ordered_track_ids":[)";
  for (int i = 0; i < 10'000; ++i) ids += (i ? ",\"mtrack_" : "\"mtrack_") + std::string(60, 'a') + std::to_string(i) + "\"";
  ids += "]}";
  BOOST_REQUIRE(ids.size() > 64u * 1024);
  BOOST_TEST(call("PATCH", collections_url() + "/" + id + "/order", ids).status == 200u);
  const auto big = call("POST", collections_url(), R"({"name":"x","description":")" + std::string(70'000, 'd') + "\"}");
  check_envelope(big, 413, "PAYLOAD_TOO_LARGE");
}

BOOST_AUTO_TEST_SUITE_END()
