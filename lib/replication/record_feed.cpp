#include "replication/record_feed.hpp"

#include <fcntl.h>

#include "journal/data_files.hpp"

namespace mixtape::replication {

core::result<record_feed> record_feed::open(const std::string& dir, std::uint64_t after) {
  record_feed f{dir, after};
  if (auto st = f.open_file_from(after + 1, false); !st) return std::move(st).error();
  return f;
}

// Opens the journal file holding `seq`: the newest whose first seq is <= seq, or (exact) the
// one that starts at `seq`, as a rotation makes it.
core::status record_feed::open_file_from(std::uint64_t seq, bool exact) {
  auto files = journal::list_data_files(dir_);
  if (!files) return std::move(files).error();
  const journal::numbered_file* found = nullptr;
  for (const auto& j : files->journals)
    if (exact ? j.number == seq : j.number <= seq) found = &j;
  if (!found)
    return core::problem{core::errc::not_found, "",
                         "the journal no longer holds record " + std::to_string(seq) + " (a snapshot covers it)"};
  std::error_code ec;
  auto fd = core::fs::open(found->path, O_RDONLY, ec);
  if (ec == std::errc::no_such_file_or_directory)
    return core::problem{core::errc::not_found, "", found->path + ": deleted by a compaction"};
  if (ec) return core::problem{core::errc::io_error, "", found->path + ": open: " + ec.message()};
  auto c = journal::record_cursor::open(std::move(fd), found->path);
  if (!c) return std::move(c).error();
  cursor_.emplace(std::move(c).value());
  return core::success();
}

core::result<std::size_t> record_feed::next(std::string& out, std::uint64_t upto, std::size_t max_bytes) {
  const std::size_t start = out.size();
  std::size_t records = 0;
  if (!cursor_)
    if (auto st = open_file_from(last_seq_ + 1, false); !st) return std::move(st).error();
  // Bytes read past the last record may have been read while the writer was appending them.
  cursor_->forget_buffered();
  bool refreshed = true;  // the cursor's bytes past its last record are fresh
  while (last_seq_ < upto && out.size() - start < max_bytes) {
    auto rec = cursor_->next();
    if (!rec) return std::move(rec).error();
    if (!rec.value()) {
      // The file's end as last read. Records up to `upto` are whole: they are either in this
      // file, appended after that read, or in the next file, which starts at last_seq_ + 1.
      if (!refreshed) {
        cursor_->forget_buffered();
        refreshed = true;
        continue;
      }
      if (auto st = open_file_from(last_seq_ + 1, true); !st) return std::move(st).error();
      refreshed = false;
      continue;
    }
    const auto& r = *rec.value();
    if (r.seq <= last_seq_) continue;  // before the standby's position in the first file
    if (r.seq != last_seq_ + 1)
      return core::problem{core::errc::corrupt_data, "", "the journal holds seq " + std::to_string(r.seq) +
                                                             " where " + std::to_string(last_seq_ + 1) + " was due"};
    out += r.framed;
    last_seq_ = r.seq;
    ++records;
    refreshed = false;
  }
  return records;
}

}  // namespace mixtape::replication
