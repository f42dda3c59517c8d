// Recovery of a whole data directory: snapshot + journals, interrupted compactions,
// damage (refused, or repaired with copies kept), sequence gaps, torn tails.
#include <boost/test/unit_test.hpp>

#include <set>

#include "harness.hpp"
#include "journal/data_files.hpp"
#include "journal/encoding.hpp"
#include "journal/format.hpp"
#include "support/temp_dir.hpp"

using namespace durability_test;
using namespace std::chrono_literals;
using durability::recovery_mode;

namespace {

// Where each record of a whole journal file starts, then where the records end (so entry
// i + 1 is also where record i ends), before any zero tail the writer reserved.
std::vector<std::size_t> record_starts(const std::string& journal_bytes) {
  std::vector<std::size_t> at{journal::header_size};
  while (at.back() < journal_bytes.size() && journal::detail::get_u32(journal_bytes, at.back()) != 0)
    at.push_back(at.back() + journal::record_prefix_size + journal::detail::get_u32(journal_bytes, at.back()));
  return at;
}

// A journal's bytes without the zeros a running writer reserves after its records.
std::string records_only(const std::string& journal_bytes) {
  return journal_bytes.substr(0, record_starts(journal_bytes).back());
}

// A data directory after one compaction: snapshot-S and journal-(S+1) with more records,
// plus the bytes journal-1 had before the compaction deleted it.
struct compacted_dir {
  static constexpr int before = 300, after = 200;
  test::temp_dir dir;
  history h{21};
  std::uint64_t snapshot_seq = 0;
  std::string old_journal_name = journal::journal_file_name(1);
  std::string old_journal;
  std::map<std::uint64_t, model::mutation> acked;
  std::string live;

  compacted_dir() {
    harness hs{small_compactions(dir.path(), 1ull << 30)};
    for (int i = 0; i < before; ++i) BOOST_REQUIRE(!hs.write(h.next()));
    old_journal = records_only(read_file(path(old_journal_name)));  // read while the writer runs
    BOOST_REQUIRE(hs.engine->compaction().compact_now());
    BOOST_REQUIRE(hs.engine->compaction().wait_for_finished(1, 10s));
    snapshot_seq = hs.engine->compaction().stats().snapshot_seq;
    for (int i = 0; i < after; ++i) BOOST_REQUIRE(!hs.write(h.next()));
    hs.close();
    acked = hs.acked;
    live = store_test::dump(hs.live, h);
    BOOST_REQUIRE(snapshot_seq == static_cast<std::uint64_t>(before));
    BOOST_REQUIRE(names_in(dir.path()) == (std::vector<std::string>{new_journal_name(), snapshot_name()}));
  }
  std::string path(const std::string& name) const { return dir.path() + "/" + name; }
  std::string snapshot_name() const { return journal::snapshot_file_name(snapshot_seq); }
  std::string new_journal_name() const { return journal::journal_file_name(snapshot_seq + 1); }
  std::string recovered(recovery_mode mode = recovery_mode::strict) const { return recovered_dump(dir.path(), h, mode); }
};

void flip_byte(const std::string& path, std::size_t at) {
  std::string bytes = read_file(path);
  bytes.at(at) = static_cast<char>(bytes[at] ^ 0x10);
  write_file(path, bytes);
}

bool refused_naming(const std::string& result, const std::string& file) {
  return result.rfind("refused: ", 0) == 0 && result.find(file) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_fresh_directory_starts_with_journal_one) {
  test::temp_dir dir;
  store::collection_store s{4};
  const auto r = durability::recover_data_dir(dir.path(), recovery_mode::strict, s);
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r->last_seq == 0u);
  BOOST_TEST(r->journal_path == dir.path() + "/" + journal::journal_file_name(1));
  BOOST_TEST(names_in(dir.path()) == std::vector<std::string>{journal::journal_file_name(1)});
}

// A crash at each step of a compaction leaves one of these; each recovers to the same state.
BOOST_AUTO_TEST_CASE(every_interrupted_compaction_recovers_the_same_state) {
  compacted_dir c;
  BOOST_TEST(c.recovered() == c.live);
  // Crash after the snapshot's rename, before the old journal was deleted: finished at start.
  write_file(c.path(c.old_journal_name), c.old_journal);
  BOOST_TEST(c.recovered() == c.live);
  BOOST_TEST(!fs::exists(c.path(c.old_journal_name)));
  // Crash while writing the snapshot: a partial temp file, the old journal still there.
  write_file(c.path(c.old_journal_name), c.old_journal);
  const std::string snapshot = read_file(c.path(c.snapshot_name()));
  fs::remove(c.path(c.snapshot_name()));
  write_file(c.path(c.snapshot_name() + ".tmp"), snapshot.substr(0, snapshot.size() / 2));
  BOOST_TEST(c.recovered() == c.live);
  BOOST_TEST(!fs::exists(c.path(c.snapshot_name() + ".tmp")));
  BOOST_TEST(fs::exists(c.path(c.old_journal_name)));  // still needed: no snapshot covers it
  // Crash after the rotation, before any snapshot byte: the two journals replay in order.
  BOOST_TEST(c.recovered() == c.live);
  // Crash before the snapshot's rename reached the disk, with a complete temp file.
  write_file(c.path(c.snapshot_name() + ".tmp"), snapshot);
  BOOST_TEST(c.recovered() == c.live);
}

BOOST_AUTO_TEST_CASE(a_damaged_snapshot_refuses_even_with_repair_unless_the_journals_cover_it) {
  compacted_dir c;
  const std::string snapshot = c.path(c.snapshot_name());
  for (const std::size_t at : {std::size_t{3}, std::size_t{100}, fs::file_size(snapshot) - 2}) {
    flip_byte(snapshot, at);
    BOOST_TEST(refused_naming(c.recovered(), snapshot));
    BOOST_TEST(refused_naming(c.recovered(recovery_mode::repair), snapshot));  // journal-1 is gone
    BOOST_TEST(refused_naming(c.recovered(recovery_mode::verify), snapshot));
    flip_byte(snapshot, at);
  }
  fs::resize_file(snapshot, fs::file_size(snapshot) - 1);
  BOOST_TEST(refused_naming(c.recovered(), snapshot));
  // With the old journal back, --repair may fall back to it: same state, damaged copy kept.
  write_file(c.path(c.old_journal_name), c.old_journal);
  BOOST_TEST(refused_naming(c.recovered(), snapshot));  // strict still refuses
  const std::string damaged = read_file(snapshot);
  const auto copies = [&] {
    std::set<std::string> found;
    for (const auto& n : names_in(c.dir.path()))
      if (n.rfind(c.snapshot_name() + ".damaged-", 0) == 0) found.insert(read_file(c.path(n)));
    return found.size();
  };
  BOOST_TEST(c.recovered(recovery_mode::repair) == c.live);
  BOOST_TEST(!fs::exists(snapshot));
  BOOST_TEST(copies() == 1u);
  BOOST_TEST(c.recovered() == c.live);
  // The same name damaged again (within the same second, most likely) and repaired again:
  // the first copy stays beside the second, never replaced by it.
  std::string again = damaged;
  again.back() = static_cast<char>(again.back() ^ 0x5a);  // other bytes, so the copies differ
  write_file(snapshot, again);
  BOOST_TEST(c.recovered(recovery_mode::repair) == c.live);
  BOOST_TEST(copies() == 2u);
}

BOOST_AUTO_TEST_CASE(a_sequence_gap_between_or_inside_journal_files_is_refused) {
  compacted_dir c;
  // journal-1 is back but the snapshot is gone, and journal-1 lost its last record.
  const std::string snapshot = read_file(c.path(c.snapshot_name()));
  fs::remove(c.path(c.snapshot_name()));
  std::string shortened = c.old_journal;
  std::size_t end = journal::header_size, last_start = 0;
  while (end < shortened.size()) {
    last_start = end;
    end += journal::record_prefix_size + journal::detail::get_u32(shortened, end);
  }
  write_file(c.path(c.old_journal_name), shortened.substr(0, last_start));
  // Seen as a bad tail of a file that is not the last: corruption, never a cut.
  write_file(c.path(c.old_journal_name), shortened.substr(0, last_start + 5));
  BOOST_TEST(refused_naming(c.recovered(), c.old_journal_name));
  BOOST_TEST(fs::file_size(c.path(c.old_journal_name)) == last_start + 5);
  // A whole record missing at the end of a non-last file: a gap naming the next file.
  write_file(c.path(c.old_journal_name), shortened.substr(0, last_start));
  const auto gap = c.recovered();
  BOOST_TEST(refused_naming(gap, c.new_journal_name()));
  BOOST_TEST(gap.find("records missing") != std::string::npos);
  // A snapshot beyond the end of every journal.
  write_file(c.path(c.old_journal_name), c.old_journal);
  fs::remove(c.path(c.new_journal_name()));
  write_file(c.path(c.snapshot_name()), snapshot);
  fs::rename(c.path(c.snapshot_name()), c.path(journal::snapshot_file_name(c.snapshot_seq + 1000)));
  BOOST_TEST(refused_naming(c.recovered(), journal::snapshot_file_name(c.snapshot_seq + 1000)));
}

// LevelDB style, for a whole data directory: cutting the newest journal at every byte
// offset of its last records recovers exactly the snapshot plus the complete records.
BOOST_AUTO_TEST_CASE(truncating_the_newest_journal_anywhere_recovers_the_complete_prefix) {
  compacted_dir c;
  const std::string journal_path = c.path(c.new_journal_name());
  const std::string full = read_file(journal_path);
  const std::vector<std::size_t> ends = record_starts(full);
  std::map<std::size_t, std::string> expected;  // complete records -> state
  for (std::size_t len = ends[ends.size() - 4]; len <= full.size(); ++len) {
    write_file(journal_path, full.substr(0, len));
    std::size_t complete = 0;
    while (complete + 1 < ends.size() && ends[complete + 1] <= len) ++complete;
    if (!expected.contains(complete)) expected[complete] = reference_dump(c.acked, c.snapshot_seq + complete, c.h);
    BOOST_TEST(c.recovered() == expected[complete], "length " << len);
    BOOST_TEST(fs::file_size(journal_path) == ends[complete]);
  }
  BOOST_TEST(expected.rbegin()->second == c.live);
}

BOOST_AUTO_TEST_CASE(bit_flips_in_the_newest_journal_are_refused_in_the_middle_and_cut_at_the_end) {
  compacted_dir c;
  const std::string journal_path = c.path(c.new_journal_name());
  const std::string full = read_file(journal_path);
  const std::vector<std::size_t> starts = record_starts(full);
  const std::size_t middle = starts[starts.size() / 2], last = starts[starts.size() - 2];
  for (std::size_t at = middle; at < middle + 30; ++at) {
    write_file(journal_path, full);
    flip_byte(journal_path, at);
    const auto r = c.recovered();
    BOOST_TEST(refused_naming(r, journal_path));
    BOOST_TEST(r.find("offset " + std::to_string(middle)) != std::string::npos);
  }
  write_file(journal_path, full);
  flip_byte(journal_path, last + 20);
  BOOST_TEST(c.recovered() == reference_dump(c.acked, c.snapshot_seq + compacted_dir::after - 1, c.h));
  BOOST_TEST(fs::file_size(journal_path) == last);
}

// --repair of damage in a journal that is not the newest: copy and cut it, and set the
// newer journals aside (kept on disk), so the state is the valid prefix of history.
BOOST_AUTO_TEST_CASE(repairing_an_older_journal_keeps_copies_and_sets_newer_ones_aside) {
  compacted_dir c;
  fs::remove(c.path(c.snapshot_name()));
  write_file(c.path(c.old_journal_name), c.old_journal);
  flip_byte(c.path(c.old_journal_name), c.old_journal.size() / 2);
  BOOST_TEST(refused_naming(c.recovered(), c.old_journal_name));
  durability::recovered info;
  const auto repaired = recovered_dump(c.dir.path(), c.h, recovery_mode::repair, &info);
  BOOST_TEST(repaired.rfind("refused", 0) != 0u);
  BOOST_TEST(info.last_seq < c.snapshot_seq);
  BOOST_TEST(repaired == reference_dump(c.acked, info.last_seq, c.h));
  BOOST_TEST(info.journal_path == c.path(c.old_journal_name));
  int copies = 0;
  for (const auto& n : names_in(c.dir.path())) copies += n.find(".damaged-") != std::string::npos;
  BOOST_TEST(copies == 2);  // the damaged journal's copy, the newer journal set aside
  BOOST_TEST(c.recovered() == repaired);  // and the next start agrees
}

BOOST_AUTO_TEST_CASE(verify_mode_changes_nothing_and_lists_what_a_start_would_do) {
  compacted_dir c;
  write_file(c.path("snapshot-x.tmp"), "partial");
  const std::string journal_path = c.path(c.new_journal_name());
  const std::string full = read_file(journal_path);
  write_file(journal_path, full.substr(0, full.size() - 3));
  const auto before = names_in(c.dir.path());
  durability::recovered info;
  const auto r = recovered_dump(c.dir.path(), c.h, recovery_mode::verify, &info);
  BOOST_TEST(r == reference_dump(c.acked, c.snapshot_seq + compacted_dir::after - 1, c.h));
  BOOST_TEST(names_in(c.dir.path()) == before);
  BOOST_TEST(fs::file_size(journal_path) == full.size() - 3);
  BOOST_REQUIRE(info.findings.size() == 2u);
  BOOST_TEST(info.findings[0].find("snapshot-x.tmp") != std::string::npos);
  BOOST_TEST(info.findings[1].find("torn tail") != std::string::npos);
}
