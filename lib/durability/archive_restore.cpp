#include "durability/archive_restore.hpp"

#include <functional>
#include <memory>
#include <vector>

#include "core/fs.hpp"
#include "core/secret_file.hpp"
#include "durability/file_copy.hpp"
#include "durability/restore.hpp"
#include "journal/data_files.hpp"
#include "journal/file.hpp"
#include "journal/format.hpp"
#include "journal/reader.hpp"
#include "journal/snapshot_file.hpp"
#include "model/mutation.hpp"

namespace mixtape::durability {
namespace {

namespace fs = core::fs;
using journal::numbered_file;

constexpr std::size_t flush_bytes = 1u << 20;  // journal bytes buffered per write

core::problem corrupt(std::string message) { return {core::errc::corrupt_data, "", std::move(message)}; }
core::problem refused(std::string message) { return {core::errc::validation_failed, "", std::move(message)}; }
core::problem io_problem(const std::string& path, const char* what, std::error_code ec) {
  return {core::errc::io_error, "", path + ": " + what + ": " + ec.message()};
}

std::string target_text(const restore_target& t) {
  switch (t.what) {
    case restore_target::kind::time: return "time " + core::format_utc(t.time);
    case restore_target::kind::seq: return "seq " + std::to_string(t.seq);
    case restore_target::kind::everything: break;
  }
  return "the end of the archive";
}

enum class step { more, stop };
using record_step = std::function<core::result<step>(const journal::record_view&, core::unix_seconds at)>;

// Reads the archived journal file `f` front to back, handing each valid record (decoded for
// its time) to `each` until it says stop. An archived file was closed, so it is complete:
// anything but records and a zero tail is damage, reported with the offset where the valid
// records end.
core::status read_archived(const numbered_file& f, const record_step& each) {
  std::uint64_t end = journal::header_size, last_seq = 0;
  bool stopped = false;
  std::optional<core::problem> failure;
  const auto stop = [] { return core::problem{core::errc::ok, "", "stop"}; };  // never reaches a caller
  auto report = journal::recover(
      f.path,
      [&](const journal::record_view& r) -> core::status {
        if (r.seq < f.number) {
          failure = corrupt(f.path + ": record at offset " + std::to_string(r.offset) + " has seq " +
                            std::to_string(r.seq) + ", below the file's first seq " + std::to_string(f.number));
          return stop();
        }
        auto m = model::decode(r.type, r.payload);
        if (!m) {
          failure = corrupt(f.path + ": undecodable record at offset " + std::to_string(r.offset) + ": " +
                            m.error().message);
          return stop();
        }
        auto next = each(r, model::time_of(m.value()));
        if (!next) {
          failure = std::move(next).error();
          return stop();
        }
        end = r.offset + journal::record_fixed_size + r.payload.size();
        last_seq = r.seq;
        if (next.value() == step::stop) {
          stopped = true;
          return stop();
        }
        return core::success();
      },
      journal::recovery_mode::verify, /*last_file=*/false);
  if (failure) return std::move(*failure);
  if (stopped || report) return core::success();
  if (report.error().code != core::errc::corrupt_data) return std::move(report).error();
  return corrupt(f.path + ": damaged archived journal file: no valid record at offset " + std::to_string(end) +
                 (last_seq ? " (after seq " + std::to_string(last_seq) + ")" : " (none in the file)") +
                 ", and the target lies beyond it");
}

// The archived journal file that holds record `seq`, if the archive has one that may.
const numbered_file* file_holding(const std::vector<numbered_file>& journals, std::uint64_t seq) {
  const numbered_file* found = nullptr;
  for (const auto& j : journals)
    if (j.number <= seq) found = &j;
  return found;
}

// When the snapshot covering `seq` can be dated: the latest time of the records of the file
// holding record `seq`, up to it, and the time of record `seq` itself. nullopt when the
// archive does not hold that record whole.
struct dating {
  core::unix_seconds latest = 0;
  core::unix_seconds of_last = 0;
};
std::optional<dating> date_snapshot(const std::vector<numbered_file>& journals, std::uint64_t seq) {
  const numbered_file* f = file_holding(journals, seq);
  if (f == nullptr) return std::nullopt;
  dating d;
  bool first = true, found = false;
  const auto st = read_archived(*f, [&](const journal::record_view& r, core::unix_seconds at) -> core::result<step> {
    if (r.seq > seq) return step::stop;
    d.latest = first ? at : std::max(d.latest, at);
    first = false;
    d.of_last = at;
    found = r.seq == seq;
    return found ? step::stop : step::more;
  });
  if (!st || !found) return std::nullopt;
  return d;
}

struct base {
  std::uint64_t seq = 0;
  std::string snapshot;                        // archived path; "" for none
  std::optional<core::unix_seconds> time;      // of record `seq`, when known
};

// The newest archived snapshot at or before the target (see restore_from_archive), else the
// journal from seq 1.
core::result<base> choose_base(const journal::data_files& archive, const restore_target& target,
                               const std::string& archive_dir) {
  for (auto it = archive.snapshots.rbegin(); it != archive.snapshots.rend(); ++it) {
    if (target.what == restore_target::kind::seq && it->number > target.seq) continue;
    const auto d = date_snapshot(archive.journals, it->number);
    if (target.what == restore_target::kind::time && (!d || d->latest > target.time)) continue;
    return base{it->number, it->path, d ? std::optional{d->of_last} : std::nullopt};
  }
  if (!archive.journals.empty() && archive.journals.front().number == 1) return base{};
  std::string m = archive_dir + ": no archived snapshot is at or before the target (" + target_text(target) + ")";
  m += archive.journals.empty() ? ", and there are no archived journal files"
                                : ", and the archived journal files do not go back to seq 1 (the oldest, " +
                                      archive.journals.front().path + ", starts at seq " +
                                      std::to_string(archive.journals.front().number) + ")";
  if (target.what == restore_target::kind::time)
    m += "; a snapshot serves a time only while the archive holds the journal file with its last record";
  return refused(std::move(m));
}

// The new journal file, written through a temp file; removed unless committed.
class journal_out {
 public:
  explicit journal_out(std::string path) : path_(std::move(path)), temp_(path_ + ".tmp") {}
  ~journal_out() {
    if (!committed_) (void)fs::remove(temp_, fs::if_missing::ignore);
  }
  journal_out(const journal_out&) = delete;
  journal_out& operator=(const journal_out&) = delete;

  core::status open() {
    if (auto ec = fs::remove(temp_, fs::if_missing::ignore)) return io_problem(temp_, "remove leftover", ec);
    std::error_code ec;
    file_ = journal::open_posix_file(temp_, ec);
    if (!file_) return io_problem(temp_, "create", ec ? ec : std::make_error_code(std::errc::io_error));
    journal::append_header(buffer_);
    return core::success();
  }
  core::status add(const journal::record_view& r) {
    journal::append_record(buffer_, r.type, r.seq, r.payload);
    return buffer_.size() >= flush_bytes ? flush() : core::success();
  }
  // Syncs the temp file and renames it to its name (not replacing a file there).
  core::status commit() {
    if (auto st = flush(); !st) return st;
    if (auto ec = file_->sync()) return io_problem(temp_, "fsync", ec);
    file_.reset();
    if (auto ec = fs::rename_no_replace(temp_, path_)) return io_problem(path_, "rename", ec);
    committed_ = true;
    return core::success();
  }
  const std::string& path() const noexcept { return path_; }

 private:
  core::status flush() {
    if (auto ec = file_->append(buffer_)) return io_problem(temp_, "write", ec);
    buffer_.clear();
    return core::success();
  }

  std::string path_, temp_;
  std::unique_ptr<journal::file> file_;
  std::string buffer_;
  bool committed_ = false;
};

// Replay state: the records written are exactly base+1 .. next-1.
struct replay {
  std::uint64_t next = 1;
  std::optional<core::unix_seconds> last_time;
  std::uint64_t records = 0;
  bool reached = false;  // the target was met: nothing more is read
};

// A journal file whose successor starts at or below seq + 1 holds only records <= seq.
bool covered(const std::vector<numbered_file>& journals, std::size_t i, std::uint64_t seq) {
  return i + 1 < journals.size() && journals[i + 1].number <= seq + 1;
}

// Copies the archived records after the base, up to the target, into `out`.
core::status copy_records(const journal::data_files& archive, const restore_target& target, const base& b,
                          journal_out& out, replay& rp) {
  rp.next = b.seq + 1;
  rp.last_time = b.time;
  rp.reached = target.what == restore_target::kind::seq && target.seq == b.seq;
  for (std::size_t i = 0; i < archive.journals.size() && !rp.reached; ++i) {
    if (covered(archive.journals, i, b.seq)) continue;
    const numbered_file& f = archive.journals[i];
    if (f.number > rp.next)
      return corrupt(f.path + ": starts at seq " + std::to_string(f.number) + ", but the archived records before it end at seq " +
                     std::to_string(rp.next - 1) + ": journal files are missing from the archive, before the target (" +
                     target_text(target) + ")");
    auto st = read_archived(f, [&](const journal::record_view& r, core::unix_seconds at) -> core::result<step> {
      if (r.seq < rp.next) return step::more;  // in the snapshot
      if (r.seq != rp.next)
        return corrupt(f.path + ": record at offset " + std::to_string(r.offset) + " has seq " + std::to_string(r.seq) +
                       " where seq " + std::to_string(rp.next) + " was expected (records missing)");
      if (target.what == restore_target::kind::time && at > target.time) {
        rp.reached = true;  // the first record after the target time: cut before it
        return step::stop;
      }
      if (auto a = out.add(r); !a) return std::move(a).error();
      ++rp.next;
      ++rp.records;
      rp.last_time = at;
      rp.reached = target.what == restore_target::kind::seq && r.seq == target.seq;
      return rp.reached ? step::stop : step::more;
    });
    if (!st) return st;
  }
  if (rp.reached || target.what == restore_target::kind::everything) return core::success();
  const std::string end = "the archive ends at seq " + std::to_string(rp.next - 1) +
                          (rp.last_time ? " (" + core::format_utc(*rp.last_time) + ")" : "");
  if (target.what == restore_target::kind::seq)
    return refused(end + ", before the target seq " + std::to_string(target.seq));
  return refused(end + " without a record after " + core::format_utc(target.time) +
                 ": later records are not archived yet (the server's current journal file is archived once it is "
                 "closed); restore to seq " + std::to_string(rp.next - 1) + ", or without a target, to take all there is");
}

// `dir` exists and holds no data files (check_unused_data_dir, as for every way of making
// a data directory): a restore never mixes with another history.
core::status check_new_dir(const std::string& dir) {
  if (auto st = check_unused_data_dir(dir); !st) return st;
  std::string failed;
  if (auto ec = fs::make_directories(dir, &failed)) return io_problem(failed, "create directory", ec);
  return core::success();
}

// Removes what a failed restore made.
void remove_made(const std::vector<std::string>& made, const std::string& dir) {
  for (const auto& path : made) (void)fs::remove(path, fs::if_missing::ignore);
  if (!made.empty()) (void)fs::sync_directory(dir);
}

core::result<restored> restore(const std::string& archive_dir, const std::string& data_dir,
                               const restore_target& target, std::vector<std::string>& made) {
  if (auto st = check_new_dir(data_dir); !st) return std::move(st).error();
  auto archive = journal::list_data_files(archive_dir);
  if (!archive) return std::move(archive).error();
  if (archive->journals.empty() && archive->snapshots.empty())
    return refused(archive_dir + ": holds no archived journal file or snapshot");
  const std::string secret = archive_dir + "/" + core::secret_file_name;
  std::string unused;
  bool has_secret = true;
  if (auto ec = fs::read_whole_file(secret, unused, fs::if_missing::ignore, has_secret)) return io_problem(secret, "read", ec);
  if (!has_secret)
    return refused(secret + ": missing; the archiver copies it first, so this is not a complete archive");

  auto b = choose_base(archive.value(), target, archive_dir);
  if (!b) return std::move(b).error();
  if (!b->snapshot.empty()) {  // checked before anything is written
    auto snap = journal::read_snapshot_file(b->snapshot);
    if (!snap) return std::move(snap).error();
    if (snap->covered_seq != b->seq)
      return corrupt(b->snapshot + ": damaged snapshot: covers seq " + std::to_string(snap->covered_seq) +
                     ", its name says " + std::to_string(b->seq));
  }

  restored out;
  journal_out journal{data_dir + "/" + journal::journal_file_name(b->seq + 1)};
  if (auto st = journal.open(); !st) return std::move(st).error();
  replay rp;
  if (auto st = copy_records(archive.value(), target, b.value(), journal, rp); !st) return std::move(st).error();
  if (auto st = journal.commit(); !st) return std::move(st).error();
  made.push_back(journal.path());
  if (auto ec = fs::sync_directory(data_dir)) return io_problem(data_dir, "fsync directory", ec);

  const std::string secret_to = data_dir + "/" + core::secret_file_name;
  if (auto st = copy_file_durably(secret, secret_to); !st) return std::move(st).error();
  made.push_back(secret_to);
  if (!b->snapshot.empty()) {
    out.snapshot_path = data_dir + "/" + journal::snapshot_file_name(b->seq);
    if (auto st = copy_file_durably(b->snapshot, out.snapshot_path); !st) return std::move(st).error();
    made.push_back(out.snapshot_path);
  }
  out.last_seq = rp.next - 1;
  out.last_time = rp.last_time;
  out.snapshot_seq = b->seq;
  out.records = rp.records;
  out.journal_path = journal.path();
  return out;
}

}  // namespace

core::result<restored> restore_from_archive(const std::string& archive_dir, const std::string& data_dir,
                                            const restore_target& target) {
  std::vector<std::string> made;
  auto r = restore(archive_dir, data_dir, target, made);
  if (!r) remove_made(made, data_dir);
  return r;
}

}  // namespace mixtape::durability
