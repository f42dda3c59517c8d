// Standbys (docs/replication.md, SPEC §11), over real processes on loopback: a standby
// bootstraps from the primary's backup and converges under writes; reads on it wait for
// X-Mixtape-Min-Seq; writes are NOT_PRIMARY; it survives kill -9 mid-stream and a
// compaction past it; --sync-replicas holds acknowledgements (a paused standby gives
// "outcome unknown", then the keyed retry returns the one result); a killed primary's
// standby is promoted with every acknowledged write; the old primary rejoins with its
// diverged tail set aside; wrong keys and wrong peers are refused clearly, without spinning.
#define BOOST_TEST_MODULE integration_replication
#include <signal.h>
#include <sys/socket.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include <boost/asio.hpp>

#include "collections_support.hpp"
#include "realistic_state.hpp"
#include "support/wait.hpp"

using namespace mixtape::test;

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

std::string url_of(const server_process& p) { return "http://127.0.0.1:" + std::to_string(p.port()); }

std::vector<std::string> follow(const server_process& primary, std::vector<std::string> more = {}) {
  std::vector<std::string> args{"--replicate-from", url_of(primary), "--replication-key", replication_key};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// The node's {"role","epoch","seq","lag_ms"} (from /primary, which answers it either way).
json::object role_of(const server_process& p) {
  http_client c{p.port()};
  return c.request("GET", "/primary").json().as_object();
}

std::uint64_t seq_of(const server_process& p) { return static_cast<std::uint64_t>(role_of(p).at("seq").as_int64()); }

// Until the standby has applied everything the primary has.
bool caught_up(const server_process& standby, const server_process& primary, std::chrono::milliseconds limit = 20s) {
  const auto target = seq_of(primary);
  return wait_until([&] { return seq_of(standby) >= target; }, limit);
}

std::uint64_t metric(const server_process& p, const std::string& name) {
  http_client c{p.port()};
  const auto body = c.request("GET", "/metrics").body;
  const auto at = body.find("\n" + name + " ");
  BOOST_REQUIRE_MESSAGE(at != std::string::npos, name);
  return std::stoull(body.substr(at + name.size() + 2));
}

bool has_file_containing(const std::string& dir, const std::string& part) {
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().filename().string().find(part) != std::string::npos) return true;
  return false;
}

// A live_server's view of another process on another directory (a standby): for observe().
struct view {
  explicit view(std::unique_ptr<server_process> p) : s{{"--help"}} {
    s.process = std::move(p);
    s.client = std::make_unique<http_client>(s.process->port());
  }
  live_server s;
};

std::unique_ptr<server_process> start_standby(const std::string& dir, const server_process& primary,
                                              std::vector<std::string> more = {}) {
  write_test_keys(dir + "/keys.json");
  return std::make_unique<server_process>(dir, follow(primary, std::move(more)));
}

// A free loopback port (bound, then closed), for a server that must know its own URL first.
std::uint16_t free_port() {
  asio::io_context io;
  asio::ip::tcp::acceptor a{io, {asio::ip::make_address("127.0.0.1"), 0}};
  return a.local_endpoint().port();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(replication)

BOOST_AUTO_TEST_CASE(a_standby_bootstraps_converges_under_writes_and_serves_every_read_the_primary_does) {
  live_server primary{{"--compact-bytes", "4096"}};
  BOOST_REQUIRE(primary.process->started());
  for (int i = 0; i < 5; ++i) BOOST_REQUIRE(!primary.create("Before " + std::to_string(i)).empty());
  BOOST_REQUIRE(primary.process->wait_for_stderr("primary"));
  temp_dir standby_dir;
  view standby{start_standby(standby_dir.path(), *primary.process)};
  BOOST_REQUIRE(standby.s.process->started());
  BOOST_REQUIRE(standby.s.process->wait_for_stderr("bootstrapped"));
  BOOST_REQUIRE(standby.s.process->wait_for_stderr("following the primary"));

  // Writes go on while the state is built: carol in her own org, all through.
  std::atomic<bool> stop{false};
  std::atomic<int> carol{0};
  std::thread writer{[&] {
    http_client c{primary.process->port()};
    for (int i = 0; !stop.load(); ++i)
      if (c.request("POST", "/v1/music/org_other/collections", R"({"name":"C)" + std::to_string(i) + "\"}",
                    key_header(carol_key)).status == 201)
        carol.fetch_add(1);
  }};
  const state st = build_state(primary);
  BOOST_REQUIRE(primary.process->wait_for_stderr("compaction done"));
  BOOST_REQUIRE(wait_until([&] { return carol.load() >= 50; }, 20s));
  stop = true;
  writer.join();

  // Every write answers its seq; a read with it as X-Mixtape-Min-Seq sees the write on the standby.
  const auto made = primary.call("POST", primary.collections_url(), R"({"name":"Read your writes"})");
  BOOST_REQUIRE_EQUAL(made.status, 201u);
  const std::string seq = made.header("X-Mixtape-Seq");
  BOOST_REQUIRE(!seq.empty());
  const std::string id{made.json().at("id").as_string()};
  const auto read = standby.s.client->request("GET", coll_url(primary, id), "",
                                              {{"X-API-Key", alice_key}, {"X-Mixtape-Min-Seq", seq}});
  BOOST_TEST(read.status == 200u, read.body);
  BOOST_TEST(read.header("ETag") == made.header("ETag"));
  // A seq far ahead waits --read-wait-ms, then 503 with Retry-After.
  const auto ahead = standby.s.client->request("GET", coll_url(primary, id), "",
                                               {{"X-API-Key", alice_key}, {"X-Mixtape-Min-Seq", "999999999"}});
  check_envelope(ahead, 503, "SERVICE_UNAVAILABLE");
  BOOST_TEST(ahead.header("Retry-After") == "1");
  check_422(standby.s.client->request("GET", coll_url(primary, id), "", {{"X-API-Key", alice_key}, {"X-Mixtape-Min-Seq", "x"}}),
            "X-Mixtape-Min-Seq");

  BOOST_REQUIRE(caught_up(*standby.s.process, *primary.process));
  // Every read alike, ETags included (keyed retries are writes: the primary's alone).
  BOOST_TEST(observe(standby.s, st, {true, false}) == observe(primary, st, {true, false}));
  BOOST_TEST(standby.s.call("GET", "/v1/music/org_other/collections?limit=100", "", carol_key).body ==
             primary.call("GET", "/v1/music/org_other/collections?limit=100", "", carol_key).body);

  // Writes on the standby: 503 NOT_PRIMARY naming the primary, Retry-After: 1.
  const auto refused = standby.s.call("POST", primary.collections_url(), R"({"name":"No"})");
  const auto e = check_envelope(refused, 503, "NOT_PRIMARY");
  BOOST_TEST(e.at("details").at("primary").as_string() == url_of(*primary.process));
  BOOST_TEST(refused.header("Retry-After") == "1");
  check_envelope(standby.s.call("DELETE", coll_url(primary, id)), 503, "NOT_PRIMARY");
  check_envelope(standby.s.client->request("POST", "/admin/v1/orgs/org_abc123/freeze", "", key_header(admin_key)), 503,
                 "NOT_PRIMARY");

  // Roles for load balancers.
  http_client pc{primary.process->port()}, sc{standby.s.process->port()};
  BOOST_TEST(pc.request("GET", "/primary").status == 200u);
  BOOST_TEST(pc.request("GET", "/replica").status == 503u);
  BOOST_TEST(sc.request("GET", "/primary").status == 503u);
  const auto replica = sc.request("GET", "/replica");
  BOOST_TEST(replica.status == 200u);
  BOOST_TEST(replica.json().at("role").as_string() == "standby");
  BOOST_TEST(replica.json().at("epoch") == role_of(*primary.process).at("epoch"));
  BOOST_TEST(metric(*standby.s.process, "mixtape_replication_primary") == 0u);
  BOOST_TEST(metric(*primary.process, "mixtape_replication_standbys_in_sync") == 1u);
}

BOOST_AUTO_TEST_CASE(a_standby_killed_mid_stream_three_times_catches_up_with_nothing_applied_twice) {
  live_server primary;
  BOOST_REQUIRE(primary.process->started());
  const std::string id = primary.create("Growing");
  temp_dir dir;
  std::atomic<bool> stop{false};
  std::atomic<int> added{0};
  std::thread writer{[&] {
    http_client c{primary.process->port()};
    for (int i = 0; !stop.load() && i < 9000; ++i)
      if (c.request("POST", coll_url(primary, id) + "/tracks", R"({"track_id":"mtrack_k)" + std::to_string(i) + "\"}",
                    key_header(alice_key)).status == 200)
        added.fetch_add(1);
  }};
  BOOST_REQUIRE(wait_until([&] { return added.load() > 0; }, 10s));
  for (int round = 0; round < 3; ++round) {
    auto standby = start_standby(dir.path(), *primary.process);
    BOOST_REQUIRE(standby->started());
    BOOST_REQUIRE(standby->wait_for_stderr("following the primary"));
    const int seen = added.load();
    // Mid-stream: records are arriving while it dies.
    BOOST_REQUIRE(wait_until([&] { return seq_of(*standby) > static_cast<std::uint64_t>(seen) + 1; }, 20s));
    standby->kill_hard();
  }
  stop = true;
  writer.join();
  // Its recovery refuses a journal with a seq twice or missing: that it starts is the proof.
  auto standby = start_standby(dir.path(), *primary.process);
  BOOST_REQUIRE(standby->started());
  BOOST_TEST(standby->stderr_text().find("bootstrapping") == std::string::npos);  // it resumed, never re-bootstrapped
  BOOST_REQUIRE(caught_up(*standby, *primary.process));
  http_client c{standby->port()};
  const auto got = c.request("GET", coll_url(primary, id), "", key_header(alice_key));
  BOOST_TEST(got.json().at("track_count").as_int64() == added.load());
  BOOST_TEST(got.header("ETag") == primary.call("GET", coll_url(primary, id)).header("ETag"));
  BOOST_TEST(c.request("GET", coll_url(primary, id) + "/tracks?limit=500", "", key_header(alice_key)).body ==
             primary.call("GET", coll_url(primary, id) + "/tracks?limit=500").body);
}

BOOST_AUTO_TEST_CASE(a_standby_the_primary_compacted_past_bootstraps_again) {
  live_server primary{{"--compact-bytes", "4096"}};
  BOOST_REQUIRE(primary.process->started());
  const std::string id = primary.create("Long");
  temp_dir dir;
  auto standby = start_standby(dir.path(), *primary.process);
  BOOST_REQUIRE(standby->wait_for_stderr("following the primary"));
  BOOST_REQUIRE(caught_up(*standby, *primary.process));
  BOOST_REQUIRE_EQUAL(standby->stop(SIGTERM), 0);
  // Two compactions while it is away: the records after its seq are in no journal file.
  write_past_a_compaction(primary, id);
  BOOST_REQUIRE(primary.process->wait_for_stderr("compaction done"));
  write_past_a_compaction(primary, primary.create("Longer"));  // new tracks: more records
  BOOST_REQUIRE(primary.process->wait_for_stderr("compaction done", 10s, 2));
  standby = start_standby(dir.path(), *primary.process);
  BOOST_REQUIRE(standby->started());
  BOOST_REQUIRE(standby->wait_for_stderr("bootstrapping again"));
  BOOST_REQUIRE(standby->wait_for_stderr("starting over"));
  BOOST_REQUIRE(standby->wait_for_stderr("following the primary", 20s));
  BOOST_REQUIRE(caught_up(*standby, *primary.process));
  BOOST_TEST(metric(*standby, "mixtape_standby_rebootstraps_total") == 1u);
  http_client c{standby->port()};
  BOOST_TEST(c.request("GET", coll_url(primary, id) + "/tracks?limit=500", "", key_header(alice_key)).body ==
             primary.call("GET", coll_url(primary, id) + "/tracks?limit=500").body);
}

BOOST_AUTO_TEST_CASE(with_sync_replicas_every_acknowledged_write_survives_kill_9_of_the_primary_and_promotion) {
  live_server primary{{"--sync-replicas", "1"}};
  BOOST_REQUIRE(primary.process->started());
  // No standby yet: a write is refused at once.
  const auto alone = primary.call("POST", primary.collections_url(), R"({"name":"Alone"})");
  check_envelope(alone, 503, "SERVICE_UNAVAILABLE");
  BOOST_TEST(!alone.header("Retry-After").empty());
  temp_dir dir;
  auto standby = start_standby(dir.path(), *primary.process);
  BOOST_REQUIRE(standby->wait_for_stderr("following the primary"));
  BOOST_REQUIRE(wait_until([&] { return primary.create("First") != ""; }, 10s));

  std::mutex m;
  std::set<std::string> acknowledged;
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w)
    writers.emplace_back([&, w] {
      for (int i = 0; !stop.load(); ++i) {
        try {
          http_client c{primary.process->port()};
          for (; !stop.load(); ++i) {
            const auto r = c.request("POST", "/v1/music/org_abc123/collections",
                                     R"({"name":"W)" + std::to_string(w) + "-" + std::to_string(i) + "\"}",
                                     {{"X-API-Key", alice_key}, {"Idempotency-Key", "w" + std::to_string(w) + "-" + std::to_string(i)}});
            if (r.status == 201) {
              std::lock_guard lock{m};
              acknowledged.insert(std::string{r.json().at("id").as_string()});
            }
          }
        } catch (const std::exception&) {  // the primary is gone
          if (stop.load()) return;
          std::this_thread::sleep_for(5ms);
        }
      }
    });
  BOOST_REQUIRE(wait_until([&] { std::lock_guard lock{m}; return acknowledged.size() >= 200; }, 20s));
  primary.process->kill_hard();
  stop = true;
  for (auto& t : writers) t.join();

  http_client c{standby->port()};
  const auto promoted = c.request("POST", "/admin/v1/promote", "", key_header(admin_key));
  BOOST_REQUIRE_MESSAGE(promoted.status == 200u, promoted.body);
  BOOST_TEST(promoted.json().at("role").as_string() == "primary");
  BOOST_TEST(c.request("GET", "/primary").status == 200u);
  for (const auto& id : acknowledged)
    BOOST_TEST(c.request("GET", "/v1/music/org_abc123/collections/" + id, "", key_header(alice_key)).status == 200u, id);
  // The new primary takes writes (it has no standby: --sync-replicas is the old primary's flag).
  const auto after = c.request("POST", "/v1/music/org_abc123/collections", R"({"name":"After"})", key_header(alice_key));
  BOOST_TEST(after.status == 201u, after.body);
  BOOST_TEST(std::stoull(after.header("X-Mixtape-Seq")) > std::stoull(std::string{promoted.header("X-Mixtape-Seq")}));
}

BOOST_AUTO_TEST_CASE(a_paused_sole_standby_gives_outcome_unknown_and_the_keyed_retry_returns_the_one_result) {
  live_server primary{{"--sync-replicas", "1", "--sync-timeout-ms", "500"}};
  BOOST_REQUIRE(primary.process->started());
  temp_dir dir;
  auto standby = start_standby(dir.path(), *primary.process);
  BOOST_REQUIRE(standby->wait_for_stderr("following the primary"));
  BOOST_REQUIRE(wait_until([&] { return primary.create("Synced") != ""; }, 10s));
  const header_list keyed_headers{{"X-API-Key", alice_key}, {"Idempotency-Key", "paused-1"}};
  ::kill(standby->pid(), SIGSTOP);
  const auto unknown = primary.client->request("POST", primary.collections_url(), R"({"name":"Paused"})", keyed_headers);
  const auto e = check_envelope(unknown, 503, "SERVICE_UNAVAILABLE");
  BOOST_TEST(std::string{e.at("system_message").as_string()}.find("outcome is unknown") != std::string::npos, unknown.body);
  BOOST_TEST(!unknown.header("Retry-After").empty());
  // The standby is out of sync: the next write is refused at once, journaling nothing.
  const auto refused = primary.call("POST", primary.collections_url(), R"({"name":"Refused"})");
  const auto r = check_envelope(refused, 503, "SERVICE_UNAVAILABLE");
  BOOST_TEST(std::string{r.at("system_message").as_string()}.find("in sync") != std::string::npos, refused.body);
  ::kill(standby->pid(), SIGCONT);
  // Once confirmed, the write took effect: the keyed retry answers it, replayed.
  http_reply retry;
  BOOST_REQUIRE(wait_until([&] {
    retry = primary.client->request("POST", primary.collections_url(), R"({"name":"Paused"})", keyed_headers);
    return retry.status == 201u;
  }, 20s, 20ms));
  BOOST_TEST(retry.header("Idempotent-Replayed") == "true");
  int named = 0;
  const auto listed = primary.call("GET", primary.collections_url() + "?limit=100").json();
  for (const auto& item : listed.at("items").as_array()) named += item.at("name") == "Paused" ? 1 : 0;
  BOOST_TEST(named == 1);
  BOOST_TEST(primary.call("GET", primary.collections_url() + "?limit=100").body.find("Refused") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_old_primary_rejoins_as_a_standby_with_its_diverged_tail_set_aside) {
  temp_dir a_dir, b_dir;
  write_test_keys(a_dir.path() + "/keys.json");
  const std::uint16_t a_port = free_port();
  const std::vector<std::string> a_listen{"--listen", "127.0.0.1:" + std::to_string(a_port)};
  auto a = std::make_unique<server_process>(a_dir.path(), a_listen);
  BOOST_REQUIRE(a->started());
  http_client ac{a->port()};
  const auto kept = ac.request("POST", "/v1/music/org_abc123/collections", R"({"name":"Kept"})", key_header(alice_key));
  BOOST_REQUIRE_EQUAL(kept.status, 201u);
  auto b = start_standby(b_dir.path(), *a);
  BOOST_REQUIRE(b->wait_for_stderr("following the primary"));
  BOOST_REQUIRE(caught_up(*b, *a));
  a->kill_hard();
  http_client bc{b->port()};
  BOOST_REQUIRE_EQUAL(bc.request("POST", "/admin/v1/promote", "", key_header(admin_key)).status, 200u);
  BOOST_REQUIRE_EQUAL(bc.request("POST", "/v1/music/org_abc123/collections", R"({"name":"On B"})", key_header(alice_key)).status,
                      201u);
  // A comes back on its own first and takes writes B never saw: its history forks.
  a = std::make_unique<server_process>(a_dir.path(), a_listen);
  BOOST_REQUIRE(a->started());
  http_client ac2{a->port()};
  BOOST_REQUIRE_EQUAL(ac2.request("POST", "/v1/music/org_abc123/collections", R"({"name":"Lost"})", key_header(alice_key)).status,
                      201u);
  BOOST_REQUIRE_EQUAL(a->stop(SIGTERM), 0);
  // Now it follows B: its records past the fork are set aside, never merged.
  std::vector<std::string> args = a_listen;
  for (auto& x : follow(*b)) args.push_back(x);
  a = std::make_unique<server_process>(a_dir.path(), args);
  BOOST_REQUIRE(a->started());
  BOOST_REQUIRE(a->wait_for_stderr("forks from the primary's"));
  BOOST_REQUIRE(a->wait_for_stderr("following the primary", 20s));
  BOOST_TEST(has_file_containing(a_dir.path(), ".diverged-"));
  BOOST_REQUIRE(caught_up(*a, *b));
  http_client ac3{a->port()};
  const auto list = ac3.request("GET", "/v1/music/org_abc123/collections", "", key_header(alice_key));
  BOOST_TEST(list.body == bc.request("GET", "/v1/music/org_abc123/collections", "", key_header(alice_key)).body);
  BOOST_TEST(list.body.find("Lost") == std::string::npos);
  BOOST_TEST(list.body.find("On B") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(wrong_keys_and_wrong_peers_are_refused_clearly_without_spinning) {
  live_server primary;
  BOOST_REQUIRE(primary.process->started());
  BOOST_REQUIRE(!primary.create("Data").empty());
  http_client c{primary.process->port()};
  const header_list upgrade{{"Upgrade", "websocket"}, {"Connection", "Upgrade"}, {"Sec-WebSocket-Version", "13"},
                            {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}};
  const auto with = [&](header_list h, const std::string& key) {
    if (!key.empty()) h.emplace_back("X-API-Key", key);
    return h;
  };
  check_envelope(c.request("GET", "/admin/v1/replication?after=0", "", with(upgrade, "")), 401, "AUTHENTICATION_REQUIRED");
  check_envelope(c.request("GET", "/admin/v1/replication?after=0", "", with(upgrade, admin_key)), 403, "INSUFFICIENT_PERMISSIONS");
  check_envelope(c.request("GET", "/admin/v1/replication?after=0", "", with(upgrade, alice_key)), 403, "INSUFFICIENT_PERMISSIONS");
  check_envelope(c.request("GET", "/admin/v1/replication?after=0", "", key_header(replication_key)), 400, "BAD_REQUEST");
  check_422(c.request("GET", "/admin/v1/replication?after=x", "", with(upgrade, replication_key)), "after");
  auto other_db = with(upgrade, replication_key);
  other_db.emplace_back("X-Mixtape-Node", "abcdef");
  other_db.emplace_back("X-Mixtape-Database", "0000000000000000");
  const auto conflict = c.request("GET", "/admin/v1/replication?after=0", "", other_db);
  const auto e = check_envelope(conflict, 409, "CONFLICT");
  BOOST_TEST(e.at("details").at("reason").as_string() == "database");
  // The replication key is no music key.
  check_envelope(c.request("GET", "/v1/music/org_abc123/collections", "", key_header(replication_key)), 403,
                 "INSUFFICIENT_PERMISSIONS");

  // A standby with the wrong key: each refusal logged with its reason, attempts backing off.
  {
    temp_dir dir, logs;
    write_test_keys(dir.path() + "/keys.json");
    const pid_t pid = spawn_mixtaped({"--data-dir", dir.path(), "--listen", "127.0.0.1:0", "--replicate-from",
                                      url_of(*primary.process), "--replication-key", alice_key},
                                     logs / "out", logs / "err");
    const auto err = [&] {
      std::ifstream in(logs / "err");
      return std::string{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    };
    // No data yet: it waits for its bootstrap, logging each refusal, not listening.
    BOOST_TEST(wait_until([&] { return err().find("answered 403") != std::string::npos; }, 10s), err());
    BOOST_TEST(err().find("cannot bootstrap from the primary") != std::string::npos, err());
    BOOST_TEST(err().find("listening") == std::string::npos);
    ::kill(pid, SIGKILL);
    wait_for_exit(pid, 10s);
  }
  // A port that is not mixtape's: a clear error, then retries at a doubling interval.
  asio::io_context io;
  asio::ip::tcp::acceptor fake{io, {asio::ip::make_address("127.0.0.1"), 0}};
  std::atomic<int> attempts{0};
  std::atomic<bool> done{false};
  std::thread answer{[&] {
    for (;;) {
      boost::system::error_code ec;
      auto sock = fake.accept(ec);
      if (ec || done.load()) return;
      attempts.fetch_add(1);
      char buf[4096];
      sock.read_some(asio::buffer(buf), ec);
      asio::write(sock, asio::buffer(std::string{"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"}), ec);
    }
  }};
  temp_dir sdir;
  auto standby = start_standby(sdir.path(), *primary.process);
  BOOST_REQUIRE(standby->wait_for_stderr("following the primary"));
  BOOST_REQUIRE_EQUAL(standby->stop(SIGTERM), 0);
  write_test_keys(sdir.path() + "/keys.json");
  server_process wrong{sdir.path(), {"--replicate-from", "http://127.0.0.1:" + std::to_string(fake.local_endpoint().port()),
                                     "--replication-key", replication_key}};
  BOOST_REQUIRE(wrong.started());  // it has data: it serves reads while it retries
  BOOST_REQUIRE(wrong.wait_for_stderr("refused the replication stream", 10s, 3));
  BOOST_TEST(wrong.stderr_text().find("HTTP 200") != std::string::npos);
  const auto after_three = std::chrono::steady_clock::now();
  const int at_three = attempts.load();
  BOOST_REQUIRE(wrong.wait_for_stderr("refused the replication stream", 10s, 5));
  // 0.1 s doubling: the 4th and 5th attempts come 0.8 s and 1.6 s apart; a busy loop would make hundreds.
  BOOST_TEST((std::chrono::steady_clock::now() - after_three >= 1s));
  BOOST_TEST(attempts.load() - at_three <= 3);
  BOOST_TEST(http_client{wrong.port()}.request("GET", "/replica").status == 503u);  // not following: lagging
  wrong.kill_hard();
  done = true;
  {  // wakes the blocking accept
    asio::ip::tcp::socket poke{io};
    poke.connect(fake.local_endpoint());
  }
  answer.join();

  // Pointed at itself: recognised by its node id, not followed.
  const std::uint16_t port = free_port();
  write_test_keys(sdir.path() + "/keys.json");
  server_process self{sdir.path(), {"--listen", "127.0.0.1:" + std::to_string(port), "--replicate-from",
                                    "http://127.0.0.1:" + std::to_string(port), "--replication-key", replication_key}};
  BOOST_REQUIRE(self.started());
  BOOST_TEST(self.wait_for_stderr("points at this server itself"));
}

BOOST_AUTO_TEST_SUITE_END()
