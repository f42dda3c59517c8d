#include "durability/recovery.hpp"

#include <optional>
#include <utility>

#include "core/fs.hpp"
#include "core/log.hpp"
#include "journal/create.hpp"
#include "journal/data_files.hpp"
#include "journal/reader.hpp"
#include "journal/snapshot_file.hpp"
#include "model/mutation.hpp"

namespace mixtape::durability {
namespace {

namespace fs = core::fs;
using journal::numbered_file;

core::problem corrupt(std::string message) { return {core::errc::corrupt_data, "", std::move(message)}; }

core::problem io_problem(const std::string& path, const char* what, std::error_code ec) {
  return {core::errc::io_error, "", path + ": " + what + ": " + ec.message()};
}

// The snapshot to start from: the newest valid one. A damaged one refuses (strict, verify);
// in repair mode it is noted in `damaged` and an older one (or none) is tried.
struct snapshot_choice {
  std::optional<journal::snapshot_contents> contents;
  std::string path;
  std::vector<numbered_file> damaged;  // newer than `contents`, newest first
};

core::result<snapshot_choice> choose_snapshot(const journal::data_files& files, recovery_mode mode) {
  snapshot_choice c;
  for (auto it = files.snapshots.rbegin(); it != files.snapshots.rend(); ++it) {
    auto snap = journal::read_snapshot_file(it->path);
    if (snap && snap->covered_seq != it->number)
      snap = corrupt(it->path + ": damaged snapshot: covers seq " + std::to_string(snap->covered_seq) +
                     ", its name says " + std::to_string(it->number));
    if (snap) {
      c.contents = std::move(snap).value();
      c.path = it->path;
      return c;
    }
    if (snap.error().code != core::errc::corrupt_data) return std::move(snap).error();
    if (mode != recovery_mode::repair)
      return corrupt(snap.error().message +
                     "; refusing to start (--repair falls back to an older snapshot only when the journals "
                     "still hold every record after it)");
    core::log::error("damaged snapshot", {{"file", it->path}, {"reason", snap.error().message}});
    c.damaged.push_back(*it);
  }
  return c;
}

// --repair fell back past damaged snapshots: allowed only if the journals start right after
// the snapshot used (the replay then checks that no record is missing up to the end).
core::status check_fallback(const snapshot_choice& c, const journal::data_files& files) {
  if (c.damaged.empty()) return core::success();
  const std::uint64_t base = c.contents ? c.contents->covered_seq : 0;
  if (!files.journals.empty() && files.journals.front().number <= base + 1) return core::success();
  const std::string start = files.journals.empty() ? "there are no journals"
                                                   : "the journals start at seq " +
                                                         std::to_string(files.journals.front().number);
  return corrupt(c.damaged.front().path + ": damaged snapshot, and --repair cannot fall back: " + start +
                 ", but records from seq " + std::to_string(base + 1) +
                 " on would be needed; restore the data directory from a backup");
}

// Replay state across journal files. Invariant: the store holds exactly the records
// <= next - 1 (from the snapshot up to snapshot_seq, then from journals).
struct replay_state {
  std::uint64_t snapshot_seq = 0;
  std::uint64_t next = 1;
  std::uint64_t records = 0;
};

core::status apply_record(const numbered_file& f, const journal::record_view& r, replay_state& st,
                          store::collection_store& store) {
  const auto at = [&] {
    return f.path + ": record at offset " + std::to_string(r.offset) + " has seq " + std::to_string(r.seq);
  };
  if (r.seq < f.number) return corrupt(at() + ", below the file's first seq " + std::to_string(f.number));
  if (r.seq <= st.snapshot_seq) return core::success();  // already in the snapshot
  if (r.seq != st.next)
    return corrupt(at() + " where seq " + std::to_string(st.next) + " was expected (records missing)");
  auto m = model::decode(r.type, r.payload);
  if (!m) return corrupt(f.path + ": undecodable record at offset " + std::to_string(r.offset) + ": " + m.error().message);
  store.apply(m.value(), r.seq);
  ++st.next;
  ++st.records;
  return core::success();
}

journal::recovery_mode journal_mode(recovery_mode mode) {
  switch (mode) {
    case recovery_mode::repair: return journal::recovery_mode::repair;
    case recovery_mode::verify: return journal::recovery_mode::verify;
    case recovery_mode::strict: break;
  }
  return journal::recovery_mode::strict;
}

// Replays one journal file. Returns whether a --repair cut it (then no later file may follow).
core::result<bool> replay_file(const numbered_file& f, bool last, recovery_mode mode, replay_state& st,
                               store::collection_store& store, recovered& out) {
  if (f.number > st.next)
    return corrupt(f.path + ": starts at seq " + std::to_string(f.number) + " but the records before it end at seq " +
                   std::to_string(st.next - 1) + " (records missing)");
  auto report = journal::recover(
      f.path, [&](const journal::record_view& r) { return apply_record(f, r, st, store); }, journal_mode(mode), last,
      [&](std::size_t records) { store.reserve(store.size() + records); });  // at most one create each
  if (!report) return std::move(report).error();
  if (mode == recovery_mode::verify && report->cut_bytes > 0)
    out.findings.push_back(f.path + ": torn tail at offset " + std::to_string(report->valid_bytes) + " (" +
                           std::to_string(report->cut_bytes) + " bytes): a start cuts it off");
  return report->repaired;
}

// A journal file whose successor starts at or below seq + 1 holds only records <= seq.
bool covered(const std::vector<numbered_file>& journals, std::size_t i, std::uint64_t seq) {
  return i + 1 < journals.size() && journals[i + 1].number <= seq + 1;
}

// Keeps `path` on disk as "<path>.damaged-<unix seconds>[-n]", out of the way of later
// starts, never in place of an earlier copy.
core::status set_aside(const std::string& path) {
  const auto to = journal::place_damaged_copy(path, [&](const std::string& name) { return fs::rename_no_replace(path, name); });
  if (to.error) return io_problem(path, "rename", to.error);
  if (auto ec = fs::sync_directory(fs::parent_directory(path))) return io_problem(path, "fsync directory", ec);
  core::log::error("file set aside by --repair", {{"file", path}, {"copy", to.path}});
  return core::success();
}

// Replays every journal file that may hold records after the snapshot, in order. Returns
// how many files (from the front) stay in use: after a --repair cut in a file that is not
// the newest, the newer files are set aside (their records would follow a gap).
core::result<std::size_t> replay_journals(const std::vector<numbered_file>& journals, recovery_mode mode,
                                          replay_state& st, store::collection_store& store, recovered& out) {
  for (std::size_t i = 0; i < journals.size(); ++i) {
    if (covered(journals, i, st.snapshot_seq)) continue;
    const bool last = i + 1 == journals.size();
    auto repaired = replay_file(journals[i], last, mode, st, store, out);
    if (!repaired) return std::move(repaired).error();
    if (!repaired.value() || last) continue;
    for (std::size_t j = i + 1; j < journals.size(); ++j)
      if (auto s = set_aside(journals[j].path); !s) return std::move(s).error();
    return i + 1;
  }
  return journals.size();
}

// Every snapshot proves its records existed: the recovered history must reach each one.
core::status check_reaches(const journal::data_files& files, const replay_state& st) {
  for (const auto& s : files.snapshots)
    if (s.number > st.next - 1)
      return corrupt(s.path + ": covers seq " + std::to_string(s.number) + " but the journals end at seq " +
                     std::to_string(st.next - 1) + " (records missing)");
  return core::success();
}

core::status remove_temps(const journal::data_files& files, recovery_mode mode, recovered& out) {
  for (const auto& t : files.temps) {
    if (mode == recovery_mode::verify) {
      out.findings.push_back(t + ": unfinished file (a start removes it)");
      continue;
    }
    if (auto ec = fs::remove(t, fs::if_missing::ignore)) return io_problem(t, "remove", ec);
    core::log::info("removed unfinished file", {{"file", t}});
  }
  return core::success();
}

// Finishes what an interrupted compaction left: older snapshots and the journal files the
// loaded snapshot covers. Failures here only cost disk space: logged, not fatal.
void remove_redundant(const journal::data_files& files, std::size_t journals_used, std::uint64_t snapshot_seq,
                      const std::string& dir) {
  bool removed = false;
  const auto remove = [&](const std::string& path) {
    if (const auto ec = fs::remove(path); !ec) {
      removed = true;
      core::log::info("removed file covered by the snapshot", {{"file", path}});
    } else {
      core::log::warn("cannot remove file covered by the snapshot", {{"file", path}, {"error", ec.message()}});
    }
  };
  for (const auto& s : files.snapshots)
    if (s.number < snapshot_seq) remove(s.path);
  for (std::size_t i = 0; i < journals_used; ++i)
    if (covered(files.journals, i, snapshot_seq)) remove(files.journals[i].path);
  if (removed) (void)fs::sync_directory(dir);
}

core::status load_snapshot(snapshot_choice& choice, store::collection_store& store, recovered& out) {
  if (!choice.contents) return core::success();
  if (auto st = store.load_snapshot(choice.contents->body); !st)
    return corrupt(choice.path + ": damaged snapshot: " + st.error().message);
  out.snapshot_seq = choice.contents->covered_seq;
  out.snapshot_path = choice.path;
  choice.contents->body = {};  // unmaps the snapshot: the store holds its own copy now
  choice.contents->file = {};
  return core::success();
}

// The journal to append to: the newest one in use, or a new one after the last record.
core::status pick_journal(const std::string& dir, const journal::data_files& files, std::size_t used,
                          recovery_mode mode, recovered& out) {
  if (used > 0) {
    out.journal_path = files.journals[used - 1].path;
    return core::success();
  }
  if (mode == recovery_mode::verify) return core::success();
  out.journal_path = dir + "/" + journal::journal_file_name(out.last_seq + 1);
  return journal::create_journal_file(out.journal_path);
}

}  // namespace

// Order: choose and load the snapshot, replay the journals, check the history is whole;
// only then the side effects that need a good recovery (setting damaged snapshots aside,
// removing leftovers). Temp files go first: they are never part of the state.
core::result<recovered> recover_data_dir(const std::string& dir, recovery_mode mode, store::collection_store& store,
                                         redundant_files redundant) {
  auto listed = journal::list_data_files(dir);
  if (!listed) return std::move(listed).error();
  const journal::data_files* files = &listed.value();
  recovered out;
  if (auto st = remove_temps(*files, mode, out); !st) return std::move(st).error();
  auto choice = choose_snapshot(*files, mode);
  if (!choice) return std::move(choice).error();
  if (auto st = check_fallback(choice.value(), *files); !st) return std::move(st).error();
  auto since = [t = std::chrono::steady_clock::now()]() mutable {
    const auto now = std::chrono::steady_clock::now();
    return std::chrono::duration_cast<std::chrono::milliseconds>(now - std::exchange(t, now));
  };
  if (auto st = load_snapshot(choice.value(), store, out); !st) return std::move(st).error();
  out.snapshot_time = since();
  replay_state rs{out.snapshot_seq, out.snapshot_seq + 1, 0};
  auto used = replay_journals(files->journals, mode, rs, store, out);
  if (!used) return std::move(used).error();
  out.replay_time = since();
  store.release_spare_capacity();  // replay reserved for every record being a create
  if (auto st = check_reaches(*files, rs); !st && used.value() == files->journals.size())
    return std::move(st).error();
  out.last_seq = rs.next - 1;
  out.journal_records = rs.records;
  if (mode == recovery_mode::verify) return out;
  for (const auto& d : choice.value().damaged)
    if (auto st = set_aside(d.path); !st) return std::move(st).error();
  if (redundant == redundant_files::remove) remove_redundant(*files, used.value(), out.snapshot_seq, dir);
  if (auto st = pick_journal(dir, *files, used.value(), mode, out); !st) return std::move(st).error();
  return out;
}

}  // namespace mixtape::durability
