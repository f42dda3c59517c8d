#pragma once
// The history of a data directory's epochs (docs/journal-format.md §10, docs/replication.md):
// which epoch each record belongs to. An epoch starts at every promotion and at every start
// of a primary; its entry is (epoch, first seq, id), the id being random so that two nodes
// that both start "epoch 7" are still told apart. A record with seq s belongs to the last
// entry whose first seq is <= s; before any entry, to the directory's origin (epoch 0).
// Kept in the file `timeline` of the data directory, one entry per line: "EPOCH FIRST ID".
// Directories from before replication have no file: all their records are of epoch 0.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace mixtape::journal {

inline constexpr std::string_view timeline_file_name = "timeline";

struct epoch_entry {
  std::uint64_t epoch = 0;
  std::uint64_t first_seq = 1;
  std::string id;  // 16 lowercase hex digits

  bool operator==(const epoch_entry&) const = default;
};

class timeline {
 public:
  // The file in `dir`, or the origin alone when there is none. Errors: io_error, corrupt_data
  // naming the file and line.
  static core::result<timeline> load(const std::string& dir);
  // "EPOCH:FIRST:ID,..." as sent in X-Mixtape-History; corrupt_data when malformed.
  static core::result<timeline> decode(std::string_view text);

  // Writes the file atomically and durably (temp file, fsync, rename, directory fsync).
  core::status save(const std::string& dir) const;
  std::string encode() const;

  // Starts a new epoch, numbered above every epoch so far (and at least `at_least`), at
  // `first_seq`, with a new random id. Returns its number.
  std::uint64_t begin_epoch(std::uint64_t first_seq, std::uint64_t at_least = 0);

  // False when the directory had no history file (bootstrapped from a backup, or from before
  // replication): a standby then takes its primary's history as its own at the first connect.
  bool known() const noexcept { return known_; }

  // The epoch the record `seq` belongs to (0: the directory's origin).
  std::uint64_t epoch_of(std::uint64_t seq) const noexcept;

  std::uint64_t current_epoch() const noexcept { return entries_.empty() ? 0 : entries_.back().epoch; }
  const std::vector<epoch_entry>& entries() const noexcept { return entries_; }

  // The first seq whose epoch may differ between the two histories: every record below it
  // belongs to the same epoch (number and id) in both. UINT64_MAX when neither history
  // assigns any seq differently. A node holding records up to L follows a primary only if
  // fork_seq(its history, the primary's) > L.
  friend std::uint64_t fork_seq(const timeline& a, const timeline& b);

 private:
  bool known_ = false;
  std::vector<epoch_entry> entries_;  // ascending first_seq; an epoch without records is dropped
  void add(epoch_entry e);
};

std::uint64_t fork_seq(const timeline& a, const timeline& b);

}  // namespace mixtape::journal
