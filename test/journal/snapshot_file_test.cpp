// Snapshot files: header, body, footer; damage of any kind is reported, never skipped.
#include <boost/test/unit_test.hpp>

#include <set>

#include "core/error.hpp"
#include "core/fs.hpp"
#include "journal/data_files.hpp"
#include "journal/snapshot_file.hpp"
#include "support.hpp"

using namespace mixtape;
using namespace mixtape::journal;
using namespace journal_test;

namespace {

std::string write_snapshot(const std::string& path, std::uint64_t seq, const std::vector<std::string>& chunks) {
  auto w = snapshot_writer::start(path, seq);
  BOOST_REQUIRE(w.ok());
  std::string body;
  for (const auto& c : chunks) {
    BOOST_REQUIRE(w.value()->append(c).ok());
    body += c;
  }
  BOOST_REQUIRE(w.value()->commit().ok());
  BOOST_TEST(w.value()->file_bytes() == fs::file_size(path));
  return body;
}

}  // namespace

BOOST_AUTO_TEST_CASE(snapshot_file_round_trips_and_leaves_no_temp_file) {
  temp_dir dir;
  const auto path = dir.file(snapshot_file_name(42));
  const std::string body = write_snapshot(path, 42, {"abc", "", std::string(100000, 'q'), "end"});
  BOOST_TEST(!fs::exists(path + ".tmp"));
  const auto read = read_snapshot_file(path);
  BOOST_REQUIRE(read.ok());
  BOOST_TEST(read->covered_seq == 42u);
  BOOST_TEST(read->body == body);
  BOOST_TEST(fs::file_size(path) == snapshot_header_size + body.size() + snapshot_footer_size);
  write_snapshot(path, 7, {});
  const auto empty = read_snapshot_file(path);
  BOOST_REQUIRE(empty.ok());
  BOOST_TEST(empty->body.empty());
}

BOOST_AUTO_TEST_CASE(every_truncation_and_every_bit_flip_of_a_snapshot_is_refused) {
  temp_dir dir;
  const auto path = dir.file("s.snapshot");
  write_snapshot(path, 9, {"some body bytes of a snapshot"});
  const std::string full = read_file(path);
  for (std::size_t len = 0; len < full.size(); ++len) {
    write_file(path, full.substr(0, len));
    const auto r = read_snapshot_file(path);
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST((r.error().code == core::errc::corrupt_data));
    BOOST_TEST(r.error().message.find(path + ": damaged snapshot") == 0u);
  }
  for (std::size_t at = 0; at < full.size(); ++at)
    for (int bit = 0; bit < 8; bit += 3) {
      std::string damaged = full;
      damaged[at] = static_cast<char>(damaged[at] ^ (1 << bit));
      write_file(path, damaged);
      BOOST_TEST(!read_snapshot_file(path).ok(), "flip at " << at);
    }
  write_file(path, full + "x");
  BOOST_TEST(!read_snapshot_file(path).ok());
}

BOOST_AUTO_TEST_CASE(an_abandoned_or_failing_snapshot_leaves_nothing_behind) {
  temp_dir dir;
  const auto path = dir.file("a.snapshot");
  {
    auto w = snapshot_writer::start(path, 3);
    BOOST_REQUIRE(w.ok());
    BOOST_REQUIRE(w.value()->append("partial").ok());
    BOOST_TEST(fs::exists(path + ".tmp"));
  }
  BOOST_TEST(!fs::exists(path + ".tmp"));
  BOOST_TEST(!fs::exists(path));
  for (const bool fail_sync : {false, true}) {
    auto disk = std::make_shared<fake_disk>();
    if (fail_sync) disk->fail_sync_at = 1;
    else disk->fail_append_at = 2;
    disk->append_error = std::errc::no_space_on_device;
    auto w = snapshot_writer::start(path, 3, [&](const std::string&, std::error_code&) { return make_fake(disk); });
    BOOST_REQUIRE(w.ok());
    auto st = w.value()->append("body");
    if (st.ok()) st = w.value()->commit();
    BOOST_REQUIRE(!st.ok());
    BOOST_TEST((st.error().code == core::errc::io_error));
    BOOST_TEST(st.error().message.find(path + ".tmp") == 0u);
    BOOST_TEST(!fs::exists(path));
  }
}

BOOST_AUTO_TEST_CASE(data_files_are_named_and_listed_by_number) {
  BOOST_TEST(journal_file_name(1) == "journal-00000000000000000001.journal");
  BOOST_TEST(snapshot_file_name(18446744073709551615ull) == "snapshot-18446744073709551615.snapshot");
  std::uint64_t n = 0;
  BOOST_TEST(parse_numbered_name("journal-00000000000000000012.journal", "journal-", ".journal", n));
  BOOST_TEST(n == 12u);
  for (const char* bad : {"journal-0000000000000000012.journal", "journal-0000000000000000001x.journal",
                          "journal-99999999999999999999.journal", "journal-00000000000000000012.journalx"})
    BOOST_TEST(!parse_numbered_name(bad, "journal-", ".journal", n), bad);
  temp_dir dir;
  for (const auto& name : {journal_file_name(30), journal_file_name(4), snapshot_file_name(29), snapshot_file_name(3),
                           std::string{"x.snapshot.tmp"}, std::string{"LOCK"}, std::string{"keys.json"},
                           journal_file_name(4) + ".damaged-1"})
    write_file(dir.file(name), "x");
  fs::create_directory(dir.file(journal_file_name(50)));  // not a regular file: ignored
  const auto files = list_data_files(dir.path());
  BOOST_REQUIRE(files.ok());
  BOOST_REQUIRE(files->journals.size() == 2u);
  BOOST_TEST(files->journals[0].number == 4u);
  BOOST_TEST(files->journals[1].path == dir.file(journal_file_name(30)));
  BOOST_REQUIRE(files->snapshots.size() == 2u);
  BOOST_TEST(files->snapshots[0].number == 3u);
  BOOST_REQUIRE(files->temps.size() == 1u);
  BOOST_TEST(files->temps[0] == dir.file("x.snapshot.tmp"));
  BOOST_TEST(!list_data_files(dir.file("missing")).ok());
}

BOOST_AUTO_TEST_CASE(a_damaged_copy_never_replaces_an_earlier_one) {
  temp_dir dir;
  const std::string path = dir.file(journal_file_name(7));
  std::set<std::string> names;
  for (int i = 0; i < 3; ++i) {  // within one second, most likely: the names must still differ
    const auto copy = place_damaged_copy(path, [&](const std::string& name) {
      return mixtape::core::fs::write_file_synced(name, std::to_string(i), mixtape::core::fs::if_exists::fail);
    });
    BOOST_REQUIRE(!copy.error);
    BOOST_TEST(copy.path.rfind(path + ".damaged-", 0) == 0u, copy.path);
    BOOST_TEST(read_file(copy.path) == std::to_string(i));
    names.insert(copy.path);
  }
  BOOST_TEST(names.size() == 3u);
  // An error other than EEXIST is returned at once, with the name it failed on.
  const auto failed = place_damaged_copy(path, [](const std::string&) { return std::make_error_code(std::errc::io_error); });
  BOOST_TEST((failed.error == std::errc::io_error));
  BOOST_TEST(failed.path.rfind(path + ".damaged-", 0) == 0u);
}
