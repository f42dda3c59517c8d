#pragma once
// The online backup (docs/operations.md "Backup", docs/journal-format.md §8): a consistent
// copy of a serving data directory as of one seq S, streamed in the backup format from the
// files already on disk — the newest snapshot (S0 <= S) and the journal records S0+1..S —
// while reads and writes go on. Nothing is built whole: a piece is read from disk when the
// previous one has been sent, so a running backup holds a few MiB: the piece being sent
// (about 64 KiB, more by at most one record of up to 16 MiB) and the journal reader's buffer.
//
// Consistency: S is the last record written (journal::writer::written_seq) before the files
// were opened, so every record <= S is whole in them, and every write acknowledged before
// the backup began is in it; the files, once open, stay
// readable even when compaction deletes them. Opening races with compaction (a snapshot
// newer than S, a journal deleted between the listing and its open) are retried.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/byte_source.hpp"
#include "core/fs.hpp"
#include "core/result.hpp"
#include "core/secret_file.hpp"
#include "journal/record_cursor.hpp"

namespace mixtape::durability {

// Backups since start, for /metrics (shared by all backups of a server; relaxed atomics).
struct backup_counters {
  std::atomic<std::uint64_t> started{0};
  std::atomic<std::uint64_t> completed{0};  // the end section was handed on
  std::atomic<std::uint64_t> failed{0};     // ended otherwise: a read error, a client gone
  std::atomic<std::uint64_t> bytes{0};      // handed on to clients
};

class backup_source final : public core::byte_source {
 public:
  // `written_seq` gives the last record whole in the journal; `counters` (optional) must
  // outlive the source. Errors: io_error naming a file; unavailable when the directory kept
  // changing under every attempt.
  static core::result<std::unique_ptr<backup_source>> open(const std::string& dir, const core::secret& secret,
                                                           const std::function<std::uint64_t()>& written_seq,
                                                           backup_counters* counters = nullptr);
  ~backup_source() override;

  std::uint64_t seq() const noexcept { return seq_; }
  std::uint64_t snapshot_seq() const noexcept { return snapshot_seq_; }

  core::result<bool> next(std::string& out) override;

 private:
  enum class stage { start, snapshot, records, end, done };
  struct opened_journal {
    core::fs::unique_fd fd;
    std::string path;
  };
  backup_source() = default;
  core::result<bool> next_piece(std::string& out);
  core::result<bool> next_snapshot_piece(std::string& out);
  core::result<bool> next_records_piece(std::string& out);

  core::secret secret_{};
  std::uint64_t seq_ = 0;
  std::uint64_t snapshot_seq_ = 0;
  core::fs::unique_fd snapshot_;
  std::string snapshot_path_;
  std::uint64_t snapshot_size_ = 0;
  std::uint64_t snapshot_sent_ = 0;
  std::vector<opened_journal> journals_;  // those that may hold records S0+1..S, in order
  std::size_t journal_index_ = 0;
  std::optional<journal::record_cursor> cursor_;
  std::uint64_t last_seq_ = 0;  // the last record sent (S0 before any)
  std::uint64_t records_ = 0;
  stage stage_ = stage::start;
  backup_counters* counters_ = nullptr;
};

}  // namespace mixtape::durability
