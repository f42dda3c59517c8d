// mixtape-bench end to end: short runs of every scenario against a real mixtaped on
// 127.0.0.1 port 0, and the exit codes for an unreachable server and a non-loopback target.
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

#include <algorithm>
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
  BOOST_TEST(int_of(o.at("rate_limited")) == 0);
  BOOST_TEST(int_of(o.at("unsent")) == 0);
  const auto& lat = o.at("latency_us").as_object();
  BOOST_TEST(int_of(lat.at("p50")) <= int_of(lat.at("p99")));
  BOOST_TEST(int_of(lat.at("p99")) <= int_of(lat.at("max")));
  return o;
}

// The arguments of a short closed-loop run on `s` with small prepared collections.
std::vector<std::string> track_run(const live_server& s, std::vector<std::string> args) {
  std::vector<std::string> all{"--url", url_of(s), "--key", alice_key, "--org", org, "--prepare", "4", "--tracks", "250",
                               "--connections", "2", "--duration", "0.5", "--warmup", "0", "--json"};
  all.insert(all.end(), args.begin(), args.end());
  return all;
}

// A run with prepared tracks: clean, and the 4 x 250 tracks were really prepared.
json::object check_track_run(const bench_result& r) {
  auto o = check_clean_run(r);
  BOOST_TEST(int_of(o.at("prepared")) == 4);
  BOOST_TEST(int_of(o.at("tracks")) == 250);
  BOOST_TEST(int_of(o.at("prepared_tracks")) == 1000);
  BOOST_TEST(o.at("prepare_tracks_s").to_number<double>() > 0);
  BOOST_TEST(r.err.find("prepared 1000 tracks (250 per collection)") != std::string::npos, r.err);
  return o;
}

// The track_count of each of alice's collections (the ones the bench prepared).
std::vector<std::int64_t> track_counts(live_server& s) {
  const auto list = s.call("GET", s.collections_url() + "?limit=100");
  BOOST_TEST_REQUIRE(list.status == 200u, list.body);
  std::vector<std::int64_t> counts;
  const auto body = list.json();  // kept: the loop below walks into it
  for (const auto& item : body.at("items").as_array()) {
    const auto one = s.call("GET", s.collections_url() + "/" + std::string{item.at("id").as_string()});
    BOOST_TEST_REQUIRE(one.status == 200u, one.body);
    counts.push_back(int_of(one.json().at("track_count")));
  }
  return counts;
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

BOOST_AUTO_TEST_CASE(add_track_run_grows_the_prepared_collections) {
  BOOST_REQUIRE(process->started());
  const auto o = check_track_run(run_bench(track_run(*this, {"--scenario", "add-track"})));
  BOOST_TEST(o.at("scenario").as_string() == "add-track");
  std::int64_t total = 0;
  for (auto n : track_counts(*this)) total += n;
  BOOST_TEST(total == 1000 + int_of(o.at("requests")));  // every request added a new track
}

BOOST_AUTO_TEST_CASE(remove_track_run_really_removes_prepared_tracks) {
  BOOST_REQUIRE(process->started());
  // One connection: it works through all 1000 prepared pairs in order, so each request
  // before the 1001st removes exactly one track.
  const auto o = check_track_run(run_bench(track_run(*this, {"--scenario", "remove-track", "--connections", "1"})));
  const auto counts = track_counts(*this);
  BOOST_TEST_REQUIRE(counts.size() == 4u);
  std::int64_t total = 0;
  for (auto n : counts) total += n;
  BOOST_TEST(total == 1000 - std::min<std::int64_t>(1000, int_of(o.at("requests"))));
  BOOST_TEST(total < 1000);
}

BOOST_AUTO_TEST_CASE(tracks_run_reads_pages_at_random_and_pinned_offsets) {
  BOOST_REQUIRE(process->started());
  const auto o = check_track_run(run_bench(track_run(*this, {"--scenario", "tracks"})));
  BOOST_TEST(o.at("scenario").as_string() == "tracks");
  check_track_run(run_bench(track_run(*this, {"--scenario", "tracks", "--page-offset", "200"})));
}

BOOST_AUTO_TEST_CASE(reorder_run_sends_all_the_prepared_ids) {
  BOOST_REQUIRE(process->started());
  const auto o = check_track_run(run_bench(track_run(*this, {"--scenario", "reorder"})));
  BOOST_TEST(o.at("scenario").as_string() == "reorder");
  for (auto n : track_counts(*this)) BOOST_TEST(n == 250);  // reordered, nothing lost
}

BOOST_AUTO_TEST_CASE(resolve_run_opens_public_links_without_a_key) {
  restart({"--share-rate-limit", "0"});  // measured without the per-IP limit
  BOOST_REQUIRE(process->started());
  const auto r = run_bench(track_run(*this, {"--scenario", "resolve"}));
  const auto o = check_track_run(r);
  BOOST_TEST(int_of(o.at("prepared_shares")) == 4);
  BOOST_TEST(r.err.find("prepared 4 public share links") != std::string::npos, r.err);
  // Every request was a 200 (check_clean_run): the tokens opened their links without a key.
}

BOOST_AUTO_TEST_CASE(resolve_against_the_share_limit_reports_429s_as_rate_limited) {
  restart({"--share-rate-limit", "60", "--share-rate-burst", "5"});
  BOOST_REQUIRE(process->started());
  const auto r = run_bench(track_run(*this, {"--scenario", "resolve", "--source-addresses", "2"}));
  BOOST_TEST_INFO("stderr: " << r.err);
  BOOST_TEST_REQUIRE(r.exit_code == 0);
  const auto o = json::parse(r.out).as_object();
  const auto limited = int_of(o.at("rate_limited"));
  BOOST_TEST(limited > 0);
  // Two source addresses, two buckets of 5, a token a second back: the rest were refused.
  BOOST_TEST(int_of(o.at("requests")) - limited <= 2 * 5 + 2 * 3);
  BOOST_TEST(o.at("errors").as_object().size() == 1u, r.out);  // 429s are not errors
}

BOOST_AUTO_TEST_CASE(mixed_run_of_every_track_operation_has_no_errors) {
  restart({"--share-rate-limit", "0"});
  BOOST_REQUIRE(process->started());
  const auto o = check_track_run(run_bench(track_run(
      *this, {"--mix", "get=1,update=1,list=1,add-track=2,remove-track=2,tracks=2,reorder=1,resolve=2", "--connections",
              "4", "--threads", "2"})));
  BOOST_TEST(o.at("mix").as_string() == "get=1,update=1,list=1,add-track=2,remove-track=2,tracks=2,reorder=1,resolve=2");
  BOOST_TEST(int_of(o.at("prepared_shares")) == 4);
}

BOOST_AUTO_TEST_CASE(tracks_over_the_server_limit_fail_the_preparation) {
  BOOST_REQUIRE(process->started());
  restart({"--max-tracks", "150"});
  BOOST_REQUIRE(process->started());
  const auto r = run_bench(track_run(*this, {"--scenario", "tracks"}));
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.out.empty());
  BOOST_TEST(r.err.find("409") != std::string::npos, r.err);
  BOOST_TEST(r.err.find("--max-tracks") != std::string::npos, r.err);
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
                           "--warmup", "--rate", "--prepare", "--tracks", "--page-offset", "--json"})
    BOOST_TEST(r.out.find(flag) != std::string::npos, flag);
}
