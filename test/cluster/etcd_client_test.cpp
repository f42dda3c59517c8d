// The etcd client (cluster/etcd_client.hpp): base64 as the gateway speaks it, then leases,
// keys and guarded transactions against a real single-member etcd that the suite starts
// (/usr/bin/etcd; missing, the suite fails), and the move to the next endpoint past a dead
// or silent one.
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <utility>

#include "cluster/etcd_client.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

using namespace mixtape;
using cluster::etcd_client;
using namespace std::chrono_literals;

namespace {

const std::string etcd_binary = "/usr/bin/etcd";

// A loopback socket bound to a free port; listening on it only when asked.
struct loopback_socket {
  explicit loopback_socket(bool listen) {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), len) != 0 || (listen && ::listen(fd, 8) != 0) ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      throw std::runtime_error("cannot bind a loopback socket");
    port = ntohs(a.sin_port);
  }
  ~loopback_socket() { ::close(fd); }
  loopback_socket(const loopback_socket&) = delete;
  loopback_socket& operator=(const loopback_socket&) = delete;
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
  int fd;
  unsigned port;
};

// A port nothing listens on (bound, then closed): connecting to it is refused.
std::string dead_endpoint() { return loopback_socket{false}.url(); }

std::string read_text(const std::string& path) {
  std::ifstream in{path};
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A child process, killed (SIGKILL) and reaped at the latest when this goes.
struct child_process {
  pid_t pid = -1;
  // Its exit code (128 + SIGKILL once killed), -2 when there is none.
  int kill() {
    if (pid <= 0) return -2;
    ::kill(pid, SIGKILL);
    return test::wait_for_exit(std::exchange(pid, -1), 10s);
  }
  ~child_process() { kill(); }
};

// One etcd for the suite, on two free loopback ports, its data in a temp dir.
struct etcd_server {
  static inline etcd_server* current = nullptr;

  etcd_server() {
    BOOST_TEST_REQUIRE(std::filesystem::exists(etcd_binary),
                       etcd_binary + " is missing: these tests need etcd 3.4 installed (apt-get install etcd-server)");
    std::string client = dead_endpoint(), peer = dead_endpoint();
    while (peer == client) peer = dead_endpoint();
    endpoint = client;
    etcd.pid = test::spawn_process({etcd_binary, "--name", "t", "--data-dir", dir / "data", "--listen-client-urls",
                                    client, "--advertise-client-urls", client, "--listen-peer-urls", peer,
                                    "--initial-advertise-peer-urls", peer, "--initial-cluster", "t=" + peer},
                                   dir / "out", dir / "err");
    auto c = etcd_client::connect({client}, 1s);
    BOOST_TEST_REQUIRE(c.ok());
    int exited = -1;  // its exit code should it exit while starting
    const bool answered = test::wait_until(
        [&] {
          if (c->range_prefix("/").ok()) return true;
          if ((exited = test::wait_for_exit(etcd.pid, 0ms)) != -1) etcd.pid = -1;
          return exited != -1;
        },
        30s, 50ms);
    BOOST_TEST_REQUIRE((answered && exited == -1),
                       (exited == -1 ? "etcd did not answer within 30 s: " : "etcd exited (" + std::to_string(exited) + "): ") +
                           read_text(dir / "err"));
    current = this;
  }
  ~etcd_server() {
    current = nullptr;
    BOOST_TEST(etcd.kill() == 128 + SIGKILL);
  }

  test::temp_dir dir;
  child_process etcd;  // after dir: killed before its data goes
  std::string endpoint;
};

etcd_client client(std::vector<std::string> endpoints = {}, std::chrono::milliseconds timeout = 2s) {
  if (endpoints.empty()) endpoints = {etcd_server::current->endpoint};
  auto c = etcd_client::connect(endpoints, timeout);
  BOOST_TEST_REQUIRE(c.ok());
  return std::move(c).value();
}

template <class T>
T value_of(core::result<T> r) {
  BOOST_TEST_REQUIRE(r.ok(), (r.ok() ? "" : r.error().message));
  return std::move(r).value();
}

// The value of `key`, "(absent)" when there is none.
std::string value_at(etcd_client& c, std::string_view key) {
  const auto kv = value_of(c.get(key));
  return kv ? kv->value : "(absent)";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(base64)

BOOST_AUTO_TEST_CASE(known_values_and_the_three_padding_cases) {
  BOOST_TEST(cluster::base64_encode("") == "");
  BOOST_TEST(cluster::base64_encode("f") == "Zg==");
  BOOST_TEST(cluster::base64_encode("fo") == "Zm8=");
  BOOST_TEST(cluster::base64_encode("foo") == "Zm9v");
  BOOST_TEST(cluster::base64_encode("foobar") == "Zm9vYmFy");
  BOOST_TEST(cluster::base64_encode("\xfb\xff") == "+/8=");
  for (const std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"})
    BOOST_TEST(cluster::base64_decode(cluster::base64_encode(s)).value_or("(refused)") == s);
}

BOOST_AUTO_TEST_CASE(every_byte_value_round_trips) {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  for (std::size_t cut : {0u, 1u, 2u}) {  // 256, 255, 254 bytes: each padding
    const std::string s = all.substr(cut);
    const auto back = cluster::base64_decode(cluster::base64_encode(s));
    BOOST_REQUIRE(back.has_value());
    BOOST_TEST((*back == s));
  }
}

BOOST_AUTO_TEST_CASE(bad_input_is_refused) {
  for (const char* bad : {"Z", "Zg", "Zg=", "Zg===", "Z===", "====", "Zg=a", "Zg==Zg==", "Zm9!", "Zm 9", "Zm9\n", "Zm9v-_AA"})
    BOOST_TEST(!cluster::base64_decode(bad).has_value(), bad);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(connect_wants_http_urls) {
  BOOST_TEST((etcd_client::connect({}, 1s).error().code == core::errc::validation_failed));
  BOOST_TEST((etcd_client::connect({"127.0.0.1:2379"}, 1s).error().code == core::errc::validation_failed));
}

BOOST_AUTO_TEST_SUITE(etcd, *boost::unit_test::fixture<etcd_server>())

BOOST_AUTO_TEST_CASE(a_lease_is_renewed_until_revoked) {
  auto c = client();
  const auto lease = value_of(c.grant(30s));
  BOOST_TEST(lease != 0);
  BOOST_TEST(value_of(c.keep_alive(lease)) == 30);
  value_of(c.revoke(lease));
  BOOST_TEST(value_of(c.keep_alive(lease)) == 0);
}

BOOST_AUTO_TEST_CASE(a_key_on_a_lease_goes_with_it) {
  auto c = client();
  const auto lease = value_of(c.grant(30s));
  value_of(c.put("/lease/k", "v", lease));
  auto got = value_of(c.get("/lease/k"));
  BOOST_REQUIRE(got.has_value());
  BOOST_TEST(got->value == "v");
  BOOST_TEST(got->lease == lease);
  value_of(c.revoke(lease));
  BOOST_TEST(!value_of(c.get("/lease/k")).has_value());
}

BOOST_AUTO_TEST_CASE(create_only_creates_an_absent_key) {
  auto c = client();
  const auto lease = value_of(c.grant(30s));
  const auto created = value_of(c.create("/create/k", "first", lease));
  BOOST_REQUIRE(created.has_value());
  BOOST_TEST(!value_of(c.create("/create/k", "second", lease)).has_value());
  const auto got = value_of(c.get("/create/k"));
  BOOST_REQUIRE(got.has_value());
  BOOST_TEST(got->value == "first");
  BOOST_TEST(got->create_revision == *created);
  BOOST_TEST(got->lease == lease);
}

BOOST_AUTO_TEST_CASE(range_prefix_returns_only_the_keys_under_it) {
  auto c = client();
  for (const char* k : {"/range/a/b/x", "/range/a/bb", "/range/a/c"}) value_of(c.put(k, std::string{"value of "} + k));
  const auto r = value_of(c.range_prefix("/range/a/b/"));
  BOOST_REQUIRE(r.kvs.size() == 1u);
  BOOST_TEST(r.kvs[0].key == "/range/a/b/x");
  BOOST_TEST(r.kvs[0].value == "value of /range/a/b/x");
  BOOST_TEST(r.revision >= r.kvs[0].mod_revision);
  BOOST_TEST(value_of(c.range_prefix("/range/a/b")).kvs.size() == 2u);
  BOOST_TEST(value_of(c.range_prefix("/range/none/")).kvs.empty());
}

BOOST_AUTO_TEST_CASE(put_if_and_delete_if_hold_only_while_the_guard_does) {
  auto c = client();
  const auto guard = *value_of(c.create("/guard/leader", "me", 0));
  BOOST_TEST(value_of(c.put_if("/guard/sync", "one", "/guard/leader", guard)));
  BOOST_TEST(value_at(c, "/guard/sync") == "one");
  BOOST_TEST(!value_of(c.put_if("/guard/sync", "two", "/guard/leader", guard + 1000)));
  BOOST_TEST(value_at(c, "/guard/sync") == "one");
  // The guard deleted and created again: the old revision no longer holds.
  BOOST_TEST(!value_of(c.delete_if("/guard/leader", guard + 1000)));
  BOOST_TEST(value_of(c.get("/guard/leader")).has_value());
  BOOST_TEST(value_of(c.delete_if("/guard/leader", guard)));
  BOOST_TEST(!value_of(c.get("/guard/leader")).has_value());
  const auto again = *value_of(c.create("/guard/leader", "other", 0));
  BOOST_TEST(again > guard);
  BOOST_TEST(!value_of(c.put_if("/guard/sync", "three", "/guard/leader", guard)));
  BOOST_TEST(!value_of(c.delete_if("/guard/leader", guard)));
  BOOST_TEST(value_at(c, "/guard/sync") == "one");
  BOOST_TEST(value_at(c, "/guard/leader") == "other");
}

BOOST_AUTO_TEST_CASE(a_dead_first_endpoint_is_passed_over) {
  auto c = client({dead_endpoint(), etcd_server::current->endpoint});
  value_of(c.put("/failover/k", "v"));
  BOOST_TEST(c.endpoint() == etcd_server::current->endpoint);
  BOOST_TEST(value_at(c, "/failover/k") == "v");
}

// A member that accepts the connection but never answers costs the timeout, not a hang.
BOOST_AUTO_TEST_CASE(a_silent_first_endpoint_is_passed_over_after_the_timeout) {
  loopback_socket silent{true};  // the kernel completes the handshake; nobody reads
  auto c = client({silent.url(), etcd_server::current->endpoint}, 300ms);
  auto put = std::async(std::launch::async, [&] { return c.put("/silent/k", "v"); });
  if (put.wait_for(10s) != std::future_status::ready) {
    BOOST_ERROR("a request to a silent member is not bounded by the timeout");
    ::shutdown(silent.fd, SHUT_RDWR);  // resets the connection: the request goes on
  }
  value_of(put.get());
  BOOST_TEST(c.endpoint() == etcd_server::current->endpoint);
}

BOOST_AUTO_TEST_CASE(only_dead_endpoints_fail_unavailable_naming_them) {
  const std::string a = dead_endpoint(), b = dead_endpoint();
  auto c = client({a, b}, 1s);
  const auto started = std::chrono::steady_clock::now();
  const auto r = c.put("/dead/k", "v");
  BOOST_TEST((std::chrono::steady_clock::now() - started < 10s));
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST((r.error().code == core::errc::unavailable));
  BOOST_TEST(r.error().message.find(a) != std::string::npos, r.error().message);
  BOOST_TEST(r.error().message.find(b) != std::string::npos, r.error().message);
}

BOOST_AUTO_TEST_SUITE_END()
