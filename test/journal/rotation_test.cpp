// Switching the writer to a new journal file between batches (compaction's first step).
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <future>
#include <semaphore>

#include "core/error.hpp"
#include "journal/create.hpp"
#include "journal/file.hpp"
#include "journal/format.hpp"
#include "journal/reader.hpp"
#include "journal/writer.hpp"
#include "support.hpp"

using namespace mixtape;
using namespace mixtape::journal;
using namespace journal_test;
using namespace std::chrono_literals;

namespace {

std::vector<std::uint64_t> seqs_in(const std::string& bytes) {
  temp_dir dir;
  write_file(dir.file("r.journal"), bytes);
  std::vector<std::uint64_t> seqs;
  const auto rep = recover(dir.file("r.journal"), [&](const record_view& r) {
    seqs.push_back(r.seq);
    return core::success();
  }, recovery_mode::strict);
  BOOST_REQUIRE(rep.ok());
  return seqs;
}

std::error_code submit_and_wait(writer& w, std::string payload) {
  std::promise<std::error_code> p;
  w.submit(1, std::move(payload), [&](std::error_code ec, std::uint64_t) { p.set_value(ec); });
  return p.get_future().get();
}

}  // namespace

// Writers race the rotation. At on_rotated(S): every record <= S has completed and is
// synced in the old file, none after S has completed, and records after S go to the new file.
BOOST_AUTO_TEST_CASE(rotation_happens_between_batches_at_a_clean_cut) {
  for (const auto policy : {fsync_policy::always, fsync_policy::never}) {
    auto old_disk = std::make_shared<fake_disk>();
    auto new_disk = std::make_shared<fake_disk>();
    old_disk->sync_delay = 200us;
    std::atomic<std::uint64_t> completed{0}, max_completed{0};
    std::uint64_t covered = 0, completed_at_cut = 0, max_at_cut = 0, first_seq_asked = 0;
    std::size_t old_unsynced_at_cut = 1;
    completion_counter acked;  // the successful completions, for the test thread to wait on
    writer w(make_fake(old_disk), 1, options(policy));
    std::vector<std::thread> pool;
    for (int t = 0; t < 4; ++t)
      pool.emplace_back([&] {
        std::binary_semaphore done{0};
        for (int i = 0; i < 300; ++i) {
          w.submit(1, "record", [&](std::error_code ec, std::uint64_t seq) {
            if (!ec) ++completed;
            if (!ec && seq > max_completed) max_completed = seq;
            if (!ec) acked.add();
            done.release();
          });
          done.acquire();  // like a session waiting for its acknowledgement
        }
      });
    BOOST_TEST(acked.wait_for(50));  // the cut falls inside the stream of writes
    rotation r;
    r.open_next = [&](std::uint64_t first_seq, std::error_code&) {
      first_seq_asked = first_seq;
      return make_fake(new_disk);
    };
    r.on_rotated = [&](std::uint64_t seq) {
      covered = seq;
      completed_at_cut = completed;
      max_at_cut = max_completed;
      std::lock_guard lock(old_disk->mutex);
      old_unsynced_at_cut = old_disk->data.size() - old_disk->synced;
    };
    BOOST_REQUIRE(w.request_rotation(std::move(r)));
    for (auto& th : pool) th.join();
    w.close();
    BOOST_TEST(w.healthy());
    BOOST_TEST(covered > 0u);  // the cut fell inside the stream of writes
    BOOST_TEST(covered < 1200u);
    BOOST_TEST(covered == completed_at_cut);
    BOOST_TEST(max_at_cut == covered);
    BOOST_TEST(first_seq_asked == covered + 1);
    BOOST_TEST(old_unsynced_at_cut == 0u);  // synced at the switch, in every policy
    const auto old_seqs = seqs_in(old_disk->data);
    const auto new_seqs = seqs_in(new_disk->data);
    BOOST_TEST(old_seqs.size() == covered);
    if (!old_seqs.empty()) BOOST_TEST(old_seqs.back() == covered);
    BOOST_TEST(old_seqs.size() + new_seqs.size() == 1200u);
    if (!new_seqs.empty()) BOOST_TEST(new_seqs.front() == covered + 1);
    BOOST_TEST(w.stats().rotations == 1u);
  }
}

BOOST_AUTO_TEST_CASE(the_after_batch_hook_sees_the_file_size_and_may_rotate) {
  auto first = std::make_shared<fake_disk>();
  std::vector<std::shared_ptr<fake_disk>> later;
  std::vector<std::uint64_t> covered;
  writer* self = nullptr;
  writer_options o;
  o.after_batch = [&](std::uint64_t bytes) {
    if (bytes < 200) return;
    rotation r;
    r.open_next = [&](std::uint64_t, std::error_code&) {
      later.push_back(std::make_shared<fake_disk>());
      return make_fake(later.back());
    };
    r.on_rotated = [&](std::uint64_t seq) { covered.push_back(seq); };
    self->request_rotation(std::move(r));
  };
  writer w(make_fake(first), 1, o);
  self = &w;
  for (int i = 0; i < 40; ++i) BOOST_TEST(!submit_and_wait(w, std::string(30, 'x')));
  w.close();
  BOOST_TEST(covered.size() >= 5u);
  BOOST_TEST(w.stats().rotations == covered.size());
  BOOST_TEST(first->data.size() >= 200u);
  BOOST_TEST(seqs_in(first->data).back() == covered.front());
}

BOOST_AUTO_TEST_CASE(a_failed_rotation_poisons_the_journal) {
  for (const bool fail_sync : {false, true}) {
    auto disk = std::make_shared<fake_disk>();
    writer w(make_fake(disk), 1, options(fsync_policy::never));
    BOOST_TEST(!submit_and_wait(w, "one"));
    if (fail_sync) disk->fail_sync_at = 1;
    bool rotated = false;
    rotation r;
    r.open_next = [](std::uint64_t, std::error_code& ec) -> std::unique_ptr<file> {
      ec = std::make_error_code(std::errc::no_space_on_device);
      return nullptr;
    };
    r.on_rotated = [&](std::uint64_t) { rotated = true; };
    BOOST_REQUIRE(w.request_rotation(std::move(r)));
    BOOST_TEST((submit_and_wait(w, "two") == core::errc::unavailable));
    BOOST_TEST(!w.healthy());
    BOOST_TEST(!rotated);
    BOOST_TEST(!w.request_rotation({}));  // poisoned: refused
    w.close();
  }
}

BOOST_AUTO_TEST_CASE(only_one_rotation_may_be_pending_and_none_after_close) {
  auto disk = std::make_shared<fake_disk>();
  disk->gate_closed = true;
  writer w(make_fake(disk), 1, {});
  w.submit(1, "held", [](std::error_code, std::uint64_t) {});
  BOOST_REQUIRE(disk->wait_for_gate_waiter());  // the writer is inside a batch
  completion_counter rotated;
  rotation r;
  r.open_next = [](std::uint64_t, std::error_code&) { return make_fake(std::make_shared<fake_disk>()); };
  r.on_rotated = [&](std::uint64_t) { rotated.add(); };
  BOOST_TEST(w.request_rotation(r));
  BOOST_TEST(!w.request_rotation(r));
  disk->open_gate();
  BOOST_TEST(rotated.wait_for(1));
  BOOST_TEST(w.stats().rotations == 1u);
  w.close();
  BOOST_TEST(!w.request_rotation(r));
}

BOOST_AUTO_TEST_CASE(a_rotation_with_no_record_in_the_current_file_keeps_it) {
  auto disk = std::make_shared<fake_disk>();
  writer w(make_fake(disk), 8, {});
  std::vector<std::uint64_t> covered;  // written on the writer thread before `rotated` counts
  completion_counter rotated;
  int opened = 0;
  rotation r;
  r.open_next = [&](std::uint64_t, std::error_code&) {
    ++opened;
    return make_fake(std::make_shared<fake_disk>());
  };
  r.on_rotated = [&](std::uint64_t seq) {
    covered.push_back(seq);
    rotated.add();
  };
  BOOST_REQUIRE(w.request_rotation(r));
  BOOST_TEST(rotated.wait_for(1));
  BOOST_TEST(!submit_and_wait(w, "x"));
  w.close();
  BOOST_TEST(covered == std::vector<std::uint64_t>{7}, boost::test_tools::per_element());
  BOOST_TEST(opened == 0);
  BOOST_TEST(seqs_in(disk->data) == std::vector<std::uint64_t>{8}, boost::test_tools::per_element());
  BOOST_TEST(w.healthy());
}

// Real journal files keep zeros reserved after their records while open; a rotation cuts
// the file it leaves, and a clean close the last one, back to their last record.
BOOST_AUTO_TEST_CASE(a_rotated_and_a_closed_journal_file_end_at_their_last_record) {
  temp_dir dir;
  const auto first = dir.file("1.journal"), second = dir.file("2.journal");
  BOOST_REQUIRE(create_journal_file(first).ok());
  std::error_code ec;
  writer w(open_journal_file(first, ec), 1, options(fsync_policy::always));
  BOOST_TEST(!submit_and_wait(w, "one"));
  BOOST_TEST(fs::file_size(first) > header_size + journal_reserve_bytes / 2);  // the reserve while open
  std::promise<std::uint64_t> rotated;
  rotation r;
  r.open_next = [&](std::uint64_t, std::error_code& e) {
    BOOST_REQUIRE(create_journal_file(second).ok());
    return open_journal_file(second, e);
  };
  r.on_rotated = [&](std::uint64_t seq) { rotated.set_value(seq); };
  BOOST_REQUIRE(w.request_rotation(std::move(r)));
  BOOST_TEST(rotated.get_future().get() == 1u);
  BOOST_TEST(!submit_and_wait(w, "two"));
  w.close();
  BOOST_TEST(fs::file_size(first) == journal_bytes({"one"}).size());
  BOOST_TEST(fs::file_size(second) == journal_bytes({"two"}, 2).size());
  BOOST_TEST((read_file(first) == journal_bytes({"one"})));  // (( )): no dump of a 1 MiB file
  BOOST_TEST((read_file(second) == journal_bytes({"two"}, 2)));
}
