#include "durability/compactor.hpp"

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "core/fs.hpp"
#include "core/log.hpp"
#include "core/thread_name.hpp"
#include "journal/create.hpp"
#include "journal/data_files.hpp"

namespace mixtape::durability {
namespace {

constexpr std::size_t flush_bytes = 1u << 20;  // snapshot body buffered per write

std::uint64_t ms_since(std::chrono::steady_clock::time_point t) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t).count());
}

}  // namespace

compactor::compactor(compactor_options options, store::collection_store& store, std::uint64_t snapshot_seq)
    : options_(std::move(options)), store_(store), delay_(options_.retry_delay) {
  stats_.snapshot_seq = snapshot_seq;
  thread_ = std::thread([this] { run(); });
}

compactor::~compactor() { stop(); }

void compactor::attach(journal::writer& w) { writer_.store(&w); }

void compactor::after_batch(std::uint64_t file_bytes) {
  file_bytes_ = file_bytes;
  if (closed_bytes_ + file_bytes >= options_.compact_bytes) start();
}

bool compactor::compact_now() { return start(); }

core::result<std::uint64_t> compactor::snapshot_now(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const auto unavailable = [](std::string why) { return core::problem{core::errc::unavailable, "", std::move(why)}; };
  core::mutex_lock lock{mutex_};
  for (;;) {  // one in progress may have rotated before the call: wait for it, then start ours
    while (busy_ && !stopping_)
      if (cv_.wait_until(mutex_, deadline) == std::cv_status::timeout) return unavailable("a compaction is still running");
    if (stopping_) return unavailable("shutting down");
    const std::uint64_t written = stats_.compactions, failed = stats_.failures;
    lock.unlock();
    const bool started = start(false);
    lock.lock();
    if (!started) {
      if (busy_) continue;  // another caller won the slot: wait for that one too
      return unavailable("the journal could not switch files (a rotation is pending); retry");
    }
    // Ours holds the slot until finish(): the next compaction to count is ours.
    while (stats_.compactions == written && stats_.failures == failed && !stopping_)
      if (cv_.wait_until(mutex_, deadline) == std::cv_status::timeout) return unavailable("the snapshot is taking too long");
    if (stats_.compactions == written) return unavailable("the snapshot could not be written; see the server log");
    return stats_.snapshot_seq;
  }
}

bool compactor::rotate_file() {
  journal::writer* w = writer_.load();
  if (w == nullptr) return false;
  journal::rotation r;
  r.open_next = [this](std::uint64_t first_seq, std::error_code& ec) { return open_next(first_seq, ec); };
  r.on_rotated = [this](std::uint64_t) { on_plain_rotation(); };
  return w->request_rotation(std::move(r));
}

// Writer thread: the closed file's records still wait for a snapshot, so they keep counting
// towards compact_bytes.
void compactor::on_plain_rotation() {
  closed_bytes_ += file_bytes_;
  file_bytes_ = 0;
  if (options_.after_rotation) options_.after_rotation();
}

void compactor::sweep() {
  {
    core::mutex_lock lock{mutex_};
    sweep_ = true;
  }
  cv_.notify_all();
}

// Claims the single compaction slot, then asks the writer to rotate; the rest happens in
// on_rotated() (writer thread) and run_job() (compaction thread).
bool compactor::start(bool respect_delay) {
  journal::writer* w = writer_.load();
  if (w == nullptr) return false;
  {
    core::mutex_lock lock{mutex_};
    if (busy_ || stopping_ || (respect_delay && std::chrono::steady_clock::now() < not_before_)) return false;
    busy_ = true;
  }
  journal::rotation r;
  r.open_next = [this](std::uint64_t first_seq, std::error_code& ec) { return open_next(first_seq, ec); };
  r.on_rotated = [this](std::uint64_t seq) { on_rotated(seq); };
  if (w->request_rotation(std::move(r))) return true;
  core::mutex_lock lock{mutex_};
  busy_ = false;
  return false;
}

// Writer thread. The new file is created durably (temp, fsync, rename, fsync dir) before
// any record goes to it. An existing file of that name would mean two histories: refuse.
std::unique_ptr<journal::file> compactor::open_next(std::uint64_t first_seq, std::error_code& ec) {
  const std::string path = options_.dir + "/" + journal::journal_file_name(first_seq);
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    ec = std::make_error_code(std::errc::file_exists);
    return nullptr;
  }
  if (auto created = journal::create_journal_file(path); !created) {
    core::log::error("cannot create the next journal file", {{"reason", created.error().message}});
    ec = std::make_error_code(std::errc::io_error);
    return nullptr;
  }
  return options_.open_journal(path, ec);
}

// Writer thread, between batches: the store holds exactly the records <= covered_seq.
void compactor::on_rotated(std::uint64_t covered_seq) {
  const std::uint64_t epoch = store_.begin_snapshot(covered_seq);
  file_bytes_ = 0;
  closed_bytes_ = 0;
  {
    core::mutex_lock lock{mutex_};
    job_ = job{covered_seq, epoch, std::chrono::steady_clock::now()};
  }
  cv_.notify_all();
  if (options_.after_rotation) options_.after_rotation();
}

void compactor::run() {
  core::name_this_thread("mixtape-compact");
  // Background work: when serving and snapshotting both want the CPU, serving wins (nice
  // 10 weighs about a tenth of a default thread; it still progresses under full load).
  // Linux applies it to this thread only. Failure changes nothing but speed.
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10);
  core::mutex_lock lock{mutex_};
  for (;;) {
    while (!stopping_ && !job_.has_value() && !sweep_) cv_.wait(mutex_);
    if (job_) {
      const job j = *job_;
      job_.reset();
      lock.unlock();
      run_job(j);
      lock.lock();
    } else if (stopping_) {
      return;  // nothing left to do
    } else {
      sweep_ = false;
      const std::uint64_t seq = stats_.snapshot_seq;
      lock.unlock();
      if (seq > 0) remove_covered(seq);
      lock.lock();
    }
  }
}

void compactor::run_job(const job& j) {
  auto written = write_snapshot(j);
  store_.end_snapshot(j.epoch);
  if (written && options_.after_snapshot) options_.after_snapshot();
  if (written) remove_covered(j.seq);
  finish(j, written);
}

// Streams the store's parts into the temp file, flushing about every flush_bytes.
core::result<std::uint64_t> compactor::write_snapshot(const job& j) {
  auto w = journal::snapshot_writer::start(options_.dir + "/" + journal::snapshot_file_name(j.seq), j.seq,
                                           options_.open_snapshot);
  if (!w) return std::move(w).error();
  std::string buffer;
  for (std::size_t part = 0; part < store_.snapshot_parts(); ++part) {
    if (abandon_.load()) return core::problem{core::errc::unavailable, "", "snapshot abandoned: shutting down"};
    store_.collect_snapshot_part(j.epoch, part, buffer);
    if (buffer.size() < flush_bytes) continue;
    if (auto st = w.value()->append(buffer); !st) return std::move(st).error();
    buffer.clear();
  }
  if (auto st = w.value()->append(buffer); !st) return std::move(st).error();
  if (auto st = w.value()->commit(); !st) return std::move(st).error();
  return w.value()->file_bytes();
}

// The snapshot is durable: journal files before the current one (first seq <= seq) and
// older snapshots hold nothing it does not. With archiving, a file not yet archived stays
// (sweep() comes back for it). A failed removal only costs disk space.
void compactor::remove_covered(std::uint64_t seq) {
  auto files = journal::list_data_files(options_.dir);
  if (!files) {
    core::log::warn("cannot list the data directory after a snapshot", {{"reason", files.error().message}});
    return;
  }
  bool removed = false;
  const auto remove = [&](const std::string& path) {
    if (options_.archived && !options_.archived(path)) return;
    if (!core::fs::remove(path)) removed = true;
    else core::log::warn("cannot remove a file the snapshot covers", {{"file", path}});
  };
  for (const auto& j : files->journals)
    if (j.number <= seq) remove(j.path);
  for (const auto& s : files->snapshots)
    if (s.number < seq) remove(s.path);
  if (removed) (void)core::fs::sync_directory(options_.dir);
}

void compactor::finish(const job& j, const core::result<std::uint64_t>& written) {
  const std::uint64_t ms = ms_since(j.started);
  if (!written && abandon_.load()) {
    core::log::info("snapshot abandoned at shutdown", {{"snapshot_seq", std::to_string(j.seq)}});
    return;
  }
  {
    core::mutex_lock lock{mutex_};
    busy_ = false;
    if (written) {
      ++stats_.compactions;
      stats_.snapshot_seq = j.seq;
      stats_.last_duration_ms = ms;
      stats_.last_snapshot_bytes = written.value();
      delay_ = options_.retry_delay;
    } else {
      ++stats_.failures;
      not_before_ = std::chrono::steady_clock::now() + delay_;
      delay_ = std::min(delay_ * 2, options_.max_retry_delay);
    }
  }
  cv_.notify_all();
  if (written)
    core::log::info("compaction done", {{"snapshot_seq", std::to_string(j.seq)},
                                        {"bytes", std::to_string(written.value())},
                                        {"ms", std::to_string(ms)}});
  else
    core::log::error("compaction failed; the journal goes on and it is retried later",
                     {{"snapshot_seq", std::to_string(j.seq)}, {"reason", written.error().message}});
}

void compactor::stop() {
  {
    core::mutex_lock lock{mutex_};
    stopping_ = true;
  }
  abandon_.store(true);
  cv_.notify_all();
  std::call_once(join_once_, [this] { thread_.join(); });
}

compaction_stats compactor::stats() const {
  core::mutex_lock lock{mutex_};
  compaction_stats s = stats_;
  s.running = busy_;
  return s;
}

bool compactor::wait_for_finished(std::uint64_t n, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  core::mutex_lock lock{mutex_};
  while (stats_.compactions + stats_.failures < n)
    if (cv_.wait_until(mutex_, deadline) == std::cv_status::timeout) return stats_.compactions + stats_.failures >= n;
  return true;
}

}  // namespace mixtape::durability
