#pragma once
#include "config/config.hpp"

namespace mixtape::app {

// Runs the server until SIGTERM/SIGINT; returns the process exit code.
int serve(const config::server_config& cfg);

}  // namespace mixtape::app
