// mixtape-bench end to end: a short run against a real mixtaped on 127.0.0.1 port 0,
// and the exit codes for an unreachable server and a non-loopback target.
#define BOOST_TEST_MODULE bench_smoke
#include <boost/test/unit_test.hpp>

#include <boost/json.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "support/fixture.hpp"

using namespace mixtape::test;
namespace json = boost::json;

namespace {

struct bench_result {
  int exit_code = -1;  // -1: killed after the timeout
  std::string out, err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs mixtape-bench with `args` (MIXTAPE_KEY removed from its environment) to completion.
bench_result run_bench(const std::vector<std::string>& args, std::chrono::seconds timeout = std::chrono::seconds(60)) {
  temp_dir logs;
  const std::string out = logs.path() + "/out", err = logs.path() + "/err";
  std::vector<std::string> full{MIXTAPE_BENCH_PATH};
  full.insert(full.end(), args.begin(), args.end());
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::unsetenv("MIXTAPE_KEY");
    const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(o, 1);
    ::dup2(e, 2);
    std::vector<char*> argv;
    for (auto& a : full) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  bench_result r;
  r.exit_code = wait_for_exit(pid, timeout);  // woken by the exit (support/server_process.hpp)
  if (r.exit_code == -1) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

std::string url_of(const live_server& s) { return "http://127.0.0.1:" + std::to_string(s.process->port()); }

std::int64_t int_of(const json::value& v) { return v.to_number<std::int64_t>(); }

// Checks a --json run: exit 0, one JSON object, requests > 0, no errors of any kind.
json::object check_clean_run(const bench_result& r) {
  BOOST_TEST_INFO("stderr: " << r.err);
  BOOST_TEST_REQUIRE(r.exit_code == 0);
  json::object o;
  BOOST_REQUIRE_NO_THROW(o = json::parse(r.out).as_object());
  BOOST_TEST(int_of(o.at("requests")) > 0);
  BOOST_TEST(o.at("throughput_rps").to_number<double>() > 0);
  const auto& errors = o.at("errors").as_object();
  BOOST_TEST(errors.size() == 1u, "errors: " << json::serialize(errors));
  BOOST_TEST(int_of(errors.at("transport")) == 0);
  BOOST_TEST(int_of(o.at("unsent")) == 0);
  const auto& lat = o.at("latency_us").as_object();
  BOOST_TEST(int_of(lat.at("p50")) <= int_of(lat.at("p99")));
  BOOST_TEST(int_of(lat.at("p99")) <= int_of(lat.at("max")));
  return o;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(bench_smoke, live_server)

BOOST_AUTO_TEST_CASE(mixed_closed_loop_run_reports_requests_and_no_errors) {
  BOOST_REQUIRE(process->started());
  const auto r = run_bench({"--url", url_of(*this), "--key", alice_key, "--org", org, "--mix",
                            "get=60,create=15,update=15,list=10", "--connections", "4", "--duration", "1",
                            "--warmup", "0.2", "--prepare", "50", "--json"});
  const auto o = check_clean_run(r);
  BOOST_TEST(o.at("scenario").as_string() == "mixed");
  BOOST_TEST(o.at("rate").is_null());
  BOOST_TEST(int_of(o.at("connections")) == 4);
  BOOST_TEST(int_of(o.at("prepared")) == 50);
}

BOOST_AUTO_TEST_CASE(open_loop_get_run_holds_the_rate) {
  BOOST_REQUIRE(process->started());
  const auto r = run_bench({"--url", url_of(*this), "--key", alice_key, "--org", org, "--scenario", "get",
                            "--connections", "4", "--threads", "2", "--duration", "1", "--warmup", "0",
                            "--rate", "200", "--prepare", "20", "--json"});
  const auto o = check_clean_run(r);
  BOOST_TEST(o.at("rate").to_number<double>() == 200.0);
  // 200 req/s for 1 s: about 200 requests (a loaded test machine may lose a few).
  BOOST_TEST(int_of(o.at("requests")) <= 201);
  BOOST_TEST(int_of(o.at("requests")) >= 150);
}

BOOST_AUTO_TEST_CASE(a_wrong_key_fails_the_preparation) {
  BOOST_REQUIRE(process->started());
  const auto r = run_bench({"--url", url_of(*this), "--key", "wrong", "--org", org, "--duration", "1", "--prepare", "5"});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err.find("401") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(an_unreachable_server_exits_non_zero) {
  // A port nobody listens on: bind one, note it, close it.
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  const auto r = run_bench({"--url", "http://127.0.0.1:" + std::to_string(ntohs(a.sin_port)), "--key", "k",
                            "--duration", "1", "--json"});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.out.empty());
  BOOST_TEST(r.err.find("cannot reach") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(a_non_loopback_target_is_refused) {
  const auto r = run_bench({"--url", "http://192.0.2.1:8080", "--key", "k", "--duration", "1"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("loopback") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(help_exits_zero_and_documents_the_flags) {
  const auto r = run_bench({"--help"});
  BOOST_TEST(r.exit_code == 0);
  for (const char* flag : {"--url", "--key", "--org", "--scenario", "--mix", "--connections", "--threads", "--duration",
                           "--warmup", "--rate", "--prepare", "--json"})
    BOOST_TEST(r.out.find(flag) != std::string::npos, flag);
}
