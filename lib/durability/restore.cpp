#include "durability/restore.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <vector>

#include "core/fs.hpp"
#include "core/secret_file.hpp"
#include "durability/recovery.hpp"
#include "journal/backup_format.hpp"
#include "journal/data_files.hpp"
#include "journal/format.hpp"

namespace mixtape::durability {
namespace {

namespace fs = core::fs;

constexpr std::size_t read_bytes = 1u << 20;

core::problem io_problem(const std::string& path, const char* what, std::error_code ec) {
  return {core::errc::io_error, "", path + ": " + what + ": " + ec.message()};
}

// A file written through a buffer to "<final>.tmp", synced, then renamed into place; its
// destructor removes it (temp or final) unless keep() was called.
class staged_file {
 public:
  explicit staged_file(std::string final_path) : final_(std::move(final_path)), temp_(final_ + ".tmp") {}
  ~staged_file() {
    if (!kept_) (void)fs::remove(renamed_ ? final_ : temp_, fs::if_missing::ignore);
  }
  void keep() noexcept { kept_ = true; }

  core::status create() {
    std::error_code ec;
    fd_ = fs::open(temp_, O_WRONLY | O_CREAT | O_TRUNC, ec, 0600);
    return ec ? core::status{io_problem(temp_, "create", ec)} : core::success();
  }
  core::status write(std::string_view bytes) {
    buffer_ += bytes;
    return buffer_.size() >= read_bytes ? flush() : core::success();
  }
  core::status sync() {
    if (auto st = flush(); !st) return st;
    if (auto ec = fs::sync_file(fd_.get())) return io_problem(temp_, "fsync", ec);
    if (auto ec = fd_.close()) return io_problem(temp_, "close", ec);
    return core::success();
  }
  core::status install() {
    if (auto ec = fs::rename(temp_, final_)) return io_problem(final_, "rename", ec);
    renamed_ = true;
    return core::success();
  }

 private:
  core::status flush() {
    if (auto ec = fs::write_all(fd_.get(), buffer_)) return io_problem(temp_, "write", ec);
    buffer_.clear();
    return core::success();
  }

  std::string final_;
  std::string temp_;
  fs::unique_fd fd_;
  std::string buffer_;
  bool renamed_ = false;
  bool kept_ = false;
};

}  // namespace

core::status check_unused_data_dir(const std::string& dir) {
  auto files = journal::list_data_files(dir);
  if (!files) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0 && errno == ENOENT) return core::success();
    return std::move(files).error();
  }
  std::vector<std::string> held;
  for (const auto& j : files->journals) held.push_back(j.path);
  for (const auto& s : files->snapshots) held.push_back(s.path);
  for (const auto& t : files->temps) held.push_back(t);
  const std::string secret = dir + "/" + core::secret_file_name;
  if (::access(secret.c_str(), F_OK) == 0) held.push_back(secret);
  if (held.empty()) return core::success();
  std::string list;
  for (std::size_t i = 0; i < held.size() && i < 3; ++i) list += (i ? ", " : "") + held[i];
  if (held.size() > 3) list += ", ...";
  return core::problem{core::errc::validation_failed, "", dir + " is already a data directory (it holds " + list +
                                                     "): restore into a new or empty directory (after an "
                                                     "interrupted restore, remove it and restore again)"};
}

core::result<restored_dir> restore_backup(const std::string& backup_file, const std::string& dir) {
  if (auto st = check_unused_data_dir(dir); !st) return std::move(st).error();
  std::error_code ec;
  fs::unique_fd in = fs::open(backup_file, O_RDONLY, ec);
  if (ec) return io_problem(backup_file, "open", ec);
  struct stat st {};
  const bool made_dir = ::stat(dir.c_str(), &st) != 0 && errno == ENOENT;
  std::string failed;
  if ((ec = fs::make_directories(dir, &failed))) return io_problem(failed, "create directory", ec);
  // A failed restore leaves no directory it made (the files in it are removed by their owners).
  struct remove_if_made {
    const std::string& dir;
    bool made;
    bool keep = false;
    ~remove_if_made() {
      if (made && !keep) ::rmdir(dir.c_str());
    }
  } made_guard{dir, made_dir};

  restored_dir out;
  std::optional<staged_file> snapshot, journal_file, secret;
  journal::backup_reader::sink sink;
  sink.header = [&](std::uint64_t seq, std::uint64_t snapshot_seq) -> core::status {
    out.seq = seq;
    out.snapshot_seq = snapshot_seq;
    if (snapshot_seq != 0) {
      snapshot.emplace(dir + "/" + journal::snapshot_file_name(snapshot_seq));
      if (auto st = snapshot->create(); !st) return st;
    }
    journal_file.emplace(dir + "/" + journal::journal_file_name(snapshot_seq + 1));
    if (auto st = journal_file->create(); !st) return st;
    std::string header;
    journal::append_header(header);
    return journal_file->write(header);
  };
  sink.secret = [&](std::string_view bytes) -> core::status {
    secret.emplace(dir + "/" + core::secret_file_name);
    if (auto st = secret->create(); !st) return st;
    return secret->write(bytes);
  };
  sink.snapshot = [&](std::string_view bytes) { return snapshot->write(bytes); };
  sink.record = [&](std::uint8_t, std::uint64_t, std::string_view, std::string_view framed) {
    ++out.records;
    return journal_file->write(framed);
  };
  journal::backup_reader reader{backup_file, std::move(sink)};
  std::string buffer(read_bytes, '\0');
  for (;;) {
    const ssize_t got = ::read(in.get(), buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return io_problem(backup_file, "read", {errno, std::system_category()});
    if (got == 0) break;
    if (auto st = reader.feed(std::string_view{buffer.data(), static_cast<std::size_t>(got)}); !st)
      return std::move(st).error();
  }
  if (auto st = reader.finish(); !st) return std::move(st).error();
  // Installed in an order that a crash part-way cannot turn into a smaller state that starts:
  // the journal first (without its snapshot, recovery finds records missing and refuses),
  // then secret.key, the snapshot last; each rename made durable before the next.
  const auto staged = {&journal_file, &secret, &snapshot};
  for (auto* f : staged)
    if (*f)
      if (auto st = (*f)->sync(); !st) return std::move(st).error();
  for (auto* f : staged)
    if (*f) {
      if (auto st = (*f)->install(); !st) return std::move(st).error();
      if ((ec = fs::sync_directory(dir))) return io_problem(dir, "fsync directory", ec);
    }

  // Prove it loads as a start would, without changing it.
  store::collection_store scratch;
  auto loaded = recover_data_dir(dir, recovery_mode::verify, scratch);
  if (!loaded) return std::move(loaded).error();
  if (loaded->last_seq != out.seq)
    return core::problem{core::errc::corrupt_data, "",
                         dir + ": the restored directory recovers to seq " + std::to_string(loaded->last_seq) +
                             ", not the backup's " + std::to_string(out.seq)};
  out.collections = scratch.size();
  for (auto* f : staged)
    if (*f) (*f)->keep();
  made_guard.keep = true;
  return out;
}

}  // namespace mixtape::durability
