#include "journal/reader.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include "core/fs.hpp"
#include "core/log.hpp"
#include "journal/data_files.hpp"
#include "journal/encoding.hpp"
#include "journal/format.hpp"

namespace mixtape::journal {
namespace {

namespace fs = core::fs;

constexpr std::uint32_t min_length = record_fixed_size - record_prefix_size;  // type + seq

core::problem io_problem(const std::string& path, const char* what, std::error_code ec) {
  return {core::errc::io_error, "", path + ": " + what + ": " + ec.message()};
}

core::problem corrupt(const std::string& path, std::string what) {
  return {core::errc::corrupt_data, "", path + ": " + what};
}

// The record starting at `pos` if it is complete, its checksum matches and its
// sequence number is above `after` (when there is one); nullopt otherwise.
std::optional<record_view> parse_at(std::string_view buf, std::uint64_t pos,
                                    std::optional<std::uint64_t> after) {
  framed_record f;
  if (read_frame(buf.substr(pos), f) != frame_status::ok) return std::nullopt;
  if (after && f.seq <= *after) return std::nullopt;
  return record_view{f.type, f.seq, f.payload, pos};
}

// Where a valid record with a sequence number above `after` starts beyond the bad
// record at `bad`, if anywhere: tries the offset the bad length field claims, then
// every offset. Such a record proves the damage is not a torn tail: acknowledged
// records would be lost by cutting at `bad`.
std::optional<std::uint64_t> valid_record_after(std::string_view buf, std::uint64_t bad,
                                                std::optional<std::uint64_t> after) {
  if (buf.size() - bad >= record_prefix_size) {
    const std::uint64_t claimed = bad + record_prefix_size + detail::get_u32(buf, bad);
    if (claimed < buf.size() && parse_at(buf, claimed, after)) return claimed;
  }
  for (std::uint64_t pos = bad + 1; pos + record_fixed_size <= buf.size(); ++pos)
    if (parse_at(buf, pos, after)) return pos;
  return std::nullopt;
}

// The outcome of reading the file without changing it.
struct scan_result {
  std::size_t records = 0;           // in the valid prefix
  std::uint64_t last_seq = 0;        // of its last record (0: none)
  std::uint64_t end = 0;             // where the valid prefix ends
  std::optional<std::uint64_t> next_valid;  // a valid record beyond `end` (corruption)
  bool zero_tail = false;            // only zero bytes follow `end`: space the writer reserved
};

bool all_zero(std::string_view bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == '\0'; });
}

// Invariant while walking: every record before `end` is valid and their sequence
// numbers strictly increase; `end` is the offset just past the last of them.
scan_result scan(std::string_view buf) {
  scan_result s;
  s.end = header_size;
  std::optional<std::uint64_t> last;
  while (s.end < buf.size()) {
    const auto rec = parse_at(buf, s.end, last);
    if (!rec) break;
    ++s.records;
    s.last_seq = rec->seq;
    last = rec->seq;
    s.end += record_prefix_size + min_length + rec->payload.size();
  }
  if (s.end == buf.size()) return s;
  s.zero_tail = all_zero(buf.substr(s.end));
  if (!s.zero_tail) s.next_valid = valid_record_after(buf, s.end, last);
  return s;
}

core::status check_header(const std::string& path, std::string_view buf) {
  if (buf.substr(0, file_magic.size()) != file_magic) return corrupt(path, "not a mixtape journal (bad magic)");
  const std::uint32_t version = detail::get_u32(buf, file_magic.size());
  if (version != format_version)
    return corrupt(path, "unsupported journal version " + std::to_string(version));
  return core::success();
}

// A crash while creating the file left less than a header: start it over.
core::status rewrite_header(const std::string& path) {
  std::string header;
  append_header(header);
  if (auto ec = fs::write_file_synced(path, header, fs::if_exists::overwrite)) return io_problem(path, "rewrite header", ec);
  core::log::warn("journal shorter than its header rewritten as empty", {{"file", path}});
  return core::success();
}

// Keeps the damaged bytes as "<path>.damaged-<unix seconds>[-n]" (never overwriting a
// previous copy) and makes the copy and its name durable.
core::result<std::string> keep_damaged_copy(const std::string& path, std::string_view buf) {
  const auto copy = place_damaged_copy(
      path, [&](const std::string& name) { return fs::write_file_synced(name, buf, fs::if_exists::fail); });
  if (copy.error) return io_problem(copy.path, "write damaged copy", copy.error);
  if (auto ec = fs::sync_directory(fs::parent_directory(path))) return io_problem(path, "fsync directory", ec);
  return copy.path;
}

// Cuts the file at the end of its valid prefix, after keeping a copy when the cut is
// a repair of corruption (`damaged`) rather than the removal of a torn tail.
core::status cut(const std::string& path, std::string_view buf, const scan_result& s, bool damaged,
                 recovery_report& report) {
  const std::string offset = std::to_string(s.end);
  const std::string bytes = std::to_string(buf.size() - s.end);
  if (damaged) {
    auto copy = keep_damaged_copy(path, buf);
    if (!copy) return std::move(copy).error();
    report.repaired = true;
    report.damaged_copy = std::move(copy).value();
  }
  if (auto ec = fs::truncate_file_synced(path, s.end)) return io_problem(path, "truncate", ec);
  report.cut_bytes = buf.size() - s.end;
  if (damaged)
    core::log::error("corrupt journal repaired: cut at the damage, damaged copy kept",
                     {{"file", path}, {"offset", offset}, {"cut_bytes", bytes}, {"copy", report.damaged_copy}});
  else
    core::log::warn("torn journal tail cut off", {{"file", path}, {"offset", offset}, {"cut_bytes", bytes}});
  return core::success();
}

std::string damage_message(const scan_result& s) {
  std::string m = "corrupt journal record at offset " + std::to_string(s.end);
  if (s.next_valid)
    m += " (a valid record follows at offset " + std::to_string(*s.next_valid);
  else
    m += " (a newer journal file follows this one, so this is not a torn tail";
  return m + "; --repair keeps a copy and cuts there)";
}

// A file shorter than a header. The last file: a crash while creating it, start it over.
// An earlier file: corruption (a repair keeps a copy, then starts it over).
core::result<recovery_report> recover_short(const std::string& path, std::string_view buf, recovery_mode mode,
                                            bool last_file) {
  recovery_report report;
  report.header_missing = true;
  if (!last_file && mode != recovery_mode::repair)
    return corrupt(path, "journal shorter than its header (" + std::to_string(buf.size()) +
                             " bytes) although a newer journal file follows; --repair keeps a copy and empties it");
  if (mode == recovery_mode::verify) {
    report.cut_bytes = buf.size();
    return report;
  }
  if (!last_file) {
    auto copy = keep_damaged_copy(path, buf);
    if (!copy) return std::move(copy).error();
    report.repaired = true;
    report.damaged_copy = std::move(copy).value();
  }
  if (auto st = rewrite_header(path); !st) return std::move(st).error();
  report.valid_bytes = header_size;
  return report;
}

}  // namespace

// Order of work: read, scan (no changes), refuse corruption in strict mode, replay the
// valid prefix through `on_record` (then refuse corruption in verify mode), and only then
// change the file (never in verify mode). So a refusal or a failing callback leaves the
// file exactly as it was found.
core::result<recovery_report> recover(const std::string& path,
                                      const std::function<core::status(const record_view&)>& on_record,
                                      recovery_mode mode, bool last_file,
                                      const std::function<void(std::size_t records)>& before_replay) {
  fs::mapped_file mapped;
  if (auto ec = mapped.open(path)) return io_problem(path, "read", ec);
  const std::string_view buf = mapped.bytes();
  if (buf.size() < header_size) return recover_short(path, buf, mode, last_file);
  if (auto st = check_header(path, buf); !st) return std::move(st).error();

  const scan_result s = scan(buf);
  const bool damaged = s.next_valid.has_value() || (!last_file && s.end < buf.size() && !s.zero_tail);
  if (damaged && mode == recovery_mode::strict) return corrupt(path, damage_message(s));
  if (before_replay) before_replay(s.records);
  std::optional<std::uint64_t> last;
  for (std::uint64_t pos = header_size; pos < s.end;) {  // the scan proved every record here valid
    const auto rec = parse_at(buf, pos, last);
    if (auto st = on_record(*rec); !st) return std::move(st).error();
    last = rec->seq;
    pos += record_prefix_size + min_length + rec->payload.size();
  }
  if (damaged && mode == recovery_mode::verify) return corrupt(path, damage_message(s));

  recovery_report report;
  report.records = s.records;
  report.last_seq = s.last_seq;
  report.valid_bytes = s.end;
  if (s.zero_tail) {
    report.reserved_bytes = buf.size() - s.end;
    // The writer appends at the newest file's end, so that file is cut back to its records.
    if (last_file && mode != recovery_mode::verify)
      if (auto ec = fs::truncate_file_synced(path, s.end)) return io_problem(path, "truncate reserved space", ec);
  } else if (s.end < buf.size()) {
    if (mode == recovery_mode::verify)
      report.cut_bytes = buf.size() - s.end;
    else if (auto st = cut(path, buf, s, damaged, report); !st)
      return std::move(st).error();
  }
  return report;
}

}  // namespace mixtape::journal
