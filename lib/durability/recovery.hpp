#pragma once
// Recovery of a whole data directory at start: newest valid snapshot, then the journal
// files after it, in order (rules in docs/journal-format.md, "Recovery").
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/collection_store.hpp"

namespace mixtape::durability {

enum class recovery_mode {
  strict,  // damage refuses, naming file and offset (a torn tail of the newest journal is cut)
  repair,  // --repair: damaged journals are copied and cut; a damaged snapshot is set aside
           // only when an older snapshot plus the journals still cover everything
  verify,  // read-only (the inspector): changes nothing, refuses as strict does, and lists
           // in `findings` what a start would change
};

struct recovered {
  std::uint64_t last_seq = 0;        // the state holds every record <= last_seq
  std::uint64_t snapshot_seq = 0;    // covered seq of the snapshot loaded; 0: none
  std::string snapshot_path;         // "" when none
  std::string journal_path;          // the journal to append to ("" in verify mode when none)
  std::uint64_t journal_records = 0; // records replayed from journals (those > snapshot_seq)
  std::vector<std::string> findings; // verify mode: torn tails, temp files, leftovers
  std::chrono::milliseconds snapshot_time{0};  // reading and loading the snapshot
  std::chrono::milliseconds replay_time{0};    // reading and applying the journals
};

// What becomes of the files the loaded snapshot makes redundant (an interrupted compaction's
// leftovers: older snapshots, journal files it covers).
enum class redundant_files {
  remove,  // deleted at once
  keep,    // left for the compactor, which deletes each once it is archived (continuous
           // archiving: a file is never deleted before it is in the archive)
};

// Rebuilds `store` (which must be empty) from `dir`. Outside verify mode it also: removes
// "*.tmp" files, cuts a torn tail off the newest journal, deletes what the loaded snapshot
// makes redundant (unless `redundant` says keep), and creates the journal to append to when
// there is none. Errors name the file and, for records, the offset: corrupt_data for damage
// or a sequence gap, io_error for a failing file operation.
// Not thread-safe; the caller holds the data-dir lock.
core::result<recovered> recover_data_dir(const std::string& dir, recovery_mode mode, store::collection_store& store,
                                         redundant_files redundant = redundant_files::remove);

}  // namespace mixtape::durability
