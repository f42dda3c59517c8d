// kill -9 the real server while clients write; every acknowledged write must be there
// after restart (fsync=always). A second variant compacts every few KiB, so that kills
// land before, during and after snapshots and journal rotations.
// MIXTAPE_CRASH_ROUNDS=N runs N rounds of each (test/crash/soak.sh uses it).
#define BOOST_TEST_MODULE crash_kill9
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "support/fixture.hpp"

using namespace mixtape::test;
namespace fs = std::filesystem;

namespace {

// What one client thread was told: collection id -> the last description acknowledged.
using acknowledged = std::map<std::string, int>;

// Creates collections and patches their description with increasing numbers until
// the server goes away. Records only what the server acknowledged.
void writer_loop(std::uint16_t port, int thread_no, acknowledged& acked, std::atomic<bool>& stop) {
  try {
    http_client c{port};
    const std::string url = "/v1/music/" + org + "/collections";
    std::string id;
    for (int i = 0; !stop.load(); ++i) {
      if (i % 5 == 0) {
        const auto r = c.request("POST", url, R"({"name":"t)" + std::to_string(thread_no) + R"(","description":"0"})",
                                 key_header(alice_key));
        if (r.status != 201) return;
        id = std::string{r.json().at("id").as_string()};
        acked[id] = 0;
      } else {
        const auto r = c.request("PATCH", url + "/" + id, R"({"description":")" + std::to_string(i) + "\"}",
                                 key_header(alice_key));
        if (r.status != 200) return;
        acked[id] = i;
      }
    }
  } catch (const std::exception&) {
    // the server was killed mid-request: that request was not acknowledged
  }
}

int rounds_or(int fallback) {
  const char* env = std::getenv("MIXTAPE_CRASH_ROUNDS");
  return env ? std::max(1, std::atoi(env)) : fallback;
}

// Checks that everything acknowledged so far is there; returns how many were checked.
std::size_t verify_all(std::uint16_t port, const std::vector<acknowledged>& all, int round) {
  http_client check{port};
  std::size_t verified = 0;
  for (const auto& acked : all)
    for (const auto& [id, last] : acked) {
      const auto r = check.request("GET", "/v1/music/" + org + "/collections/" + id, "", key_header(alice_key));
      BOOST_REQUIRE_MESSAGE(r.status == 200, "lost collection " << id << " in round " << round);
      const int stored = std::stoi(std::string{r.json().at("description").as_string()});
      // An unacknowledged later patch may have reached the disk; an acknowledged one must have.
      BOOST_REQUIRE_MESSAGE(stored >= last, "lost patch of " << id << ": " << stored << " < " << last);
      ++verified;
    }
  return verified;
}

// True when the data directory shows a compaction in progress: a temp file, or more
// than one journal file (rotated, snapshot not yet done).
bool compaction_in_progress(const std::string& dir) {
  int journals = 0;
  bool temp = false;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    journals += name.ends_with(".journal");
    temp |= name.ends_with(".tmp");
  }
  return temp || journals > 1;
}

// The value of a plain metric line "NAME VALUE" (0 when absent or unreadable).
std::uint64_t metric(std::uint16_t port, const std::string& name) {
  try {
    const std::string body = http_client{port}.request("GET", "/metrics").body;
    const auto at = body.find("\n" + name + " ");
    return at == std::string::npos ? 0 : std::stoull(body.substr(at + name.size() + 2));
  } catch (const std::exception&) {
    return 0;
  }
}

// Runs `rounds` of: start, verify everything acknowledged so far, write from 8 clients,
// kill -9 at a random moment. Returns the number of compactions the rounds completed.
std::uint64_t kill_9_rounds(const std::vector<std::string>& extra_args, int rounds) {
  temp_dir dir;
  write_test_keys(dir.path() + "/keys.json");
  std::vector<acknowledged> all;
  std::mt19937 rng(std::random_device{}());
  int mid_compaction = 0;
  std::uint64_t compactions = 0;
  for (int round = 0; round < rounds; ++round) {
    std::vector<std::string> args{"--threads", "2"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    server_process p{dir.path(), args};
    BOOST_REQUIRE_MESSAGE(p.started(), p.stderr_text());
    const std::size_t verified = verify_all(p.port(), all, round);
    BOOST_TEST_MESSAGE("round " << round << ": verified " << verified << " collections");
    std::atomic<bool> stop{false};
    std::vector<acknowledged> acks(8);
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
      threads.emplace_back(writer_loop, p.port(), t, std::ref(acks[t]), std::ref(stop));
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + rng() % 400));  // kept: the kill's random moment (stimulus)
    compactions += metric(p.port(), "mixtape_compactions_total");
    ::kill(p.pid(), SIGKILL);  // while requests are in flight
    p.kill_hard();
    stop = true;
    for (auto& t : threads) t.join();
    mid_compaction += compaction_in_progress(dir.path());
    std::size_t writes = 0;
    for (auto& a : acks) {
      writes += a.size();
      all.push_back(std::move(a));
    }
    BOOST_TEST(writes > 0u);
  }
  server_process last{dir.path(), {"--threads", "2"}};
  BOOST_REQUIRE_MESSAGE(last.started(), last.stderr_text());
  const std::size_t verified = verify_all(last.port(), all, rounds);
  BOOST_TEST_MESSAGE("final: verified " << verified << " collections; "
                                        << mid_compaction << " of " << rounds << " kills hit a compaction, "
                                        << compactions << " compactions");
  return compactions;
}

}  // namespace

BOOST_AUTO_TEST_CASE(acknowledged_writes_survive_kill_9) {
  BOOST_TEST(kill_9_rounds({}, rounds_or(4)) == 0u);
}

BOOST_AUTO_TEST_CASE(acknowledged_writes_survive_kill_9_during_compactions) {
  BOOST_TEST(kill_9_rounds({"--compact-bytes", "8192"}, rounds_or(6)) > 0u);
}
