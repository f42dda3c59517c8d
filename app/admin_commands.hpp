#pragma once
// `mixtaped backup` and `mixtaped restore` (docs/operations.md, "Backup" and "Restore").
// Exit codes: 0 done, 1 failed (with a message on stderr; no output file left behind).
#include "config/config.hpp"

namespace mixtape::app {

int backup(const config::backup_command& cmd);
int restore(const config::restore_command& cmd);

}  // namespace mixtape::app
