// mixtaped: argv/env -> config -> serve, or a subcommand (keys add, backup, restore).
// Exit codes: 0 success, 1 runtime failure (bad data, cannot listen...), 2 usage error.
#include <iostream>
#include <string>
#include <vector>

#include "admin_commands.hpp"
#include "cluster_node.hpp"
#include "allocator.hpp"
#include "replica_dir.hpp"
#include "auth/keys.hpp"
#include "config/config.hpp"
#include "serve.hpp"

namespace {

int keys_add(const mixtape::config::keys_add_command& k) {
  const std::string path = k.keys_file.empty() ? k.data_dir + "/keys.json" : k.keys_file;
  auto created = mixtape::auth::add_key(path, k.principal, k.organizations, k.capabilities);
  if (!created) {
    std::cerr << "mixtaped: " << created.error().message << '\n';
    return 1;
  }
  std::cerr << "added key " << created->entry.id << " for " << created->entry.principal << " to " << path
            << " (the key is shown only once; send SIGHUP to a running server to load it)\n";
  std::cout << created->key << '\n';
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  mixtape::app::tune_allocator();
  mixtape::app::save_arguments(argc, argv);
  namespace config = mixtape::config;
  const std::vector<std::string> args(argv + 1, argv + argc);
  auto cmd = config::parse_command_line(args, config::process_environment());
  if (!cmd) {
    std::cerr << "mixtaped: " << cmd.error().message << '\n';
    return 2;
  }
  switch (cmd->what) {
    case config::command::kind::help: std::cout << config::usage(); return 0;
    case config::command::kind::version: std::cout << "mixtaped " << MIXTAPE_VERSION << '\n'; return 0;
    case config::command::kind::keys_add: return keys_add(cmd->keys_add);
    case config::command::kind::backup: return mixtape::app::backup(cmd->backup);
    case config::command::kind::restore: return mixtape::app::restore(cmd->restore);
    case config::command::kind::cluster_status: return mixtape::app::cluster_status(cmd->cluster_status);
    case config::command::kind::serve: break;
  }
  try {
    return mixtape::app::serve(cmd->serve);
  } catch (const std::exception& e) {
    std::cerr << "mixtaped: fatal: " << e.what() << '\n';
    return 1;
  }
}
