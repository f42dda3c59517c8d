#pragma once
// A journal::confirmation's wait(seq) on a thread of its own, as the journal writer calls it:
// its result once it returns (the test fails after 10 s rather than hang), and its `late`
// calls (a second one throws on that thread, and the test then fails).
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>

#include "journal/writer.hpp"

namespace replication_test {

class waiting {
 public:
  waiting(mixtape::journal::confirmation& c, std::uint64_t seq) : c_(c) {
    result_ = std::async(std::launch::async, [&c, seq, this] {
      return c.wait(seq, [this] {
        lates_.fetch_add(1);
        late_promise_.set_value();  // a second call would throw: the test then fails
      });
    });
  }
  ~waiting() {
    if (!result_.valid()) return;
    if (result_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) c_.stop();  // a failed test: never hang
    result_.wait();
  }
  waiting(const waiting&) = delete;
  waiting& operator=(const waiting&) = delete;

  // The wait's result, once it returns; fails the test after 10 s (the wait is then stuck).
  bool result() {
    BOOST_REQUIRE((result_.wait_for(std::chrono::seconds(10)) == std::future_status::ready));
    return result_.get();
  }
  // Still waiting after `d` (a bounded look for a wrong early return).
  bool pending_after(std::chrono::milliseconds d) { return result_.wait_for(d) == std::future_status::timeout; }
  // Until `late` was called; false after 10 s.
  bool wait_for_late() { return late_future_.wait_for(std::chrono::seconds(10)) == std::future_status::ready; }
  int lates() const { return lates_.load(); }

 private:
  mixtape::journal::confirmation& c_;
  std::atomic<int> lates_{0};
  std::promise<void> late_promise_;
  std::future<void> late_future_ = late_promise_.get_future();
  std::future<bool> result_;
};

}  // namespace replication_test
