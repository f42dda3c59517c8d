#pragma once
// Point-in-time restore from a continuous archive (durability/archiver.hpp; the rules in
// docs/journal-format.md §9, the commands in docs/operations.md): a new data directory holding
// the state as of a record chosen by time or by sequence number, which a server then starts
// from with its normal recovery.
#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace mixtape::durability {

// Where a restore stops. Records are kept in sequence order, and cut at a record boundary.
struct restore_target {
  enum class kind {
    everything,  // every record the archive holds
    time,        // up to, not including, the first record after the base snapshot whose time
                 // (its `at`) is after `time`: "the state as of `time`"
    seq,         // every record <= `seq`
  };
  kind what = kind::everything;
  core::unix_seconds time = 0;
  std::uint64_t seq = 0;

  static restore_target everything() { return {}; }
  static restore_target until_time(core::unix_seconds t) { return {kind::time, t, 0}; }
  static restore_target until_seq(std::uint64_t n) { return {kind::seq, 0, n}; }
};

// What a restore made.
struct restored {
  std::uint64_t last_seq = 0;  // the new directory holds exactly the records <= last_seq
  // The time (`at`) of record last_seq; nullopt when last_seq is 0, or is the snapshot's seq
  // and the archive no longer holds the journal file with that record.
  std::optional<core::unix_seconds> last_time;
  std::uint64_t snapshot_seq = 0;  // the archived snapshot it started from; 0: none
  std::uint64_t records = 0;       // journal records after that snapshot
  std::string snapshot_path;       // in the new directory; "" without a snapshot
  std::string journal_path;        // in the new directory
};

// Rebuilds, in `data_dir` (created if missing; it must hold no journal, snapshot or temp
// file and no secret.key: check_unused_data_dir), the state as of `target` from the archive
// in `archive_dir`:
// - the base is the newest archived snapshot at or before the target: for a seq target its
//   seq <= the target; for a time target, every record of the archived journal file holding
//   its last record, up to that record, has a time <= the target (a snapshot whose journal
//   file is no longer archived cannot be dated, and serves seq targets only); with none, the
//   journal from seq 1;
// - the archived journal records after the base, up to the target, are written to one new
//   journal file (journal-<base + 1>), the snapshot is copied, and so is secret.key; each file
//   goes to a temp file, is fsynced and renamed, and the directory fsynced. The journal comes
//   first and the snapshot last, so a crash part-way leaves a directory that refuses to start
//   (records missing) rather than an older state;
// - the target must be reached: a gap (journal files missing from the archive) or damage (a
//   bad checksum, a truncated record) before it refuses, naming the file (and the offset); one
//   after it does not matter. An archive that ends before the target refuses too (as
//   PostgreSQL does when recovery ends before its recovery target): for a time target, the
//   archive must hold a record after that time.
// On failure, the files this call made in `data_dir` are removed. Errors: validation_failed
// for a used `data_dir` or a target the archive cannot serve, corrupt_data for damage or a
// gap, io_error for a failing file operation; each message names the file.
core::result<restored> restore_from_archive(const std::string& archive_dir, const std::string& data_dir,
                                            const restore_target& target);

}  // namespace mixtape::durability
