#pragma once
// File layers for durability tests, made of the shared fake journal file over the real
// files (test/support/fake_journal_file.hpp): one that fails on demand, one that loses power.
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "harness.hpp"
#include "journal/file.hpp"
#include "support/fake_journal_file.hpp"

namespace durability_test {

using test::fake_disk;

// An opener whose files are `open`'s, under the knobs of `faults` (shared by every file it
// opens; e.g. set_refuse_appends(true): appends fail with append_error while set).
inline journal::file_opener faulty_opener(std::shared_ptr<fake_disk> faults,
                                          journal::file_opener open = journal::open_posix_file) {
  return [faults = std::move(faults), open = std::move(open)](const std::string& path, std::error_code& ec) {
    return test::make_fake_over(faults, open(path, ec));
  };
}

// Faults for snapshot files: appends fail with ENOSPC while `full` (set_refuse_appends).
inline std::shared_ptr<fake_disk> full_disk(bool full) {
  auto faults = std::make_shared<fake_disk>();
  faults->append_error = std::errc::no_space_on_device;
  faults->refuse_appends = full;
  return faults;
}

// A power-loss file layer: a fake_disk per path opened, whose `synced` is how many bytes a
// successful sync made durable, so that a test can drop every unsynced byte afterwards.
struct power_loss_disk {
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<fake_disk>> files;  // path as opened -> its disk

  // Cuts every file to its durable size. A temp file renamed since is found by its final name.
  void lose_power(const std::map<std::string, std::uint64_t>& durable) {
    for (const auto& [path, size] : durable) {
      std::string actual = path;
      if (!fs::exists(actual) && actual.ends_with(".tmp")) actual.resize(actual.size() - 4);
      if (fs::exists(actual) && fs::file_size(actual) > size) fs::resize_file(actual, size);
    }
  }
  std::map<std::string, std::uint64_t> snapshot() {
    std::lock_guard lock{mutex};
    std::map<std::string, std::uint64_t> synced;
    for (const auto& [path, disk] : files) synced[path] = disk->synced_size();
    return synced;
  }
};

inline journal::file_opener power_loss_opener(power_loss_disk& disk) {
  return [&disk](const std::string& path, std::error_code& ec) -> std::unique_ptr<journal::file> {
    auto f = journal::open_posix_file(path, ec);
    if (!f) return f;
    auto file_disk = std::make_shared<fake_disk>();
    auto file = test::make_fake_over(file_disk, std::move(f));  // what exists at open was made durable by its creator
    std::lock_guard lock{disk.mutex};
    disk.files[path] = std::move(file_disk);
    return file;
  };
}

}  // namespace durability_test
