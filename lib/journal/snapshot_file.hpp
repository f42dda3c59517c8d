#pragma once
// Snapshot files (documented in docs/journal-format.md):
//   snapshot := header body footer
//   header   := magic "MIXTAPES" (8 bytes) | version u32le (=2; 1 still read) | reserved u32le (=0) | covered_seq u64le
//   body     := the state's items (opaque here; see model/snapshot_item.hpp)
//   footer   := body_length u64le | masked_crc u32le
//               crc = mask(crc32c(header | body)), mask as for journal records
// A snapshot is valid only when the file is exactly header + body_length + footer long and
// the checksum matches; anything else is a damaged snapshot (never silently skipped).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "core/fs.hpp"
#include "core/result.hpp"
#include "journal/file.hpp"

namespace mixtape::journal {

inline constexpr std::string_view snapshot_magic{"MIXTAPES", 8};
// The version written. 2 added share links with their creator and revocation (item kind 3),
// collections with their version (kind 4) and remembered Idempotency-Keys (kind 5);
// version 1 files (kinds 1 and 2) are still read, each collection then taking its
// creation's sequence as its version.
inline constexpr std::uint32_t snapshot_version = 2;
inline constexpr std::uint32_t oldest_snapshot_version = 1;
inline constexpr std::size_t snapshot_header_size = 24;
inline constexpr std::size_t snapshot_footer_size = 12;

// Opens a file for appending (creating it); the seam for fault injection.
using file_opener = std::function<std::unique_ptr<file>(const std::string& path, std::error_code& ec)>;

// Writes one snapshot durably: everything goes to "<path>.tmp"; commit() adds the footer,
// syncs, closes, renames it to `path` and fsyncs the directory. Destroyed without a
// successful commit(), it removes the temp file. One thread at a time. Errors are
// problem{io_error, "", "<file>: <what failed>: <reason>"}.
class snapshot_writer {
 public:
  static core::result<std::unique_ptr<snapshot_writer>> start(const std::string& path, std::uint64_t covered_seq,
                                                              const file_opener& open = open_posix_file);
  ~snapshot_writer();
  snapshot_writer(const snapshot_writer&) = delete;
  snapshot_writer& operator=(const snapshot_writer&) = delete;

  core::status append(std::string_view body);
  core::status commit();
  std::uint64_t file_bytes() const noexcept { return header_size_ + body_bytes_ + (committed_ ? snapshot_footer_size : 0); }

 private:
  snapshot_writer(std::string path, std::unique_ptr<file> f);
  core::status write(std::string_view bytes);

  std::string path_;
  std::string temp_;
  std::unique_ptr<file> file_;
  std::uint32_t crc_ = 0;         // crc32c of everything written so far (header + body)
  std::uint64_t header_size_ = 0;
  std::uint64_t body_bytes_ = 0;
  bool committed_ = false;
};

// A checked snapshot, mapped read-only. `body` points into `file`: it stays valid while
// this object lives (or the one it was moved into: a move keeps the mapping where it is),
// and not after. Move-only. To give the memory back early, reset both (`file = {}`).
struct snapshot_contents {
  std::uint64_t covered_seq = 0;
  std::string_view body;
  core::fs::mapped_file file;
};

// Reads (maps) and checks a snapshot file. Errors: io_error when unreadable; corrupt_data with
// "<file>: damaged snapshot: <what is wrong>" otherwise.
core::result<snapshot_contents> read_snapshot_file(const std::string& path);

}  // namespace mixtape::journal
