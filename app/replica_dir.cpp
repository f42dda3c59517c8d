#include "replica_dir.hpp"

#include <fcntl.h>
#include <linux/close_range.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "admin_commands.hpp"
#include "core/clock.hpp"
#include "core/fs.hpp"
#include "core/log.hpp"
#include "core/secret_file.hpp"
#include "durability/file_copy.hpp"
#include "durability/restore.hpp"
#include "journal/data_files.hpp"
#include "journal/record_cursor.hpp"
#include "journal/timeline.hpp"

namespace mixtape::app {
namespace {

namespace fs = core::fs;
std::vector<std::string> saved_arguments;
constexpr const char* port_variable = "MIXTAPE_RESTART_PORT";
constexpr const char* rebootstraps_variable = "MIXTAPE_RESTART_REBOOTSTRAPS";

core::problem io(const std::string& path, const char* what, std::error_code ec) {
  return {core::errc::io_error, "", path + ": " + what + ": " + ec.message()};
}

std::string aside_name(const std::string& path) {
  return path + ".diverged-" + std::to_string(core::now_seconds());
}

core::status rename_aside(const std::string& path) {
  if (const auto ec = fs::rename_no_replace(path, aside_name(path))) return io(path, "set aside", ec);
  return core::success();
}

std::uint64_t env_number(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::strtoull(v, nullptr, 10) : 0;
}

// The offset of the first record >= seq in the journal file `path`, or its records' end.
core::result<std::uint64_t> offset_of(const std::string& path, std::uint64_t seq) {
  std::error_code ec;
  auto fd = fs::open(path, O_RDONLY, ec);
  if (ec) return io(path, "open", ec);
  auto c = journal::record_cursor::open(std::move(fd), path);
  if (!c) return std::move(c).error();
  for (;;) {
    const std::uint64_t at = c->position();
    auto r = c->next();
    if (!r) return std::move(r).error();
    if (!r.value() || r.value()->seq >= seq) return at;
  }
}

}  // namespace

bool holds_data(const std::string& dir) {
  auto files = journal::list_data_files(dir);
  return !files || !files->journals.empty() || !files->snapshots.empty();
}

core::status bootstrap_standby(const std::string& dir, const std::string& primary_url, const std::string& key) {
  const std::string file = dir + "/bootstrap.backup";
  auto backoff = std::chrono::milliseconds(100);
  for (;;) {
    core::log::info("bootstrapping this standby from the primary's backup", {{"primary", primary_url}});
    auto got = download_backup(primary_url, key, file);
    if (got) {
      auto restored = durability::restore_backup(file, dir);
      (void)fs::remove(file, fs::if_missing::ignore);
      if (!restored) return std::move(restored).error();
      core::log::info("bootstrapped", {{"seq", std::to_string(restored->seq)},
                                       {"collections", std::to_string(restored->collections)}});
      return core::success();
    }
    core::log::warn("cannot bootstrap from the primary; retrying",
                    {{"primary", primary_url}, {"reason", got.error().message},
                     {"retry_in_ms", std::to_string(backoff.count())}});
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
}

core::result<bool> set_aside_from(const std::string& dir, std::uint64_t fork_seq) {
  auto files = journal::list_data_files(dir);
  if (!files) return std::move(files).error();
  for (const auto& s : files->snapshots)
    if (s.number >= fork_seq) {  // the state past the fork is in it: only a bootstrap rebuilds one before
      for (const auto& j : files->journals)
        if (auto st = rename_aside(j.path); !st) return std::move(st).error();
      for (const auto& t : files->snapshots)
        if (auto st = rename_aside(t.path); !st) return std::move(st).error();
      if (auto st = clear_for_bootstrap(dir); !st) return std::move(st).error();
      return true;
    }
  for (std::size_t i = 0; i < files->journals.size(); ++i) {
    const auto& j = files->journals[i];
    const bool holds_fork = j.number < fork_seq && (i + 1 == files->journals.size() || files->journals[i + 1].number > fork_seq);
    if (j.number >= fork_seq) {
      if (auto st = rename_aside(j.path); !st) return std::move(st).error();
    } else if (holds_fork) {
      auto cut = offset_of(j.path, fork_seq);
      if (!cut) return std::move(cut).error();
      if (auto st = durability::copy_file_durably(j.path, aside_name(j.path)); !st) return std::move(st).error();
      if (const auto ec = fs::truncate_file_synced(j.path, cut.value())) return io(j.path, "cut at the fork", ec);
    }
  }
  if (const auto ec = fs::sync_directory(dir)) return io(dir, "fsync", ec);
  core::log::warn("records past the fork were set aside (*.diverged-<time>); they are never read again",
                  {{"dir", dir}, {"fork_seq", std::to_string(fork_seq)}});
  return false;
}

core::status clear_for_bootstrap(const std::string& dir) {
  auto files = journal::list_data_files(dir);
  if (!files) return std::move(files).error();
  std::vector<std::string> gone{dir + "/" + std::string{journal::timeline_file_name},
                                dir + "/" + std::string{core::secret_file_name}};
  for (const auto& j : files->journals) gone.push_back(j.path);
  for (const auto& s : files->snapshots) gone.push_back(s.path);
  for (const auto& t : files->temps) gone.push_back(t);
  for (const auto& path : gone)
    if (const auto ec = fs::remove(path, fs::if_missing::ignore)) return io(path, "remove", ec);
  if (const auto ec = fs::sync_directory(dir)) return io(dir, "fsync", ec);
  return core::success();
}

void save_arguments(int argc, char** argv) { saved_arguments.assign(argv, argv + argc); }

core::status restart_process(std::uint16_t port, std::uint64_t rebootstraps) {
  ::setenv(port_variable, std::to_string(port).c_str(), 1);
  ::setenv(rebootstraps_variable, std::to_string(rebootstraps).c_str(), 1);
  // Descriptors opened without O_CLOEXEC (Asio's listeners) must not outlive the exec: a
  // listener left open would take its share of the connections on the port and never accept.
  if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0)
    for (int fd = 3; fd < 65536; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  std::vector<char*> args;
  for (auto& a : saved_arguments) args.push_back(a.data());
  args.push_back(nullptr);
  core::log::info("starting over", {{"port", std::to_string(port)}});
  ::execv("/proc/self/exe", args.data());
  return core::problem{core::errc::io_error, "", std::string{"cannot start over: execv: "} + std::strerror(errno)};
}

std::uint16_t restarted_port() {
  const auto port = static_cast<std::uint16_t>(env_number(port_variable));
  ::unsetenv(port_variable);
  return port;
}

std::uint64_t restarted_rebootstraps() {
  const auto n = env_number(rebootstraps_variable);
  ::unsetenv(rebootstraps_variable);
  return n;
}

}  // namespace mixtape::app
