// The epoch history (journal/timeline.hpp): its file and its header text, what they refuse,
// and fork_seq, the first seq two histories may disagree on.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "journal/timeline.hpp"
#include "support.hpp"

using namespace mixtape;
using namespace mixtape::journal;
using namespace journal_test;

namespace {

constexpr std::uint64_t no_fork = std::numeric_limits<std::uint64_t>::max();

const std::string id_a = "00000000000000aa";
const std::string id_b = "00000000000000bb";
const std::string id_c = "00000000000000cc";

timeline decoded(const std::string& text) {
  auto t = timeline::decode(text);
  BOOST_REQUIRE_MESSAGE(t.ok(), (text + ": " + (t.ok() ? "" : t.error().message)));
  return std::move(t).value();
}

// The problem `load` gives for a `timeline` file holding `text`.
core::problem load_problem(const std::string& text) {
  temp_dir dir;
  write_file(dir / "timeline", text);
  auto t = timeline::load(dir.path());
  BOOST_REQUIRE_MESSAGE(!t.ok(), "accepted: " + text);
  return t.error();
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_SUITE(timeline_history)

BOOST_AUTO_TEST_CASE(a_directory_without_the_file_has_only_the_origin) {
  temp_dir dir;
  auto t = timeline::load(dir.path());
  BOOST_REQUIRE(t.ok());
  BOOST_TEST(!t->known());
  BOOST_TEST(t->entries().empty());
  BOOST_TEST(t->current_epoch() == 0u);
  BOOST_TEST(t->encode() == "");
}

BOOST_AUTO_TEST_CASE(begin_epoch_numbers_above_every_epoch_and_draws_a_new_id) {
  timeline t;
  BOOST_TEST(t.begin_epoch(1) == 1u);
  BOOST_TEST(t.begin_epoch(40) == 2u);
  BOOST_TEST(t.begin_epoch(90, 7) == 7u);  // at_least wins
  BOOST_TEST(t.begin_epoch(95, 3) == 8u);  // above the current one wins
  BOOST_REQUIRE(t.entries().size() == 4u);
  BOOST_TEST(t.current_epoch() == 8u);
  const auto& e = t.entries();
  BOOST_TEST(e[0].first_seq == 1u);
  BOOST_TEST(e[1].first_seq == 40u);
  BOOST_TEST(e[2].first_seq == 90u);
  BOOST_TEST(e[3].first_seq == 95u);
  for (const auto& entry : e) {
    BOOST_TEST(entry.id.size() == 16u);
    BOOST_TEST(entry.id.find_first_not_of("0123456789abcdef") == std::string::npos);
  }
  BOOST_TEST(e[0].id != e[1].id);
  // An epoch started where the last one started holds none of its records: it replaces it.
  BOOST_TEST(t.begin_epoch(95) == 9u);
  BOOST_REQUIRE(t.entries().size() == 4u);
  BOOST_TEST(t.entries().back().epoch == 9u);
  BOOST_TEST(t.entries().back().first_seq == 95u);
}

BOOST_AUTO_TEST_CASE(the_file_round_trips) {
  temp_dir dir;
  timeline t;
  t.begin_epoch(1);
  t.begin_epoch(17);
  t.begin_epoch(17000000000ull, 12);
  BOOST_REQUIRE(t.save(dir.path()).ok());
  const auto& e = t.entries();
  BOOST_TEST(read_file(dir / "timeline") == "1 1 " + e[0].id + "\n2 17 " + e[1].id + "\n12 17000000000 " + e[2].id + "\n");
  std::vector<std::string> names;  // no temp file left behind
  for (const auto& f : fs::directory_iterator(dir.path())) names.push_back(f.path().filename().string());
  BOOST_TEST(names == std::vector<std::string>{"timeline"}, boost::test_tools::per_element());
  auto back = timeline::load(dir.path());
  BOOST_REQUIRE(back.ok());
  BOOST_TEST(back->known());
  BOOST_TEST((back->entries() == t.entries()));
  BOOST_TEST(back->current_epoch() == 12u);
  BOOST_TEST(fork_seq(back.value(), t) == no_fork);
  // Saving again replaces the file.
  timeline shorter = decoded("3:1:" + id_a);
  BOOST_REQUIRE(shorter.save(dir.path()).ok());
  BOOST_TEST(read_file(dir / "timeline") == "3 1 " + id_a + "\n");
}

BOOST_AUTO_TEST_CASE(the_header_text_round_trips) {
  const std::string text = "1:1:" + id_a + ",2:10:" + id_b + ",5:300:" + id_c;
  const timeline t = decoded(text);
  BOOST_TEST(t.known());
  BOOST_REQUIRE(t.entries().size() == 3u);
  BOOST_TEST((t.entries()[1] == epoch_entry{2, 10, id_b}));
  BOOST_TEST((t.entries()[2] == epoch_entry{5, 300, id_c}));
  BOOST_TEST(t.current_epoch() == 5u);
  BOOST_TEST(t.encode() == text);
  // The empty text is a known history with only the origin.
  const timeline empty = decoded("");
  BOOST_TEST(empty.known());
  BOOST_TEST(empty.entries().empty());
  // From the file's form to the header's and back.
  timeline fresh;
  fresh.begin_epoch(1);
  fresh.begin_epoch(5);
  BOOST_TEST((decoded(fresh.encode()).entries() == fresh.entries()));
}

BOOST_AUTO_TEST_CASE(a_malformed_file_is_refused_naming_its_line) {
  const std::string good = "1 1 " + id_a + "\n";
  const std::pair<std::string, int> cases[] = {
      {"1 1\n", 1},                                     // a field missing
      {good + "2 x " + id_b + "\n", 2},                 // not a number
      {good + "2 5 " + id_b + " extra\n", 2},           // a fourth field
      {good + "2 5 00000000000000BB\n", 2},             // upper case
      {good + "2 5 0000000000000bb\n", 2},              // 15 digits
      {good + "2 0 " + id_b + "\n", 2},                 // seq 0
      {"0 1 " + id_a + "\n", 1},                        // epoch 0 is the origin's
      {good + "\n2 5 " + id_b + "\n", 2},               // an empty line
      {good + "2 5 " + id_b + "\n2 9 " + id_c + "\n", 3},  // the epoch does not rise
      {good + "2 5 " + id_b + "\n1 9 " + id_c + "\n", 3},
      {good + "-2 5 " + id_b + "\n", 2},
      {good + "2 99999999999999999999 " + id_b + "\n", 2},  // over 64 bits
  };
  for (const auto& [text, line] : cases) {
    const auto p = load_problem(text);
    BOOST_TEST_CONTEXT(text) {
      BOOST_TEST((p.code == core::errc::corrupt_data));
      BOOST_TEST(contains(p.message, "/timeline: line " + std::to_string(line) + " "), p.message);
    }
  }
}

BOOST_AUTO_TEST_CASE(malformed_header_text_is_refused) {
  for (const std::string& text : std::vector<std::string>{",", "1:1", "1:1:" + id_a + ",", "1:1:" + id_a + ",,2:5:" + id_b, "1 1 " + id_a, "1:1:" + id_a + ":x",
        "2:1:" + id_a + ",2:5:" + id_b, "0:1:" + id_a, "1:0:" + id_a, "1:1:" + id_a.substr(1), "x:1:" + id_a}) {
    const auto t = timeline::decode(text);
    BOOST_TEST_CONTEXT(text) {
      BOOST_REQUIRE(!t.ok());
      BOOST_TEST((t.error().code == core::errc::corrupt_data));
    }
  }
}

BOOST_AUTO_TEST_CASE(fork_seq_of_identical_histories_is_none) {
  const std::string text = "1:1:" + id_a + ",2:10:" + id_b;
  BOOST_TEST(fork_seq(decoded(text), decoded(text)) == no_fork);
  BOOST_TEST(fork_seq(timeline{}, timeline{}) == no_fork);
  BOOST_TEST(fork_seq(decoded(""), timeline{}) == no_fork);
}

BOOST_AUTO_TEST_CASE(fork_seq_where_one_history_extends_the_other_is_the_extension_start) {
  const timeline shorter = decoded("1:1:" + id_a + ",2:10:" + id_b);
  const timeline longer = decoded("1:1:" + id_a + ",2:10:" + id_b + ",3:25:" + id_c);
  BOOST_TEST(fork_seq(shorter, longer) == 25u);
  BOOST_TEST(fork_seq(longer, shorter) == 25u);
  // The origin alone against a history: its first entry.
  BOOST_TEST(fork_seq(timeline{}, longer) == 1u);
  BOOST_TEST(fork_seq(decoded("4:7:" + id_a), timeline{}) == 7u);
}

BOOST_AUTO_TEST_CASE(fork_seq_of_the_same_epoch_number_with_another_id_is_that_entry_start) {
  const timeline a = decoded("1:1:" + id_a + ",2:10:" + id_b + ",3:20:" + id_a);
  const timeline b = decoded("1:1:" + id_a + ",2:10:" + id_c + ",3:20:" + id_a);
  BOOST_TEST(fork_seq(a, b) == 10u);
  BOOST_TEST(fork_seq(b, a) == 10u);
  // The same epoch and id starting at another seq: the earlier start.
  const timeline c = decoded("1:1:" + id_a + ",2:12:" + id_b);
  BOOST_TEST(fork_seq(a, c) == 10u);
  BOOST_TEST(fork_seq(c, a) == 10u);
  // Different from the first entry.
  BOOST_TEST(fork_seq(decoded("1:1:" + id_a), decoded("1:1:" + id_b)) == 1u);
}

BOOST_AUTO_TEST_CASE(an_entry_superseded_at_the_same_first_seq_is_dropped) {
  // Epoch 2 began at 10 and ended before writing anything: epoch 3 began at 10 too.
  const timeline with = decoded("1:1:" + id_a + ",2:10:" + id_b + ",3:10:" + id_c);
  const timeline without = decoded("1:1:" + id_a + ",3:10:" + id_c);
  BOOST_REQUIRE(with.entries().size() == 2u);
  BOOST_TEST((with.entries()[1] == epoch_entry{3, 10, id_c}));
  BOOST_TEST(with.encode() == without.encode());
  BOOST_TEST(fork_seq(with, without) == no_fork);
  // The same from the file.
  temp_dir dir;
  write_file(dir / "timeline", "1 1 " + id_a + "\n2 10 " + id_b + "\n3 10 " + id_c + "\n");
  auto loaded = timeline::load(dir.path());
  BOOST_REQUIRE(loaded.ok());
  BOOST_TEST((loaded->entries() == without.entries()));
  // Against a node that did write in epoch 2: they part at 10.
  BOOST_TEST(fork_seq(with, decoded("1:1:" + id_a + ",2:10:" + id_b)) == 10u);
}

BOOST_AUTO_TEST_SUITE_END()
