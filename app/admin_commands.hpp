#pragma once
// `mixtaped backup` and `mixtaped restore` (docs/operations.md, "Backup" and "Restore").
// Exit codes: 0 done, 1 failed (with a message on stderr; no output file left behind).
#include <cstdint>
#include <string>

#include "config/config.hpp"
#include "core/result.hpp"

namespace mixtape::app {

// Streams GET /admin/v1/backup of the server at `from` (http://HOST:PORT) into `out_path`
// (through out_path.tmp, checked as it arrives, synced, renamed): nothing is left on failure.
struct downloaded {
  std::uint64_t seq = 0;
  std::uint64_t bytes = 0;
};
core::result<downloaded> download_backup(const std::string& from, const std::string& key, const std::string& out_path);

int backup(const config::backup_command& cmd);
int restore(const config::restore_command& cmd);

}  // namespace mixtape::app
