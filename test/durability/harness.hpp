#pragma once
// Test harness for the durability module: a data directory served by a durability::engine,
// with a live store updated by journal completions exactly as service::collections does
// (apply after the record is durable, on the writer thread), and a record of every
// acknowledged mutation by sequence number.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/log.hpp"
#include "durability/engine.hpp"
#include "model/mutation.hpp"
#include "store/history.hpp"
#include "support/files.hpp"

namespace durability_test {

using namespace mixtape;
namespace fs = std::filesystem;
using store_test::history;

using mixtape::test::read_file;
using mixtape::test::write_file;

// File names (not paths) in `dir`, sorted.
inline std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// fsync=never by default: in-process tests lose no page cache, and thousands of fdatasyncs
// would only slow them down (the always policy is covered by the journal and crash tests,
// and by the concurrent-writers test here).
inline durability::engine_options small_compactions(const std::string& dir, std::uint64_t compact_bytes,
                                                    journal::fsync_policy policy = journal::fsync_policy::never) {
  durability::engine_options o;
  o.dir = dir;
  o.writer.policy = policy;
  o.compaction.compact_bytes = compact_bytes;
  o.compaction.retry_delay = std::chrono::milliseconds(5);
  return o;
}

class harness {
 public:
  explicit harness(durability::engine_options o) {
    auto e = durability::engine::open(std::move(o), live);
    BOOST_REQUIRE_MESSAGE(e.ok(), (e.ok() ? "" : e.error().message));
    engine = std::move(e).value();
  }
  ~harness() { close(); }

  void write_async(model::mutation m, std::function<void(std::error_code)> done = {}) {
    const auto type = model::type_byte(m);
    std::string payload = model::encode(m);
    engine->writer().submit(type, std::move(payload),
                            [this, m = std::move(m), done = std::move(done)](std::error_code ec, std::uint64_t seq) {
                              if (!ec) {
                                live.apply(m, seq);
                                std::lock_guard lock{mutex};
                                acked.emplace(seq, m);
                              }
                              if (done) done(ec);
                            });
  }
  std::error_code write(model::mutation m) {
    std::promise<std::error_code> p;
    write_async(std::move(m), [&p](std::error_code ec) { p.set_value(ec); });
    return p.get_future().get();
  }
  // Compactions start only at a batch (and not within a retry delay), so waiting idle can
  // wait forever: keep writing `h`'s mutations until `n` compactions have finished or
  // failed. False on timeout or on a refused write.
  bool write_until_finished(history& h, std::uint64_t n, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!engine->compaction().wait_for_finished(n, std::chrono::milliseconds(1))) {
      if (std::chrono::steady_clock::now() >= deadline || write(h.next())) return false;
    }
    return true;
  }
  // Waits until no compaction is running; false after `limit`. Woken by the compactor as
  // each compaction finishes or fails (wait_for_finished), not by polling.
  bool wait_for_idle_compactor(std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      const auto s = engine->compaction().stats();
      if (!s.running) return true;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      engine->compaction().wait_for_finished(s.compactions + s.failures + 1, left);
    }
  }
  void close() {
    if (engine) engine->close();
  }

  store::collection_store live{16};
  std::mutex mutex;
  std::map<std::uint64_t, model::mutation> acked;  // guarded by mutex
  std::unique_ptr<durability::engine> engine;
};

// What a start on `dir` would recover, as a dump; or the refusal's message prefixed "refused: ".
inline std::string recovered_dump(const std::string& dir, const history& h,
                                  durability::recovery_mode mode = durability::recovery_mode::strict,
                                  durability::recovered* info = nullptr) {
  store::collection_store s{8};
  auto r = durability::recover_data_dir(dir, mode, s);
  if (!r) return "refused: " + r.error().message;
  if (info) *info = r.value();
  return store_test::dump(s, h);
}

// The state after the acknowledged records with seq <= up_to, applied in order.
inline std::string reference_dump(const std::map<std::uint64_t, model::mutation>& acked, std::uint64_t up_to,
                                  const history& h) {
  store::collection_store s{8};
  for (const auto& [seq, m] : acked)
    if (seq <= up_to) s.apply(m, seq);
  return store_test::dump(s, h);
}

// A test binary's global fixture (BOOST_TEST_GLOBAL_FIXTURE(quiet_log) in one of its files):
// only errors reach the log, so expected warnings do not bury a failure.
struct quiet_log {
  quiet_log() { mixtape::core::log::set_min_level(mixtape::core::log::level::error); }
};

}  // namespace durability_test
