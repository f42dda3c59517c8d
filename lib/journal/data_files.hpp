#pragma once
// The files of a data directory (docs/journal-format.md, "Naming"):
//   journal-<first seq, 20 digits>.journal     records with seq >= first seq
//   snapshot-<covered seq, 20 digits>.snapshot the state after every record <= covered seq
//   *.tmp                                      unfinished files (removed at start)
// Anything else (LOCK, keys.json, *.damaged-* copies) is not the journal's business.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "core/result.hpp"

namespace mixtape::journal {

struct numbered_file {
  std::uint64_t number = 0;  // first seq of a journal, covered seq of a snapshot
  std::string path;          // directory + "/" + name
};

struct data_files {
  std::vector<numbered_file> journals;   // ascending number
  std::vector<numbered_file> snapshots;  // ascending number
  std::vector<std::string> temps;        // paths of "*.tmp" files
};

std::string journal_file_name(std::uint64_t first_seq);
std::string snapshot_file_name(std::uint64_t covered_seq);

// The number in `name` when it is exactly "<prefix><20 digits><suffix>"; else false.
bool parse_numbered_name(std::string_view name, std::string_view prefix, std::string_view suffix,
                         std::uint64_t& number);

// Lists `dir` (regular files only). Errors: io_error naming the directory.
core::result<data_files> list_data_files(const std::string& dir);

// Where --repair keeps damaged bytes: `place(name)` (a create or rename that fails with EEXIST
// when `name` exists) is tried on "<path>.damaged-<unix seconds>", then on the same with
// "-1", "-2", ... appended while it fails with EEXIST, so an earlier copy is never
// replaced. Returns the name used, or the last name tried with its error.
struct placed_copy {
  std::string path;
  std::error_code error;
};
placed_copy place_damaged_copy(const std::string& path,
                               const std::function<std::error_code(const std::string& name)>& place);

}  // namespace mixtape::journal
