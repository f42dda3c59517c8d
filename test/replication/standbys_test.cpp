// The primary's registry of standbys (replication/standbys.hpp): who is in sync, whether writes
// are accepted, and the synchronous confirmation the journal writer waits for.
#include <boost/test/unit_test.hpp>

#include <thread>

#include "replication/standbys.hpp"
#include "waiting.hpp"

using namespace mixtape;
using replication::standbys;
using namespace std::chrono_literals;

using replication_test::waiting;

BOOST_AUTO_TEST_SUITE(registry)

BOOST_AUTO_TEST_CASE(accepting_needs_sync_replicas_standbys_caught_up) {
  standbys s{1, 50ms, 10};
  BOOST_TEST(s.accepting());  // inactive: a standby or a primary being demoted never refuses
  s.set_active(true);
  BOOST_TEST(!s.accepting());  // no standby
  const auto a = s.join("node-a", 5);
  BOOST_TEST(s.in_sync() == 0u);
  BOOST_TEST(!s.accepting());
  s.acknowledged(a, 9);
  BOOST_TEST(!s.accepting());
  s.acknowledged(a, 10);
  BOOST_TEST(s.in_sync() == 1u);
  BOOST_TEST(s.accepting());
  const auto list = s.list();
  BOOST_REQUIRE(list.size() == 1u);
  BOOST_TEST(list[0].id == a);
  BOOST_TEST(list[0].name == "node-a");
  BOOST_TEST(list[0].acked == 10u);
  BOOST_TEST(list[0].in_sync);
  // An acknowledgement never goes back.
  s.acknowledged(a, 3);
  BOOST_TEST(s.list()[0].acked == 10u);
  // Once it leaves, nobody is in sync.
  s.leave(a);
  BOOST_TEST(s.list().empty());
  BOOST_TEST(!s.accepting());
  // A standby that joins holding everything is in sync at once.
  const auto b = s.join("node-b", 10);
  BOOST_TEST(b != a);
  BOOST_TEST(s.accepting());
  s.set_active(false);
  s.leave(b);
  BOOST_TEST(s.accepting());
}

BOOST_AUTO_TEST_CASE(without_sync_replicas_everything_is_accepted_and_confirmed) {
  standbys s{0, 50ms, 3};
  s.set_active(true);
  BOOST_TEST(s.accepting());
  bool late = false;
  BOOST_TEST(s.wait(3, [&] { late = true; }));
  BOOST_TEST(!late);
}

BOOST_AUTO_TEST_CASE(two_sync_replicas_need_two) {
  standbys s{2, 10s, 0};
  s.set_active(true);
  const auto a = s.join("a", 0), b = s.join("b", 0);
  BOOST_TEST(s.accepting());
  s.written(4);
  waiting w{s, 4};
  s.acknowledged(a, 4);
  BOOST_TEST(w.pending_after(20ms));
  s.acknowledged(b, 5);
  BOOST_TEST(w.result());
  BOOST_TEST(w.lates() == 0);
}

BOOST_AUTO_TEST_CASE(wait_returns_true_once_acknowledged) {
  standbys s{1, 10s, 0};
  s.set_active(true);
  const auto a = s.join("a", 0);
  s.written(1);
  waiting w{s, 1};
  s.acknowledged(a, 0);  // wakes the wait, which goes on
  BOOST_TEST(w.pending_after(20ms));
  s.acknowledged(a, 1);
  BOOST_TEST(w.result());
  BOOST_TEST(w.lates() == 0);
  // Already confirmed: at once.
  BOOST_TEST(s.wait(1, [] {}));
}

// Past the timeout: `late` once, the standby out of sync (writes refused), the wait goes on
// until the acknowledgement; the standby counts again once it holds everything written.
BOOST_AUTO_TEST_CASE(a_late_confirmation_calls_late_once_and_puts_the_standby_out_of_sync) {
  standbys s{1, 50ms, 0};
  s.set_active(true);
  const auto a = s.join("a", 0);
  BOOST_TEST(s.accepting());
  s.written(1);
  const auto started = std::chrono::steady_clock::now();
  waiting w{s, 1};
  BOOST_REQUIRE(w.wait_for_late());
  BOOST_TEST((std::chrono::steady_clock::now() - started >= 50ms));
  BOOST_TEST(s.in_sync() == 0u);
  BOOST_TEST(!s.accepting());
  BOOST_TEST(!s.list()[0].in_sync);
  // Changes that wake the wait without confirming: it keeps waiting, never late again.
  s.acknowledged(a, 0);
  const auto b = s.join("b", 0);  // joins behind: not in sync
  BOOST_TEST(s.in_sync() == 0u);
  s.leave(b);
  s.written(2);  // the writer goes on (the next batch)
  BOOST_TEST(w.pending_after(100ms));
  BOOST_TEST(w.lates() == 1);
  // Record 1 confirmed: the wait ends; but the standby lacks 2, so it is still out of sync.
  s.acknowledged(a, 1);
  BOOST_TEST(w.result());
  BOOST_TEST(w.lates() == 1);
  BOOST_TEST(!s.accepting());
  BOOST_TEST(s.in_sync() == 0u);
  s.acknowledged(a, 2);
  BOOST_TEST(s.in_sync() == 1u);
  BOOST_TEST(s.accepting());
  BOOST_TEST(s.list()[0].in_sync);
}

// A node that holds more records than were written here holds another history past this
// primary's end (a former primary's unconfirmed tail): it finds itself diverged from the
// handshake (X-Mixtape-Seq below its last record) and leaves. Meanwhile its claim must neither
// confirm a write nor let writes in.
BOOST_AUTO_TEST_CASE(a_standby_claiming_more_than_was_written_here_confirms_nothing) {
  standbys s{1, 10s, 5};
  s.set_active(true);
  const auto old_primary = s.join("old-primary", 9);
  BOOST_TEST(s.in_sync() == 0u);
  BOOST_TEST(!s.accepting());
  s.written(6);
  waiting w{s, 6};
  BOOST_TEST(w.pending_after(50ms));
  s.leave(old_primary);
  // A real copy confirms it.
  const auto copy = s.join("copy", 5);
  s.acknowledged(copy, 6);
  BOOST_TEST(w.result());
  BOOST_TEST(s.accepting());
}

BOOST_AUTO_TEST_CASE(stop_makes_waits_return_false) {
  standbys s{1, 10s, 0};
  s.set_active(true);
  s.join("a", 0);
  s.written(1);
  waiting w{s, 1};
  BOOST_TEST(w.pending_after(20ms));
  s.stop();
  BOOST_TEST(!w.result());
  BOOST_TEST(w.lates() == 0);
  // Later waits too, even those that need no standby.
  BOOST_TEST(!s.wait(1, [] {}));
  s.set_active(false);
  BOOST_TEST(!s.wait(1, [] {}));
}

BOOST_AUTO_TEST_CASE(when_written_past_fires_once_written_passes_its_seq) {
  standbys s{1, 50ms, 5};
  int at_once = 0, on_six = 0, on_seven = 0;
  s.when_written_past(4, [&] { ++at_once; });
  BOOST_TEST(at_once == 1);
  s.when_written_past(5, [&] { ++on_six; });
  s.when_written_past(6, [&] { ++on_seven; });
  BOOST_TEST(on_six == 0);
  s.written(5);  // not past 5
  BOOST_TEST(on_six == 0);
  s.written(6);
  BOOST_TEST(on_six == 1);
  BOOST_TEST(on_seven == 0);
  BOOST_TEST(s.written_seq() == 6u);
  s.written(9);
  BOOST_TEST(on_six == 1);  // once
  BOOST_TEST(on_seven == 1);
  s.written(10);
  BOOST_TEST(on_seven == 1);
  BOOST_TEST(at_once == 1);
}

// lag_ms: how long ago the first record a standby lacks was written here.
BOOST_AUTO_TEST_CASE(list_reports_how_far_behind_a_standby_is) {
  standbys s{0, 50ms, 0};
  const auto a = s.join("a", 0);
  s.written(3);
  const auto written_at = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(30ms);  // the lag under test
  s.written(4);
  auto list = s.list();
  BOOST_REQUIRE(list.size() == 1u);
  BOOST_TEST(list[0].lag_ms >= 30);
  BOOST_TEST(list[0].lag_ms <= std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - written_at).count());
  s.acknowledged(a, 4);
  BOOST_TEST(s.list()[0].lag_ms == 0);
}

BOOST_AUTO_TEST_SUITE_END()
