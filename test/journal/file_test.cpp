#include <boost/test/unit_test.hpp>

#include "journal/create.hpp"
#include "journal/file.hpp"
#include "journal/reader.hpp"
#include "support.hpp"

using namespace mixtape;
using namespace mixtape::journal;
using namespace journal_test;

BOOST_AUTO_TEST_CASE(posix_file_appends_at_the_end_and_tracks_its_size) {
  temp_dir dir;
  const auto path = dir.file("f.journal");
  BOOST_REQUIRE(create_journal_file(path).ok());
  std::error_code ec;
  auto f = open_posix_file(path, ec);
  BOOST_REQUIRE(!ec);
  BOOST_REQUIRE(f != nullptr);
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
