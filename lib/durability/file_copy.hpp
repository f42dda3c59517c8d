#pragma once
// Whole-file copies that a crash never leaves half-made, for the archive and the restore from
// it (durability/archiver.hpp, durability/archive_restore.hpp).
#include <string>

#include "core/result.hpp"
#include "journal/snapshot_file.hpp"

namespace mixtape::durability {

// Copies the file `from` to `to`: its bytes go to "<to>.tmp" (a leftover of that name is
// replaced), which is fsynced and closed, then renamed to `to` without replacing a file
// there, and the directory of `to` is fsynced. So `to` is either absent or the whole copy,
// durably, never a prefix. `open` makes the temp file (the seam for fault injection).
// Errors (the temp file is removed, `to` untouched): not_found when `from` does not exist,
// io_error naming the file and what failed (EEXIST when `to` exists).
core::status copy_file_durably(const std::string& from, const std::string& to,
                               const journal::file_opener& open = journal::open_posix_file);

// Whether the files `a` and `b` hold the same bytes. Errors: io_error naming the file
// that cannot be read (not_found when it does not exist).
core::result<bool> same_contents(const std::string& a, const std::string& b);

}  // namespace mixtape::durability
