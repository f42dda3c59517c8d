#include <boost/test/unit_test.hpp>

#include <future>
#include <semaphore>

#include "core/error.hpp"
#include "journal/reader.hpp"
#include "journal/writer.hpp"
#include "support.hpp"

using namespace mixtape;
using namespace mixtape::journal;
using namespace journal_test;
using namespace std::chrono_literals;

namespace {

// Replays `bytes` from a temp file; returns the payloads in order (seqs via `seqs`).
std::vector<std::string> replay(const std::string& bytes, std::vector<std::uint64_t>* seqs = nullptr) {
  temp_dir dir;
  write_file(dir.file("r.journal"), bytes);
  std::vector<std::string> payloads;
  const auto rep = recover(dir.file("r.journal"), [&](const record_view& r) {
    payloads.emplace_back(r.payload);
    if (seqs) seqs->push_back(r.seq);
    return core::success();
  }, recovery_mode::strict);
  BOOST_REQUIRE(rep.ok());
  return payloads;
}

}  // namespace

BOOST_AUTO_TEST_CASE(group_commit_completes_every_record_once_in_order_after_its_sync) {
  constexpr int threads = 8, per_thread = 500, total = threads * per_thread;
  constexpr std::uint64_t first = 1000;
  auto disk = std::make_shared<fake_disk>();
  disk->sync_delay = 1000us;
  // Written only by completions (the writer thread), read after close().
  std::vector<std::uint64_t> order;
  std::vector<std::string> payload_of(total);
  int errors = 0, out_of_range = 0, not_covered = 0;
  writer w(make_fake(disk), first, {});
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      std::binary_semaphore done{0};
      for (int i = 0; i < per_thread; ++i) {
        std::string payload = "t" + std::to_string(t) + "-" + std::to_string(i);
        w.submit(1, payload, [&, payload](std::error_code ec, std::uint64_t seq) {
          if (ec) ++errors;
          order.push_back(seq);
          if (seq >= first && seq < first + total)
            payload_of[seq - first] = payload;
          else
            ++out_of_range;
          {
            std::lock_guard lock(disk->mutex);
            const auto it = disk->record_end.find(seq);
            if (it == disk->record_end.end() || it->second > disk->synced) ++not_covered;
          }
          done.release();
        });
        done.acquire();  // like a session waiting for its acknowledgement
      }
    });
  }
  for (auto& th : pool) th.join();
  w.close();
  BOOST_TEST(errors == 0);
  BOOST_TEST(out_of_range == 0);
  BOOST_TEST(not_covered == 0);
  BOOST_REQUIRE(order.size() == static_cast<std::size_t>(total));
  for (int i = 0; i < total; ++i) BOOST_TEST(order[i] == first + i);
  std::vector<std::uint64_t> seqs;
  BOOST_TEST(replay(disk->data, &seqs) == payload_of, boost::test_tools::per_element());
  BOOST_TEST(seqs.front() == first);
  const auto stats = w.stats();
  BOOST_TEST(stats.records == static_cast<std::uint64_t>(total));
  BOOST_TEST(stats.bytes == disk->data.size() - header_size);
  BOOST_TEST(stats.syncs == stats.batches);
  BOOST_TEST(stats.syncs == static_cast<std::uint64_t>(disk->syncs));
  BOOST_TEST(stats.syncs < stats.records);  // batching happened
  BOOST_TEST(stats.largest_batch > 1u);
  BOOST_TEST_MESSAGE("group commit: " << stats.records << " records in " << stats.syncs << " syncs");
}

namespace {
// Records per batch (mean and largest) for `clients` closed-loop clients that each write
// `rounds` times, submitting again as soon as they are acknowledged. Every sync takes 200 ms
// (the fake disk's stimulus), so a gathering writer may wait up to that long for the writes
// on their way (writer::gather waits min(gather_max, the last sync's time)): a bound
// thousands of times what a client needs to resubmit, not a wait the result depends on.
struct batching {
  double mean = 0;
  std::uint64_t largest = 0;
};
batching batches_of(std::chrono::microseconds gather_max, int clients, int rounds) {
  auto disk = std::make_shared<fake_disk>();
  disk->sync_delay = 200ms;
  writer_options o;
  o.gather_max = gather_max;
  writer w(make_fake(disk), 1, o);
  std::vector<std::thread> pool;
  for (int t = 0; t < clients; ++t)
    pool.emplace_back([&] {
      for (int i = 0; i < rounds; ++i) {
        std::promise<void> acked;
        w.submit(1, "x", [&](std::error_code, std::uint64_t) { acked.set_value(); });
        acked.get_future().wait();
      }
    });
  for (auto& th : pool) th.join();
  w.close();
  const auto stats = w.stats();
  return {static_cast<double>(stats.records) / static_cast<double>(stats.batches), stats.largest_batch};
}
}  // namespace

// Group commit waits for the writes on their way (writer::gather): closed-loop clients
// commit together instead of in alternating halves, and a lone client commits alone.
BOOST_AUTO_TEST_CASE(always_policy_gathers_the_writes_on_their_way) {
  const batching gathered = batches_of(10s, 8, 5);
  const batching eager = batches_of(0us, 8, 5);
  BOOST_TEST_MESSAGE("8 clients: mean batch " << gathered.mean << " gathering, " << eager.mean << " not");
  // Gathering: after the first batch (whoever came first) every batch holds all 8 clients.
  // (Without it, how the batches split depends on which thread runs first: only reported.)
  BOOST_TEST(gathered.largest == 8u);
  BOOST_TEST(gathered.mean > 6.0);
  BOOST_TEST(batches_of(10s, 1, 3).mean == 1.0);
}

BOOST_AUTO_TEST_CASE(batch_policy_completes_before_the_sync_and_syncs_on_its_own) {
  auto disk = std::make_shared<fake_disk>();
  writer w(make_fake(disk), 1, options(fsync_policy::batch, 50ms));
  for (int round = 0; round < 2; ++round) {
    std::promise<std::pair<std::size_t, std::size_t>> seen;  // record end, synced at completion
    w.submit(1, "r" + std::to_string(round), [&](std::error_code ec, std::uint64_t seq) {
      std::lock_guard lock(disk->mutex);
      seen.set_value({ec ? 0 : disk->record_end.at(seq), disk->synced});
    });
    const auto [end, synced_then] = seen.get_future().get();
    BOOST_TEST(end > 0u);
    BOOST_TEST(synced_then < end);  // acknowledged before its sync
    BOOST_TEST(disk->wait([&] { return disk->synced >= end; }));  // woken by the timer's sync: no further submits
  }
  w.close();
  BOOST_TEST(disk->sync_count() == 2);  // nothing left to sync on close
  BOOST_TEST(w.stats().syncs == 2u);
}

BOOST_AUTO_TEST_CASE(never_policy_syncs_only_on_close) {
  auto disk = std::make_shared<fake_disk>();
  writer w(make_fake(disk), 1, options(fsync_policy::never, 1ms));
  completion_counter done;
  std::atomic<int> errors{0};
  for (int i = 0; i < 100; ++i)
    w.submit(1, "n", [&](std::error_code ec, std::uint64_t) {
      if (ec) ++errors;
      done.add();
    });
  BOOST_REQUIRE(done.wait_for(100));
  // Kept: no event to wait for, the window in which a sync must NOT happen (20 intervals).
  std::this_thread::sleep_for(20ms);
  BOOST_TEST(disk->sync_count() == 0);
  w.close();
  BOOST_TEST(errors == 0);
  BOOST_TEST(disk->sync_count() == 1);
  BOOST_TEST(disk->synced_size() == disk->data.size());
  BOOST_TEST(w.stats().syncs == 1u);
}

BOOST_AUTO_TEST_CASE(close_drains_and_syncs_then_refuses_submits) {
  auto disk = std::make_shared<fake_disk>();
  disk->sync_delay = 2000us;
  writer w(make_fake(disk), 7, {});
  std::atomic<int> ok{0};
  for (int i = 0; i < 200; ++i)
    w.submit(2, std::to_string(i), [&](std::error_code ec, std::uint64_t) { ok += ec ? 0 : 1; });
  std::thread other([&] { w.close(); });  // concurrent closes both wait for the drain
  w.close();
  other.join();
  BOOST_TEST(ok == 200);
  BOOST_TEST(disk->synced_size() == disk->data.size());
  BOOST_TEST(replay(disk->data).size() == 200u);
  bool called = false;
  std::error_code code;
  std::uint64_t seq = 99;
  w.submit(1, "late", [&](std::error_code ec, std::uint64_t s) {
    called = true;
    code = ec;
    seq = s;
  });
  BOOST_TEST(called);  // at once, on this thread
  BOOST_TEST((code == core::errc::unavailable));
  BOOST_TEST(seq == 0u);
  w.close();
  BOOST_TEST(w.stats().records == 200u);
  BOOST_TEST(w.healthy());
}

BOOST_AUTO_TEST_CASE(batches_respect_max_batch_bytes) {
  auto disk = std::make_shared<fake_disk>();
  disk->gate_closed = true;
  writer_options options;
  options.max_batch_bytes = 250;  // two 117-byte records fit, three do not
  writer w(make_fake(disk), 1, options);
  for (int i = 0; i < 21; ++i) w.submit(1, std::string(100, 'b'), [](std::error_code, std::uint64_t) {});
  BOOST_REQUIRE(disk->wait_for_gate_waiter());
  disk->open_gate();
  w.close();
  const auto stats = w.stats();
  BOOST_TEST(stats.records == 21u);
  BOOST_TEST(stats.bytes == 21u * 117u);
  BOOST_TEST(stats.batches == 11u);
  BOOST_TEST(stats.largest_batch == 2u);
}

BOOST_AUTO_TEST_CASE(payload_size_limit_matches_what_recovery_accepts) {
  auto disk = std::make_shared<fake_disk>();
  writer w(make_fake(disk), 1, {});
  const std::size_t limit = max_record_length - (record_fixed_size - record_prefix_size);
  std::error_code too_big_ec;
  std::uint64_t too_big_seq = 99;
  w.submit(1, std::string(limit + 1, 'x'), [&](std::error_code ec, std::uint64_t s) {
    too_big_ec = ec;
    too_big_seq = s;
  });
  BOOST_TEST((too_big_ec == core::errc::internal));
  BOOST_TEST(too_big_seq == 0u);
  std::promise<std::error_code> largest;
  w.submit(1, std::string(limit, 'y'), [&](std::error_code ec, std::uint64_t) { largest.set_value(ec); });
  BOOST_TEST(!largest.get_future().get());
  w.close();
  const auto payloads = replay(disk->data);
  BOOST_REQUIRE(payloads.size() == 1u);
  BOOST_TEST(payloads[0].size() == limit);
}
