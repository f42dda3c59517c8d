#include "data_dir.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/fs.hpp"

namespace mixtape::app {

core::result<data_dir_lock> data_dir_lock::acquire(const std::string& dir) {
  std::string failed;
  if (const auto ec = core::fs::make_directories(dir, &failed))  // mode 0700: the journal is private
    return core::problem{core::errc::io_error, "", "cannot create data directory " + failed + ": " + ec.message()};
  std::error_code ec;
  const std::string path = dir + "/LOCK";
  core::fs::unique_fd fd = core::fs::open(path, O_RDWR | O_CREAT, ec, 0600);
  if (!fd) return core::problem{core::errc::io_error, "", "cannot open " + path + ": " + ec.message()};
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    if (err == EWOULDBLOCK)
      return core::problem{core::errc::io_error, "",
                           "data directory " + dir + " is in use by another mixtaped (lock " + path + " is held)"};
    return core::problem{core::errc::io_error, "", "cannot lock " + path + ": " + std::strerror(err)};
  }
  return data_dir_lock{fd.release()};
}

data_dir_lock::~data_dir_lock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace mixtape::app
