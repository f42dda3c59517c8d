#pragma once
// The fake journal::file of every suite. Its state is a `fake_disk` that the test shares
// with the file and inspects while (and after) a writer owns it. Knobs are set before the
// file is handed over, or later through the locking setters.
//
// Storage: in memory (`data` is every byte appended, the page cache; `synced` the prefix a
// successful sync made durable, for power-loss simulations), or forwarded to an inner file
// (make_fake_over: the bytes stay on disk, `synced` is the inner file's size at its last
// successful sync, and the faults apply on top).
//
// Faults: the Nth append or sync fails, or every append/sync from call N on (crash_at_call);
// either latches: later appends and syncs fail with EIO and are counted. The failing append
// may still write a prefix (short_write). Appends can be refused while a flag is set, without
// latching (a full disk that frees up again). The Nth truncate can fail. Appends and syncs
// can be held at a gate; a sync can take a delay.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

#include "journal/file.hpp"

namespace mixtape::test {

struct fake_disk {
  explicit fake_disk(std::string initial = {}) : data(std::move(initial)), synced(data.size()) {}
  fake_disk(const fake_disk&) = delete;
  fake_disk& operator=(const fake_disk&) = delete;

  // Everything here is guarded by `mutex`. `changed` is notified after every call of the
  // file and every change made through the setters below.
  std::mutex mutex;
  std::condition_variable changed;
  std::string data;             // in-memory files: every byte appended (the page cache)
  std::size_t synced;           // prefix of the file covered by a successful sync
  int appends = 0;              // append calls, refused ones excepted
  int refused = 0;              // appends refused by refuse_appends
  int syncs = 0;
  int truncates = 0;
  bool failed = false;          // a latched failure happened
  int calls_after_failure = 0;  // appends and syncs made after that (a writer must make none)
  bool gate_closed = false;     // append blocks while set
  int gate_waiters = 0;         // appends that found the gate closed
  bool sync_gate_closed = false;  // sync blocks while set

  // Knobs. Call numbers count from 1, per kind; 0 means never.
  int fail_append_at = 0;
  std::errc append_error = std::errc::io_error;  // of fail_append_at and refuse_appends
  std::size_t short_write = 0;  // bytes the first failing append still writes
  int fail_sync_at = 0;
  std::errc sync_error = std::errc::io_error;
  int fail_truncate_at = 0;     // that truncate fails with EIO (no latch)
  int crash_at_call = 0;        // this append/sync (counted together) and every later one fail with EIO
  bool refuse_appends = false;  // while set, appends fail with append_error and write nothing (no latch)
  std::chrono::microseconds sync_delay{0};
  std::function<void()> after_append;  // runs with `mutex` held after each append that wrote its bytes

  // Waits on `changed` until `pred()` (evaluated with `mutex` held) holds; false when
  // `limit` passed first.
  template <class Pred>
  [[nodiscard]] bool wait(Pred pred, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, limit, pred);
  }
  // Until an append is stuck at the closed gate. After `limit` it opens the gate (so that
  // no writer stays stuck and the test fails instead of hanging) and returns false.
  [[nodiscard]] bool wait_for_gate_waiter(std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    if (wait([&] { return gate_waiters > 0; }, limit)) return true;
    open_gate();
    return false;
  }

  // Runs `f` with `mutex` held, then notifies `changed`.
  template <class F>
  void update(F f) {
    {
      std::lock_guard lock(mutex);
      f();
    }
    changed.notify_all();
  }
  void open_gate() { update([&] { gate_closed = false; }); }
  void hold_syncs() { update([&] { sync_gate_closed = true; }); }
  void release_syncs() { update([&] { sync_gate_closed = false; }); }
  // The next sync fails (latched), and a held sync goes ahead to fail.
  void fail_next_sync() {
    update([&] {
      fail_sync_at = syncs + 1;
      sync_gate_closed = false;
    });
  }
  void set_refuse_appends(bool on) { update([&] { refuse_appends = on; }); }

  std::size_t synced_size() {
    std::lock_guard lock(mutex);
    return synced;
  }
  int sync_count() {
    std::lock_guard lock(mutex);
    return syncs;
  }
  std::string bytes() {
    std::lock_guard lock(mutex);
    return data;
  }
};

class fake_journal_file final : public journal::file {
 public:
  // In memory: the file is disk->data.
  explicit fake_journal_file(std::shared_ptr<fake_disk> disk) : disk_(std::move(disk)) {}
  // Over `inner`: the bytes go to it. What it holds at this point counts as synced (its
  // creator made it durable).
  fake_journal_file(std::shared_ptr<fake_disk> disk, std::unique_ptr<journal::file> inner)
      : disk_(std::move(disk)), inner_(std::move(inner)) {
    disk_->update([&] { disk_->synced = inner_->size(); });
  }

  std::error_code append(std::string_view bytes) override {
    std::error_code result;
    {
      std::unique_lock lock(disk_->mutex);
      if (disk_->gate_closed) {
        ++disk_->gate_waiters;
        disk_->changed.notify_all();
      }
      disk_->changed.wait(lock, [&] { return !disk_->gate_closed; });
      if (disk_->refuse_appends) {
        ++disk_->refused;
        result = std::make_error_code(disk_->append_error);
      } else {
        const bool first_failure = !disk_->failed;
        result = check_call(++disk_->appends, disk_->fail_append_at, disk_->append_error);
        if (!result || first_failure) {
          const auto written = result ? bytes.substr(0, std::min(disk_->short_write, bytes.size())) : bytes;
          if (const auto ec = write(written); ec && !result) result = ec;
          if (!result && disk_->after_append) disk_->after_append();
        }
      }
    }
    disk_->changed.notify_all();
    return result;
  }

  std::error_code sync() override {
    std::chrono::microseconds delay;
    {
      std::lock_guard lock(disk_->mutex);
      delay = disk_->sync_delay;
    }
    // Kept: the simulated device's latency (a stimulus of the test, not a wait for an event).
    if (delay.count() > 0) std::this_thread::sleep_for(delay);
    std::error_code result;
    {
      std::unique_lock lock(disk_->mutex);
      disk_->changed.wait(lock, [&] { return !disk_->sync_gate_closed; });
      result = check_call(++disk_->syncs, disk_->fail_sync_at, disk_->sync_error);
      if (!result && inner_) result = inner_->sync();
      if (!result) disk_->synced = inner_ ? inner_->size() : disk_->data.size();
    }
    disk_->changed.notify_all();
    return result;
  }

  std::error_code truncate(std::uint64_t size) override {
    std::error_code result;
    {
      std::lock_guard lock(disk_->mutex);
      if (++disk_->truncates == disk_->fail_truncate_at) {
        result = std::make_error_code(std::errc::io_error);
      } else {
        if (inner_)
          result = inner_->truncate(size);
        else
          disk_->data.resize(size);
        if (!result) disk_->synced = std::min<std::size_t>(disk_->synced, size);
      }
    }
    disk_->changed.notify_all();
    return result;
  }

  void start_writeback() override {
    if (inner_) inner_->start_writeback();
  }

  std::uint64_t size() const override {
    std::lock_guard lock(disk_->mutex);
    return inner_ ? inner_->size() : disk_->data.size();
  }

 private:
  // Decides whether call number `n` of its kind fails (mutex held).
  std::error_code check_call(int n, int fail_at, std::errc error) {
    if (disk_->failed) {
      ++disk_->calls_after_failure;
      return std::make_error_code(std::errc::io_error);
    }
    const int call = disk_->appends + disk_->syncs;
    if (n == fail_at || (disk_->crash_at_call != 0 && call >= disk_->crash_at_call)) {
      disk_->failed = true;
      return std::make_error_code(n == fail_at ? error : std::errc::io_error);
    }
    return {};
  }
  std::error_code write(std::string_view bytes) {  // mutex held
    if (inner_) return bytes.empty() ? std::error_code{} : inner_->append(bytes);
    disk_->data.append(bytes);
    return {};
  }

  std::shared_ptr<fake_disk> disk_;
  std::unique_ptr<journal::file> inner_;
};

// An in-memory fake on `disk` (a fresh, empty one by default).
inline std::unique_ptr<journal::file> make_fake(std::shared_ptr<fake_disk> disk = std::make_shared<fake_disk>()) {
  return std::make_unique<fake_journal_file>(std::move(disk));
}

// `disk`'s faults over `inner`; nullptr stays nullptr (a failed open).
inline std::unique_ptr<journal::file> make_fake_over(std::shared_ptr<fake_disk> disk,
                                                     std::unique_ptr<journal::file> inner) {
  if (!inner) return inner;
  return std::make_unique<fake_journal_file>(std::move(disk), std::move(inner));
}

}  // namespace mixtape::test
