#include "core/fs.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace mixtape::core::fs {
namespace {

std::error_code last_error() { return {errno, std::system_category()}; }
std::error_code error_of(int err) { return {err, std::system_category()}; }

// Runs `call` (returning -1 with errno on failure) until it does not fail with EINTR.
template <class F>
auto retrying(F call) {
  decltype(call()) rc;
  do rc = call();
  while (rc == -1 && errno == EINTR);
  return rc;
}

std::error_code checked(int rc) { return rc == 0 ? std::error_code{} : last_error(); }

// The loop of write_all and pwrite_all: `step(done)` writes some of data[done..] and returns
// what write(2) would. Retries EINTR and short writes; a step making no progress is EIO.
template <class Step>
std::error_code write_loop(std::string_view data, std::size_t& written, Step step) {
  written = 0;
  while (written < data.size()) {
    const ssize_t n = step(written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return last_error();
    }
    if (n == 0) return error_of(EIO);  // no progress and no reason: give up, never spin
    written += static_cast<std::size_t>(n);
  }
  return {};
}

}  // namespace

void unique_fd::reset(int fd) noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

std::error_code unique_fd::close() noexcept {
  if (fd_ < 0) return {};
  const int rc = ::close(release());
  return rc == 0 || errno == EINTR ? std::error_code{} : last_error();
}

unique_fd open(const std::string& path, int flags, std::error_code& ec, mode_t mode) {
  const int fd = retrying([&] { return ::open(path.c_str(), flags | O_CLOEXEC, mode); });
  ec = fd < 0 ? last_error() : std::error_code{};
  return unique_fd{fd};
}

namespace detail {

std::error_code write_all_with(write_function write, int fd, std::string_view data, std::size_t& written) {
  return write_loop(data, written, [&](std::size_t done) { return write(fd, data.data() + done, data.size() - done); });
}

}  // namespace detail

std::error_code write_all(int fd, std::string_view data, std::size_t& written) {
  return detail::write_all_with(&::write, fd, data, written);
}

std::error_code write_all(int fd, std::string_view data) {
  std::size_t written = 0;
  return write_all(fd, data, written);
}

std::error_code pwrite_all(int fd, std::string_view data, std::uint64_t offset, std::size_t& written) {
  return write_loop(data, written, [&](std::size_t done) {
    return ::pwrite(fd, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
  });
}

std::error_code sync_file(int fd) { return checked(retrying([&] { return ::fsync(fd); })); }

std::error_code sync_file_data(int fd) { return checked(retrying([&] { return ::fdatasync(fd); })); }

std::error_code truncate(int fd, std::uint64_t size) {
  return checked(retrying([&] { return ::ftruncate(fd, static_cast<off_t>(size)); }));
}

std::error_code file_size(int fd, std::uint64_t& size) {
  struct stat st {};
  if (retrying([&] { return ::fstat(fd, &st); }) != 0) return last_error();
  size = static_cast<std::uint64_t>(st.st_size);
  return {};
}

std::error_code read_whole_file(const std::string& path, std::string& out) {
  bool exists = true;
  return read_whole_file(path, out, if_missing::fail, exists);
}

std::error_code read_whole_file(const std::string& path, std::string& out, if_missing missing, bool& exists) {
  out.clear();
  exists = true;
  std::error_code ec;
  const unique_fd fd = open(path, O_RDONLY, ec);
  if (!fd) {
    if (missing == if_missing::ignore && ec == std::errc::no_such_file_or_directory) {
      exists = false;
      return {};
    }
    return ec;
  }
  std::uint64_t size = 0;
  if (!file_size(fd.get(), size)) out.reserve(static_cast<std::size_t>(size));
  char chunk[1 << 16];
  for (;;) {
    const ssize_t n = retrying([&] { return ::read(fd.get(), chunk, sizeof chunk); });
    if (n < 0) return last_error();
    if (n == 0) return {};
    out.append(chunk, static_cast<std::size_t>(n));
  }
}

mapped_file::~mapped_file() { unmap(); }

mapped_file::mapped_file(mapped_file&& other) noexcept : data_(other.data_), size_(other.size_) {
  other.data_ = nullptr;
  other.size_ = 0;
}

mapped_file& mapped_file::operator=(mapped_file&& other) noexcept {
  if (this != &other) {
    unmap();
    data_ = other.data_;
    size_ = other.size_;
    other.data_ = nullptr;
    other.size_ = 0;
  }
  return *this;
}

void mapped_file::unmap() noexcept {
  if (size_ > 0) ::munmap(const_cast<char*>(data_), size_);
  data_ = nullptr;
  size_ = 0;
}

std::error_code mapped_file::open(const std::string& path) {
  unmap();
  std::error_code ec;
  const unique_fd fd = fs::open(path, O_RDONLY, ec);
  if (!fd) return ec;
  std::uint64_t size = 0;
  if (auto e = file_size(fd.get(), size)) return e;
  if (size == 0) return {};  // mmap of length 0 is EINVAL; an empty view is the answer
  void* p = ::mmap(nullptr, static_cast<std::size_t>(size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd.get(), 0);
  if (p == MAP_FAILED) return last_error();
  data_ = static_cast<const char*>(p);
  size_ = static_cast<std::size_t>(size);
  return {};
}

std::error_code write_file_synced(const std::string& path, std::string_view data, if_exists existing) {
  const int flags = O_WRONLY | O_CREAT | (existing == if_exists::fail ? O_EXCL : O_TRUNC);
  std::error_code ec;
  unique_fd fd = open(path, flags, ec, 0600);
  if (!fd) return ec;
  if (auto e = write_all(fd.get(), data)) return e;
  if (auto e = sync_file(fd.get())) return e;
  return fd.close();
}

std::error_code truncate_file_synced(const std::string& path, std::uint64_t size) {
  std::error_code ec;
  unique_fd fd = open(path, O_WRONLY, ec);
  if (!fd) return ec;
  if (auto e = truncate(fd.get(), size)) return e;
  if (auto e = sync_file(fd.get())) return e;
  return fd.close();
}

std::error_code sync_directory(const std::string& dir) {
  std::error_code ec;
  unique_fd fd = open(dir, O_RDONLY | O_DIRECTORY, ec);
  if (!fd) return ec;
  if (auto e = sync_file(fd.get())) return e;
  return fd.close();
}

std::error_code rename(const std::string& from, const std::string& to) {
  return checked(retrying([&] { return ::rename(from.c_str(), to.c_str()); }));
}

std::error_code rename_no_replace(const std::string& from, const std::string& to) {
  const int rc = retrying([&] { return ::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE); });
  if (rc == 0) return {};
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) return last_error();
  // No RENAME_NOREPLACE here: link(2) refuses an existing target just as atomically.
  if (retrying([&] { return ::link(from.c_str(), to.c_str()); }) != 0) return last_error();
  (void)remove(from);  // `to` is in place; a leftover second name is only a stray temp file
  return {};
}

std::error_code replace_atomically(const std::string& path, std::string_view data, if_exists existing) {
  // The temp file, removed unless it was renamed into place.
  struct temp_file {
    std::string path;
    unique_fd fd;
    bool renamed = false;
    ~temp_file() {
      fd.reset();
      if (!renamed && !path.empty()) (void)remove(path);
    }
  } tmp;
  std::string name;
  int fd;
  do {
    name = path + ".tmp.XXXXXX";  // mkostemp overwrites the X's, also when it fails
    fd = ::mkostemp(name.data(), O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return last_error();
  tmp.fd.reset(fd);
  tmp.path = std::move(name);
  if (retrying([&] { return ::fchmod(tmp.fd.get(), 0600); }) != 0) return last_error();
  if (auto e = write_all(tmp.fd.get(), data)) return e;
  if (auto e = sync_file(tmp.fd.get())) return e;
  if (auto e = tmp.fd.close()) return e;
  if (auto e = existing == if_exists::fail ? rename_no_replace(tmp.path, path) : rename(tmp.path, path)) return e;
  tmp.renamed = true;
  return sync_directory(parent_directory(path));
}

std::error_code remove(const std::string& path, if_missing missing) {
  if (retrying([&] { return ::unlink(path.c_str()); }) == 0) return {};
  if (missing == if_missing::ignore && errno == ENOENT) return {};
  return last_error();
}

std::string parent_directory(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::error_code make_directories(const std::string& dir, std::string* failed) {
  const auto fail = [&](const std::string& at, std::error_code ec) {
    if (failed) *failed = at;
    return ec;
  };
  // Invariant: every prefix of `dir` ending before `pos` at a '/' exists (or mkdir failed).
  for (std::size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos < dir.size() && dir[pos] != '/') continue;
    const std::string prefix = dir.substr(0, pos);
    if (retrying([&] { return ::mkdir(prefix.c_str(), 0700); }) != 0 && errno != EEXIST)
      return fail(prefix, last_error());
  }
  struct stat st {};
  if (retrying([&] { return ::stat(dir.c_str(), &st); }) != 0) return fail(dir, last_error());
  if (!S_ISDIR(st.st_mode)) return fail(dir, error_of(ENOTDIR));
  return {};
}

}  // namespace mixtape::core::fs
