#include "journal/file.hpp"

#include <fcntl.h>

#include <algorithm>

#include "core/fs.hpp"

namespace mixtape::journal {
namespace {

namespace fs = core::fs;

// Invariants: this object is the file's only writer; size_ is where its data ends (the
// initial length plus every byte a write reported, or the last truncation); every byte in
// [size_, reserved_end_) is zero, and with reserve_ == 0 the two are equal (a plain
// append-only file).
class posix_file final : public file {
 public:
  posix_file(fs::unique_fd fd, std::uint64_t size, std::uint64_t reserve)
      : fd_(std::move(fd)), size_(size), reserved_end_(size), reserve_(reserve) {}

  std::error_code append(std::string_view data) override {
    if (reserve_ > 0 && size_ + data.size() + reserve_ / 2 > reserved_end_) extend_zeros(size_ + data.size() + reserve_);
    std::size_t written = 0;
    const auto ec = fs::pwrite_all(fd_.get(), data, size_, written);
    size_ += written;
    reserved_end_ = std::max(reserved_end_, size_);
    return ec;
  }

  std::error_code sync() override { return fs::sync_file_data(fd_.get()); }

  std::error_code truncate(std::uint64_t size) override {
    if (auto ec = fs::truncate(fd_.get(), size)) return ec;
    size_ = reserved_end_ = size;
    return {};
  }

  std::uint64_t size() const override { return size_; }

  void release_reserve() override {
    if (reserved_end_ > size_ && !fs::truncate(fd_.get(), size_)) reserved_end_ = size_;
  }

  void start_writeback() override {
    if (size_ > written_back_) write_back(written_back_, size_);
    written_back_ = size_;
  }

 private:
  // Writes zeros from reserved_end_ up to `end` (rounded up to 64 KiB) and starts their
  // writeback, so that the next sync has little more than the new length to commit. A
  // failure leaves zeros or nothing past the data and is not reported: the append that
  // asked goes on without the reserve.
  void extend_zeros(std::uint64_t end) {
    static const std::string zeros(64u << 10, '\0');
    end = (end + zeros.size() - 1) / zeros.size() * zeros.size();
    const std::uint64_t from = reserved_end_;
    while (reserved_end_ < end) {
      std::size_t written = 0;
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(zeros.size(), end - reserved_end_));
      const auto ec = fs::pwrite_all(fd_.get(), std::string_view{zeros}.substr(0, n), reserved_end_, written);
      reserved_end_ += written;
      if (ec) break;
    }
    if (reserved_end_ > from) write_back(from, reserved_end_);
  }

  // A hint, no promise: its failure changes nothing.
  void write_back(std::uint64_t from, std::uint64_t to) {
    ::sync_file_range(fd_.get(), static_cast<off_t>(from), static_cast<off_t>(to - from), SYNC_FILE_RANGE_WRITE);
  }

  fs::unique_fd fd_;
  std::uint64_t size_;
  std::uint64_t reserved_end_;
  std::uint64_t reserve_;
  std::uint64_t written_back_ = 0;  // start_writeback() was asked for the bytes before this
};

std::unique_ptr<file> open_with_reserve(const std::string& path, std::error_code& ec, std::uint64_t reserve) {
  auto fd = fs::open(path, O_WRONLY | O_CREAT, ec, 0600);
  if (!fd) return nullptr;
  std::uint64_t size = 0;
  if ((ec = fs::file_size(fd.get(), size))) return nullptr;
  return std::make_unique<posix_file>(std::move(fd), size, reserve);
}

}  // namespace

std::unique_ptr<file> open_posix_file(const std::string& path, std::error_code& ec) {
  return open_with_reserve(path, ec, 0);
}

std::unique_ptr<file> open_journal_file(const std::string& path, std::error_code& ec) {
  return open_with_reserve(path, ec, journal_reserve_bytes);
}

std::error_code sync_directory(const std::string& dir) { return fs::sync_directory(dir); }

}  // namespace mixtape::journal
