#pragma once
// Creating a journal file durably, before a writer is opened on it.
#include <string>

#include "core/result.hpp"

namespace mixtape::journal {

// Makes `path` an empty journal (just the file header) unless it already exists, in
// which case it is left untouched and success is returned (recover() it instead).
// The header goes to "<path>.tmp" (replacing any leftover), which is fsynced and then
// renamed to `path` without replacing an existing file; finally the directory is
// fsynced, so that after success the file survives a crash. A crash part-way leaves
// either no `path` or a complete one (and maybe a stale "<path>.tmp", which the next
// call overwrites). Errors: problem{errc::io_error, "", "<path>: <what failed>: <reason>"}.
// The caller must keep other processes out of the directory (the data-dir lock).
core::status create_journal_file(const std::string& path);

}  // namespace mixtape::journal
