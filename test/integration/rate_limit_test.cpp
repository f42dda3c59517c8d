// Rate limits against the real binary (issue 13; README.md, "Rate limits"): a bucket per
// API key shared by every I/O thread (exactly `burst` requests pass however they are spread
// over connections and threads), the X-RateLimit-* headers on every answer where a limit
// applies, 429 RATE_LIMITED with a Retry-After that is long enough, refused writes not
// journaled, the per-client-IP bucket of share links (X-Forwarded-For only from
// --trusted-proxies) and its bounded table, and per-key limits reloaded on SIGHUP.
#define BOOST_TEST_MODULE integration_rate_limits
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <boost/json.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <thread>

#include "support/envelope.hpp"
#include "support/fixture.hpp"
#include "support/files.hpp"

using namespace mixtape::test;
namespace json = boost::json;

namespace {

const std::string list_url = "/v1/music/" + org + "/collections";

std::uint64_t metric(http_client& c, const std::string& line_start) {
  const std::string body = c.request("GET", "/metrics").body;
  const auto at = body.find("\n" + line_start + " ");
  return at == std::string::npos ? 0 : std::stoull(body.substr(at + line_start.size() + 2));
}

// The rate headers under both names (the rate-limiting page's and the debugging page's)
// carry the same values, and Limit is `limit` (the requests allowed per minute).
void check_rate_headers(const http_reply& r, const std::string& limit) {
  BOOST_TEST(r.header("X-RateLimit-Limit") == limit);
  BOOST_TEST(r.header("x-ratelimit-limit-requests") == limit);
  BOOST_TEST(r.header("x-ratelimit-remaining-requests") == r.header("X-RateLimit-Remaining"));
  BOOST_TEST(r.header("x-ratelimit-reset-requests") == r.header("X-RateLimit-Reset"));
  BOOST_TEST(!r.header("X-RateLimit-Remaining").empty());
}

// A 429 in the envelope, with Retry-After and the rate headers (Remaining 0).
void check_429(const http_reply& r, const std::string& limit) {
  const auto e = check_envelope(r, 429, "RATE_LIMITED");
  BOOST_TEST(e.at("type").as_string() == "client_error");
  BOOST_TEST(std::stoi(r.header("Retry-After")) >= 1, r.header("Retry-After"));
  check_rate_headers(r, limit);
  BOOST_TEST(r.header("X-RateLimit-Remaining") == "0");
}

// X-RateLimit-Reset is epoch seconds, between now and `horizon` seconds from now.
void check_reset(const http_reply& r, std::int64_t horizon) {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  const auto reset = std::stoll(r.header("X-RateLimit-Reset"));
  BOOST_TEST(reset >= now - 1);
  BOOST_TEST(reset <= now + horizon + 1);
}

std::string share_token(live_server& s) {
  const std::string id = s.create("Shared");
  const auto r = s.call("POST", list_url + "/" + id + "/share", R"({"visibility":"public"})");
  BOOST_REQUIRE_MESSAGE(r.status == 201u, r.body);
  return std::string{r.json().at("token").as_string()};
}

http_reply resolve(http_client& c, const std::string& token, const header_list& headers = {}) {
  return c.request("GET", "/v1/music/shared/" + token, "", headers);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(key_limits)

BOOST_AUTO_TEST_CASE(exactly_burst_requests_pass_across_connections_and_threads) {
  constexpr int burst = 24, clients = 6, each = 8;
  live_server s{{"--threads", "4", "--rate-limit", "1", "--rate-burst", std::to_string(burst)}};
  BOOST_REQUIRE(s.process->started());
  std::vector<std::vector<http_reply>> replies(clients);
  std::vector<std::unique_ptr<http_client>> conns;
  for (int c = 0; c < clients; ++c) {
    conns.push_back(std::make_unique<http_client>(s.process->port()));
    conns.back()->request("GET", "/healthz");  // connected (and spread by the kernel) before the burst
  }
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c)
    threads.emplace_back([&, c] {
      for (int i = 0; i < each; ++i) replies[c].push_back(conns[c]->request("GET", list_url, "", key_header(alice_key)));
    });
  for (auto& t : threads) t.join();
  std::multiset<int> remaining;
  int refused = 0;
  for (const auto& per_client : replies)
    for (const auto& r : per_client) {
      check_rate_headers(r, "1");  // --rate-limit 1: one request a minute, whatever the burst
      if (r.status == 200) remaining.insert(std::stoi(r.header("X-RateLimit-Remaining")));
      else {
        check_429(r, "1");
        ++refused;
      }
    }
  BOOST_TEST(remaining.size() == static_cast<std::size_t>(burst));
  BOOST_TEST(refused == clients * each - burst);
  // Each token was taken once: the Remaining values are burst-1 .. 0, each exactly once.
  std::multiset<int> expected;
  for (int i = 0; i < burst; ++i) expected.insert(i);
  BOOST_TEST((remaining == expected));
  http_client probe{s.process->port()};
  BOOST_TEST(metric(probe, R"(mixtape_rate_limited_total{route="/v1/music/{org}/collections"})") ==
             static_cast<std::uint64_t>(refused));
  // Another key has a bucket of its own.
  BOOST_TEST(s.call("GET", list_url, "", bob_key).status == 200u);
}

BOOST_AUTO_TEST_CASE(limit_is_the_requests_per_minute_and_remaining_what_may_be_sent_now) {
  live_server s{{"--rate-limit", "60", "--rate-burst", "3"}};
  BOOST_REQUIRE(s.process->started());
  for (int i = 0; i < 3; ++i) {
    const auto r = s.call("GET", list_url);
    BOOST_TEST(r.status == 200u);
    check_rate_headers(r, "60");
    BOOST_TEST(r.header("X-RateLimit-Remaining") == std::to_string(2 - i));
    check_reset(r, 3);
  }
  check_429(s.call("GET", list_url), "60");
}

BOOST_AUTO_TEST_CASE(a_retry_after_retry_after_seconds_succeeds) {
  live_server s{{"--rate-limit", "60", "--rate-burst", "2"}};  // a token a second
  BOOST_REQUIRE(s.process->started());
  const auto first = s.call("GET", list_url);
  BOOST_TEST(first.status == 200u);
  BOOST_TEST(first.header("X-RateLimit-Remaining") == "1");
  check_reset(first, 2);
  BOOST_TEST(s.call("GET", list_url).status == 200u);
  const auto refused = s.call("GET", list_url);
  check_429(refused, "60");
  check_reset(refused, 2);
  const int wait = std::stoi(refused.header("Retry-After"));
  BOOST_TEST(wait <= 2);
  std::this_thread::sleep_for(std::chrono::seconds(wait));  // what a client is told to do
  const auto retried = s.call("GET", list_url);
  BOOST_TEST(retried.status == 200u, retried.body);
  BOOST_TEST(retried.header("X-RateLimit-Remaining") == "0");
}

BOOST_AUTO_TEST_CASE(a_refused_write_executes_nothing_and_is_not_journaled) {
  live_server s{{"--rate-limit", "1", "--rate-burst", "2"}};
  BOOST_REQUIRE(s.process->started());
  BOOST_TEST(!s.create("one").empty());
  BOOST_TEST(!s.create("two").empty());
  const auto r = s.call("POST", list_url, R"({"name":"three"})");
  check_429(r, "1");
  BOOST_TEST(metric(*s.client, "mixtape_journal_records_total") == 2u);
  BOOST_TEST(metric(*s.client, "mixtape_collections") == 2u);
  // Refusals before the limit (401) carry no rate headers: no key, no bucket.
  const auto unauthenticated = s.call("GET", list_url, "", "mxt_unknown");
  BOOST_TEST(unauthenticated.status == 401u);
  BOOST_TEST(unauthenticated.header("X-RateLimit-Limit").empty());
}

BOOST_AUTO_TEST_CASE(per_key_limits_come_from_the_keys_file_and_reload_on_sighup) {
  live_server s;
  BOOST_REQUIRE(s.process->started());
  for (int i = 0; i < 5; ++i) {
    const auto r = s.call("GET", list_url);
    BOOST_TEST(r.status == 200u);
    BOOST_TEST(r.header("X-RateLimit-Limit").empty());  // off by default: no headers at all
  }
  const std::string path = s.dir.path() + "/keys.json";
  auto keys = json::parse(read_file(path));
  for (auto& k : keys.at("keys").as_array())
    if (k.at("id") == "key_alice") k.as_object()["rate_limit"] = json::object{{"per_minute", 1}, {"burst", 3}};
  std::ofstream(path, std::ios::trunc) << json::serialize(keys);
  ::kill(s.process->pid(), SIGHUP);
  BOOST_REQUIRE(s.process->wait_for_stderr("keys reloaded"));
  for (int i = 0; i < 3; ++i) {
    const auto r = s.call("GET", list_url);
    BOOST_TEST(r.status == 200u);
    BOOST_TEST(r.header("X-RateLimit-Remaining") == std::to_string(2 - i));
  }
  check_429(s.call("GET", list_url), "1");
  const auto bob = s.call("GET", list_url, "", bob_key);
  BOOST_TEST(bob.status == 200u);
  BOOST_TEST(bob.header("X-RateLimit-Limit").empty());
}

BOOST_AUTO_TEST_CASE(a_keys_file_limit_of_zero_exempts_a_key_from_the_default) {
  live_server s{{"--rate-limit", "1", "--rate-burst", "1"}};
  BOOST_REQUIRE(s.process->started());
  const std::string path = s.dir.path() + "/keys.json";
  auto keys = json::parse(read_file(path));
  for (auto& k : keys.at("keys").as_array())
    if (k.at("id") == "key_bob") k.as_object()["rate_limit"] = json::object{{"per_minute", 0}};
  std::ofstream(path, std::ios::trunc) << json::serialize(keys);
  ::kill(s.process->pid(), SIGHUP);
  BOOST_REQUIRE(s.process->wait_for_stderr("keys reloaded"));
  for (int i = 0; i < 3; ++i) BOOST_TEST(s.call("GET", list_url, "", bob_key).status == 200u);
  BOOST_TEST(s.call("GET", list_url).status == 200u);
  check_429(s.call("GET", list_url), "1");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(share_limits)

BOOST_AUTO_TEST_CASE(share_links_are_limited_per_client_address_by_default) {
  live_server s;  // 60 a minute, burst 30
  BOOST_REQUIRE(s.process->started());
  const std::string token = share_token(s);
  http_client from_a{s.process->port(), "127.0.0.1"};
  for (int i = 0; i < 30; ++i) {
    const auto r = resolve(from_a, token);
    BOOST_TEST(r.status == 200u);
    check_rate_headers(r, "60");  // 60 a minute (the burst is 30)
    BOOST_TEST(r.header("X-RateLimit-Remaining") == std::to_string(29 - i));
  }
  check_429(resolve(from_a, token), "60");
  check_429(resolve(from_a, "an-unknown-token"), "60");  // unknown tokens count too: no guessing spree
  http_client from_b{s.process->port(), "127.0.0.2"};
  const auto other = resolve(from_b, token);
  BOOST_TEST(other.status == 200u);
  BOOST_TEST(other.header("X-RateLimit-Remaining") == "29");
  // Authenticated routes are not limited by it.
  BOOST_TEST(s.call("GET", list_url).header("X-RateLimit-Limit").empty());
  BOOST_TEST(metric(*s.client, R"(mixtape_rate_limited_total{route="/v1/music/shared/{token}"})") == 2u);
}

BOOST_AUTO_TEST_CASE(x_forwarded_for_counts_only_from_trusted_proxies) {
  live_server s{{"--share-rate-limit", "1", "--share-rate-burst", "2", "--trusted-proxies", "127.0.0.1, 10.9.0.0/16"}};
  BOOST_REQUIRE(s.process->started());
  const std::string token = share_token(s);
  http_client proxy{s.process->port(), "127.0.0.1"};
  const header_list client_1{{"X-Forwarded-For", "203.0.113.1"}};
  const header_list client_2{{"X-Forwarded-For", "198.51.100.7, 203.0.113.2, 10.9.1.1"}};  // 10.9.1.1: a trusted hop
  for (int i = 0; i < 2; ++i) BOOST_TEST(resolve(proxy, token, client_1).status == 200u);
  check_429(resolve(proxy, token, client_1), "1");
  for (int i = 0; i < 2; ++i) BOOST_TEST(resolve(proxy, token, client_2).status == 200u);
  check_429(resolve(proxy, token, {{"X-Forwarded-For", "203.0.113.2"}}), "1");  // the same client as client_2
  // From an address that is not a trusted proxy the header is ignored: one bucket.
  http_client direct{s.process->port(), "127.0.0.5"};
  BOOST_TEST(resolve(direct, token, {{"X-Forwarded-For", "192.0.2.1"}}).status == 200u);
  BOOST_TEST(resolve(direct, token, {{"X-Forwarded-For", "192.0.2.2"}}).status == 200u);
  check_429(resolve(direct, token, {{"X-Forwarded-For", "192.0.2.3"}}), "1");
}

BOOST_AUTO_TEST_CASE(the_address_table_stays_within_its_bound) {
  live_server s{{"--share-rate-limit", "1", "--share-rate-burst", "1", "--share-rate-max-ips", "64"}};
  BOOST_REQUIRE(s.process->started());
  const std::string token = share_token(s);
  std::string last;
  for (int i = 0; i < 400; ++i) {
    last = "127.1." + std::to_string(i / 200) + "." + std::to_string(i % 200 + 1);
    http_client c{s.process->port(), last};
    const auto r = resolve(c, token);
    BOOST_TEST_REQUIRE(r.status == 200u, last << ": " << r.body);
  }
  const auto tracked = metric(*s.client, "mixtape_rate_limit_tracked_ips");
  BOOST_TEST(tracked > 0u);
  BOOST_TEST(tracked <= 64u);
  http_client again{s.process->port(), last};  // the newest bucket is kept: still empty
  check_429(resolve(again, token), "1");
}

BOOST_AUTO_TEST_CASE(share_limit_zero_turns_it_off) {
  live_server s{{"--share-rate-limit", "0"}};
  BOOST_REQUIRE(s.process->started());
  const std::string token = share_token(s);
  for (int i = 0; i < 40; ++i) {
    const auto r = resolve(*s.client, token);
    BOOST_TEST_REQUIRE(r.status == 200u);
    BOOST_TEST(r.header("X-RateLimit-Limit").empty());
  }
}

BOOST_AUTO_TEST_SUITE_END()
