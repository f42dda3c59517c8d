#include "durability/archiver.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "core/fs.hpp"
#include "core/log.hpp"
#include "core/secret_file.hpp"
#include "core/thread_name.hpp"
#include "durability/file_copy.hpp"

namespace mixtape::durability {
namespace {

namespace fs = core::fs;

// Whether `path` exists; errors other than ENOENT are reported.
core::result<bool> exists(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return true;
  if (errno == ENOENT) return false;
  return core::problem{core::errc::io_error, "", path + ": stat: " + std::error_code{errno, std::system_category()}.message()};
}

std::string name_of(const std::string& path) { return path.substr(path.rfind('/') + 1); }

}  // namespace

archiver::archiver(archiver_options options, bool current_has_records)
    : options_(std::move(options)), file_has_records_(current_has_records), delay_(options_.retry_delay) {
  if (current_has_records) first_record_at_ = clock::now();
}

archiver::~archiver() { stop(); }

void archiver::start(archive_hooks hooks) {
  core::mutex_lock lock{mutex_};
  if (started_ || stopping_) return;
  started_ = true;
  hooks_ = std::move(hooks);
  thread_ = std::thread([this] { run(); });
}

void archiver::after_batch() {
  if (file_has_records_) return;
  file_has_records_ = true;
  {
    core::mutex_lock lock{mutex_};
    first_record_at_ = clock::now();
  }
  cv_.notify_all();
}

void archiver::after_rotation() {
  file_has_records_ = false;
  {
    core::mutex_lock lock{mutex_};
    first_record_at_.reset();
    rotation_asked_ = false;
    ++rotations_;
    wanted_ = true;
  }
  cv_.notify_all();
}

void archiver::wake() {
  {
    core::mutex_lock lock{mutex_};
    wanted_ = true;
  }
  cv_.notify_all();
}

bool archiver::archived(const std::string& path) const {
  core::mutex_lock lock{mutex_};
  return archived_.contains(name_of(path));
}

// The next moment there is something to do: a pass (once any retry delay is over), or the
// rotation that closes a file whose first record is `interval` old.
archiver::clock::time_point archiver::next_due(clock::time_point now) const {
  auto due = clock::time_point::max();
  if (wanted_) due = std::max(now, not_before_);
  if (first_record_at_ && !rotation_asked_) due = std::min(due, *first_record_at_ + options_.interval);
  return due;
}

// The thread. Invariant: mutex_ is held except around hooks and file I/O.
void archiver::run() {
  core::name_this_thread("mixtape-archive");
  core::mutex_lock lock{mutex_};
  while (!stopping_) {
    const auto now = clock::now();
    const auto due = next_due(now);
    if (due > now) {
      if (due == clock::time_point::max()) cv_.wait(mutex_);
      else cv_.wait_until(mutex_, due);
      continue;
    }
    const bool rotate = first_record_at_ && !rotation_asked_ && now >= *first_record_at_ + options_.interval;
    const bool run_pass = wanted_ && now >= not_before_;
    if (rotate) rotation_asked_ = true;  // until after_rotation(): a refused request means one is pending
    if (run_pass) wanted_ = false;
    lock.unlock();
    if (rotate && hooks_.rotate) (void)hooks_.rotate();
    const auto result = run_pass ? pass() : core::success();
    lock.lock();
    if (result) {
      if (run_pass) delay_ = options_.retry_delay;
      continue;
    }
    wanted_ = true;
    not_before_ = clock::now() + delay_;
    lock.unlock();
    note_failure(result.error());
    lock.lock();
    delay_ = std::min(delay_ * 2, options_.max_retry_delay);
  }
  lock.unlock();
  if (auto st = pass(); !st) note_failure(st.error());  // the last pass, after the writer closed
}

void archiver::note_failure(const core::problem& p) {
  std::chrono::milliseconds retry;
  {
    core::mutex_lock lock{mutex_};
    ++stats_.failures;
    retry = delay_;
  }
  cv_.notify_all();
  core::log::error("archiving failed; the journal goes on, the files stay in the data directory, retried later",
                   {{"reason", p.message}, {"retry_ms", std::to_string(retry.count())}});
}

// One look at the data directory: every closed journal file (oldest first) and every
// snapshot not yet known archived is copied, or found already there. Stops at the first
// failure. Whatever was archived before it is announced (the compactor may delete it).
core::status archiver::pass() {
  bool added = false;
  const auto announce = [&] {
    if (added && hooks_.archived) hooks_.archived();
  };
  if (auto st = prepare_archive(); !st) return st;
  if (auto st = archive_secret(); !st) return st;
  auto files = journal::list_data_files(options_.data_dir);
  if (!files) return std::move(files).error();
  for (std::size_t i = 0; i + 1 < files->journals.size(); ++i)
    if (auto st = archive_file(files->journals[i], files->journals[i + 1].number - 1, added); !st) {
      announce();
      return st;
    }
  for (const auto& s : files->snapshots)
    if (auto st = archive_file(s, s.number, added); !st) {
      announce();
      return st;
    }
  {
    // Forget the names of files no longer in the data directory: nobody asks about them again.
    core::mutex_lock lock{mutex_};
    std::erase_if(archived_, [&](const std::string& name) {
      const auto here = [&](const journal::numbered_file& f) { return name_of(f.path) == name; };
      return std::none_of(files->journals.begin(), files->journals.end(), here) &&
             std::none_of(files->snapshots.begin(), files->snapshots.end(), here);
    });
  }
  announce();
  return core::success();
}

// Once: the archive directory exists (its entry durable), and no temp file of an
// interrupted copy is left in it.
core::status archiver::prepare_archive() {
  if (prepared_) return core::success();
  std::string failed;
  if (auto ec = fs::make_directories(options_.archive_dir, &failed))
    return core::problem{core::errc::io_error, "", failed + ": cannot create the archive directory: " + ec.message()};
  if (auto ec = fs::sync_directory(fs::parent_directory(options_.archive_dir)))
    return core::problem{core::errc::io_error, "", options_.archive_dir + ": fsync parent directory: " + ec.message()};
  auto listed = journal::list_data_files(options_.archive_dir);
  if (!listed) return std::move(listed).error();
  for (const auto& t : listed->temps)
    if (auto ec = fs::remove(t, fs::if_missing::ignore))
      return core::problem{core::errc::io_error, "", t + ": remove: " + ec.message()};
  prepared_ = true;
  return core::success();
}

// Once: the data directory's secret.key (when it has one), which a restore needs.
core::status archiver::archive_secret() {
  if (secret_done_) return core::success();
  const std::string from = options_.data_dir + "/" + core::secret_file_name;
  const std::string to = options_.archive_dir + "/" + core::secret_file_name;
  auto there = exists(to);
  if (!there) return std::move(there).error();
  if (there.value()) {
    auto same = same_contents(from, to);
    if (!same && same.error().code == core::errc::not_found) return core::success();  // none to copy yet
    if (!same) return std::move(same).error();
    if (!same.value())
      return core::problem{core::errc::corrupt_data, "", to + ": the archive holds another server's secret.key; "
                                                          "refusing to replace it (one archive directory per server)"};
  } else if (auto st = copy_file_durably(from, to, options_.open_copy); !st) {
    return st.error().code == core::errc::not_found ? core::success() : st;
  }
  secret_done_ = true;
  return core::success();
}

// `f` into the archive under its own name; `last_seq`: the newest record it holds.
core::status archiver::archive_file(const journal::numbered_file& f, std::uint64_t last_seq, bool& added) {
  const std::string name = name_of(f.path);
  {
    core::mutex_lock lock{mutex_};
    if (archived_.contains(name)) return core::success();
  }
  const std::string to = options_.archive_dir + "/" + name;
  auto there = exists(to);
  if (!there) return std::move(there).error();
  bool copied = false;
  if (there.value()) {
    auto same = same_contents(f.path, to);
    if (!same && same.error().code == core::errc::not_found) return core::success();  // gone meanwhile
    if (!same) return std::move(same).error();
    if (!same.value())
      return core::problem{core::errc::corrupt_data, "",
                           to + ": already in the archive with other contents; refusing to replace it (does "
                                "another server, or one restored from this archive, archive here? each needs its "
                                "own archive directory)"};
  } else {
    if (auto st = copy_file_durably(f.path, to, options_.open_copy); !st)
      return st.error().code == core::errc::not_found ? core::success() : st;
    copied = true;
  }
  {
    core::mutex_lock lock{mutex_};
    archived_.insert(name);
    if (copied) ++stats_.files;
    stats_.archived_seq = std::max(stats_.archived_seq, last_seq);
  }
  cv_.notify_all();
  added = true;
  if (copied) core::log::info("file archived", {{"file", to}, {"last_seq", std::to_string(last_seq)}});
  return core::success();
}

bool archiver::close_current_file(std::chrono::milliseconds timeout) {
  const auto deadline = clock::now() + timeout;
  std::uint64_t seen = 0;
  {
    core::mutex_lock lock{mutex_};
    if (!first_record_at_ || !started_) return true;
    seen = rotations_;
  }
  if (hooks_.rotate) (void)hooks_.rotate();  // refused: one is pending, and it closes the file as well
  core::mutex_lock lock{mutex_};
  while (rotations_ == seen)
    if (cv_.wait_until(mutex_, deadline) == std::cv_status::timeout) return rotations_ != seen;
  return true;
}

void archiver::stop() {
  {
    core::mutex_lock lock{mutex_};
    stopping_ = true;
    if (!started_) return;
  }
  cv_.notify_all();
  std::call_once(join_once_, [this] { thread_.join(); });
}

archive_stats archiver::stats() const {
  core::mutex_lock lock{mutex_};
  return stats_;
}

bool archiver::wait_for_archived_seq(std::uint64_t seq, std::chrono::milliseconds timeout) const {
  const auto deadline = clock::now() + timeout;
  core::mutex_lock lock{mutex_};
  while (stats_.archived_seq < seq)
    if (cv_.wait_until(mutex_, deadline) == std::cv_status::timeout) return stats_.archived_seq >= seq;
  return true;
}

}  // namespace mixtape::durability
