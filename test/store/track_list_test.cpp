// store::track_list and store::track_ids on their own: the reorder rule, positions across
// holes and compaction, interning and freeing, and the memory bound per reference.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "store/track_ids.hpp"
#include "store/track_list.hpp"

using namespace mixtape;
using store::track_ids;
using store::track_list;

namespace {

struct fixture {
  track_ids ids;
  track_list list;

  void add_all(std::initializer_list<const char*> names) {
    core::unix_seconds t = 100;
    for (const char* n : names) BOOST_TEST(list.add(ids, n, t++));
  }
  std::vector<std::string> order(std::size_t offset = 0, std::size_t limit = SIZE_MAX) const {
    std::vector<std::string> out;
    track_ids::text_buffer scratch;
    list.for_range(offset, limit, [&](const track_list::item& x, std::size_t position) {
      BOOST_TEST(position == offset + out.size());
      out.emplace_back(ids.text(x.track, scratch));
    });
    return out;
  }
  bool reorder(const std::vector<std::string>& listed) {
    auto next = list.reordered(ids, listed);
    BOOST_TEST(list.reorder_changes(ids, listed) == next.has_value());
    if (!next) return false;
    list.assign_order(ids, std::move(*next));
    return true;
  }
};

std::string numbered(std::size_t i) { return "mtrack_n" + std::to_string(i); }

}  // namespace

BOOST_AUTO_TEST_SUITE(track_list_rules)

BOOST_FIXTURE_TEST_CASE(reorder_puts_listed_first_and_keeps_the_rest_in_order, fixture) {
  add_all({"mtrack_a", "mtrack_b", "mtrack_c", "mtrack_d", "mtrack_e"});
  BOOST_TEST(reorder({"mtrack_d", "mtrack_zz", "mtrack_b", "mtrack_d"}));
  const std::vector<std::string> expected{"mtrack_d", "mtrack_b", "mtrack_a", "mtrack_c", "mtrack_e"};
  BOOST_TEST(order() == expected, boost::test_tools::per_element());
  list.for_range(0, 1, [](const track_list::item& x, std::size_t) { BOOST_TEST(x.added_at == 103u); });
  BOOST_TEST(*list.position_of(ids, "mtrack_a") == 2u);  // the index follows the new slots
}

BOOST_FIXTURE_TEST_CASE(reorder_that_changes_nothing_is_reported, fixture) {
  add_all({"mtrack_a", "mtrack_b", "mtrack_c"});
  BOOST_TEST(!reorder({"mtrack_a", "mtrack_b"}));
  BOOST_TEST(!reorder({}));
  BOOST_TEST(!reorder({"mtrack_unknown"}));
  BOOST_TEST(reorder({"mtrack_c"}));
  track_list empty;
  BOOST_TEST(!empty.reordered(ids, std::vector<std::string>{"mtrack_a"}).has_value());
}

BOOST_FIXTURE_TEST_CASE(add_is_idempotent_and_remove_of_an_absent_track_changes_nothing, fixture) {
  BOOST_TEST(list.add(ids, "mtrack_a", 1));
  BOOST_TEST(!list.add(ids, "mtrack_a", 2));
  BOOST_TEST(!list.remove(ids, "mtrack_b"));
  BOOST_TEST(list.size() == 1u);
  BOOST_TEST(list.count_new(ids, std::vector<std::string>{"mtrack_a", "mtrack_b", "mtrack_b", "mtrack_c"}) == 2u);
}

BOOST_FIXTURE_TEST_CASE(positions_stay_dense_across_holes_and_compaction, fixture) {
  constexpr std::size_t n = 3000;
  for (std::size_t i = 0; i < n; ++i) BOOST_REQUIRE(list.add(ids, numbered(i), 5));
  for (std::size_t i = 0; i < n; i += 2) BOOST_REQUIRE(list.remove(ids, numbered(i)));  // as many holes as tracks
  BOOST_TEST(list.size() == n / 2);
  for (std::size_t i = 1; i < n; i += 2) BOOST_REQUIRE(*list.position_of(ids, numbered(i)) == i / 2);
  BOOST_TEST(!list.position_of(ids, numbered(0)).has_value());
  BOOST_TEST(order(200, 3) == (std::vector<std::string>{numbered(401), numbered(403), numbered(405)}));
  const std::size_t before = list.bytes();
  for (std::size_t i = 501; i < 1001; i += 2) BOOST_REQUIRE(list.remove(ids, numbered(i)));  // compacts
  BOOST_TEST(list.bytes() < before);
  const auto page = order(200, 100);
  BOOST_REQUIRE(page.size() == 100u);
  BOOST_TEST(page.front() == numbered(401));
  BOOST_TEST(page[50] == numbered(1001));  // position 250: the first after the removed ones
  BOOST_TEST(order(list.size() - 3, 10).size() == 3u);
  BOOST_TEST(order(list.size(), 10).empty());
  for (std::size_t i = n - 1; i > n - 200; i -= 2) BOOST_REQUIRE(list.remove(ids, numbered(i)));  // from the end
  BOOST_TEST(order().size() == list.size());
}

BOOST_FIXTURE_TEST_CASE(a_page_jumps_over_a_run_of_holes, fixture) {
  for (std::size_t i = 0; i < 1000; ++i) BOOST_REQUIRE(list.add(ids, numbered(i), 5));
  for (std::size_t i = 100; i < 400; ++i) BOOST_REQUIRE(list.remove(ids, numbered(i)));  // fewer holes than tracks
  std::vector<std::string> expected;
  for (std::size_t i = 50; i < 100; ++i) expected.push_back(numbered(i));
  for (std::size_t i = 400; i < 450; ++i) expected.push_back(numbered(i));
  BOOST_TEST(order(50, 100) == expected, boost::test_tools::per_element());
  BOOST_TEST(*list.position_of(ids, numbered(400)) == 100u);
}

BOOST_AUTO_TEST_CASE(a_time_outside_32_bits_is_clamped) {
  BOOST_TEST(track_list::compact_time(-1) == 0u);
  BOOST_TEST(track_list::compact_time(1782642600) == 1782642600u);
  BOOST_TEST(track_list::compact_time(std::int64_t{1} << 40) == 0xffffffffu);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(track_id_interning)

BOOST_AUTO_TEST_CASE(an_id_is_held_once_and_freed_after_its_last_reference) {
  track_ids ids;
  track_list a, b;
  const std::string long_id = "mtrack_" + std::string(40, 'Z');
  for (const std::string id : {"mtrack_x", long_id.c_str(), "not-a-track-id", ""}) {
    BOOST_TEST(a.add(ids, id, 1));
    BOOST_TEST(b.add(ids, id, 2));
  }
  BOOST_TEST(ids.size() == 4u);
  track_ids::text_buffer scratch;
  std::vector<std::string> texts;
  a.for_range(0, 4, [&](const track_list::item& x, std::size_t) {
    texts.emplace_back(ids.text(x.track, scratch));
    BOOST_TEST(ids.equals(x.track, texts.back()));
    BOOST_TEST(ids.hash(x.track) == track_ids::hash_of(texts.back()));
  });
  BOOST_TEST(texts == (std::vector<std::string>{"mtrack_x", long_id, "not-a-track-id", ""}));
  BOOST_TEST(a.remove(ids, long_id));
  ids.flush_released();
  BOOST_TEST(ids.size() == 4u);  // b still holds it
  BOOST_TEST(b.remove(ids, long_id));
  BOOST_TEST(ids.size() == 4u);  // released, but readable until the flush
  ids.flush_released();
  BOOST_TEST(ids.size() == 3u);
  a.release_all(ids);
  b.release_all(ids);
  ids.flush_released();
  BOOST_TEST(ids.size() == 0u);
  BOOST_TEST(a.add(ids, long_id, 3));  // a freed handle is reused with its new text
  a.for_range(0, 1, [&](const track_list::item& x, std::size_t) { BOOST_TEST(ids.text(x.track, scratch) == long_id); });
}

BOOST_AUTO_TEST_CASE(an_id_released_and_taken_again_before_the_flush_survives_it) {
  track_ids ids;
  track_list a;
  BOOST_TEST(a.add(ids, "mtrack_keep", 1));
  BOOST_TEST(a.remove(ids, "mtrack_keep"));
  BOOST_TEST(a.add(ids, "mtrack_keep", 2));
  ids.flush_released();
  BOOST_TEST(ids.size() == 1u);
  BOOST_TEST(a.contains(ids, "mtrack_keep"));
}

BOOST_AUTO_TEST_CASE(the_index_grows_and_shrinks_through_many_distinct_ids) {
  track_ids ids;
  track_list list;
  for (std::size_t i = 0; i < 50'000; ++i) BOOST_REQUIRE(list.add(ids, numbered(i), 1));
  for (std::size_t i = 0; i < 50'000; i += 3) BOOST_REQUIRE(list.remove(ids, numbered(i)));
  ids.flush_released();
  BOOST_TEST(ids.size() == 50'000u - 16'667u);
  for (std::size_t i = 0; i < 50'000; ++i) BOOST_REQUIRE(list.contains(ids, numbered(i)) == (i % 3 != 0));
}

BOOST_AUTO_TEST_CASE(a_full_collection_costs_under_24_bytes_a_reference_besides_its_ids) {
  track_ids ids;
  track_list list;
  for (std::size_t i = 0; i < 10'000; ++i) BOOST_REQUIRE(list.add(ids, numbered(i), 1));
  list.shrink_to_fit();
  BOOST_TEST(list.bytes() < 24u * 10'000u);
}

BOOST_AUTO_TEST_SUITE_END()
