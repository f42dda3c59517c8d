// Compaction while serving: rotation, snapshot at the cut, dropping covered files, and
// what a failure does (a snapshot failure is harmless; a rotation failure poisons).
#define BOOST_TEST_MODULE durability
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <thread>

#include "core/log.hpp"
#include "harness.hpp"
#include "journal/data_files.hpp"
#include "journal/snapshot_file.hpp"
#include "support/temp_dir.hpp"

using namespace durability_test;
using namespace std::chrono_literals;

namespace {
struct quiet_log {
  quiet_log() { core::log::set_min_level(core::log::level::error); }
};
BOOST_TEST_GLOBAL_FIXTURE(quiet_log);

// A file whose appends fail once `fail` is set (ENOSPC), to break snapshot writes.
class failing_file final : public journal::file {
 public:
  explicit failing_file(std::unique_ptr<journal::file> inner) : inner_(std::move(inner)) {}
  std::error_code append(std::string_view d) override {
    return fail_appends.load() ? std::make_error_code(std::errc::no_space_on_device) : inner_->append(d);
  }
  std::error_code sync() override { return inner_->sync(); }
  std::error_code truncate(std::uint64_t n) override { return inner_->truncate(n); }
  std::uint64_t size() const override { return inner_->size(); }
  static inline std::atomic<bool> fail_appends{false};

 private:
  std::unique_ptr<journal::file> inner_;
};

std::unique_ptr<journal::file> open_failing(const std::string& path, std::error_code& ec) {
  auto f = journal::open_posix_file(path, ec);
  if (!f) return f;
  return std::make_unique<failing_file>(std::move(f));
}

// A power-loss file layer: remembers, per path, how many bytes a successful sync made
// durable, so that a test can drop every unsynced byte afterwards.
struct power_loss_disk {
  std::mutex mutex;
  std::map<std::string, std::uint64_t> synced;  // path as opened -> durable size

  // Cuts every file to its durable size. A temp file renamed since is found by its final name.
  void lose_power(const std::map<std::string, std::uint64_t>& durable) {
    for (const auto& [path, size] : durable) {
      std::string actual = path;
      if (!fs::exists(actual) && actual.ends_with(".tmp")) actual.resize(actual.size() - 4);
      if (fs::exists(actual) && fs::file_size(actual) > size) fs::resize_file(actual, size);
    }
  }
  std::map<std::string, std::uint64_t> snapshot() {
    std::lock_guard lock{mutex};
    return synced;
  }
};

class power_loss_file final : public journal::file {
 public:
  power_loss_file(std::unique_ptr<journal::file> inner, std::string path, power_loss_disk& disk)
      : inner_(std::move(inner)), path_(std::move(path)), disk_(disk) {}
  std::error_code append(std::string_view d) override { return inner_->append(d); }
  std::error_code sync() override {
    auto ec = inner_->sync();
    if (!ec) {
      std::lock_guard lock{disk_.mutex};
      disk_.synced[path_] = inner_->size();
    }
    return ec;
  }
  std::error_code truncate(std::uint64_t n) override { return inner_->truncate(n); }
  std::uint64_t size() const override { return inner_->size(); }

 private:
  std::unique_ptr<journal::file> inner_;
  std::string path_;
  power_loss_disk& disk_;
};

journal::file_opener power_loss_opener(power_loss_disk& disk) {
  return [&disk](const std::string& path, std::error_code& ec) -> std::unique_ptr<journal::file> {
    auto f = journal::open_posix_file(path, ec);
    if (!f) return f;
    {
      std::lock_guard lock{disk.mutex};
      disk.synced[path] = f->size();  // what exists at open was made durable by its creator
    }
    return std::make_unique<power_loss_file>(std::move(f), path, disk);
  };
}

}  // namespace

// Power loss with fsync=batch and no timer sync: acknowledged records after the last sync
// are lost, but everything up to the last rotation survives (the old file is synced at
// the switch, the snapshot before its rename), recovery never sees "corruption", and the
// state is exactly a prefix of the history.
BOOST_AUTO_TEST_CASE(power_loss_keeps_every_rotation_and_snapshot_and_a_prefix_of_the_rest) {
  test::temp_dir dir;
  history h{16};
  power_loss_disk disk;
  auto o = small_compactions(dir.path(), 8192, journal::fsync_policy::batch);
  o.writer.interval = std::chrono::hours(1);
  o.compaction.open_journal = power_loss_opener(disk);
  const auto tracked = power_loss_opener(disk);
  o.compaction.open_snapshot = [&tracked](const std::string& path, std::error_code& ec) {
    auto f = tracked(path, ec);  // later snapshots fail: rotated journals then stay needed
    return f ? std::unique_ptr<journal::file>(std::make_unique<failing_file>(std::move(f))) : std::move(f);
  };
  failing_file::fail_appends = false;
  harness hs{o};
  for (std::uint64_t chunk = 1; chunk <= 3; ++chunk) {
    for (int i = 0; i < 300; ++i) BOOST_REQUIRE(!hs.write(h.next()));
    BOOST_REQUIRE(hs.engine->compaction().wait_for_finished(chunk, 10s));
  }
  failing_file::fail_appends = true;
  for (int i = 0; i < 300; ++i) BOOST_REQUIRE(!hs.write(h.next()));
  BOOST_REQUIRE(hs.engine->compaction().wait_for_finished(4, 10s));
  for (int i = 0; i < 50 && hs.engine->compaction().stats().running; ++i) std::this_thread::sleep_for(10ms);
  const auto durable = disk.snapshot();  // the moment of the power loss
  const auto journals = journal::list_data_files(dir.path())->journals;
  const std::uint64_t last_rotation = journals.back().number - 1;
  hs.close();
  failing_file::fail_appends = false;
  BOOST_TEST(journals.size() >= 2u);
  BOOST_TEST(last_rotation > hs.engine->compaction().stats().snapshot_seq);
  disk.lose_power(durable);
  durability::recovered info;
  const auto recovered = recovered_dump(dir.path(), h, durability::recovery_mode::strict, &info);
  BOOST_TEST(info.last_seq >= last_rotation);
  BOOST_TEST(info.last_seq < 1200u);  // the batch policy really left acknowledged records unsynced
  BOOST_TEST(recovered == reference_dump(hs.acked, info.last_seq, h));
}

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
    BOOST_REQUIRE(hs.engine->compaction().wait_for_finished(3, 10s));
    for (int i = 0; i < 50 && hs.engine->compaction().stats().running; ++i) std::this_thread::sleep_for(10ms);
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
  o.compaction.open_snapshot = open_failing;
  o.compaction.max_retry_delay = 20ms;
  failing_file::fail_appends = true;
  harness hs{o};
  for (int i = 0; i < 400; ++i) BOOST_REQUIRE(!hs.write(h.next()));
  BOOST_REQUIRE(hs.engine->compaction().wait_for_finished(2, 10s));
  auto stats = hs.engine->compaction().stats();
  BOOST_TEST(stats.failures >= 2u);
  BOOST_TEST(stats.compactions == 0u);
  BOOST_TEST(hs.engine->writer().healthy());
  auto files = journal::list_data_files(dir.path());
  BOOST_TEST(files->snapshots.empty());
  BOOST_TEST(files->temps.empty());
  BOOST_TEST(files->journals.size() >= 2u);  // each attempt rotated; nothing was dropped
  BOOST_TEST(recovered_dump(dir.path(), h).rfind("refused", 0) != 0u);
  failing_file::fail_appends = false;
  // Writes go on; a compaction starts at the next batch after the retry delay.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (hs.engine->compaction().stats().compactions == 0 && std::chrono::steady_clock::now() < deadline) {
    BOOST_REQUIRE(!hs.write(h.next()));
    std::this_thread::sleep_for(1ms);
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

// Not run by CI (disabled); run by hand for figures:
//   B/test/durability/test_durability --run_test=compaction_timing --log_level=message
// Builds 100k collections with 10 tracks each, then compacts while one writer keeps
// writing, and reports the compaction time, the snapshot size, the slowest write during
// it, and the time a start needs to recover from the snapshot.
BOOST_AUTO_TEST_CASE(compaction_timing, *boost::unit_test::disabled()) {
  using clock = std::chrono::steady_clock;
  test::temp_dir dir;
  constexpr int collections = 100'000, tracks = 10;
  harness hs{small_compactions(dir.path(), 1ull << 40, journal::fsync_policy::always)};
  for (int c = 0; c < collections; ++c) {
    char id[32];
    std::snprintf(id, sizeof id, "mcoll_%012x", c);
    hs.write_async(model::create_collection{id, "org_x", "usr_" + std::to_string(c % 100), "name", "a description",
                                            {}, {}, 1'700'000'000});
    for (int t = 0; t < tracks; ++t)
      hs.write_async(model::add_track{id, "mtrack_" + std::to_string(t), 1'700'000'000, 10'000});
  }
  BOOST_REQUIRE(!hs.write(model::delete_collection{"mcoll_none", 0}));
  std::int64_t worst_before_us = 0;  // the same writes without a compaction, for comparison
  for (int i = 0; i < 300; ++i) {
    const auto t0 = clock::now();
    BOOST_REQUIRE(!hs.write(model::add_track{"mcoll_000000000002", "mtrack_b" + std::to_string(i), 1, 100'000}));
    worst_before_us = std::max<std::int64_t>(
        worst_before_us, std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - t0).count());
  }
  std::atomic<bool> done{false};
  std::atomic<std::int64_t> worst_us{0};
  std::atomic<int> during{0};
  std::thread writer([&] {
    for (int i = 0; !done; ++i) {
      const auto t0 = clock::now();
      BOOST_REQUIRE(!hs.write(model::add_track{"mcoll_000000000001", "mtrack_w" + std::to_string(i), 1, 100'000}));
      const auto us = std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - t0).count();
      if (us > worst_us) worst_us = us;
      ++during;
    }
  });
  const auto t0 = clock::now();
  BOOST_REQUIRE(hs.engine->compaction().compact_now());
  BOOST_REQUIRE(hs.engine->compaction().wait_for_finished(1, 120s));
  const auto compaction_ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - t0).count();
  done = true;
  writer.join();
  hs.close();
  const auto stats = hs.engine->compaction().stats();
  const auto r0 = clock::now();
  store::collection_store recovered{256};
  BOOST_REQUIRE(durability::recover_data_dir(dir.path(), durability::recovery_mode::strict, recovered).ok());
  const auto recover_ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - r0).count();
  BOOST_TEST(recovered.size() == static_cast<std::size_t>(collections));
  BOOST_TEST_MESSAGE("compaction of " << collections << " collections x " << tracks << " tracks: " << compaction_ms
                                      << " ms (stats " << stats.last_duration_ms << " ms), snapshot "
                                      << stats.last_snapshot_bytes << " bytes; " << during
                                      << " writes during it, slowest " << worst_us << " us (" << worst_before_us
                                      << " us without compaction); recovery from the snapshot "
                                      << recover_ms << " ms");
}
