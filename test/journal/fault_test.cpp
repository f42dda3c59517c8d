#include <boost/test/unit_test.hpp>

#include <future>
#include <random>

#include "core/error.hpp"
#include "journal/reader.hpp"
#include "journal/writer.hpp"
#include "support.hpp"

using namespace mixtape;
using namespace mixtape::journal;
using namespace journal_test;
using namespace std::chrono_literals;

namespace {

struct outcome {
  std::error_code ec;
  std::uint64_t seq = 0;
};

outcome submit_and_wait(writer& w, std::string payload) {
  std::promise<outcome> p;
  w.submit(1, std::move(payload), [&](std::error_code ec, std::uint64_t seq) { p.set_value({ec, seq}); });
  return p.get_future().get();
}

// Recovers `bytes` (strictly: damage may only be at the end) and returns the seqs.
std::vector<std::uint64_t> recovered_seqs(const std::string& bytes, std::vector<std::string>* payloads = nullptr) {
  temp_dir dir;
  write_file(dir.file("p.journal"), bytes);
  std::vector<std::uint64_t> seqs;
  const auto rep = recover(dir.file("p.journal"), [&](const record_view& r) {
    seqs.push_back(r.seq);
    if (payloads) payloads->emplace_back(r.payload);
    return core::success();
  }, recovery_mode::strict);
  BOOST_REQUIRE_MESSAGE(rep.ok(), (rep.ok() ? "" : rep.error().message));
  return seqs;
}

int calls_after_failure(fake_disk& disk) {
  std::lock_guard lock(disk.mutex);
  return disk.calls_after_failure;
}

}  // namespace

BOOST_AUTO_TEST_CASE(failed_append_poisons_the_writer_for_good) {
  struct fault {
    std::errc error;
    std::size_t short_write;
  };
  for (const fault f : {fault{std::errc::io_error, 0}, fault{std::errc::no_space_on_device, 0},
                        fault{std::errc::no_space_on_device, 10}}) {
    auto disk = std::make_shared<fake_disk>();
    disk->fail_append_at = 3;
    disk->append_error = f.error;
    disk->short_write = f.short_write;
    writer w(make_fake(disk), 1, {});
    BOOST_TEST(!submit_and_wait(w, "one").ec);
    BOOST_TEST(!submit_and_wait(w, "two").ec);
    BOOST_TEST(w.healthy());
    const auto third = submit_and_wait(w, "three");
    BOOST_TEST((third.ec == f.error));
    BOOST_TEST(third.seq == 3u);
    BOOST_TEST(!w.healthy());
    for (int i = 0; i < 3; ++i) BOOST_TEST((submit_and_wait(w, "later").ec == core::errc::unavailable));
    w.close();
    BOOST_TEST(calls_after_failure(*disk) == 0);
    BOOST_TEST(disk->appends == 3);
    BOOST_TEST(disk->syncs == 2);  // no sync after the failure, not even on close
    BOOST_TEST(disk->data.size() == header_size + 2 * (record_fixed_size + 3) + f.short_write);
    BOOST_TEST(recovered_seqs(disk->data) == (std::vector<std::uint64_t>{1, 2}), boost::test_tools::per_element());
    BOOST_TEST(w.stats().records == 2u);
  }
}

BOOST_AUTO_TEST_CASE(failed_sync_is_never_retried) {
  auto disk = std::make_shared<fake_disk>();
  disk->fail_sync_at = 2;
  writer w(make_fake(disk), 1, {});
  BOOST_TEST(!submit_and_wait(w, "one").ec);
  BOOST_TEST((submit_and_wait(w, "two").ec == std::errc::io_error));
  BOOST_TEST(!w.healthy());
  BOOST_TEST((submit_and_wait(w, "three").ec == core::errc::unavailable));
  w.close();
  BOOST_TEST(calls_after_failure(*disk) == 0);
  BOOST_TEST(disk->appends == 2);
  BOOST_TEST(disk->syncs == 2);
}

BOOST_AUTO_TEST_CASE(a_failed_batch_fails_every_record_in_it_and_all_later_ones) {
  auto disk = std::make_shared<fake_disk>();
  disk->gate_closed = true;
  disk->fail_append_at = 2;
  writer w(make_fake(disk), 1, {});
  std::vector<outcome> outcomes;  // written by completions only, read after a wait
  completion_counter done;
  const auto record = [&](std::error_code ec, std::uint64_t seq) {
    outcomes.push_back({ec, seq});
    done.add();
  };
  w.submit(1, "first", record);
  BOOST_REQUIRE(disk->wait_for_gate_waiter());  // the writer holds a one-record batch
  for (int i = 0; i < 9; ++i) w.submit(1, "queued", record);
  disk->open_gate();
  BOOST_REQUIRE(done.wait_for(10));
  w.submit(1, "after", record);
  BOOST_REQUIRE(done.wait_for(11));
  w.close();
  BOOST_REQUIRE(outcomes.size() == 11u);
  BOOST_TEST(!outcomes[0].ec);
  for (std::size_t i = 1; i < 10; ++i) BOOST_TEST((outcomes[i].ec == std::errc::io_error));
  BOOST_TEST((outcomes[10].ec == core::errc::unavailable));
  for (std::size_t i = 0; i < outcomes.size(); ++i) BOOST_TEST(outcomes[i].seq == i + 1);
  BOOST_TEST(calls_after_failure(*disk) == 0);
  const auto stats = w.stats();
  BOOST_TEST(stats.records == 1u);
  BOOST_TEST(stats.batches == 1u);
}

BOOST_AUTO_TEST_CASE(batch_policy_sync_failure_poisons_after_the_acknowledgement) {
  auto disk = std::make_shared<fake_disk>();
  disk->fail_sync_at = 1;
  writer w(make_fake(disk), 1, options(fsync_policy::batch, 0ms));
  BOOST_TEST(!submit_and_wait(w, "acked before its sync").ec);
  BOOST_TEST((submit_and_wait(w, "after the failed sync").ec == core::errc::unavailable));
  BOOST_TEST(!w.healthy());
  w.close();
  BOOST_TEST(calls_after_failure(*disk) == 0);
  BOOST_TEST(disk->syncs == 1);
}

// Power loss: the disk keeps what was synced, plus any prefix of the rest, plus maybe
// a zero-filled tail. Every acknowledged record must survive recovery, and recovery
// must see only a torn tail (never "corruption") and yield a gap-free prefix.
BOOST_AUTO_TEST_CASE(power_loss_at_random_points_keeps_every_acknowledged_record) {
  std::mt19937 rng(20260628);
  int acked_total = 0, lost_unacked = 0;
  for (int iteration = 0; iteration < 40; ++iteration) {
    auto disk = std::make_shared<fake_disk>();
    disk->crash_at_call = std::uniform_int_distribution<int>(1, 60)(rng);
    disk->short_write = std::uniform_int_distribution<std::size_t>(0, 40)(rng);
    disk->sync_delay = 100us;
    std::map<std::uint64_t, std::string> payload_of;  // completions only
    std::uint64_t max_acked = 0;
    {
      writer w(make_fake(disk), 1, {});
      std::vector<std::thread> pool;
      for (int t = 0; t < 2; ++t)
        pool.emplace_back([&, t] {
          for (int i = 0; i < 60; ++i) {
            std::string payload = std::to_string(t) + ":" + std::to_string(i);
            w.submit(1, payload, [&, payload](std::error_code ec, std::uint64_t seq) {
              payload_of[seq] = payload;
              if (!ec) max_acked = std::max(max_acked, seq);
            });
          }
        });
      for (auto& th : pool) th.join();
    }
    const std::size_t synced = disk->synced;
    std::string surviving = disk->data.substr(0, synced);
    surviving += disk->data.substr(synced, std::uniform_int_distribution<std::size_t>(0, disk->data.size() - synced)(rng));
    if (rng() % 2) surviving += std::string(rng() % 100, '\0');
    std::vector<std::string> payloads;
    const auto seqs = recovered_seqs(surviving, &payloads);
    for (std::size_t i = 0; i < seqs.size(); ++i) {
      BOOST_TEST(seqs[i] == i + 1);
      BOOST_TEST(payloads[i] == payload_of[seqs[i]]);
    }
    BOOST_TEST(seqs.size() >= max_acked);
    acked_total += static_cast<int>(max_acked);
    lost_unacked += static_cast<int>(payload_of.size() - seqs.size());
  }
  BOOST_TEST_MESSAGE("power loss: " << acked_total << " acknowledged, " << lost_unacked << " unacknowledged lost");
  BOOST_TEST(acked_total > 0);
}
