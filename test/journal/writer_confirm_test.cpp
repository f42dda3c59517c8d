// The writer's hooks for replication: after_write, the confirmation a batch's completions
// wait for (writer_options::confirm), the `late` callbacks and after_completions.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "journal/writer.hpp"
#include "support.hpp"

using namespace mixtape;
using namespace mixtape::journal;
using namespace journal_test;
using namespace std::chrono_literals;

namespace {

// A confirmation the test drives: wait(seq) blocks until the test releases seq (true), or
// stop() (false); when the test declares seq late, it calls `late` once and keeps waiting.
class held_confirmation final : public confirmation {
 public:
  bool wait(std::uint64_t seq, const std::function<void()>& late) override {
    std::unique_lock lock(mutex_);
    waits_.push_back(seq);
    changed_.notify_all();
    bool told = false;
    for (;;) {
      if (stopped_) return false;
      if (released_ >= seq) return true;
      if (!told && late_upto_ >= seq) {
        told = true;
        lock.unlock();
        late();
        lock.lock();
        ++lates_told_;
        changed_.notify_all();
        continue;
      }
      changed_.wait(lock);
    }
  }
  void stop() override {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    changed_.notify_all();
  }

  void release(std::uint64_t seq) {
    std::lock_guard lock(mutex_);
    released_ = seq;
    changed_.notify_all();
  }
  void make_late(std::uint64_t seq) {
    std::lock_guard lock(mutex_);
    late_upto_ = seq;
    changed_.notify_all();
  }
  // Until the writer waits for `seq`; false after 10 s.
  [[nodiscard]] bool wait_for_wait(std::uint64_t seq) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, [&] { return std::find(waits_.begin(), waits_.end(), seq) != waits_.end(); });
  }
  // Until the writer's `late` for a late seq returned; false after 10 s.
  [[nodiscard]] bool wait_for_lates(int n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, [&] { return lates_told_ >= n; });
  }
  std::vector<std::uint64_t> waits() {
    std::lock_guard lock(mutex_);
    return waits_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::uint64_t> waits_;
  std::uint64_t released_ = 0;
  std::uint64_t late_upto_ = 0;
  int lates_told_ = 0;
  bool stopped_ = false;
};

// What happened to records, in order, from any thread.
struct event_log {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> events;
  void add(std::string e) {
    {
      std::lock_guard lock(mutex);
      events.push_back(std::move(e));
    }
    changed.notify_all();
  }
  std::vector<std::string> get() {
    std::lock_guard lock(mutex);
    return events;
  }
  // Until `n` events happened; false after 10 s.
  [[nodiscard]] bool wait_for(std::size_t n) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, 10s, [&] { return events.size() >= n; });
  }
};

std::string outcome(std::error_code ec) { return ec ? ec == core::errc::unavailable ? "unavailable" : ec.message() : "ok"; }

// Submits a record whose completion and late callback note themselves in `log`.
void submit_logged(writer& w, event_log& log, const std::string& name, bool with_late = true) {
  unconfirmed_fn late;
  if (with_late) late = [&log, name] { log.add("late " + name); };
  w.submit(1, "payload " + name, [&log, name](std::error_code ec, std::uint64_t seq) {
    log.add("done " + name + " " + outcome(ec) + " seq " + std::to_string(seq));
  }, std::move(late));
}

using strings = std::vector<std::string>;

}  // namespace

BOOST_AUTO_TEST_SUITE(writer_confirmation)

BOOST_AUTO_TEST_CASE(completions_run_only_once_the_confirmation_returns) {
  auto disk = std::make_shared<fake_disk>();
  held_confirmation confirm;
  std::atomic<std::uint64_t> after_write{0}, after_completions{0};
  auto o = options(fsync_policy::always);
  o.confirm = &confirm;
  o.after_write = [&](std::uint64_t seq) { after_write = seq; };
  o.after_completions = [&](std::uint64_t seq) { after_completions = seq; };
  writer w(make_fake(disk), 7, o);
  std::promise<std::pair<std::error_code, std::uint64_t>> done;
  auto done_future = done.get_future();
  bool late_called = false;  // written by the writer thread only; read after close()
  w.submit(1, "first", [&](std::error_code ec, std::uint64_t seq) { done.set_value({ec, seq}); },
           [&] { late_called = true; });
  BOOST_REQUIRE(confirm.wait_for_wait(7));
  // Written and synced here, announced, but not completed.
  BOOST_TEST(w.written_seq() == 7u);
  BOOST_TEST(after_write == 7u);
  {
    std::lock_guard lock(disk->mutex);
    BOOST_TEST(disk->record_end.count(7) == 1u);
    BOOST_TEST(disk->synced == disk->data.size());
  }
  BOOST_TEST((done_future.wait_for(0s) == std::future_status::timeout));
  BOOST_TEST(after_completions == 0u);
  confirm.release(7);
  BOOST_REQUIRE((done_future.wait_for(10s) == std::future_status::ready));
  const auto [ec, seq] = done_future.get();
  BOOST_TEST(!ec);
  BOOST_TEST(seq == 7u);
  // The next record waits again, for its own seq.
  std::promise<std::error_code> second;
  w.submit(1, "second", [&](std::error_code e, std::uint64_t) { second.set_value(e); });
  BOOST_REQUIRE(confirm.wait_for_wait(8));
  confirm.release(8);
  BOOST_TEST(!second.get_future().get());
  w.close();
  BOOST_TEST(after_completions == 8u);
  BOOST_TEST(!late_called);
  BOOST_TEST(confirm.waits() == (std::vector<std::uint64_t>{7, 8}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_late_confirmation_runs_late_first_and_completes_once_confirmed) {
  auto disk = std::make_shared<fake_disk>();
  held_confirmation confirm;
  auto o = options(fsync_policy::always);
  o.confirm = &confirm;
  writer w(make_fake(disk), 1, o);
  event_log log;
  submit_logged(w, log, "a");
  BOOST_REQUIRE(confirm.wait_for_wait(1));
  confirm.make_late(1);
  BOOST_REQUIRE(confirm.wait_for_lates(1));
  BOOST_TEST(log.get() == strings{"late a"}, boost::test_tools::per_element());
  confirm.release(1);
  BOOST_REQUIRE(log.wait_for(2));
  BOOST_TEST(log.get() == (strings{"late a", "done a ok seq 1"}), boost::test_tools::per_element());
  // A record without a late callback, late too: only its completion runs, once confirmed.
  submit_logged(w, log, "b", false);
  BOOST_REQUIRE(confirm.wait_for_wait(2));
  confirm.make_late(2);
  BOOST_REQUIRE(confirm.wait_for_lates(2));
  BOOST_TEST(log.get().size() == 2u);
  confirm.release(2);
  BOOST_REQUIRE(log.wait_for(3));
  w.close();
  BOOST_TEST(log.get() == (strings{"late a", "done a ok seq 1", "done b ok seq 2"}), boost::test_tools::per_element());
}

// close() stops the confirmation: the batch waiting for it, and every record queued behind it,
// is told late (it is journaled all the same), then completes with errc::unavailable.
BOOST_AUTO_TEST_CASE(after_stop_completions_get_unavailable_after_late) {
  auto disk = std::make_shared<fake_disk>();
  held_confirmation confirm;
  auto o = options(fsync_policy::always);
  o.confirm = &confirm;
  writer w(make_fake(disk), 1, o);
  event_log log;
  submit_logged(w, log, "a");
  BOOST_REQUIRE(confirm.wait_for_wait(1));
  submit_logged(w, log, "b");  // queued behind the waiting batch
  submit_logged(w, log, "c", false);
  w.close();
  BOOST_TEST(log.get() == (strings{"late a", "done a unavailable seq 1", "late b", "done b unavailable seq 2",
                                   "done c unavailable seq 3"}),
             boost::test_tools::per_element());
  // All three are in the journal.
  std::lock_guard lock(disk->mutex);
  BOOST_TEST(disk->record_end.size() == 3u);
  BOOST_TEST(disk->synced == disk->data.size());
}

BOOST_AUTO_TEST_CASE(a_record_already_told_late_is_not_told_again_at_stop) {
  auto disk = std::make_shared<fake_disk>();
  held_confirmation confirm;
  auto o = options(fsync_policy::always);
  o.confirm = &confirm;
  writer w(make_fake(disk), 1, o);
  event_log log;
  submit_logged(w, log, "a");
  BOOST_REQUIRE(confirm.wait_for_wait(1));
  confirm.make_late(1);
  BOOST_REQUIRE(confirm.wait_for_lates(1));
  w.close();
  BOOST_TEST(log.get() == (strings{"late a", "done a unavailable seq 1"}), boost::test_tools::per_element());
  // Closed: a later submit is refused on the caller's thread, its late never called.
  submit_logged(w, log, "d");
  BOOST_TEST(log.get() == (strings{"late a", "done a unavailable seq 1", "done d unavailable seq 0"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
