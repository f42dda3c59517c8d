#include <boost/test/unit_test.hpp>

#include <atomic>

#include "journal/create.hpp"
#include "journal/reader.hpp"
#include "journal/writer.hpp"
#include "support.hpp"

using namespace mixtape;
using namespace mixtape::journal;
using namespace journal_test;

namespace {

struct replayed {
  std::vector<std::uint8_t> types;
  std::vector<std::uint64_t> seqs;
  std::vector<std::string> payloads;
};

core::result<recovery_report> recover_into(const std::string& path, replayed& out,
                                           recovery_mode mode = recovery_mode::strict) {
  out = {};
  return recover(path, [&](const record_view& r) {
    out.types.push_back(r.type);
    out.seqs.push_back(r.seq);
    out.payloads.emplace_back(r.payload);
    return core::success();
  }, mode);
}

const std::vector<std::string> five = {"alpha", "", "charlie-charlie", "delta", "echo-echo-echo"};

// Flips bit (i % 8) of byte `at`.
std::string flipped(std::string bytes, std::size_t at) {
  bytes[at] = static_cast<char>(bytes[at] ^ (1 << (at % 8)));
  return bytes;
}

void append_one(const std::string& path, std::uint64_t seq, const std::string& payload) {
  std::error_code ec;
  auto f = open_posix_file(path, ec);
  BOOST_REQUIRE(!ec);
  std::string rec;
  append_record(rec, 1, seq, payload);
  BOOST_REQUIRE(!f->append(rec));
}

}  // namespace

BOOST_AUTO_TEST_CASE(writer_records_are_recovered_in_order) {
  temp_dir dir;
  const auto path = dir.file("a.journal");
  auto f = new_journal_file(path);
  BOOST_TEST(f->size() == header_size);
  std::vector<std::string> payloads;
  std::atomic<int> failures{0};
  std::uint64_t last_seq = 0;  // written on the writer thread, read after close()
  {
    writer w(std::move(f), 100, {});
    const auto done = [&](std::error_code e, std::uint64_t seq) {
      if (e) ++failures;
      last_seq = seq;
    };
    for (int i = 0; i < 50; ++i) {
      payloads.push_back(std::string(static_cast<std::size_t>(i * 37 % 300), static_cast<char>('a' + i % 26)));
      w.submit(static_cast<std::uint8_t>(i % 3), payloads.back(), done);
    }
    payloads.push_back(std::string(100000, 'z'));
    w.submit(1, payloads.back(), done);
  }
  BOOST_TEST(failures == 0);
  BOOST_TEST(last_seq == 150u);
  replayed r;
  const auto rep = recover_into(path, r);
  BOOST_REQUIRE(rep.ok());
  BOOST_TEST(rep->records == 51u);
  BOOST_TEST(rep->last_seq == 150u);
  BOOST_TEST(rep->cut_bytes == 0u);
  BOOST_TEST(rep->valid_bytes == fs::file_size(path));
  BOOST_TEST(r.payloads == payloads, boost::test_tools::per_element());
  for (std::size_t i = 0; i < r.seqs.size(); ++i) BOOST_TEST(r.seqs[i] == 100 + i);
  for (std::size_t i = 0; i < 50; ++i) BOOST_TEST(r.types[i] == i % 3);
}

BOOST_AUTO_TEST_CASE(truncation_at_every_offset_of_the_last_records_keeps_the_complete_prefix) {
  temp_dir dir;
  const auto path = dir.file("t.journal");
  std::vector<std::size_t> offsets;
  const std::string full = journal_bytes(five, 1, &offsets);
  offsets.push_back(full.size());
  for (std::size_t len = offsets[2]; len <= full.size(); ++len) {
    write_file(path, full.substr(0, len));
    std::size_t complete = 0;
    while (offsets[complete + 1] <= len) ++complete;
    replayed r;
    const auto rep = recover_into(path, r);
    BOOST_REQUIRE(rep.ok());
    BOOST_TEST(rep->records == complete);
    BOOST_TEST(rep->valid_bytes == offsets[complete]);
    BOOST_TEST(rep->cut_bytes == len - offsets[complete]);
    BOOST_TEST(fs::file_size(path) == offsets[complete]);
    BOOST_TEST(r.payloads == std::vector<std::string>(five.begin(), five.begin() + static_cast<long>(complete)),
               boost::test_tools::per_element());
    append_one(path, complete + 1, "after");
    const auto again = recover_into(path, r);
    BOOST_REQUIRE(again.ok());
    BOOST_TEST(again->records == complete + 1);
    BOOST_TEST(again->cut_bytes == 0u);
    BOOST_REQUIRE(!r.payloads.empty());
    BOOST_TEST(r.payloads.back() == "after");
  }
}

BOOST_AUTO_TEST_CASE(bit_flip_in_the_last_record_is_a_torn_tail) {
  temp_dir dir;
  const auto path = dir.file("t.journal");
  std::vector<std::size_t> offsets;
  const std::string full = journal_bytes(five, 1, &offsets);
  for (std::size_t at = offsets[4]; at < full.size(); ++at) {
    write_file(path, flipped(full, at));
    replayed r;
    const auto rep = recover_into(path, r);
    BOOST_REQUIRE(rep.ok());
    BOOST_TEST(rep->records == 4u);
    BOOST_TEST(rep->cut_bytes == full.size() - offsets[4]);
    BOOST_TEST(!rep->repaired);
    BOOST_TEST(fs::file_size(path) == offsets[4]);
  }
}

BOOST_AUTO_TEST_CASE(bit_flip_anywhere_in_a_middle_record_is_refused_in_strict_mode) {
  temp_dir dir;
  const auto path = dir.file("m.journal");
  std::vector<std::size_t> offsets;
  const std::string full = journal_bytes(five, 1, &offsets);
  for (std::size_t at = offsets[2]; at < offsets[3]; ++at) {
    const std::string damaged = flipped(full, at);
    write_file(path, damaged);
    replayed r;
    const auto rep = recover_into(path, r);
    BOOST_REQUIRE(!rep.ok());
    BOOST_TEST((rep.error().code == core::errc::corrupt_data));
    BOOST_TEST(rep.error().message.find(path) != std::string::npos);
    BOOST_TEST(rep.error().message.find("offset " + std::to_string(offsets[2])) != std::string::npos);
    BOOST_TEST(read_file(path) == damaged);  // refusing changes nothing
  }
}

BOOST_AUTO_TEST_CASE(any_bit_flip_in_a_middle_length_field_is_corruption_not_a_cut) {
  temp_dir dir;
  const auto path = dir.file("l.journal");
  std::vector<std::size_t> offsets;
  const std::string full = journal_bytes(five, 1, &offsets);
  for (int bit = 0; bit < 32; ++bit) {
    std::string damaged = full;
    damaged[offsets[1] + bit / 8] = static_cast<char>(damaged[offsets[1] + bit / 8] ^ (1 << (bit % 8)));
    write_file(path, damaged);
    replayed r;
    const auto rep = recover_into(path, r);
    BOOST_REQUIRE(!rep.ok());
    BOOST_TEST((rep.error().code == core::errc::corrupt_data));
    BOOST_TEST(fs::file_size(path) == full.size());
  }
}

BOOST_AUTO_TEST_CASE(repair_keeps_a_damaged_copy_and_cuts_at_the_damage) {
  temp_dir dir;
  const auto path = dir.file("r.journal");
  std::vector<std::size_t> offsets;
  const std::string full = journal_bytes(five, 1, &offsets);
  const std::string damaged = flipped(full, offsets[2] + 12);
  write_file(path, damaged);
  replayed r;
  const auto rep = recover_into(path, r, recovery_mode::repair);
  BOOST_REQUIRE(rep.ok());
  BOOST_TEST(rep->repaired);
  BOOST_TEST(rep->records == 2u);
  BOOST_TEST(rep->last_seq == 2u);
  BOOST_TEST(rep->valid_bytes == offsets[2]);
  BOOST_TEST(rep->cut_bytes == damaged.size() - offsets[2]);
  BOOST_TEST(rep->damaged_copy.rfind(path + ".damaged-", 0) == 0u);
  BOOST_TEST(read_file(rep->damaged_copy) == damaged);
  BOOST_TEST(read_file(path) == damaged.substr(0, offsets[2]));
  const auto again = recover_into(path, r);
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(again->records == 2u);
  // A second repair in the same second must not overwrite the first copy.
  write_file(path, damaged);
  const auto second = recover_into(path, r, recovery_mode::repair);
  BOOST_REQUIRE(second.ok());
  BOOST_TEST(second->damaged_copy != rep->damaged_copy);
  BOOST_TEST(read_file(second->damaged_copy) == damaged);
}

BOOST_AUTO_TEST_CASE(a_zero_tail_in_the_newest_file_is_the_writers_reserve_and_is_cut_quietly) {
  temp_dir dir;
  const auto path = dir.file("z.journal");
  const std::string full = journal_bytes(five);
  write_file(path, full + std::string(4096, '\0'));
  replayed r;
  const auto rep = recover_into(path, r);
  BOOST_REQUIRE(rep.ok());
  BOOST_TEST(rep->records == 5u);
  BOOST_TEST(rep->cut_bytes == 0u);  // not a torn tail
  BOOST_TEST(rep->reserved_bytes == 4096u);
  BOOST_TEST(!rep->repaired);
  BOOST_TEST(read_file(path) == full);  // the writer appends at the end
}

BOOST_AUTO_TEST_CASE(a_zero_tail_in_an_older_file_is_no_damage_and_stays) {
  temp_dir dir;
  const auto path = dir.file("o.journal");
  const std::string bytes = journal_bytes(five) + std::string(70000, '\0');
  write_file(path, bytes);
  const auto rep = recover(path, [](const record_view&) { return core::success(); }, recovery_mode::strict,
                           /*last_file=*/false);
  BOOST_REQUIRE(rep.ok());
  BOOST_TEST(rep->records == 5u);
  BOOST_TEST(rep->reserved_bytes == 70000u);
  BOOST_TEST(read_file(path) == bytes);
}

BOOST_AUTO_TEST_CASE(zeros_then_a_valid_record_are_damage_not_a_reserve) {
  temp_dir dir;
  const auto path = dir.file("d.journal");
  const std::string all = journal_bytes(five);
  const std::string head = journal_bytes({five.begin(), five.begin() + 3});
  write_file(path, head + std::string(64, '\0') + all.substr(head.size()));
  replayed r;
  const auto rep = recover_into(path, r);
  BOOST_REQUIRE(!rep.ok());
  BOOST_TEST((rep.error().code == core::errc::corrupt_data));
}

BOOST_AUTO_TEST_CASE(a_torn_record_in_the_reserve_is_a_torn_tail) {
  temp_dir dir;
  const auto path = dir.file("t.journal");
  const std::string all = journal_bytes(five);
  const std::string head = journal_bytes({five.begin(), five.begin() + 4});
  const std::string torn = all.substr(head.size(), (all.size() - head.size()) / 2);
  write_file(path, head + torn + std::string(8192, '\0'));
  replayed r;
  const auto rep = recover_into(path, r);
  BOOST_REQUIRE(rep.ok());
  BOOST_TEST(rep->records == 4u);
  BOOST_TEST(rep->cut_bytes == torn.size() + 8192);
  BOOST_TEST(read_file(path) == head);
}

BOOST_AUTO_TEST_CASE(file_shorter_than_a_header_becomes_an_empty_journal) {
  temp_dir dir;
  const auto path = dir.file("s.journal");
  for (const std::size_t len : {0u, 1u, 8u, 15u}) {
    write_file(path, header_bytes().substr(0, len));
    replayed r;
    const auto rep = recover_into(path, r);
    BOOST_REQUIRE(rep.ok());
    BOOST_TEST(rep->records == 0u);
    BOOST_TEST(rep->last_seq == 0u);
    BOOST_TEST(rep->valid_bytes == header_size);
    BOOST_TEST(read_file(path) == header_bytes());
  }
}

BOOST_AUTO_TEST_CASE(bad_magic_or_version_is_refused_in_both_modes) {
  temp_dir dir;
  const auto path = dir.file("b.journal");
  std::string bad_magic = journal_bytes(five);
  bad_magic[0] = 'X';
  std::string bad_version = journal_bytes(five);
  bad_version[8] = 2;
  for (const auto& bytes : {bad_magic, bad_version}) {
    for (const auto mode : {recovery_mode::strict, recovery_mode::repair}) {
      write_file(path, bytes);
      replayed r;
      const auto rep = recover_into(path, r, mode);
      BOOST_REQUIRE(!rep.ok());
      BOOST_TEST((rep.error().code == core::errc::corrupt_data));
      BOOST_TEST(rep.error().message.find(path) != std::string::npos);
      BOOST_TEST(read_file(path) == bytes);
      BOOST_TEST(r.seqs.empty());
    }
  }
}

BOOST_AUTO_TEST_CASE(decreasing_sequence_number_is_a_bad_record) {
  temp_dir dir;
  const auto path = dir.file("q.journal");
  std::string bytes = header_bytes();
  std::size_t bad_at = 0;
  for (const std::uint64_t seq : {1, 2, 5, 3, 6}) {
    if (seq == 3) bad_at = bytes.size();
    append_record(bytes, 1, seq, "x");
  }
  write_file(path, bytes);
  replayed r;
  const auto rep = recover_into(path, r);
  BOOST_REQUIRE(!rep.ok());
  BOOST_TEST(rep.error().message.find("offset " + std::to_string(bad_at)) != std::string::npos);
  // With nothing newer after it, a stale record at the end is cut like a torn tail.
  write_file(path, bytes.substr(0, bytes.size() - record_fixed_size - 1));
  const auto cut = recover_into(path, r);
  BOOST_REQUIRE(cut.ok());
  BOOST_TEST(cut->records == 3u);
  BOOST_TEST(cut->last_seq == 5u);
  BOOST_TEST(cut->valid_bytes == bad_at);
}

BOOST_AUTO_TEST_CASE(failing_callback_stops_recovery_and_leaves_the_file) {
  temp_dir dir;
  const auto path = dir.file("c.journal");
  const std::string torn = journal_bytes(five).substr(0, journal_bytes(five).size() - 3);
  write_file(path, torn);
  int calls = 0;
  const auto rep = recover(path, [&](const record_view&) -> core::status {
    if (++calls == 2) return core::problem{core::errc::internal, "", "bad payload"};
    return core::success();
  }, recovery_mode::strict);
  BOOST_REQUIRE(!rep.ok());
  BOOST_TEST(rep.error().message == "bad payload");
  BOOST_TEST(calls == 2);
  BOOST_TEST(read_file(path) == torn);
}

BOOST_AUTO_TEST_CASE(verify_mode_reports_a_torn_tail_without_cutting_it) {
  temp_dir dir;
  const auto path = dir.file("v.journal");
  std::vector<std::size_t> offsets;
  const std::string full = journal_bytes(five, 1, &offsets);
  const std::string torn = full.substr(0, full.size() - 2);
  write_file(path, torn);
  replayed r;
  const auto rep = recover_into(path, r, recovery_mode::verify);
  BOOST_REQUIRE(rep.ok());
  BOOST_TEST(rep->records == 4u);
  BOOST_TEST(rep->valid_bytes == offsets[4]);
  BOOST_TEST(rep->cut_bytes == torn.size() - offsets[4]);
  BOOST_TEST(read_file(path) == torn);
  write_file(path, flipped(full, offsets[1] + 10));
  const auto corrupt = recover_into(path, r, recovery_mode::verify);
  BOOST_REQUIRE(!corrupt.ok());
  BOOST_TEST(corrupt.error().message.find("offset " + std::to_string(offsets[1])) != std::string::npos);
  BOOST_TEST(r.seqs == std::vector<std::uint64_t>{1}, boost::test_tools::per_element());  // the prefix, for dumps
  write_file(path, "MIX");
  const auto shorter = recover_into(path, r, recovery_mode::verify);
  BOOST_REQUIRE(shorter.ok());
  BOOST_TEST(shorter->header_missing);
  BOOST_TEST(read_file(path) == "MIX");
}

// A file followed by a newer one was synced before the switch: a bad tail there is damage.
BOOST_AUTO_TEST_CASE(a_bad_tail_in_a_file_that_is_not_the_last_is_corruption) {
  temp_dir dir;
  const auto path = dir.file("o.journal");
  std::vector<std::size_t> offsets;
  const std::string full = journal_bytes(five, 1, &offsets);
  const std::string torn = full.substr(0, full.size() - 1);
  for (const auto mode : {recovery_mode::strict, recovery_mode::verify}) {
    write_file(path, torn);
    replayed r;
    const auto rep = recover(path, [](const record_view&) { return core::success(); }, mode, false);
    BOOST_REQUIRE(!rep.ok());
    BOOST_TEST((rep.error().code == core::errc::corrupt_data));
    BOOST_TEST(rep.error().message.find("offset " + std::to_string(offsets[4])) != std::string::npos);
    BOOST_TEST(read_file(path) == torn);
  }
  const auto repaired = recover(path, [](const record_view&) { return core::success(); }, recovery_mode::repair, false);
  BOOST_REQUIRE(repaired.ok());
  BOOST_TEST(repaired->repaired);
  BOOST_TEST(read_file(repaired->damaged_copy) == torn);
  BOOST_TEST(read_file(path) == full.substr(0, offsets[4]));
  write_file(path, "MIXTAPE");
  BOOST_TEST(!recover(path, [](const record_view&) { return core::success(); }, recovery_mode::strict, false).ok());
  BOOST_TEST(read_file(path) == "MIXTAPE");
}
