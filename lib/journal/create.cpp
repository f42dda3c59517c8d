#include "journal/create.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "journal/file.hpp"
#include "journal/format.hpp"
#include "journal/posix_io.hpp"

namespace mixtape::journal {
namespace {

core::problem io_problem(const std::string& path, const char* what, std::error_code ec) {
  return {core::errc::io_error, "", path + ": " + what + ": " + ec.message()};
}

// rename(2) that never replaces an existing `to`: renameat2(RENAME_NOREPLACE) where the
// file system supports it, else an existence check (the data-dir lock keeps out races).
std::error_code rename_no_replace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return {};
  if (errno != EINVAL && errno != ENOSYS) return {errno, std::system_category()};
  struct stat st {};
  if (::stat(to.c_str(), &st) == 0) return std::make_error_code(std::errc::file_exists);
  if (::rename(from.c_str(), to.c_str()) != 0) return {errno, std::system_category()};
  return {};
}

}  // namespace

core::status create_journal_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return core::success();
  if (errno != ENOENT) return io_problem(path, "stat", {errno, std::system_category()});

  std::string header;
  append_header(header);
  const std::string temp = path + ".tmp";
  if (auto ec = detail::write_file_synced(temp, header, false)) return io_problem(temp, "write", ec);
  if (auto ec = rename_no_replace(temp, path)) {
    ::unlink(temp.c_str());
    if (ec == std::errc::file_exists) return core::success();  // appeared meanwhile: keep it
    return io_problem(path, "rename", ec);
  }
  if (auto ec = sync_directory(detail::parent_directory(path))) return io_problem(path, "fsync directory", ec);
  return core::success();
}

}  // namespace mixtape::journal
