#include <boost/test/unit_test.hpp>

#include "journal/create.hpp"
#include "journal/file.hpp"
#include "journal/format.hpp"
#include "journal/reader.hpp"
#include "support.hpp"

using namespace mixtape;
using namespace mixtape::journal;
using namespace journal_test;

BOOST_AUTO_TEST_CASE(posix_file_appends_at_the_end_and_tracks_its_size) {
  temp_dir dir;
  const auto path = dir.file("f.journal");
  auto f = new_journal_file(path);
  BOOST_TEST(f->size() == header_size);
  BOOST_TEST(!f->append("abc"));
  BOOST_TEST(!f->append(std::string(100000, 'd')));
  BOOST_TEST(f->size() == header_size + 100003);
  BOOST_TEST(!f->sync());
  BOOST_TEST(fs::file_size(path) == header_size + 100003);
  BOOST_TEST(!f->truncate(header_size + 1));
  BOOST_TEST(f->size() == header_size + 1);
  BOOST_TEST(!f->append("xy"));  // O_APPEND: lands after the cut
  BOOST_TEST(read_file(path) == header_bytes() + "axy");
  BOOST_TEST(!sync_directory(dir.path()));
}

BOOST_AUTO_TEST_CASE(journal_file_writes_over_zeros_it_reserves_ahead_and_releases_them) {
  temp_dir dir;
  const auto path = dir.file("r.journal");
  auto f = new_journal_file(path, open_journal_file);
  std::string records;
  append_record(records, 1, 1, "first");
  BOOST_TEST(!f->append(records));
  BOOST_TEST(f->size() == header_size + records.size());
  const auto reserved = fs::file_size(path);
  BOOST_TEST(reserved >= f->size() + journal_reserve_bytes);
  std::string on_disk = read_file(path);
  BOOST_TEST(on_disk.substr(0, f->size()) == header_bytes() + records);
  BOOST_TEST(on_disk.find_first_not_of('\0', f->size()) == std::string::npos);
  // Records within the reserve do not grow the file; one past it extends the zeros again.
  std::string more;
  append_record(more, 1, 2, std::string(1000, 'm'));
  BOOST_TEST(!f->append(more));
  records += more;
  BOOST_TEST(fs::file_size(path) == reserved);
  std::string big;
  append_record(big, 1, 3, std::string(journal_reserve_bytes, 'b'));
  BOOST_TEST(!f->append(big));
  records += big;
  BOOST_TEST(f->size() == header_size + records.size());
  BOOST_TEST(fs::file_size(path) >= f->size() + journal_reserve_bytes / 2);
  BOOST_TEST(!f->sync());
  // What a crash leaves (records, then zeros) recovers to the records, cut back to them.
  std::uint64_t seen = 0;
  const auto rep = recover(path, [&](const record_view&) { return ++seen, core::success(); }, recovery_mode::strict);
  BOOST_REQUIRE(rep.ok());
  BOOST_TEST(seen == 3u);
  BOOST_TEST(rep->cut_bytes == 0u);
  BOOST_TEST(rep->reserved_bytes > 0u);
  BOOST_TEST((read_file(path) == header_bytes() + records));  // (( )): no dump of a 1 MiB file
  // A clean end releases the reserve: the file ends at its last record.
  std::error_code ec;
  auto g = open_journal_file(path, ec);
  BOOST_REQUIRE(g != nullptr);
  std::string last;
  append_record(last, 1, 4, "last");
  BOOST_TEST(!g->append(last));
  BOOST_TEST(fs::file_size(path) > g->size());
  g->release_reserve();
  BOOST_TEST((read_file(path) == header_bytes() + records + last));
}

BOOST_AUTO_TEST_CASE(posix_file_errors_are_reported) {
  temp_dir dir;
  std::error_code ec;
  BOOST_TEST(open_posix_file(dir.file("no/such/dir.journal"), ec) == nullptr);
  BOOST_TEST((ec == std::errc::no_such_file_or_directory));
  BOOST_TEST((sync_directory(dir.file("missing")) == std::errc::no_such_file_or_directory));
}

BOOST_AUTO_TEST_CASE(missing_file_is_an_io_error) {
  temp_dir dir;
  const auto rep = recover(dir.file("missing.journal"), [](const record_view&) { return core::success(); },
                           recovery_mode::strict);
  BOOST_REQUIRE(!rep.ok());
  BOOST_TEST((rep.error().code == core::errc::io_error));
}

BOOST_AUTO_TEST_CASE(create_writes_a_header_and_keeps_an_existing_file) {
  temp_dir dir;
  const auto path = dir.file("n.journal");
  BOOST_REQUIRE(create_journal_file(path).ok());
  BOOST_TEST(read_file(path) == header_bytes());
  BOOST_TEST(!fs::exists(path + ".tmp"));
  BOOST_TEST(((fs::status(path).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write)));
  write_file(path, journal_bytes({"kept"}));
  BOOST_REQUIRE(create_journal_file(path).ok());
  BOOST_TEST(read_file(path) == journal_bytes({"kept"}));
  const auto bad = create_journal_file(dir.file("no/such/dir.journal"));
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST((bad.error().code == core::errc::io_error));
}
