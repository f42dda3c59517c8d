#pragma once
// The input format of fuzz_recovery (and of the seeds make_seeds writes for it): the files
// of one data directory.
//   input := flags u8 | entry*                       (at most max_entries entries)
//   entry := kind u8 | adjust u8 | length u16le | bytes (length, cut to what is left)
//   kind % 4: 0 a snapshot, 1 a journal, 2 a "*.tmp" file, 3 a file recovery must ignore
//   a snapshot is named after the covered_seq in its header, a journal after the seq of its
//   first record (1 without one), each plus `adjust` as a signed byte (so that names and
//   contents can disagree); other files pick their name by `adjust`.
//   flags bit 0: fix every snapshot's footer (body length and CRC) to match its bytes;
//   flags bit 1: fix the CRC of every journal record (walked by its length fields).
// The fixes let the fuzzer get past the checksums to the record and item decoders, while
// inputs without them exercise the damage handling.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "journal/data_files.hpp"
#include "journal/format.hpp"
#include "journal/snapshot_file.hpp"

namespace mixtape::fuzz {

inline constexpr std::size_t max_entries = 8;
inline constexpr std::uint8_t fix_snapshot_footers = 1, fix_record_crcs = 2;
enum kind : std::uint8_t { snapshot = 0, journal_file = 1, temp = 2, other = 3 };

struct data_file {
  std::string name;
  std::string bytes;
};

inline std::uint64_t get_le(std::string_view s, std::size_t pos, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = n; i-- > 0;) v = (v << 8) | static_cast<unsigned char>(s[pos + i]);
  return v;
}
inline void set_le(std::string& s, std::size_t pos, std::uint64_t v, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) s[pos + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

inline void fix_snapshot_footer(std::string& b) {
  constexpr std::size_t fixed = journal::snapshot_header_size + journal::snapshot_footer_size;
  if (b.size() < fixed) return;
  const std::size_t covered = b.size() - journal::snapshot_footer_size;
  set_le(b, covered, b.size() - fixed, 8);
  set_le(b, covered + 8, journal::mask_crc(journal::crc32c(b.data(), covered)), 4);
}

inline void fix_journal_crcs(std::string& b) {
  std::size_t pos = journal::header_size;
  while (pos + journal::record_prefix_size <= b.size()) {
    const std::uint64_t length = get_le(b, pos, 4);
    if (length < journal::record_fixed_size - journal::record_prefix_size || length > journal::max_record_length ||
        length > b.size() - pos - journal::record_prefix_size)
      return;
    const std::size_t start = pos + journal::record_prefix_size;
    set_le(b, pos + 4, journal::mask_crc(journal::crc32c(b.data() + start, length)), 4);
    pos = start + length;
  }
}

inline std::vector<data_file> decode_input(std::string_view in) {
  std::vector<data_file> files;
  if (in.empty()) return files;
  const std::uint8_t flags = static_cast<std::uint8_t>(in[0]);
  std::size_t pos = 1;
  static const char* const others[] = {"LOCK", "keys.json", "journal-00000000000000000001.journal.damaged-7",
                                       "snapshot-1.snapshot", "journal-00000000000000000001.journalx",
                                       "notes.txt"};
  while (pos + 4 <= in.size() && files.size() < max_entries) {
    const std::uint8_t k = static_cast<std::uint8_t>(in[pos]) % 4;
    const auto adjust = static_cast<std::int8_t>(static_cast<std::uint8_t>(in[pos + 1]));
    const std::size_t length = std::min<std::size_t>(get_le(in, pos + 2, 2), in.size() - pos - 4);
    data_file f{{}, std::string(in.substr(pos + 4, length))};
    pos += 4 + length;
    const auto adjusted = [&](std::uint64_t n) { return n + static_cast<std::uint64_t>(static_cast<std::int64_t>(adjust)); };
    switch (k) {
      case snapshot: {
        if (flags & fix_snapshot_footers) fix_snapshot_footer(f.bytes);
        const std::uint64_t seq = f.bytes.size() >= 24 ? get_le(f.bytes, 16, 8) : 0;
        f.name = journal::snapshot_file_name(adjusted(seq));
        break;
      }
      case journal_file: {
        if (flags & fix_record_crcs) fix_journal_crcs(f.bytes);
        constexpr std::size_t seq_at = journal::header_size + journal::record_prefix_size + 1;
        const std::uint64_t seq = f.bytes.size() >= seq_at + 8 ? get_le(f.bytes, seq_at, 8) : 1;
        f.name = journal::journal_file_name(adjusted(seq));
        break;
      }
      case temp:
        f.name = (adjust & 1 ? journal::snapshot_file_name(static_cast<std::uint8_t>(adjust))
                             : journal::journal_file_name(static_cast<std::uint8_t>(adjust))) + ".tmp";
        break;
      default:
        f.name = others[static_cast<std::uint8_t>(adjust) % std::size(others)];
        break;
    }
    files.push_back(std::move(f));
  }
  return files;
}

// The inverse, for the seeds: one entry.
inline void append_entry(std::string& out, kind k, std::int8_t adjust, std::string_view bytes) {
  out.push_back(static_cast<char>(k));
  out.push_back(static_cast<char>(adjust));
  out.push_back(static_cast<char>(bytes.size() & 0xff));
  out.push_back(static_cast<char>((bytes.size() >> 8) & 0xff));
  out.append(bytes.substr(0, 0xffff));
}

}  // namespace mixtape::fuzz
