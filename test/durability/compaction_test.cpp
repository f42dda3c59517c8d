// Compaction while serving: rotation, snapshot at the cut, dropping covered files, and
// what a failure does (a snapshot failure is harmless; a rotation failure poisons).
#define BOOST_TEST_MODULE durability
#include <boost/test/unit_test.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/log.hpp"
#include "faults.hpp"
#include "harness.hpp"
#include "journal/data_files.hpp"
#include "journal/snapshot_file.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

using namespace durability_test;
using namespace std::chrono_literals;

namespace {
BOOST_TEST_GLOBAL_FIXTURE(quiet_log);

}  // namespace

// Replay equivalence: after a mixed history with many compactions mid-way, a fresh start
// rebuilds exactly the live state, and only the newest snapshot and journal remain.
BOOST_AUTO_TEST_CASE(snapshot_plus_journal_replay_equals_the_live_store_after_compactions) {
  test::temp_dir dir;
  history h{11};
  std::string live_dump;
  durability::compaction_stats stats;
  {
    harness hs{small_compactions(dir.path(), 8192)};
    for (std::uint64_t chunk = 1; chunk <= 6; ++chunk) {
      // Each chunk passes the threshold early, so writes go on while the snapshot is taken.
      for (int i = 0; i < 500; ++i) BOOST_REQUIRE(!hs.write(h.next()));
      BOOST_REQUIRE(hs.engine->compaction().wait_for_finished(chunk, 10s));
    }
    hs.close();
    stats = hs.engine->compaction().stats();
    live_dump = store_test::dump(hs.live, h);
    BOOST_TEST(hs.engine->writer().stats().rotations >= 6u);
  }
  BOOST_TEST(stats.compactions >= 6u);
  BOOST_TEST(stats.failures == 0u);
  durability::recovered info;
  BOOST_TEST(recovered_dump(dir.path(), h, durability::recovery_mode::strict, &info) == live_dump);
  BOOST_TEST(info.snapshot_seq == stats.snapshot_seq);
  BOOST_TEST(info.last_seq == 3000u);
  const auto files = journal::list_data_files(dir.path());
  BOOST_REQUIRE(files.ok());
  BOOST_TEST(files->snapshots.size() == 1u);
  BOOST_TEST(files->journals.size() <= 2u);  // the current one, maybe one not yet compacted
  BOOST_TEST(files->temps.empty());
}

// The consistent cut under concurrent writers: the snapshot on disk is exactly the state
// after the records <= its covered seq, whatever the writers did meanwhile; and
// snapshot + journal replay equals the live state.
BOOST_AUTO_TEST_CASE(a_snapshot_taken_under_concurrent_writes_is_the_state_at_its_cut) {
  test::temp_dir dir;
  history h{12};
  std::mutex h_mutex;
  std::map<std::uint64_t, model::mutation> acked;
  std::string live_dump;
  {
    harness hs{small_compactions(dir.path(), 16384, journal::fsync_policy::always)};
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t)
      writers.emplace_back([&] {
        for (int i = 0; i < 600; ++i) {
          model::mutation m;
          {
            std::lock_guard lock{h_mutex};
            m = h.next();
          }
          BOOST_REQUIRE(!hs.write(std::move(m)));
        }
      });
    for (auto& t : writers) t.join();
    BOOST_REQUIRE(hs.write_until_finished(h, 3, 10s));
    BOOST_REQUIRE(hs.wait_for_idle_compactor());
    hs.close();
    live_dump = store_test::dump(hs.live, h);
    acked = hs.acked;
  }
  const auto files = journal::list_data_files(dir.path());
  BOOST_REQUIRE(files.ok());
  BOOST_REQUIRE(files->snapshots.size() == 1u);
  const auto snap = journal::read_snapshot_file(files->snapshots.back().path);
  BOOST_REQUIRE(snap.ok());
  store::collection_store from_snapshot{8};
  BOOST_REQUIRE(from_snapshot.load_snapshot(snap->body).ok());
  BOOST_TEST(snap->covered_seq > 0u);
  BOOST_TEST(store_test::dump(from_snapshot, h) == reference_dump(acked, snap->covered_seq, h));
  BOOST_TEST(recovered_dump(dir.path(), h) == live_dump);
}

// A snapshot that cannot be written (ENOSPC) is counted, cleaned up and retried; the
// journal stays healthy and writes go on; once the fault clears, a compaction succeeds.
BOOST_AUTO_TEST_CASE(a_failed_snapshot_write_never_harms_the_journal_and_is_retried) {
  test::temp_dir dir;
  history h{13};
  auto o = small_compactions(dir.path(), 4096);
  const auto snapshot_faults = full_disk(true);
  o.compaction.open_snapshot = faulty_opener(snapshot_faults);
  o.compaction.max_retry_delay = 20ms;
  harness hs{o};
  for (int i = 0; i < 400; ++i) BOOST_REQUIRE(!hs.write(h.next()));
  BOOST_REQUIRE(hs.write_until_finished(h, 2, 10s));  // the retry needs a batch after its delay
  auto stats = hs.engine->compaction().stats();
  BOOST_TEST(stats.failures >= 2u);
  BOOST_TEST(stats.compactions == 0u);
  BOOST_TEST(hs.engine->writer().healthy());
  auto files = journal::list_data_files(dir.path());
  BOOST_TEST(files->snapshots.empty());
  BOOST_TEST(files->temps.empty());
  BOOST_TEST(files->journals.size() >= 2u);  // each attempt rotated; nothing was dropped
  BOOST_TEST(recovered_dump(dir.path(), h).rfind("refused", 0) != 0u);
  snapshot_faults->set_refuse_appends(false);
  // Writes go on; a compaction starts at the next batch after the retry delay. Between two
  // writes, up to 1 ms for the compactor to announce a finished one (it wakes at once).
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  for (auto s = hs.engine->compaction().stats(); s.compactions == 0 && std::chrono::steady_clock::now() < deadline;
       s = hs.engine->compaction().stats()) {
    BOOST_REQUIRE(!hs.write(h.next()));
    hs.engine->compaction().wait_for_finished(s.compactions + s.failures + 1, 1ms);
  }
  hs.close();
  stats = hs.engine->compaction().stats();
  BOOST_TEST(stats.compactions >= 1u);
  files = journal::list_data_files(dir.path());
  BOOST_TEST(files->snapshots.size() == 1u);
  BOOST_TEST(recovered_dump(dir.path(), h) == store_test::dump(hs.live, h));
}

// Rotation is part of the journal: if the next journal file cannot be made, the journal
// is poisoned (writes refused) and what was acknowledged is still recovered.
BOOST_AUTO_TEST_CASE(a_failed_journal_rotation_poisons_the_journal) {
  test::temp_dir dir;
  history h{14};
  auto o = small_compactions(dir.path(), 4096);
  o.compaction.open_journal = [opened = 0](const std::string& path, std::error_code& ec) mutable
      -> std::unique_ptr<journal::file> {
    if (++opened == 1) return journal::open_posix_file(path, ec);
    ec = std::make_error_code(std::errc::io_error);
    return nullptr;
  };
  harness hs{o};
  std::error_code last;
  int acked = 0;
  for (int i = 0; i < 400 && !last; ++i) {
    last = hs.write(h.next());
    if (!last) ++acked;
  }
  BOOST_TEST((last == core::errc::unavailable));
  BOOST_TEST(!hs.engine->writer().healthy());
  BOOST_TEST(hs.engine->compaction().stats().compactions == 0u);
  hs.close();
  const std::string live = store_test::dump(hs.live, h);
  BOOST_TEST(recovered_dump(dir.path(), h) == live);
  BOOST_TEST(acked > 0);
}

// Asking twice without a write in between: the second snapshot covers the same seq and
// needs no new journal file (its name would clash with the current one).
BOOST_AUTO_TEST_CASE(compacting_again_without_new_records_keeps_the_journal_healthy) {
  test::temp_dir dir;
  history h{15};
  harness hs{small_compactions(dir.path(), 1ull << 30)};
  for (int i = 0; i < 30; ++i) BOOST_REQUIRE(!hs.write(h.next()));
  for (std::uint64_t n = 1; n <= 3; ++n) {
    BOOST_REQUIRE(hs.engine->compaction().compact_now());
    BOOST_REQUIRE(hs.engine->compaction().wait_for_finished(n, 10s));
  }
  BOOST_TEST(hs.engine->compaction().stats().compactions == 3u);
  BOOST_TEST(hs.engine->writer().healthy());
  BOOST_TEST(!hs.write(h.next()));
  hs.close();
  BOOST_TEST(names_in(dir.path()) ==
             (std::vector<std::string>{journal::journal_file_name(31), journal::snapshot_file_name(30)}));
  BOOST_TEST(recovered_dump(dir.path(), h) == store_test::dump(hs.live, h));
}

namespace {
// The nice values of this process's threads (/proc/self/task/*/stat, field 19).
std::vector<int> thread_nice_values() {
  std::vector<int> values;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream in{task.path() / "stat"};
    std::string stat{std::istreambuf_iterator<char>(in), {}};
    std::istringstream fields{stat.substr(stat.rfind(')') + 2)};  // from field 3 on
    std::string field;
    for (int i = 3; i <= 19 && fields >> field; ++i)
      if (i == 19) values.push_back(std::stoi(field));
  }
  return values;
}

// Skipped when the whole run is niced at least as much already (nothing to tell apart).
boost::test_tools::assertion_result not_niced_to_10(boost::unit_test::test_unit_id) {
  const int base = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
  boost::test_tools::assertion_result r{base < 10};
  r.message() << "this process already runs at nice " << base;
  return r;
}
}  // namespace

// Snapshots are background work: the compactor's thread yields the CPU to serving.
BOOST_AUTO_TEST_CASE(the_compactor_thread_runs_at_nice_10, *boost::unit_test::precondition(not_niced_to_10)) {
  const int base = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
  test::temp_dir dir;
  harness hs{small_compactions(dir.path(), 1ull << 30)};
  std::vector<int> nice;
  // /proc announces nothing: checked every 5 ms until the thread has set it (first thing after it starts).
  BOOST_TEST(test::wait_until([&] {
    nice = thread_nice_values();
    return std::count(nice.begin(), nice.end(), 10) == 1;
  }, 10s, 5ms));
  BOOST_TEST(std::count(nice.begin(), nice.end(), 10) == 1);
  BOOST_TEST(std::count(nice.begin(), nice.end(), base) >= 2);  // this thread and the journal writer
}
