// core::job_thread: jobs run in the order posted, off the caller's thread; stop() runs what
// is queued and joins; a job posted after it runs at once.
#include <boost/test/unit_test.hpp>

#include <future>
#include <thread>
#include <vector>

#include "core/job_thread.hpp"

using mixtape::core::job_thread;

BOOST_AUTO_TEST_CASE(jobs_run_in_order_on_their_thread_and_stop_runs_what_is_queued) {
  std::vector<int> ran;  // touched by the job thread only until stop() joined it
  std::promise<void> gate;
  auto opened = gate.get_future().share();
  std::thread::id where;
  {
    job_thread jobs{"test-jobs"};
    jobs.post([&, opened] {
      opened.wait();  // holds the thread: the next jobs queue behind it
      where = std::this_thread::get_id();
      ran.push_back(1);
    });
    for (int i = 2; i <= 4; ++i) jobs.post([&ran, i] { ran.push_back(i); });
    gate.set_value();
    jobs.stop();
    BOOST_TEST((ran == std::vector<int>{1, 2, 3, 4}));
    BOOST_TEST((where != std::this_thread::get_id()));
    jobs.post([&] { ran.push_back(5); });  // after stop(): at once, here
    BOOST_TEST(ran.back() == 5);
  }
}
