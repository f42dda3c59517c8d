#pragma once
// The data directory: created if missing (mode 0700, as are missing parents; an existing
// directory keeps its mode) and locked with flock(2) for the
// life of the process, so two servers never share a journal.
#include <string>

#include "core/result.hpp"

namespace mixtape::app {

class data_dir_lock {
 public:
  // Creates `dir` (and parents) if needed and takes an exclusive, non-blocking lock on
  // `dir`/LOCK. Fails with a message naming the directory when another process holds it.
  static core::result<data_dir_lock> acquire(const std::string& dir);
  data_dir_lock(data_dir_lock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  data_dir_lock& operator=(data_dir_lock&&) = delete;
  ~data_dir_lock();

 private:
  explicit data_dir_lock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace mixtape::app
