#pragma once
// The journal's view of a file: the seam through which tests inject faults
// (EIO, ENOSPC, short writes, lost unsynced bytes). Not thread-safe; the writer
// thread is the only user of an open journal file.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

namespace mixtape::journal {

class file {
 public:
  virtual ~file() = default;
  // Appends all of `data`, or returns the error that stopped it (a partial append may
  // have reached the file; the journal treats any error as fatal).
  virtual std::error_code append(std::string_view data) = 0;
  // fdatasync(2): everything appended so far is durable when this returns success.
  virtual std::error_code sync() = 0;
  virtual std::error_code truncate(std::uint64_t size) = 0;
  // A hint, no promise: start writing what was appended so far to the device without
  // waiting, so that a later sync() has little left to do (and a big file's writeback
  // does not arrive at the device in one burst that other files' syncs queue behind).
  virtual void start_writeback() {}
  virtual std::uint64_t size() const = 0;
};

// Opens (creating with mode 0600 if needed) `path` for appending at its end.
std::unique_ptr<file> open_posix_file(const std::string& path, std::error_code& ec);

// fsync(2) on a directory, so that a create or rename in it is durable: core::fs::sync_directory,
// kept here for the journal's callers.
std::error_code sync_directory(const std::string& dir);

}  // namespace mixtape::journal
