#pragma once
// The one declaration of every server option (README.md, "Configuration"): flag, metavar,
// default, help text and parser; the environment variable is derived from the flag
// (core::env_name). Parsing, `--help` and the README's table are all generated from this
// table, and a test keeps the README in step with it. A new option is one new row in
// flags.cpp.
#include <span>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "core/flag_walker.hpp"

namespace mixtape::config {

struct server_flag {
  core::flag_def def;          // name; takes_value false for a switch
  std::string_view metavar;    // "HOST:PORT"; empty for a switch
  std::string_view shown_default;
  std::string_view help;       // one sentence, no '|'
  core::status (*apply)(server_config& c, const std::string& flag, const std::string& value);
};

// In --help order.
std::span<const server_flag> server_flags();

// The README's configuration table (a header row, then one row per flag).
std::string flags_markdown();

}  // namespace mixtape::config
