#pragma once
// The primary's side of one standby's stream (docs/replication.md): the journal's records
// after a seq, read from the data directory's journal files while the writer appends to
// them, whole and CRC-checked as they were written. Not thread-safe: one stream's.
#include <cstdint>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "journal/record_cursor.hpp"

namespace mixtape::replication {

class record_feed {
 public:
  // Positions the feed after record `after`. errc::not_found when the journal files no
  // longer hold record after+1 (a snapshot covers it: the standby must bootstrap);
  // io_error naming a file.
  static core::result<record_feed> open(const std::string& dir, std::uint64_t after);

  // Appends the next whole framed records, never past `upto` (every record <= upto must be
  // whole in the files: writer::written_seq()), until about `max_bytes` are appended.
  // Returns how many records were appended. Errors: corrupt_data, io_error, not_found (a
  // journal file deleted before the feed got to it).
  core::result<std::size_t> next(std::string& out, std::uint64_t upto, std::size_t max_bytes);

  std::uint64_t last_seq() const noexcept { return last_seq_; }
  // Moves the feed to just after record `after` (its file is opened at the next call).
  void seek(std::uint64_t after) noexcept {
    last_seq_ = after;
    cursor_.reset();
  }

 private:
  record_feed(std::string dir, std::uint64_t after) : dir_(std::move(dir)), last_seq_(after) {}
  core::status open_file_from(std::uint64_t first_seq_at_most, bool exact);

  std::string dir_;
  std::uint64_t last_seq_;  // the last record handed out
  std::optional<journal::record_cursor> cursor_;
};

}  // namespace mixtape::replication
