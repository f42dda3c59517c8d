#pragma once
// What a standby does to its own data directory (docs/replication.md): the first bootstrap
// from the primary's backup, and, when it must stop following, setting records aside —
// those past a fork of histories as *.diverged-<time> copies, or everything before a new
// bootstrap — before the process starts over (re-executes itself) on the directory so made.
#include <cstdint>
#include <string>

#include "core/result.hpp"

namespace mixtape::app {

// Whether `dir` holds a journal or a snapshot.
bool holds_data(const std::string& dir);

// Downloads the primary's backup and restores it into `dir`, retrying (0.1 s doubling to
// 5 s, each failure logged) until it succeeds. `dir` must hold no data (nor secret.key).
core::status bootstrap_standby(const std::string& dir, const std::string& primary_url, const std::string& key);

// Records from `fork_seq` on are set aside: journal files from it on renamed
// *.diverged-<time>, the file holding it copied so and cut before it, snapshots past it
// renamed. When a snapshot covers the fork, nothing before it can be rebuilt from this
// directory: everything is set aside and the next start bootstraps.
// Returns true when everything was set aside (the next start bootstraps).
core::result<bool> set_aside_from(const std::string& dir, std::uint64_t fork_seq);
// Removes the journal, snapshots, history and secret: the next start bootstraps.
core::status clear_for_bootstrap(const std::string& dir);

// Starts this program over, in this process, with its arguments (saved by main), listening
// on `port` (the port it had, also when --listen said 0). Returns only on failure.
void save_arguments(int argc, char** argv);
core::status restart_process(std::uint16_t port, std::uint64_t rebootstraps);

// Set by restart_process for the next start: the port to listen on (0: as configured) and
// the re-bootstrap count so far; read once.
std::uint16_t restarted_port();
std::uint64_t restarted_rebootstraps();

}  // namespace mixtape::app
