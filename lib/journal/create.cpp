#include "journal/create.hpp"

#include <sys/stat.h>

#include <cerrno>

#include "core/fs.hpp"
#include "journal/format.hpp"

namespace mixtape::journal {
namespace {

namespace fs = core::fs;

core::problem io_problem(const std::string& path, const char* what, std::error_code ec) {
  return {core::errc::io_error, "", path + ": " + what + ": " + ec.message()};
}

}  // namespace

core::status create_journal_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return core::success();
  if (errno != ENOENT) return io_problem(path, "stat", {errno, std::system_category()});

  std::string header;
  append_header(header);
  const std::string temp = path + ".tmp";
  if (auto ec = fs::write_file_synced(temp, header, fs::if_exists::overwrite)) return io_problem(temp, "write", ec);
  if (auto ec = fs::rename_no_replace(temp, path)) {
    (void)fs::remove(temp);
    if (ec == std::errc::file_exists) return core::success();  // appeared meanwhile: keep it
    return io_problem(path, "rename", ec);
  }
  if (auto ec = fs::sync_directory(fs::parent_directory(path))) return io_problem(path, "fsync directory", ec);
  return core::success();
}

}  // namespace mixtape::journal
