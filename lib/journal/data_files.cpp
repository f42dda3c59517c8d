#include "journal/data_files.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "core/clock.hpp"

namespace mixtape::journal {
namespace {

constexpr std::string_view journal_prefix = "journal-", journal_suffix = ".journal";
constexpr std::string_view snapshot_prefix = "snapshot-", snapshot_suffix = ".snapshot";
constexpr std::size_t digits = 20;  // enough for any uint64, so names sort like numbers

std::string numbered_name(std::string_view prefix, std::uint64_t n, std::string_view suffix) {
  char buf[digits + 1];
  std::snprintf(buf, sizeof buf, "%020llu", static_cast<unsigned long long>(n));
  return std::string{prefix} + buf + std::string{suffix};
}

void sort_by_number(std::vector<numbered_file>& v) {
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.number < b.number; });
}

}  // namespace

std::string journal_file_name(std::uint64_t first_seq) {
  return numbered_name(journal_prefix, first_seq, journal_suffix);
}

std::string snapshot_file_name(std::uint64_t covered_seq) {
  return numbered_name(snapshot_prefix, covered_seq, snapshot_suffix);
}

bool parse_numbered_name(std::string_view name, std::string_view prefix, std::string_view suffix,
                         std::uint64_t& number) {
  if (name.size() != prefix.size() + digits + suffix.size()) return false;
  if (!name.starts_with(prefix) || !name.ends_with(suffix)) return false;
  std::uint64_t n = 0;
  for (const char c : name.substr(prefix.size(), digits)) {
    if (c < '0' || c > '9') return false;
    const std::uint64_t d = static_cast<std::uint64_t>(c - '0');
    if (n > (UINT64_MAX - d) / 10) return false;
    n = n * 10 + d;
  }
  number = n;
  return true;
}

core::result<data_files> list_data_files(const std::string& dir) {
  namespace fs = std::filesystem;
  data_files out;
  std::error_code ec;
  fs::directory_iterator it{dir, ec};
  for (; !ec && it != fs::directory_iterator{}; it.increment(ec)) {
    std::error_code type_ec;
    if (!it->is_regular_file(type_ec)) continue;
    const std::string name = it->path().filename().string();
    const std::string path = dir + "/" + name;
    std::uint64_t n = 0;
    if (parse_numbered_name(name, journal_prefix, journal_suffix, n))
      out.journals.push_back({n, path});
    else if (parse_numbered_name(name, snapshot_prefix, snapshot_suffix, n))
      out.snapshots.push_back({n, path});
    else if (name.ends_with(".tmp"))
      out.temps.push_back(path);
  }
  if (ec) return core::problem{core::errc::io_error, "", dir + ": cannot list directory: " + ec.message()};
  sort_by_number(out.journals);
  sort_by_number(out.snapshots);
  std::sort(out.temps.begin(), out.temps.end());
  return out;
}

placed_copy place_damaged_copy(const std::string& path,
                               const std::function<std::error_code(const std::string& name)>& place) {
  const std::string base = path + ".damaged-" + std::to_string(core::now_seconds());
  placed_copy out;
  for (int attempt = 0; attempt < 100; ++attempt) {
    out.path = attempt == 0 ? base : base + "-" + std::to_string(attempt);
    out.error = place(out.path);
    if (out.error != std::errc::file_exists) return out;
  }
  return out;
}

}  // namespace mixtape::journal
