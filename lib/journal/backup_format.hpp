#pragma once
// The backup stream (docs/journal-format.md §8): what `GET /admin/v1/backup` sends and
// `mixtaped backup` stores, a consistent copy of a data directory as of one seq S:
//
//   backup  := header section*
//   header  := magic "MIXTAPEB" | version u32 (=1) | reserved u32 (=0) | seq u64 (S)
//              | snapshot_seq u64 (S0, 0: none) | masked_crc u32 (of the 32 bytes before)   36 bytes
//   section := kind u8 | length u32 | masked_crc u32 | payload (length bytes)
//              crc = mask(crc32c(kind | length | payload))
//   kinds   := 1 secret (32 bytes: secret.key), exactly once, first
//              2 snapshot: the next bytes of the file snapshot-<S0>.snapshot, in order (only when S0 > 0)
//              3 records: whole journal records (journal format, framed and checksummed),
//                seqs S0+1, S0+2, ... with none missing, up to S
//              4 end: seq u64 (S) | records u64 | snapshot bytes u64; last, exactly once
//
// The snapshot plus the records rebuild the state at S exactly (replay is deterministic), and
// a reader can check every byte as it arrives: the header, each section, each record's own
// CRC and sequence, the snapshot's footer. A standby bootstraps from the same stream.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace mixtape::journal {

inline constexpr std::string_view backup_magic{"MIXTAPEB", 8};
inline constexpr std::uint32_t backup_version = 1;
inline constexpr std::size_t backup_header_size = 36;
inline constexpr std::size_t backup_section_prefix = 9;  // kind + length + crc
// A section is closed once it holds about this many bytes (more by at most one record).
// Small, because a server makes each piece in one turn of an I/O thread that also serves
// other connections (bench/RESULTS.md: 1 MiB pieces cost GETs much more).
inline constexpr std::size_t backup_piece_bytes = 64u << 10;
// Nothing larger is ever written (a piece plus the largest record); above it: damage.
inline constexpr std::uint32_t backup_max_section = 18u << 20;

enum class backup_section : std::uint8_t { secret = 1, snapshot = 2, records = 3, end = 4 };

void append_backup_header(std::string& out, std::uint64_t seq, std::uint64_t snapshot_seq);
// Appends one section holding `payload` (at most backup_max_section bytes).
void append_backup_section(std::string& out, backup_section kind, std::string_view payload);
// The same without copying the payload: begin_backup_section appends the section's prefix
// and returns where it starts; the caller appends the payload to `out` itself; then
// end_backup_section fills in the length and the CRC.
std::size_t begin_backup_section(std::string& out, backup_section kind);
void end_backup_section(std::string& out, std::size_t section_start);
void append_backup_end(std::string& out, std::uint64_t seq, std::uint64_t records, std::uint64_t snapshot_bytes);

// Checks a backup stream fed in pieces of any size, and hands on what it holds. Every
// rule above is checked; the first violation stops it with
// problem{corrupt_data, "", "<name>: <what> at byte N"}, and later calls repeat it.
class backup_reader {
 public:
  struct sink {
    std::function<core::status(std::uint64_t seq, std::uint64_t snapshot_seq)> header;
    std::function<core::status(std::string_view secret)> secret;
    std::function<core::status(std::string_view bytes)> snapshot;  // the file's bytes, in order
    // One checked record at a time: type, seq, payload and its framed bytes (as in a journal file).
    std::function<core::status(std::uint8_t type, std::uint64_t seq, std::string_view payload,
                               std::string_view framed)>
        record;
  };

  // `name` prefixes error messages (a file name, a URL).
  backup_reader(std::string name, sink s);

  core::status feed(std::string_view bytes);
  // The stream has ended: it must have ended just after the end section.
  core::status finish();

  bool complete() const noexcept { return state_ == state::done; }
  std::uint64_t seq() const noexcept { return seq_; }
  std::uint64_t snapshot_seq() const noexcept { return snapshot_seq_; }
  std::uint64_t bytes() const noexcept { return offset_; }

 private:
  enum class state { header, section, done, failed };
  core::status fail(std::string what);
  core::status take_header();
  core::status take_section(std::uint8_t kind, std::string_view payload);
  core::status take_snapshot_bytes(std::string_view bytes);
  core::status check_snapshot_end();
  core::status take_records(std::string_view payload);
  core::status take_end(std::string_view payload);

  std::string name_;
  sink sink_;
  state state_ = state::header;
  std::string pending_;          // bytes of an unfinished header or section
  std::uint64_t offset_ = 0;     // bytes consumed before pending_
  std::uint64_t section_at_ = 0; // where the section being checked starts
  std::uint64_t seq_ = 0;
  std::uint64_t snapshot_seq_ = 0;
  bool have_secret_ = false;
  std::uint64_t last_seq_ = 0;   // the last record's seq (snapshot_seq_ before any)
  std::uint64_t records_ = 0;
  bool records_started_ = false;
  // The snapshot's own check: crc32c of its bytes except the last 12 (its footer), which
  // are held back in snapshot_tail_ until the next bytes or the end.
  std::uint64_t snapshot_bytes_ = 0;
  std::uint32_t snapshot_crc_ = 0;
  std::string snapshot_head_;  // its first 24 bytes, checked once complete
  std::string snapshot_tail_;
  std::string failure_;
};

}  // namespace mixtape::journal
