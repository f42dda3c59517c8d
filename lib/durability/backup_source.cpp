#include "durability/backup_source.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "journal/backup_format.hpp"
#include "journal/data_files.hpp"

namespace mixtape::durability {
namespace {

constexpr int open_attempts = 20;

core::problem io_problem(const std::string& path, const char* what, std::error_code ec) {
  return {core::errc::io_error, "", path + ": " + what + ": " + ec.message()};
}

}  // namespace

core::result<std::unique_ptr<backup_source>> backup_source::open(const std::string& dir, const core::secret& secret,
                                                                  const std::function<std::uint64_t()>& written_seq,
                                                                  backup_counters* counters) {
  for (int attempt = 0; attempt < open_attempts; ++attempt) {
    // S first, then the files: every record <= S was written before the listing, so it is
    // in the files listed (or in a snapshot that covers it).
    const std::uint64_t seq = written_seq();
    auto files = journal::list_data_files(dir);
    if (!files) return std::move(files).error();
    std::unique_ptr<backup_source> b{new backup_source};
    b->secret_ = secret;
    b->seq_ = seq;
    for (const auto& s : files->snapshots)
      if (s.number <= seq) {
        b->snapshot_seq_ = s.number;
        b->snapshot_path_ = s.path;
      }
    // The journals from the one holding S0+1 on, up to the one holding S.
    const auto& js = files->journals;
    std::size_t first = js.size();
    for (std::size_t i = 0; i < js.size(); ++i)
      if (js[i].number <= b->snapshot_seq_ + 1) first = i;
    if (seq > b->snapshot_seq_ && first == js.size()) continue;  // deleted by a compaction meanwhile: again
    bool raced = false;
    std::error_code ec;
    if (!b->snapshot_path_.empty()) {
      b->snapshot_ = core::fs::open(b->snapshot_path_, O_RDONLY, ec);
      if (ec == std::errc::no_such_file_or_directory) continue;
      if (ec) return io_problem(b->snapshot_path_, "open", ec);
      if ((ec = core::fs::file_size(b->snapshot_.get(), b->snapshot_size_))) return io_problem(b->snapshot_path_, "stat", ec);
    }
    for (std::size_t i = first; seq > b->snapshot_seq_ && i < js.size() && js[i].number <= seq; ++i) {
      auto fd = core::fs::open(js[i].path, O_RDONLY, ec);
      if (ec == std::errc::no_such_file_or_directory) {
        raced = true;
        break;
      }
      if (ec) return io_problem(js[i].path, "open", ec);
      b->journals_.push_back({std::move(fd), js[i].path});
    }
    if (raced) continue;
    b->last_seq_ = b->snapshot_seq_;
    b->counters_ = counters;
    return b;
  }
  return core::problem{core::errc::unavailable, "", dir + ": the data directory kept changing while the backup opened it"};
}

// A source never read from (a HEAD) is no backup and is not counted.
backup_source::~backup_source() {
  if (counters_ && stage_ != stage::start)
    (stage_ == stage::done ? counters_->completed : counters_->failed).fetch_add(1, std::memory_order_relaxed);
}

core::result<bool> backup_source::next(std::string& out) {
  if (counters_ && stage_ == stage::start) counters_->started.fetch_add(1, std::memory_order_relaxed);
  const std::size_t before = out.size();
  auto more = next_piece(out);
  if (counters_) counters_->bytes.fetch_add(out.size() - before, std::memory_order_relaxed);
  return more;
}

core::result<bool> backup_source::next_piece(std::string& out) {
  switch (stage_) {
    case stage::start: {
      journal::append_backup_header(out, seq_, snapshot_seq_);
      journal::append_backup_section(out, journal::backup_section::secret,
                                     std::string_view{reinterpret_cast<const char*>(secret_.data()), secret_.size()});
      stage_ = snapshot_seq_ != 0 ? stage::snapshot : stage::records;
      return true;
    }
    case stage::snapshot: return next_snapshot_piece(out);
    case stage::records: return next_records_piece(out);
    case stage::end:
      journal::append_backup_end(out, seq_, records_, snapshot_size_);
      stage_ = stage::done;
      return true;
    case stage::done: return false;
  }
  return false;
}

// The snapshot file's next bytes, read straight into the section.
core::result<bool> backup_source::next_snapshot_piece(std::string& out) {
  const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(journal::backup_piece_bytes, snapshot_size_ - snapshot_sent_));
  const std::size_t at = journal::begin_backup_section(out, journal::backup_section::snapshot);
  const std::size_t payload = out.size();
  out.resize(payload + n);
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = ::pread(snapshot_.get(), out.data() + payload + got, n - got, static_cast<off_t>(snapshot_sent_ + got));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return io_problem(snapshot_path_, "read", {errno, std::system_category()});
    if (r == 0) return core::problem{core::errc::io_error, "", snapshot_path_ + ": shorter than when it was opened"};
    got += static_cast<std::size_t>(r);
  }
  journal::end_backup_section(out, at);
  snapshot_sent_ += n;
  if (snapshot_sent_ == snapshot_size_) {
    snapshot_ = {};
    stage_ = stage::records;
  }
  return true;
}

// Whole records S0+1.. in order, about backup_piece_bytes of them per section.
core::result<bool> backup_source::next_records_piece(std::string& out) {
  const std::size_t at = journal::begin_backup_section(out, journal::backup_section::records);
  const std::size_t payload = out.size();
  while (last_seq_ < seq_ && out.size() - payload < journal::backup_piece_bytes) {
    if (!cursor_) {
      if (journal_index_ == journals_.size())
        return core::problem{core::errc::corrupt_data, "", "the journal files end at seq " + std::to_string(last_seq_) +
                                                               ", before the backup's seq " + std::to_string(seq_)};
      auto c = journal::record_cursor::open(std::move(journals_[journal_index_].fd), journals_[journal_index_].path);
      if (!c) return std::move(c).error();
      cursor_.emplace(std::move(c).value());
    }
    auto rec = cursor_->next();
    if (!rec) return std::move(rec).error();
    if (!rec.value()) {  // this file's records end: the next file goes on
      cursor_.reset();
      ++journal_index_;
      continue;
    }
    const auto& r = *rec.value();
    if (r.seq <= last_seq_) continue;  // covered by the snapshot
    if (r.seq != last_seq_ + 1)
      return core::problem{core::errc::corrupt_data, "", journals_[journal_index_].path + ": seq " +
                                                             std::to_string(r.seq) + " where " +
                                                             std::to_string(last_seq_ + 1) + " was due"};
    out += r.framed;
    last_seq_ = r.seq;
    ++records_;
  }
  if (out.size() > payload) journal::end_backup_section(out, at);
  else out.resize(at);  // nothing was due: no empty section
  if (last_seq_ == seq_) {
    cursor_.reset();
    journals_.clear();
    stage_ = stage::end;
  }
  return true;
}

}  // namespace mixtape::durability
