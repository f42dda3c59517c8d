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
  // Appends all of `data` at size(), or returns the error that stopped it (a partial append may
  // have reached the file; the journal treats any error as fatal).
  virtual std::error_code append(std::string_view data) = 0;
  // fdatasync(2): everything appended so far is durable when this returns success.
  virtual std::error_code sync() = 0;
  virtual std::error_code truncate(std::uint64_t size) = 0;
  // A hint, no promise: start writing what was appended so far to the device without
  // waiting, so that a later sync() has little left to do (and a big file's writeback
  // does not arrive at the device in one burst that other files' syncs queue behind).
  virtual void start_writeback() {}
  // Cuts the file back to size() when it reserved space past it (open_journal_file): done
  // when no more records will be appended (a rotation, a clean close), so that finished
  // files end at their last record. Best effort: a zero tail left behind is legal.
  virtual void release_reserve() {}
  virtual std::uint64_t size() const = 0;
};

// Opens (creating with mode 0600 if needed) `path` for appending at its end.
std::unique_ptr<file> open_posix_file(const std::string& path, std::error_code& ec);

// How far a journal file keeps zeroed space ahead of its records (open_journal_file).
inline constexpr std::uint64_t journal_reserve_bytes = 1u << 20;

// Opens (creating with mode 0600 if needed) `path` for appending at its end, as the
// journal's open file: records are written over zero bytes reserved ahead of them, so an
// append rewrites blocks the file already has and its sync needs no change to the file's
// length or block map (one device flush instead of a filesystem journal commit: a synced
// 7,000-byte write ~320 us -> 100-134 us on this VM's ext4, bench/fsync_probe.sh). An
// append that would leave less than half the reserve ahead first extends the zeros to a
// whole reserve past it (the one sync after that pays for the new length). size() is
// where the records end; the file on disk is longer by about the reserve in zero bytes,
// which readers treat as the clean end of the records (docs/journal-format.md, §2).
// Extending the zeros is best effort: when it fails (ENOSPC), the record is appended past
// the end as open_posix_file would. Must be opened at the end of its records: recovery
// cuts the zero tail of the newest file.
std::unique_ptr<file> open_journal_file(const std::string& path, std::error_code& ec);

// fsync(2) on a directory, so that a create or rename in it is durable: core::fs::sync_directory,
// kept here for the journal's callers.
std::error_code sync_directory(const std::string& dir);

}  // namespace mixtape::journal
