// Point-in-time restore from the archive: by seq and by time across compactions, what a gap
// or damage does before and after the target, and the refusals.
#include <boost/test/unit_test.hpp>

#include "core/secret_file.hpp"
#include "durability/archive_restore.hpp"
#include "harness.hpp"
#include "journal/data_files.hpp"
#include "journal/format.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

using namespace durability_test;
using namespace std::chrono_literals;
using durability::restore_target;

namespace {

// A served data directory whose whole history is in an archive: several compactions, and
// files closed by the interval between them; closed cleanly, so the last records are
// archived too.
struct archived_run {
  archived_run() {
    write_file(data.file(core::secret_file_name), std::string(32, 'k'));
    auto o = small_compactions(data.path(), 8192);
    o.archive.archive_dir = archive;
    o.archive.interval = 20ms;
    harness hs{o};
    BOOST_REQUIRE(hs.write_until_finished(h, 4, 30s));
    // Then a few files closed by the interval alone, after the newest snapshot.
    for (int round = 0; round < 3; ++round) {
      const auto rotations = hs.engine->writer().stats().rotations;
      for (int i = 0; i < 20; ++i) BOOST_REQUIRE(!hs.write(h.next()));
      BOOST_REQUIRE(test::wait_until([&] { return hs.engine->writer().stats().rotations > rotations; }, 10s));
    }
    hs.close();
    acked = hs.acked;
    total = acked.rbegin()->first;
    BOOST_REQUIRE(hs.engine->archiving()->stats().archived_seq == total);
    const auto files = journal::list_data_files(archive);
    BOOST_REQUIRE(files.ok());
    for (const auto& s : files->snapshots) snapshots.push_back(s.number);
    for (const auto& j : files->journals) journals.push_back(j.number);
    BOOST_REQUIRE(snapshots.size() >= 4u);
  }

  // The state after the records <= seq, as a client would see it.
  std::string expected(std::uint64_t seq) const { return reference_dump(acked, seq, h); }
  core::unix_seconds time_of(std::uint64_t seq) const { return model::time_of(acked.at(seq)); }
  // The last seq a time target keeps: records up to the first one after `t` (the history's
  // times never go back, so that is every record at or before t).
  std::uint64_t last_at_or_before(core::unix_seconds t) const {
    std::uint64_t last = 0;
    for (const auto& [seq, m] : acked) {
      if (model::time_of(m) > t) break;
      last = seq;
    }
    return last;
  }
  // A copy of the archive to damage.
  std::string copy_archive(const test::temp_dir& into) const {
    const std::string to = into / "archive";
    fs::copy(archive, to);
    return to;
  }
  std::string journal_path(const std::string& dir, std::uint64_t first) const {
    return dir + "/" + journal::journal_file_name(first);
  }

  test::temp_dir data, root;
  std::string archive = root / "archive";
  history h{31};
  std::map<std::uint64_t, model::mutation> acked;
  std::uint64_t total = 0;
  std::vector<std::uint64_t> snapshots, journals;  // archived, ascending
};

// Restores into a fresh directory and checks that a normal start recovers it with nothing to
// report and exactly the expected state. Returns the restore's result (or its refusal).
core::result<durability::restored> restore_and_check(const std::string& archive, const restore_target& t,
                                                     const std::string& expected, const history& h) {
  test::temp_dir into;
  const std::string dir = into / "restored";
  auto r = durability::restore_from_archive(archive, dir, t);
  if (!r) return r;
  durability::recovered info;
  BOOST_TEST(recovered_dump(dir, h, durability::recovery_mode::verify, &info) == expected);
  BOOST_TEST(info.findings.empty());
  BOOST_TEST(info.last_seq == r->last_seq);
  BOOST_TEST(info.snapshot_seq == r->snapshot_seq);
  BOOST_TEST(recovered_dump(dir, h) == expected);
  BOOST_TEST(read_file(dir + "/" + core::secret_file_name) == std::string(32, 'k'));
  BOOST_TEST(static_cast<unsigned>(fs::status(dir + "/" + core::secret_file_name).permissions()) == 0600u);
  return r;
}

bool names(const core::result<durability::restored>& r, const std::string& text) {
  if (r) return false;
  BOOST_TEST_MESSAGE(r.error().message);
  return r.error().message.find(text) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(restore)

// Every kind of seq target: before the first snapshot (journal from seq 1), exactly at a
// snapshot, between two, and the end; each from the newest snapshot at or before it.
BOOST_AUTO_TEST_CASE(by_seq_across_compactions) {
  archived_run run;
  const auto s1 = run.snapshots.front(), s2 = run.snapshots[1];
  for (const std::uint64_t target : {std::uint64_t{1}, s1 / 2, s1, s1 + 1, (s1 + s2) / 2, s2, run.total - 3, run.total}) {
    BOOST_TEST_CONTEXT("seq " << target) {
      const auto r = restore_and_check(run.archive, restore_target::until_seq(target), run.expected(target), run.h);
      BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
      BOOST_TEST(r->last_seq == target);
      std::uint64_t base = 0;
      for (const auto s : run.snapshots)
        if (s <= target) base = s;
      BOOST_TEST(r->snapshot_seq == base);
      BOOST_TEST(r->records == target - base);
      BOOST_TEST(r->last_time.value_or(-1) == run.time_of(target));
    }
  }
  const auto all = restore_and_check(run.archive, restore_target::everything(), run.expected(run.total), run.h);
  BOOST_REQUIRE(all.ok());
  BOOST_TEST(all->last_seq == run.total);
  BOOST_TEST(all->snapshot_seq == run.snapshots.back());
}

// Time targets: the state as of a time is every record up to the first one after it,
// across compactions, from a snapshot whose records are all at or before that time.
BOOST_AUTO_TEST_CASE(by_time_across_compactions) {
  archived_run run;
  const auto s2 = run.snapshots[1];
  const core::unix_seconds first = run.time_of(1), last = run.time_of(run.total);
  for (const core::unix_seconds t : {first, run.time_of(s2) - 1, run.time_of(s2), run.time_of(s2 + 1),
                                     (first + last) / 2, last - 1}) {
    BOOST_TEST_CONTEXT("time " << t) {
      const std::uint64_t keep = run.last_at_or_before(t);
      const auto r = restore_and_check(run.archive, restore_target::until_time(t), run.expected(keep), run.h);
      BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
      BOOST_TEST(r->last_seq == keep);
      BOOST_TEST(r->last_time.value_or(-1) == run.time_of(keep));
      BOOST_TEST(r->last_time.value_or(t + 1) <= t);
      BOOST_TEST(r->snapshot_seq <= keep);
      if (keep > run.snapshots.front()) BOOST_TEST(r->snapshot_seq > 0u);  // a snapshot served it
    }
  }
  // Before the first record: nothing kept.
  const auto none = restore_and_check(run.archive, restore_target::until_time(first - 1), run.expected(0), run.h);
  BOOST_REQUIRE(none.ok());
  BOOST_TEST(none->last_seq == 0u);
  BOOST_TEST(!none->last_time.has_value());
}

// A snapshot is dated by the archived journal file holding its last record. Pruned as
// docs/operations.md says (everything before that file goes), the archive still serves every
// target after the snapshot; without that file too, seq targets only.
BOOST_AUTO_TEST_CASE(a_pruned_archive_serves_targets_after_its_oldest_snapshot) {
  archived_run run;
  test::temp_dir copy;
  const std::string archive = run.copy_archive(copy);
  const auto s = run.snapshots[run.snapshots.size() - 2];
  std::uint64_t holding = 0;
  for (const auto j : run.journals)
    if (j <= s) holding = j;
  for (const auto j : run.journals)
    if (j < holding) fs::remove(run.journal_path(archive, j));
  for (const auto older : run.snapshots)
    if (older < s) fs::remove(archive + "/" + journal::snapshot_file_name(older));
  const core::unix_seconds t = run.time_of(run.total) - 1;
  const std::uint64_t keep = run.last_at_or_before(t);
  BOOST_REQUIRE(keep > s);
  const auto by_time = restore_and_check(archive, restore_target::until_time(t), run.expected(keep), run.h);
  BOOST_REQUIRE_MESSAGE(by_time.ok(), (by_time.ok() ? "" : by_time.error().message));
  BOOST_TEST(by_time->last_seq == keep);
  BOOST_TEST(by_time->snapshot_seq >= s);
  const auto at_s = restore_and_check(archive, restore_target::until_seq(s), run.expected(s), run.h);
  BOOST_REQUIRE(at_s.ok());
  BOOST_TEST(at_s->snapshot_seq == s);
  BOOST_TEST(at_s->last_time.value_or(-1) == run.time_of(s));  // dated from the file holding it

  // Without the file holding the snapshot's last record, it cannot be dated.
  fs::remove(run.journal_path(archive, holding));
  const auto by_seq = restore_and_check(archive, restore_target::until_seq(s + 1), run.expected(s + 1), run.h);
  BOOST_REQUIRE(by_seq.ok());
  BOOST_TEST(by_seq->snapshot_seq == s);
  test::temp_dir into;
  const auto t_s = run.time_of(s + 1);
  BOOST_TEST(names(durability::restore_from_archive(archive, into / "r", restore_target::until_time(t_s)),
                   "a snapshot serves a time only while the archive holds the journal file with its last record"));
}

// An archived journal file after the newest snapshot (so that no snapshot bridges it) that
// is not the last one: its first seq and the next file's.
static std::pair<std::uint64_t, std::uint64_t> file_after_the_newest_snapshot(const archived_run& run) {
  const auto after = std::find_if(run.journals.begin(), run.journals.end(),
                                  [&](std::uint64_t j) { return j > run.snapshots.back() + 1; });
  BOOST_REQUIRE(after != run.journals.end() && after + 1 != run.journals.end());
  return {*after, *(after + 1)};
}

// A journal file missing from the archive: a target past it refuses, naming the file after
// the gap; a target before it is restored.
BOOST_AUTO_TEST_CASE(a_gap_refuses_only_a_target_past_it) {
  archived_run run;
  test::temp_dir copy;
  const std::string archive = run.copy_archive(copy);
  const auto [missing, next] = file_after_the_newest_snapshot(run);
  BOOST_REQUIRE(run.last_at_or_before(run.time_of(run.total) - 1) >= next);  // the time target lies past the gap
  fs::remove(run.journal_path(archive, missing));
  for (const auto t : {restore_target::until_seq(next), restore_target::everything(),
                       restore_target::until_time(run.time_of(run.total) - 1)}) {
    test::temp_dir into;
    const auto r = durability::restore_from_archive(archive, into / "restored", t);
    BOOST_TEST(names(r, journal::journal_file_name(next) + ": starts at seq " + std::to_string(next)));
    BOOST_TEST(r.error().code == core::errc::corrupt_data);
    BOOST_TEST(names_in(into / "restored").empty());  // nothing left behind
  }
  const auto before = restore_and_check(archive, restore_target::until_seq(missing - 1), run.expected(missing - 1), run.h);
  BOOST_REQUIRE(before.ok());
  BOOST_TEST(before->last_seq == missing - 1);
}

// A damaged record (a flipped byte): a target past it refuses, naming the file and offset; a
// target before it is restored.
BOOST_AUTO_TEST_CASE(damage_refuses_only_a_target_past_it) {
  archived_run run;
  test::temp_dir copy;
  const std::string archive = run.copy_archive(copy);
  const auto [first, next] = file_after_the_newest_snapshot(run);
  BOOST_REQUIRE(next - first >= 2);  // damage the second record: the first stays valid
  const std::string path = run.journal_path(archive, first);
  std::string bytes = read_file(path);
  const std::uint64_t second = journal::header_size + journal::record_fixed_size + model::encode(run.acked.at(first)).size();
  bytes[second + journal::record_fixed_size] ^= 0x40;  // in its payload: the CRC no longer matches
  write_file(path, bytes);
  for (const auto t : {restore_target::until_seq(first + 1), restore_target::everything()}) {
    test::temp_dir into;
    const auto r = durability::restore_from_archive(archive, into / "restored", t);
    BOOST_TEST(names(r, path + ": damaged archived journal file: no valid record at offset " + std::to_string(second)));
    BOOST_TEST(r.error().code == core::errc::corrupt_data);
  }
  const auto before = restore_and_check(archive, restore_target::until_seq(first), run.expected(first), run.h);
  BOOST_REQUIRE_MESSAGE(before.ok(), (before.ok() ? "" : before.error().message));
}

// A truncated archived file (a copy cut short) is damage too.
BOOST_AUTO_TEST_CASE(a_truncated_archived_file_is_damage) {
  archived_run run;
  test::temp_dir copy;
  const std::string archive = run.copy_archive(copy);
  const std::uint64_t last = run.journals.back();
  const std::string path = run.journal_path(archive, last);
  fs::resize_file(path, fs::file_size(path) - 3);
  test::temp_dir into;
  const auto r = durability::restore_from_archive(archive, into / "restored", restore_target::everything());
  BOOST_TEST(names(r, path + ": damaged archived journal file"));
}

// The refusals: a used directory, a target the archive does not reach, a target older than
// every snapshot when the journal does not go back to seq 1.
BOOST_AUTO_TEST_CASE(what_a_restore_refuses) {
  archived_run run;
  test::temp_dir into;
  const std::string dir = into / "restored";
  BOOST_REQUIRE(durability::restore_from_archive(run.archive, dir, restore_target::until_seq(10)).ok());
  const auto before = names_in(dir);
  const auto again = durability::restore_from_archive(run.archive, dir, restore_target::until_seq(20));
  BOOST_TEST(names(again, dir + " is already a data directory (it holds " + dir + "/journal-"));
  BOOST_TEST(names_in(dir) == before);
  test::temp_dir with_secret;
  write_file(with_secret / core::secret_file_name, std::string(32, 'x'));
  BOOST_TEST(names(durability::restore_from_archive(run.archive, with_secret.path(), restore_target::everything()),
                   "is already a data directory (it holds " + with_secret / core::secret_file_name + ")"));

  test::temp_dir a, b;
  BOOST_TEST(names(durability::restore_from_archive(run.archive, a / "r", restore_target::until_seq(run.total + 1)),
                   "the archive ends at seq " + std::to_string(run.total) + " "));
  BOOST_TEST(names(durability::restore_from_archive(run.archive, b / "r",
                                                    restore_target::until_time(run.time_of(run.total))),
                   "without a record after"));

  test::temp_dir copy, c;
  const std::string archive = run.copy_archive(copy);
  fs::remove(run.journal_path(archive, 1));
  const auto old = durability::restore_from_archive(archive, c / "r", restore_target::until_seq(run.snapshots.front() - 1));
  BOOST_TEST(names(old, "no archived snapshot is at or before the target (seq " +
                            std::to_string(run.snapshots.front() - 1) + ")"));
  BOOST_TEST(names(old, "do not go back to seq 1"));
  BOOST_TEST(names_in(c / "r").empty());
}

BOOST_AUTO_TEST_SUITE_END()
