// Running as a service: the systemd notify protocol, the drain on SIGTERM, access logs,
// metrics after traffic, and the exposition as Prometheus's own linter reads it (promtool
// from Debian's prometheus package: missing, the case is skipped, unless
// MIXTAPE_REQUIRE_PROMTOOL is set, as tools/test.sh does after installing it).
#define BOOST_TEST_MODULE integration_operations
#include <boost/test/unit_test.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "support/files.hpp"
#include "support/fixture.hpp"
#include "support/temp_dir.hpp"

using namespace mixtape::test;
namespace asio = boost::asio;

namespace {

// A Unix datagram socket standing in for systemd's notify socket.
class notify_socket {
 public:
  explicit notify_socket(const std::string& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    BOOST_REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    timeval tv{0, 100'000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~notify_socket() { ::close(fd_); }

  // Reads datagrams until one equals `message` or `timeout` passes.
  bool wait_for(const std::string& message, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      char buf[256];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n > 0) {
        received_.emplace_back(buf, static_cast<std::size_t>(n));
        if (received_.back() == message) return true;
      }
    }
    return false;
  }
  const std::vector<std::string>& received() const { return received_; }

 private:
  std::string path_;
  int fd_ = -1;
  std::vector<std::string> received_;
};

// True once `socket` has something to read (bytes, or the peer's close) within `limit`.
bool readable_within(asio::ip::tcp::socket& socket, std::chrono::milliseconds limit) {
  pollfd p{socket.native_handle(), POLLIN, 0};
  return ::poll(&p, 1, static_cast<int>(limit.count())) == 1;
}

boost::unit_test::precondition::predicate_t promtool_available() {
  return [](boost::unit_test::test_unit_id) {
    boost::test_tools::assertion_result r{std::system("command -v promtool >/dev/null 2>&1") == 0 ||
                                          std::getenv("MIXTAPE_REQUIRE_PROMTOOL") != nullptr};
    r.message() << "promtool is not installed here (tools/install-deps.sh prometheus)";
    return r;
  };
}

// Runs `command` through the shell; returns its exit status and what it printed (both streams).
std::pair<int, std::string> run_shell(const std::string& command) {
  std::string out;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  BOOST_REQUIRE(p != nullptr);
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  const int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace

BOOST_AUTO_TEST_CASE(notify_protocol_ready_watchdog_stopping) {
  temp_dir dir;
  write_test_keys(dir.path() + "/keys.json");
  notify_socket systemd{dir.path() + "/notify"};
  ::setenv("NOTIFY_SOCKET", (dir.path() + "/notify").c_str(), 1);
  ::setenv("WATCHDOG_USEC", "200000", 1);
  server_process p{dir.path()};
  ::unsetenv("NOTIFY_SOCKET");
  ::unsetenv("WATCHDOG_USEC");
  BOOST_REQUIRE(p.started());
  BOOST_TEST(systemd.wait_for("READY=1", std::chrono::seconds(5)));
  BOOST_TEST(systemd.wait_for("WATCHDOG=1", std::chrono::seconds(2)));
  BOOST_TEST(systemd.wait_for("WATCHDOG=1", std::chrono::seconds(2)));  // it keeps pinging
  ::kill(p.pid(), SIGTERM);
  BOOST_TEST(systemd.wait_for("STOPPING=1", std::chrono::seconds(5)));
  BOOST_TEST(p.wait_exit(std::chrono::seconds(10)) == 0);
}

// One I/O thread, so that the idle connection's close shows that the worker serving the
// busy one is draining too.
BOOST_AUTO_TEST_CASE(sigterm_finishes_a_request_whose_headers_arrived) {
  live_server s{{"--threads", "1"}};
  BOOST_REQUIRE(s.process->started());
  asio::io_context ioc;
  asio::ip::tcp::socket idle{ioc}, busy{ioc};
  const asio::ip::tcp::endpoint ep{asio::ip::make_address("127.0.0.1"), s.process->port()};
  idle.connect(ep);
  busy.connect(ep);
  const std::string body = R"({"name":"in flight"})";
  // Expect: 100-continue makes "the headers arrived" an event: the server answers 100 once
  // it has parsed them (the request is then in flight), before it reads the body.
  const std::string head = "POST /v1/music/org_abc123/collections HTTP/1.1\r\nHost: x\r\nX-API-Key: " + alice_key +
                           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                           "\r\nExpect: 100-continue\r\n\r\n";
  asio::write(busy, asio::buffer(head + body.substr(0, 5)));
  BOOST_REQUIRE(readable_within(busy, std::chrono::seconds(10)));
  std::string interim;
  boost::system::error_code ec;
  asio::read_until(busy, asio::dynamic_buffer(interim), "\r\n\r\n", ec);
  BOOST_REQUIRE(interim == "HTTP/1.1 100 Continue\r\n\r\n");
  ::kill(s.process->pid(), SIGTERM);
  // The drain has begun once the server closes the idle connection (between requests).
  BOOST_REQUIRE(readable_within(idle, std::chrono::seconds(10)));
  char byte;
  BOOST_TEST(idle.read_some(asio::buffer(&byte, 1), ec) == 0u);  // the idle connection was closed
  asio::write(busy, asio::buffer(body.substr(5)));
  std::string reply;
  asio::read(busy, asio::dynamic_buffer(reply), ec);  // until the server closes
  BOOST_TEST(reply.rfind("HTTP/1.1 201", 0) == 0u, reply);
  BOOST_TEST(reply.find("Connection: close") != std::string::npos);
  BOOST_TEST(s.process->wait_exit(std::chrono::seconds(10)) == 0);
  const auto id = boost::json::parse(reply.substr(reply.find("\r\n\r\n") + 4)).at("id").as_string();
  s.process = std::make_unique<server_process>(s.dir.path());
  s.client = std::make_unique<http_client>(s.process->port());
  BOOST_TEST(s.call("GET", s.collections_url() + "/" + std::string{id}).status == 200u);
}

BOOST_AUTO_TEST_CASE(every_request_is_logged_once_with_route_status_and_id) {
  live_server s;
  BOOST_REQUIRE(s.process->started());
  s.client->request("GET", s.collections_url() + "/mcoll_0123456789ab", "",
                    {{"X-API-Key", alice_key}, {"X-Request-Id", "trace-me-1"}});
  BOOST_REQUIRE(s.process->wait_for_stderr("request_id=trace-me-1"));  // the access log line, written after the reply
  const std::string log = s.process->stderr_text();
  const auto at = log.find("request_id=trace-me-1");
  BOOST_REQUIRE(at != std::string::npos);
  const std::string line = log.substr(log.rfind('\n', at) + 1, log.find('\n', at) - log.rfind('\n', at) - 1);
  BOOST_TEST(line.find("method=GET") != std::string::npos, line);
  BOOST_TEST(line.find("route=/v1/music/{org}/collections/{id}") != std::string::npos, line);
  BOOST_TEST(line.find("status=404") != std::string::npos, line);
  BOOST_TEST(line.find("duration_ms=") != std::string::npos, line);
  BOOST_TEST(line.find("mcoll_0123456789ab") == std::string::npos);  // ids stay out of the logs
}

BOOST_AUTO_TEST_CASE(json_logs_are_one_object_per_line) {
  live_server s{{"--log-format", "json"}};
  BOOST_REQUIRE(s.process->started());
  s.call("GET", "/healthz", "", "");
  BOOST_REQUIRE(s.process->wait_for_stderr(R"("msg":"request")"));  // the access log line, written after the reply
  std::istringstream lines{s.process->stderr_text()};
  std::string line;
  int requests = 0;
  while (std::getline(lines, line)) {
    const auto v = boost::json::parse(line);  // throws (fails the test) on a non-JSON line
    if (v.at("msg") == "request") ++requests;
  }
  BOOST_TEST(requests == 1);
}

BOOST_AUTO_TEST_CASE(metrics_count_requests_journal_and_connections) {
  live_server s;
  BOOST_REQUIRE(s.process->started());
  for (int i = 0; i < 3; ++i) s.create("m" + std::to_string(i));
  s.call("GET", s.collections_url() + "/mcoll_ffffffffffff");
  const auto m = s.call("GET", "/metrics", "", "");
  BOOST_TEST(m.header("Content-Type").rfind("text/plain; version=0.0.4", 0) == 0u);
  for (const char* expected : {"mixtape_http_requests_total{route=\"/v1/music/{org}/collections\",status=\"201\"} 3",
                               "mixtape_http_requests_total{route=\"/v1/music/{org}/collections/{id}\",status=\"404\"} 1",
                               "mixtape_collections 3", "mixtape_journal_records_total 3",
                               "mixtape_connections_open 1", "mixtape_http_request_duration_seconds_count 4",
                               "mixtape_journal_healthy 1"})
    BOOST_TEST(m.body.find(expected) != std::string::npos, expected);
  BOOST_TEST(m.body.find("mixtape_journal_fsyncs_total") != std::string::npos);
}

// Every family the server exposes, after traffic that fills them (creates, 404s, a 429, a
// compaction), passes `promtool check metrics`: names, units, types, HELP lines.
BOOST_AUTO_TEST_CASE(the_exposition_passes_promtool_after_real_traffic, *boost::unit_test::precondition(promtool_available())) {
  // A burst of 100 leaves room for the 404 and the creates (a compaction takes ~20 of them).
  live_server s{{"--compact-bytes", "4096", "--rate-limit", "60", "--rate-burst", "100"}};
  BOOST_REQUIRE(s.process->started());
  BOOST_TEST(s.call("GET", s.collections_url() + "/mcoll_ffffffffffff").status == 404u);
  for (int i = 0; i < 60 && !s.process->wait_for_stderr("compaction done", std::chrono::milliseconds(0)); ++i)
    s.create(std::string(200, 'c') + std::to_string(i));
  BOOST_REQUIRE(s.process->wait_for_stderr("compaction done"));
  for (int i = 0; i < 200 && s.call("GET", s.collections_url()).status != 429u; ++i) {}
  const auto m = s.call("GET", "/metrics", "", "");
  BOOST_REQUIRE(m.status == 200u);
  for (const char* family : {"mixtape_rate_limited_total{", "mixtape_last_compaction_seconds ", "status=\"404\"",
                             "mixtape_compactions_total "})
    BOOST_TEST(m.body.find(family) != std::string::npos, family);
  temp_dir dir;
  const std::string scrape = dir.path() + "/metrics.txt";
  write_file(scrape, m.body);
  const auto [status, out] = run_shell("promtool check metrics < " + scrape);
  BOOST_TEST(status == 0, out);
  BOOST_TEST(out.empty(), "promtool: " << out);
}
