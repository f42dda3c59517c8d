#include "core/flag_walker.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace mixtape::core {
namespace {

problem bad(std::string flag, std::string message) { return problem::validation(std::move(flag), std::move(message)); }

const flag_def* find(std::span<const flag_def> defs, std::string_view name) {
  const auto it = std::find_if(defs.begin(), defs.end(), [&](const flag_def& d) { return d.name == name; });
  return it == defs.end() ? nullptr : &*it;
}

}  // namespace

env_lookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    if (const char* v = std::getenv(name.c_str())) return std::string{v};
    return std::nullopt;
  };
}

std::string env_name(std::string_view flag) {
  std::string name = "MIXTAPE_";
  for (const char ch : flag.substr(2)) name += ch == '-' ? '_' : static_cast<char>(std::toupper(ch));
  return name;
}

result<walk_end> walk_flags(std::span<const std::string> args, std::span<const flag_def> defs,
                            const env_lookup& env, const flag_setter& set, bool version_flag) {
  std::vector<std::string_view> given;
  for (const auto& a : args) given.push_back(std::string_view{a}.substr(0, a.find('=')));
  for (const auto& d : defs) {
    if (!d.from_env || std::find(given.begin(), given.end(), d.name) != given.end()) continue;
    const std::string var = env_name(d.name);
    if (const auto v = env(var))
      if (auto st = set(d, *v); !st) {
        auto p = std::move(st).error();
        p.message = var + ": " + p.message;
        return p;
      }
  }
  for (std::size_t i = 0; i < args.size();) {
    const std::string& a = args[i++];
    if (a == "--help" || a == "-h") return walk_end::help;
    if (version_flag && a == "--version") return walk_end::version;
    if (a.rfind("--", 0) != 0) return bad(a, "unexpected argument " + a + " (see --help)");
    const auto eq = a.find('=');
    const std::string name = a.substr(0, eq);
    const flag_def* d = find(defs, name);
    if (!d) return bad(name, "unknown option " + name + " (see --help)");
    std::string value;
    if (eq != std::string::npos) value = a.substr(eq + 1);
    else if (!d->takes_value) value = "true";
    else if (i < args.size()) value = args[i++];
    else return bad(name, name + " needs a value");
    if (auto st = set(*d, value); !st) return std::move(st).error();
  }
  return walk_end::done;
}

}  // namespace mixtape::core
