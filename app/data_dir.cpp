#include "data_dir.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace mixtape::app {

core::result<data_dir_lock> data_dir_lock::acquire(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return core::problem{core::errc::io_error, "", "cannot create data directory " + dir + ": " + ec.message()};
  const std::string path = dir + "/LOCK";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return core::problem{core::errc::io_error, "", "cannot open " + path + ": " + std::strerror(errno)};
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK)
      return core::problem{core::errc::io_error, "",
                           "data directory " + dir + " is in use by another mixtaped (lock " + path + " is held)"};
    return core::problem{core::errc::io_error, "", "cannot lock " + path + ": " + std::strerror(err)};
  }
  return data_dir_lock{fd};
}

data_dir_lock::~data_dir_lock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace mixtape::app
