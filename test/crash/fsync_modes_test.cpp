// --fsync and --fsync-interval-ms reach the journal of the real server
// (docs/journal-format.md §4): counted with /metrics while a client writes one record at a
// time.
#include <boost/test/unit_test.hpp>

#include <functional>

#include "support/fixture.hpp"
#include "support/wait.hpp"

using namespace mixtape::test;

namespace {

std::uint64_t metric(http_client& c, const std::string& name) {
  const std::string body = c.request("GET", "/metrics").body;
  const auto at = body.find("\n" + name + " ");
  BOOST_REQUIRE(at != std::string::npos);
  return std::stoull(body.substr(at + name.size() + 2));
}

// Writes `n` collections one after the other; returns (records, fsyncs) from /metrics, once
// `settled(fsyncs)` holds when given (a timer's sync showing up: /metrics announces
// nothing, so it is read every 5 ms, for at most 10 s).
std::pair<std::uint64_t, std::uint64_t> write_sequentially(const std::vector<std::string>& args, int n,
                                                           std::function<bool(std::uint64_t)> settled = {}) {
  temp_dir dir;
  write_test_keys(dir.path() + "/keys.json");
  server_process p{dir.path(), args};
  BOOST_REQUIRE_MESSAGE(p.started(), p.stderr_text());
  http_client c{p.port()};
  for (int i = 0; i < n; ++i)
    BOOST_REQUIRE(c.request("POST", "/v1/music/" + org + "/collections", R"({"name":"x"})", key_header(alice_key))
                      .status == 201u);
  std::pair<std::uint64_t, std::uint64_t> seen;
  BOOST_TEST(wait_until([&] {
    seen = {metric(c, "mixtape_journal_records_total"), metric(c, "mixtape_journal_fsyncs_total")};
    return !settled || settled(seen.second);
  }, std::chrono::seconds(10), std::chrono::milliseconds(5)));
  return seen;
}

}  // namespace

BOOST_AUTO_TEST_CASE(fsync_flags_reach_the_journal_writer) {
  // always: every acknowledged write waited for its own sync (one writer: no batching).
  const auto always = write_sequentially({"--fsync", "always"}, 30);
  BOOST_TEST(always.first == 30u);
  BOOST_TEST(always.second == 30u);
  // never: no sync at all while serving.
  const auto never = write_sequentially({"--fsync", "never"}, 30);
  BOOST_TEST(never.first == 30u);
  BOOST_TEST(never.second == 0u);
  // batch with a long interval: acknowledged before any sync; at most a sync or two.
  const auto slow = write_sequentially({"--fsync", "batch", "--fsync-interval-ms", "60000"}, 30);
  BOOST_TEST(slow.second <= 1u);
  // batch with a short interval: the timer syncs even when writes stop.
  const auto fast = write_sequentially({"--fsync", "batch", "--fsync-interval-ms", "5"}, 3,
                                       [](std::uint64_t fsyncs) { return fsyncs >= 1; });
  BOOST_TEST(fast.second >= 1u);
}
