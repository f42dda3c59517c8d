#pragma once
// Recovery: reads a journal file front to back and hands each valid record to a callback.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace mixtape::journal {

struct record_view {
  std::uint8_t type;
  std::uint64_t seq;
  std::string_view payload;  // valid only during the callback
  std::uint64_t offset;      // of the record's first byte in the file
};

enum class recovery_mode {
  strict,  // damage before the end refuses: problem{corrupt_data, "", "<file>: corrupt journal record at offset N ..."}
  repair,  // damage before the end: copy the file to "<file>.damaged-<unix time>", then cut at the damage
  verify,  // read-only (the inspector): never changes the file; the valid prefix goes to on_record,
           // then damage before the end refuses as in strict; a torn tail is only reported
           // (valid_bytes, cut_bytes: what recovery would cut)
};

struct recovery_report {
  std::uint64_t records = 0;
  std::uint64_t last_seq = 0;      // 0 when the file holds no record
  std::uint64_t valid_bytes = 0;   // where the records end (the newest file's length after recovery)
  std::uint64_t cut_bytes = 0;     // bytes removed from the end (torn tail or repair)
  std::uint64_t reserved_bytes = 0;  // zero bytes after the records (the writer's reserve, not damage)
  bool repaired = false;           // a --repair cut happened (a copy was kept)
  std::string damaged_copy;        // path of that copy
  bool header_missing = false;     // the file was shorter than a header (rewritten as empty,
                                   // or in verify mode: would be)
};

// Reads `path` (which must exist). For each valid record in order, calls `on_record`.
// Zero bytes after the last valid record, to the end of the file, are the clean end of the
// records (space open_journal_file reserves ahead of them), in any file: never damage and
// never a torn tail. In the newest file they are cut off without a warning (the writer
// appends at the file's end), except in verify mode.
// Otherwise a record that is incomplete or fails its checksum is:
//  - a torn tail when no valid record follows it anywhere in the file: the file is
//    truncated to the end of the last valid record and a warning is logged;
//  - corruption otherwise: see recovery_mode.
// A file shorter than a header is rewritten as an empty journal (a crash during create).
// A wrong magic or version is corruption in either mode (never "repaired" away).
// If `on_record` returns a problem, recovery stops and returns it.
// `last_file` false: a newer journal file follows this one, so this file was complete and
// synced when the next one was started. Then nothing is a torn tail: any bad record, and a
// file shorter than a header, is corruption (strict/verify refuse, repair copies and cuts).
// `before_replay`, when set, is told how many records will go to `on_record` before the
// first one does (so the caller can size its tables once).
core::result<recovery_report> recover(const std::string& path,
                                      const std::function<core::status(const record_view&)>& on_record,
                                      recovery_mode mode, bool last_file = true,
                                      const std::function<void(std::size_t records)>& before_replay = {});

}  // namespace mixtape::journal
