// Continuous archiving while serving: what is copied and when, that a copy is never seen
// half-made, that nothing is deleted before it is archived, and the interval rotation.
#define BOOST_TEST_MODULE durability_archive
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include "core/log.hpp"
#include "core/secret_file.hpp"
#include "faults.hpp"
#include "harness.hpp"
#include "journal/data_files.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

using namespace durability_test;
using namespace std::chrono_literals;

namespace {

BOOST_TEST_GLOBAL_FIXTURE(quiet_log);

// A data directory with a secret.key, archived into `archive`. The interval is long unless
// a test wants rotations from it.
durability::engine_options archived_options(const std::string& dir, const std::string& archive,
                                            std::uint64_t compact_bytes,
                                            std::chrono::milliseconds interval = std::chrono::hours(1)) {
  auto o = small_compactions(dir, compact_bytes);
  o.archive.archive_dir = archive;
  o.archive.interval = interval;
  o.archive.retry_delay = 5ms;
  o.archive.max_retry_delay = 20ms;
  if (!fs::exists(dir + "/" + core::secret_file_name))
    write_file(dir + "/" + core::secret_file_name, std::string(32, 's'));
  return o;
}

std::vector<std::string> journals_in(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& name : names_in(dir))
    if (name.ends_with(".journal")) out.push_back(name);
  return out;
}
std::vector<std::string> snapshots_in(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& name : names_in(dir))
    if (name.ends_with(".snapshot")) out.push_back(name);
  return out;
}
bool has_temp(const std::string& dir) {
  for (const auto& name : names_in(dir))
    if (name.ends_with(".tmp")) return true;
  return false;
}
ino_t inode_of(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

}  // namespace

// After compactions: the archive holds every closed journal file and every snapshot, byte for
// byte, plus secret.key; never the file being written. The data directory keeps its usual
// shape once the covered files are archived.
BOOST_AUTO_TEST_CASE(closed_journal_files_and_snapshots_are_copied_whole_and_the_current_file_is_not) {
  test::temp_dir dir, archive_root;
  const std::string archive = archive_root.path() + "/archive";  // made by the archiver
  history h{21};
  harness hs{archived_options(dir.path(), archive, 8192)};
  auto* a = hs.engine->archiving();
  BOOST_REQUIRE(a != nullptr);
  BOOST_REQUIRE(hs.write_until_finished(h, 3, 20s));
  const auto snapshot_seq = hs.engine->compaction().stats().snapshot_seq;
  BOOST_REQUIRE(a->wait_for_archived_seq(snapshot_seq, 10s));
  const auto covered_gone = [&] {
    const auto files = journal::list_data_files(dir.path());
    return files.ok() && files->journals.size() == 1 && files->snapshots.size() == 1;
  };
  BOOST_TEST(test::wait_until(covered_gone, 10s));  // once archived, the covered files went
  BOOST_TEST(snapshots_in(archive).size() >= 3u);
  const auto current = journals_in(dir.path()).back();
  const auto archived = journals_in(archive);
  BOOST_TEST(archived.size() >= 3u);
  BOOST_TEST(!std::count(archived.begin(), archived.end(), current));
  BOOST_TEST(read_file(archive + "/" + core::secret_file_name) == std::string(32, 's'));
  BOOST_TEST(!has_temp(archive));
  // Contiguous from seq 1, and each snapshot in the data directory is its archived copy.
  std::uint64_t number = 0;
  BOOST_REQUIRE(journal::parse_numbered_name(archived.front(), "journal-", ".journal", number));
  BOOST_TEST(number == 1u);
  for (const auto& s : snapshots_in(dir.path()))
    BOOST_TEST(read_file(dir.path() + "/" + s) == read_file(archive + "/" + s));
  // Each file in the archive was counted as a copy (just after its rename).
  const auto copies = archived.size() + snapshots_in(archive).size();
  BOOST_TEST(test::wait_until([&] { return a->stats().files >= copies; }, 10s));
  BOOST_TEST(a->stats().failures == 0u);
}

// A restart copies nothing again (the copies are recognised by their bytes), and the close
// before it archived the last records too (the shutdown switch).
BOOST_AUTO_TEST_CASE(a_restart_archives_nothing_twice_and_a_clean_close_archives_the_last_records) {
  test::temp_dir dir, archive_root;
  const std::string archive = archive_root / "archive";
  history h{22};
  std::uint64_t last = 0;
  {
    harness hs{archived_options(dir.path(), archive, 8192)};
    BOOST_REQUIRE(hs.write_until_finished(h, 2, 20s));
    for (int i = 0; i < 10; ++i) BOOST_REQUIRE(!hs.write(h.next()));
    last = hs.engine->writer().stats().records;
    hs.close();
    BOOST_TEST(hs.engine->archiving()->stats().archived_seq == last);
  }
  std::map<std::string, ino_t> before;
  for (const auto& name : names_in(archive)) before[name] = inode_of(archive + "/" + name);
  harness hs{archived_options(dir.path(), archive, 8192)};
  auto* a = hs.engine->archiving();
  BOOST_REQUIRE(a->wait_for_archived_seq(last, 10s));  // its first pass found them all
  BOOST_TEST(a->stats().files == 0u);
  BOOST_TEST(a->stats().failures == 0u);
  for (const auto& [name, inode] : before) BOOST_TEST(inode_of(archive + "/" + name) == inode, name);
}

// A copy stuck part-way exists only as a temp file; a failing disk (ENOSPC) leaves no file
// under an archive name, is counted and retried; meanwhile compaction goes on but deletes
// nothing unarchived, not even at a restart; once the disk has room, everything is archived
// and the covered files go.
BOOST_AUTO_TEST_CASE(a_failing_archive_never_holds_a_partial_file_and_nothing_is_deleted_before_it_is_archived) {
  test::temp_dir dir, archive_root;
  const std::string archive = archive_root / "archive";
  history h{23};
  auto faults = std::make_shared<test::fake_disk>();
  auto o = archived_options(dir.path(), archive, 8192);
  o.archive.open_copy = faulty_opener(faults);
  {
    faults->update([&] { faults->gate_closed = true; });  // the first append of a copy waits here
    harness hs{o};
    BOOST_REQUIRE(faults->wait_for_gate_waiter());  // copying secret.key
    BOOST_TEST(fs::exists(archive + "/secret.key.tmp"));
    BOOST_TEST(!fs::exists(archive + "/secret.key"));
    faults->update([&] {
      faults->append_error = std::errc::no_space_on_device;
      faults->refuse_appends = true;
      faults->gate_closed = false;
    });
    BOOST_REQUIRE(test::wait_until([&] { return hs.engine->archiving()->stats().failures >= 1; }, 10s));
    BOOST_REQUIRE(hs.write_until_finished(h, 2, 20s));  // compactions succeed all the same
    BOOST_REQUIRE(test::wait_until([&] { return hs.engine->archiving()->stats().failures >= 3; }, 10s));
    for (const auto& name : names_in(archive))  // at most the temp file of a retry in flight
      BOOST_TEST(name.ends_with(".tmp"), name);
    BOOST_TEST(journals_in(dir.path()).size() >= 3u);  // covered by the snapshot, not yet archived
    BOOST_TEST(snapshots_in(dir.path()).size() == 2u);
    BOOST_TEST(hs.engine->archiving()->stats().files == 0u);
  }
  const auto journals_before = journals_in(dir.path());
  harness hs{o};  // recovery leaves the covered, unarchived files alone
  BOOST_TEST(journals_in(dir.path()) == journals_before);
  BOOST_TEST(snapshots_in(dir.path()).size() == 2u);
  faults->set_refuse_appends(false);
  const auto snapshot_seq = hs.engine->compaction().stats().snapshot_seq;
  BOOST_REQUIRE(hs.engine->archiving()->wait_for_archived_seq(snapshot_seq, 10s));
  const auto covered_gone = [&] {
    const auto files = journal::list_data_files(dir.path());
    return files.ok() && files->snapshots.size() == 1 && files->journals.front().number == snapshot_seq + 1;
  };
  BOOST_TEST(test::wait_until(covered_gone, 10s));
  for (const auto& j : journals_before) {
    std::uint64_t first = 0;
    BOOST_REQUIRE(journal::parse_numbered_name(j, "journal-", ".journal", first));
    if (first <= snapshot_seq) BOOST_TEST(fs::exists(archive + "/" + j), j);
  }
  BOOST_TEST(fs::exists(archive + "/secret.key"));
  BOOST_TEST(!has_temp(archive));
}

// --archive-interval: a file whose first record is old enough is closed by a plain rotation
// (no snapshot) and archived; the archive then holds that record.
BOOST_AUTO_TEST_CASE(the_interval_closes_a_file_holding_records_without_a_snapshot) {
  test::temp_dir dir, archive_root;
  const std::string archive = archive_root / "archive";
  history h{24};
  harness hs{archived_options(dir.path(), archive, 1ull << 30, 50ms)};
  auto* a = hs.engine->archiving();
  BOOST_REQUIRE(!hs.write(h.next()));
  BOOST_REQUIRE(a->wait_for_archived_seq(1, 10s));
  BOOST_TEST(journals_in(archive) == std::vector<std::string>{journal::journal_file_name(1)});
  BOOST_TEST(hs.engine->writer().stats().rotations == 1u);
  BOOST_TEST(hs.engine->compaction().stats().compactions == 0u);
  BOOST_TEST(snapshots_in(dir.path()).empty());
  BOOST_TEST(journals_in(dir.path()).size() == 2u);  // kept: no snapshot covers it
  for (int i = 0; i < 3; ++i) BOOST_REQUIRE(!hs.write(h.next()));
  BOOST_REQUIRE(a->wait_for_archived_seq(4, 10s));
  BOOST_TEST(journals_in(archive).size() == 2u);
}

// Interval rotations and compaction rotations together: compaction still starts (the bytes of
// files closed for archiving count towards --compact-bytes), and the data directory still
// recovers to the live state.
BOOST_AUTO_TEST_CASE(interval_rotations_do_not_starve_compaction) {
  test::temp_dir dir, archive_root;
  const std::string archive = archive_root / "archive";
  history h{25};
  std::string live;
  {
    harness hs{archived_options(dir.path(), archive, 16384, 1ms)};
    BOOST_REQUIRE(hs.write_until_finished(h, 3, 30s));
    BOOST_TEST(hs.engine->writer().stats().rotations > 3u);  // the interval rotated too
    BOOST_TEST(hs.engine->compaction().stats().failures == 0u);
    hs.close();
    live = store_test::dump(hs.live, h);
  }
  BOOST_TEST(recovered_dump(dir.path(), h) == live);
}
