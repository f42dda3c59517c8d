#pragma once
// File layers for durability tests: one that fails on demand, one that loses power.
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "harness.hpp"
#include "journal/file.hpp"

namespace durability_test {

// A file whose appends fail once `fail` is set (ENOSPC), to break snapshot writes.
class failing_file final : public journal::file {
 public:
  explicit failing_file(std::unique_ptr<journal::file> inner) : inner_(std::move(inner)) {}
  std::error_code append(std::string_view d) override {
    return fail_appends.load() ? std::make_error_code(std::errc::no_space_on_device) : inner_->append(d);
  }
  std::error_code sync() override { return inner_->sync(); }
  std::error_code truncate(std::uint64_t n) override { return inner_->truncate(n); }
  std::uint64_t size() const override { return inner_->size(); }
  static inline std::atomic<bool> fail_appends{false};

 private:
  std::unique_ptr<journal::file> inner_;
};

inline std::unique_ptr<journal::file> open_failing(const std::string& path, std::error_code& ec) {
  auto f = journal::open_posix_file(path, ec);
  if (!f) return f;
  return std::make_unique<failing_file>(std::move(f));
}

// A power-loss file layer: remembers, per path, how many bytes a successful sync made
// durable, so that a test can drop every unsynced byte afterwards.
struct power_loss_disk {
  std::mutex mutex;
  std::map<std::string, std::uint64_t> synced;  // path as opened -> durable size

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
    return synced;
  }
};

class power_loss_file final : public journal::file {
 public:
  power_loss_file(std::unique_ptr<journal::file> inner, std::string path, power_loss_disk& disk)
      : inner_(std::move(inner)), path_(std::move(path)), disk_(disk) {}
  std::error_code append(std::string_view d) override { return inner_->append(d); }
  std::error_code sync() override {
    auto ec = inner_->sync();
    if (!ec) {
      std::lock_guard lock{disk_.mutex};
      disk_.synced[path_] = inner_->size();
    }
    return ec;
  }
  std::error_code truncate(std::uint64_t n) override { return inner_->truncate(n); }
  std::uint64_t size() const override { return inner_->size(); }

 private:
  std::unique_ptr<journal::file> inner_;
  std::string path_;
  power_loss_disk& disk_;
};

inline journal::file_opener power_loss_opener(power_loss_disk& disk) {
  return [&disk](const std::string& path, std::error_code& ec) -> std::unique_ptr<journal::file> {
    auto f = journal::open_posix_file(path, ec);
    if (!f) return f;
    {
      std::lock_guard lock{disk.mutex};
      disk.synced[path] = f->size();  // what exists at open was made durable by its creator
    }
    return std::make_unique<power_loss_file>(std::move(f), path, disk);
  };
}

}  // namespace durability_test
