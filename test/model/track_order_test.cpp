// The reorder rule of PATCH .../order (SPEC §2).
#include <boost/test/unit_test.hpp>

#include "model/track_order.hpp"

using namespace mixtape;

namespace {

std::vector<model::track_entry> tracks_of(std::initializer_list<const char*> ids) {
  std::vector<model::track_entry> v;
  core::unix_seconds t = 100;
  for (const char* id : ids) v.push_back({id, t++});
  return v;
}

std::vector<std::string> ids_of(const std::vector<model::track_entry>& v) {
  std::vector<std::string> out;
  for (const auto& t : v) out.push_back(t.track_id);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(track_order)

BOOST_AUTO_TEST_CASE(reorder_puts_listed_first_and_keeps_the_rest_in_order) {
  const auto t = tracks_of({"mtrack_a", "mtrack_b", "mtrack_c", "mtrack_d", "mtrack_e"});
  const auto r = model::reordered(t, {"mtrack_d", "mtrack_zz", "mtrack_b"});
  BOOST_REQUIRE(r.has_value());
  const std::vector<std::string> expected{"mtrack_d", "mtrack_b", "mtrack_a", "mtrack_c", "mtrack_e"};
  BOOST_TEST(ids_of(*r) == expected, boost::test_tools::per_element());
  BOOST_TEST((*r)[0].added_at == 103);  // entries move with their added_at
}

BOOST_AUTO_TEST_CASE(reorder_that_changes_nothing_is_reported) {
  const auto t = tracks_of({"mtrack_a", "mtrack_b", "mtrack_c"});
  BOOST_TEST(!model::reordered(t, {"mtrack_a", "mtrack_b"}).has_value());
  BOOST_TEST(!model::reordered(t, {}).has_value());
  BOOST_TEST(!model::reordered(t, {"mtrack_unknown"}).has_value());
  BOOST_TEST(model::reordered(t, {"mtrack_c"}).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
