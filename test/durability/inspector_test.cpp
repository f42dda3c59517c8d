// The journal inspector (tools/journal_inspector): verify and dump, read-only.
#define BOOST_TEST_MODULE inspector
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <fstream>

#include "core/log.hpp"
#include "harness.hpp"
#include "journal/data_files.hpp"
#include "support/temp_dir.hpp"

using namespace durability_test;
using namespace std::chrono_literals;

namespace {

struct run_result {
  int exit_code = -1;
  std::string out;  // stdout and stderr
};

run_result inspect(const std::string& command, const std::string& dir) {
  run_result r;
  const std::string cmd = std::string{MIXTAPE_JOURNAL_PATH} + " " + command + " '" + dir + "' 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  BOOST_REQUIRE(p != nullptr);
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
  const int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// A data directory with a snapshot at seq 40 and records 41..60 in the newest journal.
struct data_dir {
  test::temp_dir dir;
  history h{31};
  data_dir() {
    core::log::set_min_level(core::log::level::error);
    harness hs{small_compactions(dir.path(), 1ull << 30)};
    for (int i = 0; i < 40; ++i) BOOST_REQUIRE(!hs.write(h.next()));
    BOOST_REQUIRE(hs.engine->compaction().compact_now());
    BOOST_REQUIRE(hs.engine->compaction().wait_for_finished(1, 10s));
    for (int i = 0; i < 20; ++i) BOOST_REQUIRE(!hs.write(h.next()));
  }
  std::string journal() const { return dir.path() + "/" + journal::journal_file_name(41); }
  std::string snapshot() const { return dir.path() + "/" + journal::snapshot_file_name(40); }
};

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_clean_directory_verifies_and_dumps_every_record) {
  data_dir d;
  const auto v = inspect("verify", d.dir.path());
  BOOST_TEST(v.exit_code == 0, v.out);
  BOOST_TEST(v.out.find("covers seq 40") != std::string::npos);
  BOOST_TEST(v.out.find("20 records after it, last seq 60") != std::string::npos);
  const auto dump = inspect("dump", d.dir.path());
  BOOST_TEST(dump.exit_code == 0, dump.out);
  BOOST_TEST(dump.out.find(journal::snapshot_file_name(40) + ": covered_seq=40 ") != std::string::npos);
  BOOST_TEST(count(dump.out, journal::journal_file_name(41) + " offset=") == 20u);
  BOOST_TEST(dump.out.find(" offset=16 seq=41 epoch=0 type=") != std::string::npos);
  BOOST_TEST(dump.out.find(" seq=60 epoch=0 type=") != std::string::npos);
  BOOST_TEST(dump.out.find("epochs: none recorded") != std::string::npos);
  BOOST_TEST(dump.out.find("{\"") != std::string::npos);  // the fields, as JSON
}

BOOST_AUTO_TEST_CASE(the_epochs_of_the_history_are_shown_and_each_record_names_its_own) {
  data_dir d;
  std::ofstream(d.dir.path() + "/timeline") << "1 1 0011223344556677\n3 50 8899aabbccddeeff\n";
  const auto v = inspect("verify", d.dir.path());
  BOOST_TEST(v.exit_code == 0, v.out);
  BOOST_TEST(v.out.find("epoch 3 from seq 50 (id 8899aabbccddeeff)") != std::string::npos, v.out);
  const auto dump = inspect("dump", d.dir.path());
  BOOST_TEST(dump.out.find(" seq=49 epoch=1 type=") != std::string::npos, dump.out);
  BOOST_TEST(dump.out.find(" seq=50 epoch=3 type=") != std::string::npos, dump.out);
  std::ofstream(d.dir.path() + "/timeline") << "3 50 nothex\n";
  const auto bad = inspect("verify", d.dir.path());
  BOOST_TEST(bad.exit_code == 1);
  BOOST_TEST(bad.out.find("timeline: line 1") != std::string::npos, bad.out);
}

BOOST_AUTO_TEST_CASE(a_torn_tail_is_reported_with_its_offset_and_left_alone) {
  data_dir d;
  const std::string full = read_file(d.journal());
  write_file(d.journal(), full.substr(0, full.size() - 5));
  const auto v = inspect("verify", d.dir.path());
  BOOST_TEST(v.exit_code == 1);
  BOOST_TEST(v.out.find(d.journal() + ": torn tail at offset ") != std::string::npos, v.out);
  BOOST_TEST(fs::file_size(d.journal()) == full.size() - 5);
  BOOST_TEST(inspect("dump", d.dir.path()).exit_code == 1);
  BOOST_TEST(fs::file_size(d.journal()) == full.size() - 5);
}

BOOST_AUTO_TEST_CASE(damage_is_reported_naming_file_and_offset_and_the_prefix_is_dumped) {
  data_dir d;
  std::string bytes = read_file(d.journal());
  const std::size_t at = bytes.size() / 2;
  bytes[at] = static_cast<char>(bytes[at] ^ 1);
  write_file(d.journal(), bytes);
  const auto v = inspect("verify", d.dir.path());
  BOOST_TEST(v.exit_code == 1);
  BOOST_TEST(v.out.find("damaged: " + d.journal() + ": corrupt journal record at offset ") != std::string::npos, v.out);
  const auto dump = inspect("dump", d.dir.path());
  BOOST_TEST(dump.exit_code == 1);
  BOOST_TEST(count(dump.out, " offset=") > 0u);
  BOOST_TEST(dump.out.find(journal::journal_file_name(41) + ": damaged:") != std::string::npos, dump.out);
  BOOST_TEST(read_file(d.journal()) == bytes);
}

BOOST_AUTO_TEST_CASE(a_damaged_snapshot_is_reported) {
  data_dir d;
  fs::resize_file(d.snapshot(), fs::file_size(d.snapshot()) - 1);
  const auto v = inspect("verify", d.dir.path());
  BOOST_TEST(v.exit_code == 1);
  BOOST_TEST(v.out.find(d.snapshot() + ": damaged snapshot") != std::string::npos, v.out);
  const auto dump = inspect("dump", d.dir.path());
  BOOST_TEST(dump.exit_code == 1);
  BOOST_TEST(dump.out.find(journal::snapshot_file_name(40) + ": damaged: ") != std::string::npos, dump.out);
}

BOOST_AUTO_TEST_CASE(usage_errors_exit_two) {
  test::temp_dir dir;
  BOOST_TEST(inspect("frobnicate", dir.path()).exit_code == 2);
  BOOST_TEST(inspect("verify", dir.path() + "/missing").exit_code == 2);
  const auto empty = inspect("verify", dir.path());
  BOOST_TEST(empty.exit_code == 0, empty.out);
  BOOST_TEST(fs::is_empty(dir.path()));  // read-only: not even a first journal is created
}
