// The leader's lease fence (replication/lease_fence.hpp) around a fake inner confirmation:
// unarmed it passes through; armed it confirms only while its deadline is ahead, and past
// it tells the batch's clients once and holds the batch until stop().
#include <boost/test/unit_test.hpp>

#include <atomic>

#include "replication/lease_fence.hpp"
#include "waiting.hpp"

using mixtape::replication::lease_fence;
using replication_test::waiting;
using namespace std::chrono_literals;

namespace {

using lease_clock = lease_fence::clock;

// The standbys' confirmation, as a test sets it: its answer, and whether it is late.
struct fake_confirmation final : mixtape::journal::confirmation {
  std::atomic<bool> answer{true}, is_late{false}, stopped{false};
  std::atomic<std::uint64_t> last_seq{0};
  bool wait(std::uint64_t seq, const std::function<void()>& late) override {
    last_seq = seq;
    if (is_late) late();
    return answer && !stopped;
  }
  void stop() override { stopped = true; }
};

// wait(seq) on a thread, as the writer calls it: whether it confirmed, and how many times it
// called `late`. A wait stuck for 10 s fails the test (and is stopped).
struct outcome {
  bool confirmed;
  int lates;
};
outcome wait_on(lease_fence& f, std::uint64_t seq) {
  waiting w{f, seq};
  const bool confirmed = w.result();
  return {confirmed, w.lates()};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(fence)

BOOST_AUTO_TEST_CASE(unarmed_it_passes_the_inner_answer_through) {
  fake_confirmation inner;
  lease_fence f{inner};
  BOOST_TEST(!f.armed());
  BOOST_TEST(!f.live());
  const auto o4 = wait_on(f, 4);
  BOOST_TEST(o4.confirmed);
  BOOST_TEST(o4.lates == 0);
  BOOST_TEST(inner.last_seq.load() == 4u);
  inner.is_late = true;
  const auto o5 = wait_on(f, 5);
  BOOST_TEST(o5.confirmed);
  BOOST_TEST(o5.lates == 1);  // the inner one's late, passed on
  inner.answer = false;
  BOOST_TEST(!wait_on(f, 6).confirmed);
}

BOOST_AUTO_TEST_CASE(armed_with_a_deadline_ahead_it_confirms) {
  fake_confirmation inner;
  lease_fence f{inner};
  f.arm(lease_clock::now() + 1h);
  BOOST_TEST(f.armed());
  BOOST_TEST(f.live());
  const auto o1 = wait_on(f, 1);
  BOOST_TEST(o1.confirmed);
  BOOST_TEST(o1.lates == 0);
  inner.answer = false;  // the standbys' refusal still counts
  BOOST_TEST(!wait_on(f, 2).confirmed);
}

BOOST_AUTO_TEST_CASE(past_its_deadline_it_tells_once_and_holds_the_batch_until_stop) {
  for (const bool inner_late : {false, true}) {
    BOOST_TEST_CONTEXT("inner late: " << inner_late) {
      fake_confirmation inner;
      inner.is_late = inner_late;
      lease_fence f{inner};
      f.arm(lease_clock::now() - 1s);
      BOOST_TEST(!f.live());
      waiting w{f, 1};
      BOOST_REQUIRE(w.wait_for_late());
      BOOST_TEST(w.pending_after(50ms));
      BOOST_TEST(w.lates() == 1);  // a second call would have failed on the wait's thread
      f.stop();
      BOOST_TEST(!w.result());
      BOOST_TEST(inner.stopped.load());
      BOOST_TEST(!wait_on(f, 2).confirmed);  // after stop(): at once
    }
  }
}

BOOST_AUTO_TEST_CASE(extend_never_shortens_the_deadline) {
  fake_confirmation inner;
  lease_fence f{inner};
  const auto later = lease_clock::now() + 1h;
  f.arm(later);
  f.extend(later - 30min);
  BOOST_TEST((f.deadline() == later));
  f.extend(later + 1h);
  BOOST_TEST((f.deadline() == later + 1h));
}

BOOST_AUTO_TEST_CASE(a_lapse_is_final_a_late_renewal_does_not_revive_it) {
  fake_confirmation inner;
  lease_fence f{inner};
  // A renewal answered after the deadline passed: the lease may have expired meanwhile.
  f.arm(lease_clock::now() - 1s);
  BOOST_TEST(!f.live());
  f.extend(lease_clock::now() + 1h);
  BOOST_TEST(!f.live());
  // A lapse seen by a wait is final too (the wait told its clients "outcome unknown").
  lease_fence g{inner};
  g.arm(lease_clock::now() + 1h);
  BOOST_TEST(g.live());
  g.arm(lease_clock::now() - 1s);
  g.extend(lease_clock::now() + 1h);
  BOOST_TEST(!g.live());
  // A new arming (a new term of leadership) starts live again.
  f.arm(lease_clock::now() + 1h);
  BOOST_TEST(f.live());
  const auto o1 = wait_on(f, 1);
  BOOST_TEST(o1.confirmed);
  BOOST_TEST(o1.lates == 0);
}

BOOST_AUTO_TEST_CASE(disarmed_it_passes_through_again) {
  fake_confirmation inner;
  lease_fence f{inner};
  f.arm(lease_clock::now() - 1s);
  f.disarm();
  BOOST_TEST(!f.armed());
  BOOST_TEST(!f.live());
  const auto o1 = wait_on(f, 1);
  BOOST_TEST(o1.confirmed);
  BOOST_TEST(o1.lates == 0);
  inner.answer = false;
  BOOST_TEST(!wait_on(f, 2).confirmed);
}

BOOST_AUTO_TEST_SUITE_END()
