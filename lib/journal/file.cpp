#include "journal/file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "journal/posix_io.hpp"

namespace mixtape::journal {
namespace {

std::error_code last_error() { return {errno, std::system_category()}; }

// Invariant: fd_ is open for O_APPEND writing, size_ is the file's length as far as
// this object knows it (initial length plus every byte a write reported).
class posix_file final : public file {
 public:
  posix_file(int fd, std::uint64_t size) : fd_(fd), size_(size) {}
  ~posix_file() override { ::close(fd_); }
  posix_file(const posix_file&) = delete;
  posix_file& operator=(const posix_file&) = delete;

  std::error_code append(std::string_view data) override {
    std::size_t written = 0;
    const auto ec = detail::write_all(fd_, data, written);
    size_ += written;
    return ec;
  }

  std::error_code sync() override {
    int rc;
    do rc = ::fdatasync(fd_);
    while (rc != 0 && errno == EINTR);
    return rc == 0 ? std::error_code{} : last_error();
  }

  std::error_code truncate(std::uint64_t size) override {
    int rc;
    do rc = ::ftruncate(fd_, static_cast<off_t>(size));
    while (rc != 0 && errno == EINTR);
    if (rc != 0) return last_error();
    size_ = size;
    return {};
  }

  std::uint64_t size() const override { return size_; }

  void start_writeback() override {
    if (size_ > written_back_)
      ::sync_file_range(fd_, static_cast<off_t>(written_back_), static_cast<off_t>(size_ - written_back_),
                        SYNC_FILE_RANGE_WRITE);  // a hint: its failure changes nothing
    written_back_ = size_;
  }

 private:
  int fd_;
  std::uint64_t size_;
  std::uint64_t written_back_ = 0;  // start_writeback() was asked for the bytes before this
};

int open_retrying(const char* path, int flags, mode_t mode = 0) {
  int fd;
  do fd = ::open(path, flags, mode);
  while (fd < 0 && errno == EINTR);
  return fd;
}

std::error_code fsync_and_close(int fd) {
  int rc;
  do rc = ::fsync(fd);
  while (rc != 0 && errno == EINTR);
  const std::error_code ec = rc == 0 ? std::error_code{} : last_error();
  ::close(fd);
  return ec;
}

}  // namespace

std::unique_ptr<file> open_posix_file(const std::string& path, std::error_code& ec) {
  ec.clear();
  const int fd = open_retrying(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    ec = last_error();
    return nullptr;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ec = last_error();
    ::close(fd);
    return nullptr;
  }
  return std::make_unique<posix_file>(fd, static_cast<std::uint64_t>(st.st_size));
}

std::error_code sync_directory(const std::string& dir) {
  const int fd = open_retrying(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return last_error();
  return fsync_and_close(fd);
}

namespace detail {

std::error_code write_all(int fd, std::string_view data, std::size_t& written) {
  written = 0;
  while (written < data.size()) {
    const ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return last_error();
    }
    if (n == 0) return std::make_error_code(std::errc::io_error);  // no progress: give up
    written += static_cast<std::size_t>(n);
  }
  return {};
}

std::error_code read_whole_file(const std::string& path, std::string& out) {
  out.clear();
  const int fd = open_retrying(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return last_error();
  struct stat st {};
  if (::fstat(fd, &st) == 0) out.reserve(static_cast<std::size_t>(st.st_size));
  char chunk[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const auto ec = last_error();
      ::close(fd);
      return ec;
    }
    if (n == 0) break;
    out.append(chunk, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return {};
}

mapped_file::~mapped_file() {
  if (size_ > 0) ::munmap(const_cast<char*>(data_), size_);
}

std::error_code mapped_file::open(const std::string& path) {
  const int fd = open_retrying(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return last_error();
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const auto ec = last_error();
    ::close(fd);
    return ec;
  }
  const auto size = static_cast<std::size_t>(st.st_size);
  if (size > 0) {
    void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (p == MAP_FAILED) {
      const auto ec = last_error();
      ::close(fd);
      return ec;
    }
    data_ = static_cast<const char*>(p);
    size_ = size;
  }
  ::close(fd);
  return {};
}

std::error_code write_file_synced(const std::string& path, std::string_view data, bool exclusive) {
  const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC);
  const int fd = open_retrying(path.c_str(), flags, 0600);
  if (fd < 0) return last_error();
  std::size_t written = 0;
  if (const auto ec = write_all(fd, data, written)) {
    ::close(fd);
    return ec;
  }
  return fsync_and_close(fd);
}

std::error_code truncate_file_synced(const std::string& path, std::uint64_t size) {
  const int fd = open_retrying(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return last_error();
  int rc;
  do rc = ::ftruncate(fd, static_cast<off_t>(size));
  while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    const auto ec = last_error();
    ::close(fd);
    return ec;
  }
  return fsync_and_close(fd);
}

std::string parent_directory(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace detail
}  // namespace mixtape::journal
