#pragma once
// `mixtaped restore --from FILE --data-dir DIR` (docs/operations.md, "Restore"): makes a
// data directory from a backup file (docs/journal-format.md §8), checking every byte first.
#include <cstdint>
#include <string>

#include "core/result.hpp"

namespace mixtape::durability {

struct restored_dir {
  std::uint64_t seq = 0;           // the state it holds: every record <= seq
  std::uint64_t snapshot_seq = 0;  // 0: the backup held no snapshot
  std::uint64_t records = 0;       // journal records after the snapshot
  std::uint64_t collections = 0;   // in the state, as recovery loaded it
};

// Refuses a `dir` that holds journal, snapshot or temp files or a secret.key (naming them),
// and a backup that is damaged or truncated (corrupt_data naming the file, what is wrong
// and where). Otherwise writes journal-<S0+1>.journal, secret.key and snapshot-<S0>.snapshot
// through temp files, syncs them, then renames them in that order, syncing the directory
// (created mode 0700 when missing) after each: a crash part-way leaves temp files, or a
// journal without its snapshot, which a start refuses (records missing), never a smaller
// state that starts. Then recovers the directory read-only, as a start would, to prove it
// loads. On a failure nothing it wrote is left behind.
core::result<restored_dir> restore_backup(const std::string& backup_file, const std::string& dir);

// The same refusal, for every way of making a data directory: an error naming what `dir`
// already holds, or success when it is missing or holds none of them.
core::status check_unused_data_dir(const std::string& dir);

}  // namespace mixtape::durability
