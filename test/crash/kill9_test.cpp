// kill -9 the real server while clients write; every acknowledged write must be there
// after restart (fsync=always).
#define BOOST_TEST_MODULE crash_kill9
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "support/fixture.hpp"

using namespace mixtape::test;

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

}  // namespace

BOOST_AUTO_TEST_CASE(acknowledged_writes_survive_kill_9) {
  temp_dir dir;
  write_test_keys(dir.path() + "/keys.json");
  std::vector<acknowledged> all;
  for (int round = 0; round < 4; ++round) {
    server_process p{dir.path(), {"--threads", "2"}};
    BOOST_REQUIRE_MESSAGE(p.started(), p.stderr_text());
    // Everything acknowledged in earlier rounds is still there.
    http_client check{p.port()};
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
    BOOST_TEST_MESSAGE("round " << round << ": verified " << verified << " collections");
    std::atomic<bool> stop{false};
    std::vector<acknowledged> acks(8);
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
      threads.emplace_back(writer_loop, p.port(), t, std::ref(acks[t]), std::ref(stop));
    std::this_thread::sleep_for(std::chrono::milliseconds(400 + 150 * round));
    ::kill(p.pid(), SIGKILL);  // while requests are in flight
    p.kill_hard();
    stop = true;
    for (auto& t : threads) t.join();
    std::size_t writes = 0;
    for (auto& a : acks) {
      writes += a.size();
      all.push_back(std::move(a));
    }
    BOOST_TEST(writes > 0u);
  }
}
