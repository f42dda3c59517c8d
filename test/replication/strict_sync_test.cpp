// The registry's strict sync set (replication/standbys.hpp, require_sync_set): a cluster's
// leader accepts and confirms writes only through the standbys named in the set, and names
// one only while it is in sync and holds every write confirmed so far.
#include <boost/test/unit_test.hpp>

#include "replication/standbys.hpp"
#include "waiting.hpp"

using mixtape::replication::standbys;
using replication_test::waiting;
using namespace std::chrono_literals;

namespace {

// The sync timeout, never reached: a wait that returns was woken by the change under test.
constexpr std::chrono::milliseconds never = 60s;

// An active primary's registry in strict mode.
void make_strict(standbys& s) {
  s.set_active(true);
  s.require_sync_set();
}

// The writer appended record `seq` (its after_append hook).
void append(standbys& s, std::uint64_t seq) { s.appended(seq, seq, {}); }

}  // namespace

BOOST_AUTO_TEST_SUITE(strict_sync_set)

BOOST_AUTO_TEST_CASE(an_empty_set_accepts_and_confirms_nothing) {
  standbys s{1, never, 0};
  make_strict(s);
  const auto a = s.join("a", 0);  // in sync: without the strict set it would do
  BOOST_TEST(s.in_sync() == 1u);
  BOOST_TEST(s.sync_set().empty());
  BOOST_TEST(!s.accepting());
  append(s, 1);
  waiting w{s, 1};
  s.acknowledged(a, 1);  // wakes the wait, which goes on
  BOOST_TEST(w.pending_after(50ms));
  s.stop();
  BOOST_TEST(!w.result());
  BOOST_TEST(s.confirmed_seq() == 0u);
}

BOOST_AUTO_TEST_CASE(only_an_in_sync_standby_holding_every_confirmed_write_joins) {
  standbys s{1, never, 5};
  make_strict(s);
  s.written(5);
  BOOST_TEST(s.confirmed_seq() == 5u);
  BOOST_TEST(!s.add_to_sync_set("nobody"));  // no stream of it
  const auto a = s.join("a", 3);
  BOOST_TEST(!s.add_to_sync_set("a"));  // behind
  s.acknowledged(a, 5);
  BOOST_TEST(s.add_to_sync_set("a"));
  BOOST_TEST(s.add_to_sync_set("a"));  // already in: still true, named once
  BOOST_TEST(s.sync_set() == std::vector<std::string>{"a"});
  BOOST_TEST(s.accepting());
  // b joins in sync, then 6..8 are written and confirmed by a alone: b, still flagged in
  // sync, lacks confirmed writes and may not join.
  const auto b = s.join("b", 5);
  BOOST_TEST(s.in_sync() == 2u);
  append(s, 8);
  s.acknowledged(a, 8);
  BOOST_TEST(waiting(s, 8).result());
  BOOST_TEST(s.confirmed_seq() == 8u);
  BOOST_TEST(!s.add_to_sync_set("b"));
  s.acknowledged(b, 8);
  BOOST_TEST(s.add_to_sync_set("b"));
  // c holds every confirmed write but not 9, written since: not in sync, it may not join.
  append(s, 9);
  const auto c = s.join("c", 8);
  BOOST_TEST(!s.list().back().in_sync);
  BOOST_TEST(!s.add_to_sync_set("c"));
  s.acknowledged(c, 9);
  BOOST_TEST(s.add_to_sync_set("c"));
  BOOST_TEST(s.sync_set() == (std::vector<std::string>{"a", "b", "c"}));
}

BOOST_AUTO_TEST_CASE(only_the_named_standby_confirms) {
  standbys s{1, never, 0};
  make_strict(s);
  const auto a = s.join("a", 0), b = s.join("b", 0), c = s.join("c", 0);
  BOOST_REQUIRE(s.add_to_sync_set("a"));
  append(s, 1);
  waiting w{s, 1};
  s.acknowledged(b, 1);  // not in the set: they do not count, however many
  s.acknowledged(c, 1);
  BOOST_TEST(w.pending_after(50ms));
  s.acknowledged(a, 1);
  BOOST_TEST(w.result());
  BOOST_TEST(w.lates() == 0);
  BOOST_TEST(s.confirmed_seq() == 1u);
}

BOOST_AUTO_TEST_CASE(every_named_standby_confirms_until_one_is_removed) {
  standbys s{1, never, 0};
  make_strict(s);
  const auto a = s.join("a", 0), b = s.join("b", 0);
  BOOST_REQUIRE(s.add_to_sync_set("a"));
  BOOST_REQUIRE(s.add_to_sync_set("b"));
  append(s, 1);
  {
    waiting w{s, 1};
    s.acknowledged(a, 1);
    BOOST_TEST(w.pending_after(50ms));
    s.acknowledged(b, 1);
    BOOST_TEST(w.result());
  }
  append(s, 2);
  waiting w{s, 2};
  s.acknowledged(a, 2);
  BOOST_TEST(w.pending_after(50ms));
  s.remove_from_sync_set("b");  // wakes the wait: a alone holds 2
  BOOST_TEST(w.result());
  BOOST_TEST(s.sync_set() == std::vector<std::string>{"a"});
  BOOST_TEST(s.confirmed_seq() == 2u);
}

BOOST_AUTO_TEST_CASE(a_set_shorter_than_sync_replicas_confirms_nothing) {
  standbys s{2, never, 0};
  make_strict(s);
  const auto a = s.join("a", 0), b = s.join("b", 0);
  BOOST_REQUIRE(s.add_to_sync_set("a"));
  BOOST_TEST(!s.accepting());
  append(s, 1);
  waiting w{s, 1};
  s.acknowledged(a, 1);
  BOOST_TEST(w.pending_after(50ms));
  BOOST_REQUIRE(s.add_to_sync_set("b"));
  BOOST_TEST(s.accepting());
  s.acknowledged(b, 1);
  BOOST_TEST(w.result());
}

BOOST_AUTO_TEST_CASE(written_raises_confirmed_seq) {
  standbys s{1, never, 0};
  make_strict(s);
  BOOST_TEST(s.confirmed_seq() == 0u);
  s.written(7);  // at start or after a promotion: every record up to 7 may be acknowledged
  BOOST_TEST(s.confirmed_seq() == 7u);
  const auto a = s.join("a", 6);
  s.acknowledged(a, 6);
  BOOST_TEST(!s.add_to_sync_set("a"));
  s.acknowledged(a, 7);
  BOOST_TEST(s.add_to_sync_set("a"));
}

// A batch waiting while the set was short is confirmed the moment a standby that holds it
// joins (not at the sync timeout, nor at the next acknowledgement).
BOOST_AUTO_TEST_CASE(a_standby_joining_the_set_wakes_a_waiting_batch) {
  standbys s{1, never, 0};
  make_strict(s);
  const auto a = s.join("a", 0);
  append(s, 1);
  waiting w{s, 1};
  s.acknowledged(a, 1);
  BOOST_TEST(w.pending_after(50ms));  // the set is empty: nothing confirms yet
  BOOST_TEST(s.add_to_sync_set("a"));
  BOOST_TEST(w.result());  // within the helper's 10 s bound; the timeout is a minute
  BOOST_TEST(w.lates() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
