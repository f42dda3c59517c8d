#pragma once
// The one POSIX file layer (in the spirit of LevelDB's util/env_posix.cc): every module
// that touches files (journal, durability, auth, app) goes through these functions instead
// of calling open/write/rename/unlink itself, so that EINTR, short writes, O_CLOEXEC and
// the rename fallback are handled in exactly one place.
//
// Common rules:
// - Errors are std::error_code values in std::system_category() holding the errno of the
//   call that failed (or EIO where the kernel reported no progress without an errno).
// - EINTR is retried everywhere; no function here returns EINTR.
// - Every descriptor is opened with O_CLOEXEC.
// - "Durable" means: survives a crash or power loss of the machine. Nothing here makes a
//   new directory entry (create, rename, unlink) durable unless it says so: that takes a
//   sync_directory() of the directory holding it.
// - Nothing is thread-safe beyond what the kernel gives: callers serialise use of one
//   path (the data directory is kept to one process by its LOCK file).
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace mixtape::core::fs {

// An owned file descriptor: move-only, closed by its destructor (a close error there is
// ignored: whoever cares about it calls close() first). Empty when it holds -1.
class unique_fd {
 public:
  unique_fd() noexcept = default;
  explicit unique_fd(int fd) noexcept : fd_(fd) {}
  ~unique_fd() { reset(); }
  unique_fd(unique_fd&& other) noexcept : fd_(other.release()) {}
  unique_fd& operator=(unique_fd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;

  int get() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return fd_ >= 0; }
  // Gives up ownership: the caller closes the returned descriptor.
  int release() noexcept {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }
  // Closes the held descriptor (if any, ignoring errors) and takes `fd`.
  void reset(int fd = -1) noexcept;
  // close(2), reporting its error (after which the descriptor is gone all the same: it is
  // never closed twice, and EINTR is not retried because Linux has already released it).
  // On a file written without a following fsync, this is where a deferred write error
  // (e.g. on NFS) shows up.
  std::error_code close() noexcept;

 private:
  int fd_ = -1;
};

// open(2) with O_CLOEXEC added to `flags`; `mode` matters only with O_CREAT (or O_TMPFILE).
// On failure returns an empty unique_fd and sets `ec`; on success clears `ec`.
unique_fd open(const std::string& path, int flags, std::error_code& ec, mode_t mode = 0600);

// Writes all of `data` to `fd`, looping over short writes. `written` receives the number of
// bytes write(2) accepted, also when an error stopped the loop (so a caller that tracks a
// file's length stays right). A write(2) returning 0 for a non-empty request is EIO, never
// a retry (it would loop forever). Durable: nothing (see sync_file / sync_file_data).
// A partial write is left in the file on failure.
std::error_code write_all(int fd, std::string_view data, std::size_t& written);
std::error_code write_all(int fd, std::string_view data);
// The same with pwrite(2) at `offset` (the file position is not used or moved).
std::error_code pwrite_all(int fd, std::string_view data, std::uint64_t offset, std::size_t& written);

// fsync(2) / fdatasync(2) of an open descriptor: on success everything written through
// any descriptor of the file so far is durable (fdatasync: the data and the metadata
// needed to read it back, such as the length; not e.g. the modification time).
std::error_code sync_file(int fd);
std::error_code sync_file_data(int fd);

// ftruncate(2). Durable: nothing until a sync_file / sync_file_data.
std::error_code truncate(int fd, std::uint64_t size);

// The current length of the open file (fstat(2)).
std::error_code file_size(int fd, std::uint64_t& size);

// Whether a missing file is an error for read_whole_file / remove.
enum class if_missing { fail, ignore };

// Replaces `out` with the whole content of `path` (read to its end, whatever fstat said).
// With if_missing::fail a missing `path` is the error ENOENT. With if_missing::ignore it is
// an explicit outcome instead: `exists` is set to false, `out` is left empty and the result
// is success; every other failure is still an error. On any error `out` is unspecified.
std::error_code read_whole_file(const std::string& path, std::string& out);
std::error_code read_whole_file(const std::string& path, std::string& out, if_missing missing, bool& exists);

// A whole file mapped read-only (MAP_PRIVATE, pre-faulted: its pages come straight from the
// page cache, with no copy and no fresh memory to zero, which made up much of a large
// journal's replay). Move-only; moving keeps bytes() where it was, so a string_view into a
// mapped_file stays valid while the mapped_file it was moved into lives. An empty file maps
// to an empty bytes(). bytes() must not be read past a truncation of the file made while it
// is mapped (that raises SIGBUS): map only files nobody shortens meanwhile (an unlink or a
// rename over the name is harmless, the mapping keeps the old file).
class mapped_file {
 public:
  mapped_file() noexcept = default;
  ~mapped_file();
  mapped_file(mapped_file&& other) noexcept;
  mapped_file& operator=(mapped_file&& other) noexcept;
  mapped_file(const mapped_file&) = delete;
  mapped_file& operator=(const mapped_file&) = delete;

  // Maps `path`, replacing (unmapping) what was mapped before. On failure the object is
  // left empty. The descriptor is closed before this returns.
  std::error_code open(const std::string& path);
  std::string_view bytes() const noexcept { return {data_, size_}; }

 private:
  void unmap() noexcept;
  const char* data_ = nullptr;
  std::size_t size_ = 0;
};

// What to do when the target of a create / rename already exists.
enum class if_exists { overwrite, fail };

// Creates `path` with mode 0600 (or truncates an existing one, keeping its mode), writes
// `data` and fsyncs the file. With if_exists::fail, an existing `path` is the error EEXIST
// and is not touched. On success the content is durable, the directory entry of a newly
// created file is not (sync_directory). NOT atomic: a failure or crash part-way leaves
// `path` created and holding a prefix of `data` (or, overwriting, truncated); use
// replace_atomically when readers must see the old or the new content only.
std::error_code write_file_synced(const std::string& path, std::string_view data, if_exists existing);

// Truncates (or extends with zeros) the existing `path` to `size` bytes and fsyncs it:
// on success the new length is durable. On failure the length is unknown to the caller.
std::error_code truncate_file_synced(const std::string& path, std::uint64_t size);

// fsync(2) on the directory `dir`, so that creates, renames and unlinks of entries in it
// made so far are durable. Errors: those of open(O_DIRECTORY) (ENOENT, ENOTDIR...) and fsync.
std::error_code sync_directory(const std::string& dir);

// rename(2): atomically makes `to` name the file `from` named, replacing any file `to`
// named (a reader sees the old file or the new one, never neither). Not durable until
// sync_directory of the directories involved. On failure nothing changed.
std::error_code rename(const std::string& from, const std::string& to);

// Renames `from` to `to` unless `to` exists, in which case it fails with EEXIST and leaves
// both alone. Not durable until sync_directory. The one policy for every caller:
// renameat2(RENAME_NOREPLACE) where the file system has it; where it does not (EINVAL,
// ENOSYS, ENOTSUP), link(2) `to` to the file and then unlink(2) `from`.
// Why link+unlink and not "stat `to`, then rename": link(2) creates the new name atomically
// and itself refuses an existing target (EEXIST), so a file that appears at `to` at any
// moment is never replaced; the stat-then-rename check has a window in which a file created
// between the two calls would be silently clobbered. The cost of the fallback: a crash (or
// a failed unlink, which is ignored: `to` is in place either way) between the two steps
// leaves `from` as a second name of the same file, which the caller's cleanup of its temp
// files removes; and a file system without hard links fails with link's error (EPERM).
std::error_code rename_no_replace(const std::string& from, const std::string& to);

// Makes `path` hold exactly `data`, atomically and durably: writes a temp file
// "<path>.tmp.XXXXXX" (mode 0600) in the same directory, fsyncs it, closes it, renames it
// to `path` (rename, or rename_no_replace with if_exists::fail) and fsyncs the directory.
// On success the new content is durable under `path`. A crash at any point leaves `path`
// with the old content (or absent) or the new, never a mix (it may leave a temp file behind).
// With if_exists::fail an existing `path` is the error EEXIST and keeps its content.
// On failure before the rename the temp file is removed and `path` is unchanged; if only the
// final directory fsync fails, `path` already holds the new content but it may not be
// durable (the error is returned).
std::error_code replace_atomically(const std::string& path, std::string_view data,
                                   if_exists existing = if_exists::overwrite);

// unlink(2). With if_missing::ignore, a missing `path` is success. Not durable until
// sync_directory. On failure nothing changed.
std::error_code remove(const std::string& path, if_missing missing = if_missing::fail);

// The directory holding `path`: everything before the last '/', "/" for "/name" and "."
// for a bare name. Purely textual (no file system access, no normalisation).
std::string parent_directory(const std::string& path);

// mkdir -p: creates every missing directory of `dir` (mode 0700, before the umask), then
// checks that `dir` is a directory (ENOTDIR otherwise). Existing directories are left as
// they are (mode included). The new entries are not made durable. On failure, directories
// created so far stay, and `failed` (when given) receives the path that could not be made.
std::error_code make_directories(const std::string& dir, std::string* failed = nullptr);

namespace detail {
// write_all over a given write(2): the seam the tests use to simulate a write that
// returns 0 or accepts a few bytes at a time. Not for other use.
using write_function = ssize_t (*)(int fd, const void* buf, std::size_t count);
std::error_code write_all_with(write_function write, int fd, std::string_view data, std::size_t& written);
}  // namespace detail

}  // namespace mixtape::core::fs
