#pragma once
// Test helpers: the shared temp directory and whole-file I/O, the shared fake journal
// file (test/support/fake_journal_file.hpp) on a disk that starts as a created journal,
// and a completion counter.
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

#include "journal/create.hpp"
#include "journal/encoding.hpp"
#include "journal/file.hpp"
#include "journal/format.hpp"
#include "journal/writer.hpp"
#include "support/fake_journal_file.hpp"
#include "support/files.hpp"
#include "support/temp_dir.hpp"

namespace journal_test {

namespace fs = std::filesystem;
namespace mj = mixtape::journal;

using mixtape::test::temp_dir;
using mixtape::test::read_file;
using mixtape::test::write_file;

// Creates `path` as an empty journal (its header only) and opens it with `open`; throws
// (failing the test) when either step fails.
inline std::unique_ptr<mj::file> new_journal_file(
    const std::string& path, std::unique_ptr<mj::file> (*open)(const std::string&, std::error_code&) = mj::open_posix_file) {
  if (!mj::create_journal_file(path).ok()) throw std::runtime_error("cannot create " + path);
  std::error_code ec;
  auto f = open(path, ec);
  if (!f || ec) throw std::runtime_error("cannot open " + path + ": " + ec.message());
  return f;
}

inline std::string header_bytes() {
  std::string h;
  mj::append_header(h);
  return h;
}

// The journal suites' fake_disk: a file that starts as a created journal (its header,
// synced), and that records where each record ends, by sequence number.
struct fake_disk : mixtape::test::fake_disk {
  fake_disk() : mixtape::test::fake_disk(header_bytes()) {
    after_append = [this] { parse_new_records(); };
  }
  std::map<std::uint64_t, std::size_t> record_end;  // seq -> end offset of its record (guarded by mutex)
  std::size_t parsed = data.size();

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

using mixtape::test::make_fake;

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
  // False when `limit` passed before the n-th completion.
  [[nodiscard]] bool wait_for(int n, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, limit, [&] { return count_ >= n; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int count_ = 0;
};

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
