#include "durability/file_copy.hpp"

#include "core/fs.hpp"

namespace mixtape::durability {
namespace {

namespace fs = core::fs;

constexpr std::size_t chunk_bytes = 1u << 20;  // appended at a time; writeback asked after each

core::problem read_problem(const std::string& path, std::error_code ec) {
  const auto code = ec == std::errc::no_such_file_or_directory ? core::errc::not_found : core::errc::io_error;
  return {code, "", path + ": read: " + ec.message()};
}

core::problem io_problem(const std::string& path, const char* what, std::error_code ec) {
  return {core::errc::io_error, "", path + ": " + what + ": " + ec.message()};
}

// Writes `bytes` to a fresh `temp` and makes them durable.
core::status write_temp(const std::string& temp, std::string_view bytes, const journal::file_opener& open) {
  if (auto ec = fs::remove(temp, fs::if_missing::ignore)) return io_problem(temp, "remove leftover", ec);
  std::error_code ec;
  auto f = open(temp, ec);
  if (!f) return io_problem(temp, "create", ec ? ec : std::make_error_code(std::errc::io_error));
  for (std::size_t at = 0; at < bytes.size(); at += chunk_bytes) {
    if (auto e = f->append(bytes.substr(at, chunk_bytes))) return io_problem(temp, "write", e);
    f->start_writeback();
  }
  if (auto e = f->sync()) return io_problem(temp, "fsync", e);
  return core::success();
}

}  // namespace

core::status copy_file_durably(const std::string& from, const std::string& to, const journal::file_opener& open) {
  fs::mapped_file source;
  if (auto ec = source.open(from)) return read_problem(from, ec);
  const std::string temp = to + ".tmp";
  if (auto st = write_temp(temp, source.bytes(), open); !st) {
    (void)fs::remove(temp, fs::if_missing::ignore);
    return st;
  }
  if (auto ec = fs::rename_no_replace(temp, to)) {
    (void)fs::remove(temp, fs::if_missing::ignore);
    return io_problem(to, "rename", ec);
  }
  if (auto ec = fs::sync_directory(fs::parent_directory(to))) return io_problem(to, "fsync directory", ec);
  return core::success();
}

core::result<bool> same_contents(const std::string& a, const std::string& b) {
  fs::mapped_file fa, fb;
  if (auto ec = fa.open(a)) return read_problem(a, ec);
  if (auto ec = fb.open(b)) return read_problem(b, ec);
  return fa.bytes() == fb.bytes();
}

}  // namespace mixtape::durability
