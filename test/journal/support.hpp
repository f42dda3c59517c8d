#pragma once
// Test helpers: a temp directory, whole-file I/O, and `fake_file`, an in-memory
// journal::file with injectable faults whose state a test can inspect while (and
// after) a writer owns the file.
#include <stdlib.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "journal/encoding.hpp"
#include "journal/file.hpp"
#include "journal/format.hpp"
#include "journal/writer.hpp"
#include "support/files.hpp"

namespace journal_test {

namespace fs = std::filesystem;
namespace mj = mixtape::journal;

// A fresh directory under /tmp, removed with everything in it on destruction.
class temp_dir {
 public:
  temp_dir() {
    std::string tmpl = "/tmp/mixtape-journal-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

using mixtape::test::read_file;
using mixtape::test::write_file;

inline std::string header_bytes() {
  std::string h;
  mj::append_header(h);
  return h;
}

// The shared state behind a fake_file. Knobs are set before the file is handed to a
// writer; everything else is guarded by `mutex`.
struct fake_disk {
  std::mutex mutex;
  std::condition_variable gate_cv;
  std::string data = header_bytes();  // every byte appended (the page cache)
  std::size_t synced = data.size();   // prefix of `data` covered by a successful sync
  std::map<std::uint64_t, std::size_t> record_end;  // seq -> end offset of its record
  std::size_t parsed = data.size();
  int appends = 0;
  int syncs = 0;
  bool failed = false;          // some call returned an error
  int calls_after_failure = 0;  // calls made after that (must stay 0)
  bool gate_closed = false;     // append blocks while set
  int gate_waiters = 0;         // appends that found the gate closed

  // Knobs: call numbers count from 1; 0 means never.
  int fail_append_at = 0;
  std::errc append_error = std::errc::io_error;
  std::size_t short_write = 0;  // bytes the failing append still writes
  int fail_sync_at = 0;
  int crash_at_call = 0;        // this append/sync call and every later one fail with EIO
  std::chrono::microseconds sync_delay{0};

  void open_gate() {
    {
      std::lock_guard lock(mutex);
      gate_closed = false;
    }
    gate_cv.notify_all();
  }
  // Blocks until a writer thread is stuck at the closed gate.
  void wait_for_gate_waiter() {
    for (;;) {
      {
        std::lock_guard lock(mutex);
        if (gate_waiters > 0) return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  std::size_t synced_size() {
    std::lock_guard lock(mutex);
    return synced;
  }
  int sync_count() {
    std::lock_guard lock(mutex);
    return syncs;
  }
  // Records the end offset of every record completed by the latest append (mutex held).
  void parse_new_records() {
    while (data.size() - parsed >= mj::record_fixed_size) {
      const std::size_t end = parsed + mj::record_prefix_size + mj::detail::get_u32(data, parsed);
      if (end > data.size()) break;
      record_end[mj::detail::get_u64(data, parsed + mj::record_prefix_size + 1)] = end;
      parsed = end;
    }
  }
};

class fake_file final : public mj::file {
 public:
  explicit fake_file(std::shared_ptr<fake_disk> disk) : disk_(std::move(disk)) {}

  std::error_code append(std::string_view bytes) override {
    std::unique_lock lock(disk_->mutex);
    if (disk_->gate_closed) ++disk_->gate_waiters;
    disk_->gate_cv.wait(lock, [&] { return !disk_->gate_closed; });
    const bool first_failure = !disk_->failed;
    if (auto ec = check_call(++disk_->appends, disk_->fail_append_at, disk_->append_error)) {
      if (first_failure) disk_->data.append(bytes.substr(0, std::min(disk_->short_write, bytes.size())));
      return ec;
    }
    disk_->data.append(bytes);
    disk_->parse_new_records();
    return {};
  }

  std::error_code sync() override {
    std::chrono::microseconds delay;
    {
      std::lock_guard lock(disk_->mutex);
      delay = disk_->sync_delay;
    }
    if (delay.count() > 0) std::this_thread::sleep_for(delay);
    std::lock_guard lock(disk_->mutex);
    if (auto ec = check_call(++disk_->syncs, disk_->fail_sync_at, std::errc::io_error)) return ec;
    disk_->synced = disk_->data.size();
    return {};
  }

  std::error_code truncate(std::uint64_t size) override {
    std::lock_guard lock(disk_->mutex);
    disk_->data.resize(size);
    disk_->synced = std::min<std::size_t>(disk_->synced, size);
    return {};
  }

  std::uint64_t size() const override {
    std::lock_guard lock(disk_->mutex);
    return disk_->data.size();
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

  std::shared_ptr<fake_disk> disk_;
};

// Counts completions and lets a test thread wait for a number of them.
class completion_counter {
 public:
  void add() {
    {
      std::lock_guard lock(mutex_);
      ++count_;
    }
    cv_.notify_all();
  }
  void wait_for(int n) {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return count_ >= n; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int count_ = 0;
};

inline std::unique_ptr<mj::file> make_fake(const std::shared_ptr<fake_disk>& disk) {
  return std::make_unique<fake_file>(disk);
}

// Writer options with a policy and an interval (aggregate initialization would have to
// name every field to keep -Wextra quiet).
inline mj::writer_options options(mj::fsync_policy policy, std::chrono::milliseconds interval = std::chrono::milliseconds{10}) {
  mj::writer_options o;
  o.policy = policy;
  o.interval = interval;
  return o;
}

// Frames records with sequence numbers first_seq, first_seq+1, ... after a header.
inline std::string journal_bytes(const std::vector<std::string>& payloads, std::uint64_t first_seq = 1,
                                 std::vector<std::size_t>* offsets = nullptr) {
  std::string out = header_bytes();
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    if (offsets) offsets->push_back(out.size());
    mj::append_record(out, 1, first_seq + i, payloads[i]);
  }
  return out;
}

}  // namespace journal_test
