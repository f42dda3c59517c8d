#pragma once
// Reads the records of a journal file one at a time, in bounded memory (a buffer of about
// one read's size plus the largest record), checking each as recovery does: complete, CRC,
// increasing seq. For readers that stream a file while the writer may still append to it
// (the backup): they stop at a seq known to be complete, so they never reach a record
// still being written. Not thread-safe.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/fs.hpp"
#include "core/result.hpp"

namespace mixtape::journal {

struct cursor_record {
  std::uint8_t type = 0;
  std::uint64_t seq = 0;
  std::string_view framed;   // the whole record as in the file; valid until the next call
  std::string_view payload;  // inside `framed`
};

class record_cursor {
 public:
  // Takes an open descriptor of the journal file `path` (named in errors) and checks its header.
  static core::result<record_cursor> open(core::fs::unique_fd fd, std::string path);

  // The next valid record, or nullopt at the end of the records (end of file, or the zero
  // bytes the writer reserves). A record that is incomplete or fails its CRC is corrupt_data
  // naming the file and offset: the caller only reads records it knows were written whole.
  core::result<std::optional<cursor_record>> next();

  // Forgets the bytes read past the last record returned, so that the next call reads them
  // again: for a file still being appended to, whose end was read before its writer got there.
  void forget_buffered() noexcept;
  std::uint64_t last_seq() const noexcept { return last_seq_; }
  // The offset of the next record (after the last one returned) in the file.
  std::uint64_t position() const noexcept { return at_; }

 private:
  record_cursor(core::fs::unique_fd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
  // Makes at least `n` bytes from `at_` available in buffer_ (fewer only at the file's end).
  core::status fill(std::size_t n);

  core::fs::unique_fd fd_;
  std::string path_;
  std::string buffer_;         // the file's bytes from buffer_offset_
  std::uint64_t buffer_offset_ = 0;
  std::uint64_t at_ = 0;       // the next record's offset in the file
  std::uint64_t last_seq_ = 0;
};

}  // namespace mixtape::journal
