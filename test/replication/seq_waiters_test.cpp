// Reads waiting for a seq (replication/seq_waiters.hpp).
#include <boost/test/unit_test.hpp>

#include <future>
#include <mutex>
#include <optional>
#include <vector>

#include "replication/seq_waiters.hpp"

using namespace mixtape;
using replication::seq_waiters;
using namespace std::chrono_literals;

namespace {

using clock_type = seq_waiters::clock;
const auto far = [] { return clock_type::now() + 1h; };

// One wait's outcome: how many times `done` was called, and with what.
struct outcome {
  std::mutex mutex;
  std::vector<bool> calls;
  std::promise<bool> first;
  std::function<void(bool)> done() {
    return [this](bool ok) {
      std::lock_guard lock(mutex);
      calls.push_back(ok);
      if (calls.size() == 1) first.set_value(ok);
    };
  }
  std::vector<bool> get() {
    std::lock_guard lock(mutex);
    return calls;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(waiters)

BOOST_AUTO_TEST_CASE(a_seq_already_reached_is_true_at_once) {
  seq_waiters w{10};
  outcome below, equal;
  w.wait(5, far(), below.done());
  w.wait(10, far(), equal.done());
  BOOST_TEST(below.get() == std::vector<bool>{true}, boost::test_tools::per_element());
  BOOST_TEST(equal.get() == std::vector<bool>{true}, boost::test_tools::per_element());
  // Even with its deadline already passed.
  outcome past;
  w.wait(10, clock_type::now() - 1s, past.done());
  BOOST_TEST(past.get() == std::vector<bool>{true}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(reached_releases_the_waits_it_covers) {
  seq_waiters w{10};
  outcome twelve, fifteen, twelve_too;
  w.wait(12, far(), twelve.done());
  w.wait(15, far(), fifteen.done());
  w.wait(12, far(), twelve_too.done());
  w.reached(11);
  BOOST_TEST(twelve.get().empty());
  w.reached(12);  // on this thread, before reached() returns
  BOOST_TEST(twelve.get() == std::vector<bool>{true}, boost::test_tools::per_element());
  BOOST_TEST(twelve_too.get() == std::vector<bool>{true}, boost::test_tools::per_element());
  BOOST_TEST(fifteen.get().empty());
  w.reached(9);  // behind: ignored
  w.reached(20);
  BOOST_TEST(fifteen.get() == std::vector<bool>{true}, boost::test_tools::per_element());
  // Nothing is called twice, not even at stop.
  w.stop();
  BOOST_TEST(twelve.get().size() == 1u);
  BOOST_TEST(fifteen.get().size() == 1u);
}

BOOST_AUTO_TEST_CASE(the_deadline_gives_false) {
  seq_waiters w{0};
  outcome soon, later;
  const auto started = clock_type::now();
  w.wait(5, started + 50ms, soon.done());
  w.wait(5, far(), later.done());
  auto f = soon.first.get_future();
  BOOST_REQUIRE((f.wait_for(10s) == std::future_status::ready));
  BOOST_TEST((clock_type::now() - started >= 50ms));
  BOOST_TEST(!f.get());
  BOOST_TEST(later.get().empty());  // its own deadline is far
  w.reached(5);
  BOOST_TEST(soon.get() == std::vector<bool>{false}, boost::test_tools::per_element());  // once
  BOOST_TEST(later.get() == std::vector<bool>{true}, boost::test_tools::per_element());
  // A deadline already past when waiting: false, from the waiters' thread.
  outcome past;
  w.wait(6, clock_type::now() - 1s, past.done());
  auto p = past.first.get_future();
  BOOST_REQUIRE((p.wait_for(10s) == std::future_status::ready));
  BOOST_TEST(!p.get());
}

BOOST_AUTO_TEST_CASE(an_earlier_deadline_arriving_later_is_kept) {
  outcome first_far, then_soon;  // before the waiters: their stop at the end still calls first_far
  seq_waiters w{0};
  w.wait(5, far(), first_far.done());  // the waiters' thread sleeps until it
  const auto started = clock_type::now();
  w.wait(5, started + 30ms, then_soon.done());
  auto f = then_soon.first.get_future();
  BOOST_REQUIRE((f.wait_for(10s) == std::future_status::ready));
  BOOST_TEST(!f.get());
  BOOST_TEST(first_far.get().empty());
}

BOOST_AUTO_TEST_CASE(stop_gives_false_to_every_pending_wait) {
  seq_waiters w{3};
  outcome a, b;
  w.wait(4, far(), a.done());
  w.wait(9, far(), b.done());
  w.stop();  // they are called before stop() returns
  BOOST_TEST(a.get() == std::vector<bool>{false}, boost::test_tools::per_element());
  BOOST_TEST(b.get() == std::vector<bool>{false}, boost::test_tools::per_element());
  // After stop: at once, true only for what was reached.
  outcome reached_before, not_reached;
  w.wait(3, far(), reached_before.done());
  w.wait(4, far(), not_reached.done());
  BOOST_TEST(reached_before.get() == std::vector<bool>{true}, boost::test_tools::per_element());
  BOOST_TEST(not_reached.get() == std::vector<bool>{false}, boost::test_tools::per_element());
  w.stop();  // twice is fine
}

BOOST_AUTO_TEST_SUITE_END()
