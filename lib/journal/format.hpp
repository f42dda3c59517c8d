#pragma once
// On-disk framing (documented in docs/journal-format.md):
//   file   := header record*
//   header := magic "MIXTAPEJ" (8 bytes) | version u32le (=1) | reserved u32le (=0)
//   record := length u32le | masked_crc u32le | type u8 | seq u64le | payload
//             length = 1 + 8 + payload size (bytes after the crc field)
//             crc    = mask(crc32c(type | seq | payload)), mask as in LevelDB
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mixtape::journal {

inline constexpr std::string_view file_magic{"MIXTAPEJ", 8};
inline constexpr std::uint32_t format_version = 1;
inline constexpr std::size_t header_size = 16;
inline constexpr std::size_t record_prefix_size = 4 + 4;        // length + crc
inline constexpr std::size_t record_fixed_size = 4 + 4 + 1 + 8;  // prefix + type + seq
inline constexpr std::uint32_t max_record_length = 16u << 20;   // sanity bound on `length`

// CRC-32C (Castagnoli), extended from `crc` (0 to start).
std::uint32_t crc32c(const void* data, std::size_t n, std::uint32_t crc = 0) noexcept;
std::uint32_t mask_crc(std::uint32_t crc) noexcept;
std::uint32_t unmask_crc(std::uint32_t masked) noexcept;

// Appends the 16-byte file header to `out`.
void append_header(std::string& out);
// Appends one framed record to `out`.
void append_record(std::string& out, std::uint8_t type, std::uint64_t seq, std::string_view payload);

// The one reading of a framed record, shared by recovery, the backup's journal cursor and
// the backup reader: the record at the front of `bytes`, if it is whole, its length in
// range and its CRC right. The cheap checks come first (recovery tries every offset when it
// looks for a valid record past damage).
struct framed_record {
  std::uint8_t type = 0;
  std::uint64_t seq = 0;
  std::string_view payload;  // inside `bytes`
  std::size_t size = 0;      // of the whole record, framing included
};
enum class frame_status { ok, incomplete, bad_length, bad_checksum };
frame_status read_frame(std::string_view bytes, framed_record& out) noexcept;

}  // namespace mixtape::journal
