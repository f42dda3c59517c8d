// The backup stream (docs/journal-format.md §8): what a writer appends reads back through
// backup_reader in pieces of any size, and every kind of damage stops the reader with a
// message that says where.
#include <boost/test/unit_test.hpp>

#include <fcntl.h>

#include "core/error.hpp"
#include "core/fs.hpp"
#include "journal/backup_format.hpp"
#include "journal/data_files.hpp"
#include "journal/record_cursor.hpp"
#include "journal/snapshot_file.hpp"
#include "support.hpp"

using namespace mixtape;
using namespace mixtape::journal;
using namespace journal_test;

namespace {

const std::string secret(32, 's');

// A real snapshot file's bytes, covering `seq`.
std::string snapshot_bytes(const std::string& dir, std::uint64_t seq, const std::string& body) {
  const auto path = dir + "/" + snapshot_file_name(seq);
  auto w = snapshot_writer::start(path, seq);
  BOOST_REQUIRE(w.ok());
  BOOST_REQUIRE(w.value()->append(body).ok());
  BOOST_REQUIRE(w.value()->commit().ok());
  return read_file(path);
}

// A backup as of seq 5 holding a snapshot at 2 (cut into two sections) and records 3..5.
std::string sample_backup(const std::string& dir, std::string* snapshot = nullptr) {
  const std::string snap = snapshot_bytes(dir, 2, std::string(3000, 'b'));
  if (snapshot) *snapshot = snap;
  std::string out;
  append_backup_header(out, 5, 2);
  append_backup_section(out, backup_section::secret, secret);
  append_backup_section(out, backup_section::snapshot, std::string_view{snap}.substr(0, 1000));
  append_backup_section(out, backup_section::snapshot, std::string_view{snap}.substr(1000));
  std::string records;
  for (std::uint64_t seq = 3; seq <= 5; ++seq) append_record(records, 1, seq, "payload " + std::to_string(seq));
  append_backup_section(out, backup_section::records, records);
  append_backup_end(out, 5, 3, snap.size());
  return out;
}

struct collected {
  std::uint64_t seq = 0, snapshot_seq = 0;
  std::string secret, snapshot;
  std::vector<std::uint64_t> seqs;
};

backup_reader reader_into(collected& c) {
  backup_reader::sink s;
  s.header = [&](std::uint64_t seq, std::uint64_t snap) {
    c.seq = seq;
    c.snapshot_seq = snap;
    return core::success();
  };
  s.secret = [&](std::string_view b) { return c.secret = b, core::success(); };
  s.snapshot = [&](std::string_view b) { return c.snapshot += b, core::success(); };
  s.record = [&](std::uint8_t, std::uint64_t seq, std::string_view, std::string_view) {
    c.seqs.push_back(seq);
    return core::success();
  };
  return backup_reader{"b.bak", s};
}

// Feeds `bytes` in pieces of `step`; returns the first error message, "" when it is complete.
std::string read_back(const std::string& bytes, std::size_t step = 7) {
  collected c;
  auto r = reader_into(c);
  for (std::size_t at = 0; at < bytes.size(); at += step)
    if (auto st = r.feed(std::string_view{bytes}.substr(at, step)); !st) return st.error().message;
  if (auto st = r.finish(); !st) return st.error().message;
  return "";
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_backup_reads_back_whole_in_pieces_of_any_size) {
  temp_dir dir;
  std::string snap;
  const std::string bytes = sample_backup(dir.path(), &snap);
  for (const std::size_t step : {std::size_t{1}, std::size_t{9}, std::size_t{36}, bytes.size()}) {
    collected c;
    auto r = reader_into(c);
    for (std::size_t at = 0; at < bytes.size(); at += step) BOOST_REQUIRE(r.feed(std::string_view{bytes}.substr(at, step)).ok());
    BOOST_REQUIRE(r.finish().ok());
    BOOST_TEST(r.complete());
    BOOST_TEST(c.seq == 5u);
    BOOST_TEST(c.snapshot_seq == 2u);
    BOOST_TEST(c.secret == secret);
    BOOST_TEST(c.snapshot == snap);
    BOOST_TEST((c.seqs == std::vector<std::uint64_t>{3, 4, 5}));
    BOOST_TEST(r.bytes() == bytes.size());
  }
}

BOOST_AUTO_TEST_CASE(every_kind_of_damage_is_named_with_where_it_is) {
  temp_dir dir;
  const std::string good = sample_backup(dir.path());
  BOOST_REQUIRE(read_back(good).empty());
  const auto flipped = [&](std::size_t at) {
    std::string b = good;
    b[at] ^= 0x01;
    return b;
  };
  BOOST_TEST(read_back(flipped(0)).find("b.bak: not a mixtape backup") == 0u);
  BOOST_TEST(read_back(flipped(20)).find("header checksum mismatch") != std::string::npos);
  BOOST_TEST(read_back(flipped(60)).find("section checksum mismatch at byte") != std::string::npos);
  BOOST_TEST(read_back(good.substr(0, good.size() - 1)).find("truncated") != std::string::npos);
  BOOST_TEST(read_back(good.substr(0, 20)).find("truncated") != std::string::npos);
  BOOST_TEST(read_back(good + "x").find("bytes after the end section") != std::string::npos);
  BOOST_TEST(read_back("").find("truncated") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(well_framed_sections_with_wrong_contents_are_refused) {
  temp_dir dir;
  const std::string snap = snapshot_bytes(dir.path(), 2, "body");
  const auto backup = [&](std::uint64_t seq, std::uint64_t snap_seq, const std::vector<std::pair<backup_section, std::string>>& parts) {
    std::string out;
    append_backup_header(out, seq, snap_seq);
    for (const auto& [kind, payload] : parts) append_backup_section(out, kind, payload);
    return out;
  };
  std::string rec3, rec4, rec5;
  append_record(rec3, 1, 3, "x");
  append_record(rec4, 1, 4, "x");
  append_record(rec5, 1, 5, "x");
  std::string end4;
  append_backup_end(end4, 4, 2, snap.size());
  const auto end_of = [](std::string e) { return e.substr(backup_section_prefix); };
  using S = backup_section;
  // A record missing (3, 5): a gap.
  BOOST_TEST(read_back(backup(5, 2, {{S::secret, secret}, {S::snapshot, snap}, {S::records, rec3 + rec5}}))
                 .find("seq 5 where 4 was due") != std::string::npos);
  // The secret not first; a second one; the wrong size.
  BOOST_TEST(read_back(backup(4, 2, {{S::snapshot, snap}})).find("secret section must come first") != std::string::npos);
  BOOST_TEST(read_back(backup(4, 2, {{S::secret, "short"}})).find("not 32 bytes") != std::string::npos);
  // The snapshot damaged inside (its own footer CRC), or not the one the header names.
  std::string bad_snap = snap;
  bad_snap[25] ^= 0x01;  // in its body
  BOOST_TEST(read_back(backup(4, 2, {{S::secret, secret}, {S::snapshot, bad_snap}, {S::records, rec3 + rec4}}))
                 .find("snapshot's checksum does not match") != std::string::npos);
  BOOST_TEST(read_back(backup(4, 3, {{S::secret, secret}, {S::snapshot, snap}}))
                 .find("snapshot's header does not match") != std::string::npos);
  // Records ending before the backup's seq; an end section that counts otherwise.
  BOOST_TEST(read_back(backup(5, 2, {{S::secret, secret}, {S::snapshot, snap}, {S::records, rec3 + rec4}, {S::end, end_of(end4)}}))
                 .find("records end at seq 4") != std::string::npos);
  // A damaged record inside a well-framed section.
  std::string bad_rec = rec3 + rec4;
  bad_rec[bad_rec.size() - 1] ^= 0x01;
  BOOST_TEST(read_back(backup(4, 2, {{S::secret, secret}, {S::snapshot, snap}, {S::records, bad_rec}}))
                 .find("journal record checksum mismatch") != std::string::npos);
  // And the complete one is fine.
  BOOST_TEST(read_back(backup(4, 2, {{S::secret, secret}, {S::snapshot, snap}, {S::records, rec3 + rec4}, {S::end, end_of(end4)}}))
                 .empty());
}

BOOST_AUTO_TEST_CASE(record_cursor_reads_a_journal_to_its_reserved_zeros_and_names_damage) {
  temp_dir dir;
  const std::string path = dir.file(journal_file_name(1));
  std::string bytes = header_bytes();
  for (std::uint64_t seq = 1; seq <= 3; ++seq) append_record(bytes, 1, seq, std::string(seq * 700000, 'r'));
  write_file(path, bytes + std::string(4096, '\0'));  // records bigger than one read, then a reserve
  const auto open = [&] {
    std::error_code ec;
    auto fd = core::fs::open(path, O_RDONLY, ec);
    BOOST_REQUIRE(!ec);
    auto c = record_cursor::open(std::move(fd), path);
    BOOST_REQUIRE(c.ok());
    return std::move(c).value();
  };
  auto cursor = open();
  for (std::uint64_t seq = 1; seq <= 3; ++seq) {
    auto r = cursor.next();
    BOOST_REQUIRE(r.ok());
    BOOST_REQUIRE(r.value().has_value());
    BOOST_TEST(r.value()->seq == seq);
    BOOST_TEST(r.value()->payload.size() == seq * 700000);
  }
  auto end = cursor.next();
  BOOST_REQUIRE(end.ok());
  BOOST_TEST(!end.value().has_value());
  bytes[header_size + 20] ^= 0x01;  // inside the first record
  write_file(path, bytes);
  auto damaged = open().next();
  BOOST_REQUIRE(!damaged.ok());
  BOOST_TEST(damaged.error().message == path + ": journal record checksum mismatch at offset 16");
}
