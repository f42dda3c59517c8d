#pragma once
// The argv/environment walker shared by mixtaped and mixtape-bench (README, "Configuration"):
// each flag may also come from a MIXTAPE_* variable, and the command line wins.
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace mixtape::core {

// Looks up an environment variable; injectable for tests. nullopt when unset.
using env_lookup = std::function<std::optional<std::string>(const std::string& name)>;
env_lookup process_environment();

struct flag_def {
  std::string_view name;    // "--listen"
  bool takes_value = true;  // false: a switch; "--repair" means true, "--repair=false" is allowed
  bool from_env = true;     // also read from env_name(name)
};

// "--fsync-interval-ms" -> "MIXTAPE_FSYNC_INTERVAL_MS".
std::string env_name(std::string_view flag);

// Receives each setting: the flag (from `defs`) and its value as text.
using flag_setter = std::function<status(const flag_def& flag, const std::string& value)>;

enum class walk_end { done, help, version };

// First, for each flag of `defs` that reads the environment and is not on the command line,
// its variable when set (an error names the variable); then each argument in order, as
// "--name value" or "--name=value". "--help"/"-h" (and "--version" when `version_flag`)
// end the walk there. An argument that is not in `defs` is an error naming it.
result<walk_end> walk_flags(std::span<const std::string> args, std::span<const flag_def> defs,
                            const env_lookup& env, const flag_setter& set, bool version_flag = true);

}  // namespace mixtape::core
