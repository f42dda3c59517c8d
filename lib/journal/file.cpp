#include "journal/file.hpp"

#include <fcntl.h>

#include "core/fs.hpp"

namespace mixtape::journal {
namespace {

namespace fs = core::fs;

// Invariant: fd_ is open for O_APPEND writing, size_ is the file's length as far as
// this object knows it (initial length plus every byte a write reported).
class posix_file final : public file {
 public:
  posix_file(fs::unique_fd fd, std::uint64_t size) : fd_(std::move(fd)), size_(size) {}

  std::error_code append(std::string_view data) override {
    std::size_t written = 0;
    const auto ec = fs::write_all(fd_.get(), data, written);
    size_ += written;
    return ec;
  }

  std::error_code sync() override { return fs::sync_file_data(fd_.get()); }

  std::error_code truncate(std::uint64_t size) override {
    if (auto ec = fs::truncate(fd_.get(), size)) return ec;
    size_ = size;
    return {};
  }

  std::uint64_t size() const override { return size_; }

  void start_writeback() override {
    if (size_ > written_back_)
      ::sync_file_range(fd_.get(), static_cast<off_t>(written_back_), static_cast<off_t>(size_ - written_back_),
                        SYNC_FILE_RANGE_WRITE);  // a hint: its failure changes nothing
    written_back_ = size_;
  }

 private:
  fs::unique_fd fd_;
  std::uint64_t size_;
  std::uint64_t written_back_ = 0;  // start_writeback() was asked for the bytes before this
};

}  // namespace

std::unique_ptr<file> open_posix_file(const std::string& path, std::error_code& ec) {
  auto fd = fs::open(path, O_WRONLY | O_CREAT | O_APPEND, ec, 0600);
  if (!fd) return nullptr;
  std::uint64_t size = 0;
  if ((ec = fs::file_size(fd.get(), size))) return nullptr;
  return std::make_unique<posix_file>(std::move(fd), size);
}

std::error_code sync_directory(const std::string& dir) { return fs::sync_directory(dir); }

}  // namespace mixtape::journal
