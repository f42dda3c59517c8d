#define BOOST_TEST_MODULE replication
// The primary's record feed (replication/record_feed.hpp) over a data directory whose journal a
// real writer appends to and rotates.
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <filesystem>
#include <limits>
#include <string>

#include "core/error.hpp"
#include "replication/record_feed.hpp"
#include "support.hpp"

using namespace mixtape;
using namespace replication_test;
using replication::record_feed;

namespace {

constexpr std::size_t unlimited = std::numeric_limits<std::size_t>::max();

record_feed opened(const std::string& dir, std::uint64_t after) {
  auto f = record_feed::open(dir, after);
  BOOST_REQUIRE_MESSAGE(f.ok(), (f.ok() ? "" : f.error().message));
  return std::move(f).value();
}

// feed.next(), required to succeed; the bytes it appended.
std::string next(record_feed& feed, std::uint64_t upto, std::size_t max_bytes = unlimited, std::size_t* count = nullptr) {
  std::string out = "before";  // next() appends
  auto n = feed.next(out, upto, max_bytes);
  BOOST_REQUIRE_MESSAGE(n.ok(), (n.ok() ? "" : n.error().message));
  BOOST_REQUIRE(out.substr(0, 6) == "before");
  if (count) *count = n.value();
  BOOST_TEST(seqs_in(out.substr(6)).size() == n.value());
  return out.substr(6);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(feed)

BOOST_AUTO_TEST_CASE(reads_exactly_the_records_after_its_seq_and_never_past_upto) {
  live_journal j;
  j.write(150);  // about 450 KiB: more than one of the cursor's reads
  BOOST_REQUIRE(j.written() == 150u);
  auto feed = opened(j.dir(), 10);
  BOOST_TEST(feed.last_seq() == 10u);
  std::size_t count = 0;
  const std::string first = next(feed, 120, unlimited, &count);
  BOOST_TEST(count == 110u);
  BOOST_TEST(seqs_in(first) == range(11, 120), boost::test_tools::per_element());
  BOOST_TEST((first == live_journal::framed(11, 120)));
  BOOST_TEST(feed.last_seq() == 120u);
  // Nothing more up to 120.
  BOOST_TEST(next(feed, 120, unlimited, &count).empty());
  BOOST_TEST(count == 0u);
  BOOST_TEST(next(feed, 100).empty());
  BOOST_TEST(feed.last_seq() == 120u);
  // The rest.
  BOOST_TEST((next(feed, 150) == live_journal::framed(121, 150)));
  BOOST_TEST(feed.last_seq() == 150u);
}

BOOST_AUTO_TEST_CASE(max_bytes_bounds_what_one_call_appends) {
  live_journal j;
  j.write(20);
  auto feed = opened(j.dir(), 0);
  std::size_t count = 0;
  // Always at least one record; stops once max_bytes are appended.
  BOOST_TEST((next(feed, 20, 1, &count) == live_journal::framed(1, 1)));
  BOOST_TEST(count == 1u);
  const std::size_t three = live_journal::framed(2, 4).size();
  BOOST_TEST((next(feed, 20, three, &count) == live_journal::framed(2, 4)));
  BOOST_TEST(count == 3u);
  BOOST_TEST((next(feed, 20, three + 1, &count) == live_journal::framed(5, 8)));
  BOOST_TEST(count == 4u);
  BOOST_TEST(feed.last_seq() == 8u);
}

// The feed's cursor has read the file's end (and the writer's zero reserve past it) before
// the writer appended more: the next call reads the new records.
BOOST_AUTO_TEST_CASE(continues_after_more_records_are_appended) {
  live_journal j;
  j.write(5);
  auto feed = opened(j.dir(), 0);
  BOOST_TEST((next(feed, 5) == live_journal::framed(1, 5)));
  j.write(4);
  BOOST_TEST((next(feed, j.written()) == live_journal::framed(6, 9)));
  for (int round = 0; round < 20; ++round) {
    j.write(1 + round % 3);
    const auto from = feed.last_seq() + 1;
    BOOST_TEST((next(feed, j.written()) == live_journal::framed(from, j.written())));
  }
  BOOST_TEST(feed.last_seq() == j.written());
  // A feed opened where the journal ends (a standby caught up) waits for the next record.
  auto caught_up = opened(j.dir(), j.written());
  BOOST_TEST(next(caught_up, j.written()).empty());
  j.write(1);
  BOOST_TEST((next(caught_up, j.written()) == live_journal::framed(j.written(), j.written())));
}

BOOST_AUTO_TEST_CASE(crosses_rotations) {
  live_journal j;
  auto early = opened(j.dir(), 0);  // opened on the first file while it is the only one
  j.write(5);
  BOOST_TEST((next(early, 5) == live_journal::framed(1, 5)));
  j.rotate();  // journal 6
  j.write(5);
  j.rotate();  // journal 11
  j.write(2);
  BOOST_TEST(std::filesystem::exists(j.journal_path(6)));
  BOOST_TEST(std::filesystem::exists(j.journal_path(11)));
  // From the end of the first file on, across both switches.
  BOOST_TEST((next(early, 12) == live_journal::framed(6, 12)));
  // From inside the first file, from its last record, and from inside the second.
  for (const std::uint64_t after : {0u, 2u, 5u, 6u, 9u, 10u, 11u}) {
    BOOST_TEST_CONTEXT("after " << after) {
      auto feed = opened(j.dir(), after);
      BOOST_TEST((next(feed, 12) == live_journal::framed(after + 1, 12)));
    }
  }
  // A rotation while the feed is inside a file, the writer going on in the next one.
  auto mid = opened(j.dir(), 7);
  BOOST_TEST((next(mid, 9) == live_journal::framed(8, 9)));
  j.rotate();  // journal 13
  j.write(3);
  BOOST_TEST((next(mid, 15) == live_journal::framed(10, 15)));
}

BOOST_AUTO_TEST_CASE(not_found_when_the_journal_no_longer_holds_the_next_record) {
  live_journal j;
  j.write(5);
  j.rotate();  // journal 6
  j.write(5);
  auto inside_first = opened(j.dir(), 2);
  BOOST_TEST((next(inside_first, 3) == live_journal::framed(3, 3)));
  // A snapshot covers 1..5: the compaction deletes the first file.
  BOOST_REQUIRE(std::remove(j.journal_path(1).c_str()) == 0);
  for (const std::uint64_t after : {0u, 1u, 4u}) {
    auto f = record_feed::open(j.dir(), after);
    BOOST_TEST_CONTEXT("after " << after) {
      BOOST_REQUIRE(!f.ok());
      BOOST_TEST((f.error().code == core::errc::not_found));
    }
  }
  // Record 6 is still there.
  auto at_five = opened(j.dir(), 5);
  BOOST_TEST((next(at_five, 10) == live_journal::framed(6, 10)));
  // A feed already inside the deleted file reads on from its open descriptor.
  BOOST_TEST((next(inside_first, 5) == live_journal::framed(4, 5)));
}

BOOST_AUTO_TEST_CASE(not_found_when_the_next_file_was_deleted_before_the_feed_got_there) {
  live_journal j;
  j.write(5);
  j.rotate();  // journal 6
  j.write(5);
  j.rotate();  // journal 11
  j.write(1);
  auto feed = opened(j.dir(), 3);
  BOOST_REQUIRE(std::remove(j.journal_path(6).c_str()) == 0);
  std::string out;
  auto n = feed.next(out, 11, unlimited);
  BOOST_REQUIRE(!n.ok());
  BOOST_TEST((n.error().code == core::errc::not_found));
}

BOOST_AUTO_TEST_CASE(a_directory_without_journal_files_is_not_found) {
  mixtape::test::temp_dir empty;
  auto f = record_feed::open(empty.path(), 0);
  BOOST_REQUIRE(!f.ok());
  BOOST_TEST((f.error().code == core::errc::not_found));
}

BOOST_AUTO_TEST_SUITE_END()
