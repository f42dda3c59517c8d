#include "config/config.hpp"

#include "core/flag_values.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <map>

namespace mixtape::config {
namespace {

using core::problem;

problem bad(std::string flag, std::string message) {
  return problem::validation(std::move(flag), std::move(message));
}

std::optional<bool> to_bool(std::string_view s) {
  if (s == "1" || s == "true" || s == "yes" || s == "on") return true;
  if (s == "0" || s == "false" || s == "no" || s == "off" || s.empty()) return false;
  return std::nullopt;
}

// Applies one "--name value" setting to the server config.
core::status apply(server_config& c, const std::string& flag, const std::string& v) {
  auto seconds = [&](std::chrono::seconds& out) -> core::status {
    auto r = core::integer_flag(flag, v, 1, 86400);
    if (!r) return std::move(r).error();
    out = std::chrono::seconds{r.value()};
    return core::success();
  };
  if (flag == "--listen") {
    auto r = parse_listen(v);
    if (!r) return std::move(r).error();
    c.listen_host = r->first;
    c.listen_port = r->second;
  } else if (flag == "--data-dir") {
    if (v.empty()) return bad(flag, "--data-dir must not be empty");
    c.data_dir = v;
  } else if (flag == "--keys") {
    c.keys_file = v;
  } else if (flag == "--threads") {
    auto r = core::integer_flag(flag, v, 1, 256);
    if (!r) return std::move(r).error();
    c.threads = static_cast<unsigned>(r.value());
  } else if (flag == "--fsync") {
    if (v == "always") c.fsync = fsync_mode::always;
    else if (v == "batch") c.fsync = fsync_mode::batch;
    else if (v == "never") c.fsync = fsync_mode::never;
    else return bad(flag, "--fsync must be always, batch or never");
  } else if (flag == "--fsync-interval-ms") {
    auto r = core::integer_flag(flag, v, 1, 60'000);
    if (!r) return std::move(r).error();
    c.fsync_interval = std::chrono::milliseconds{r.value()};
  } else if (flag == "--group-commit-wait-us") {
    auto r = core::integer_flag(flag, v, 0, 100'000);
    if (!r) return std::move(r).error();
    c.group_commit_wait = std::chrono::microseconds{r.value()};
  } else if (flag == "--compact-bytes") {
    auto r = core::integer_flag(flag, v, 4096, 1ull << 40);
    if (!r) return std::move(r).error();
    c.compact_bytes = r.value();
  } else if (flag == "--public-url") {
    const auto scheme_end = v.find("://");
    const std::string scheme = scheme_end == std::string::npos ? "" : v.substr(0, scheme_end);
    const std::string host = scheme_end == std::string::npos ? "" : v.substr(scheme_end + 3, v.find_first_of("/?#", scheme_end + 3) - scheme_end - 3);
    if ((scheme != "http" && scheme != "https") || host.empty() || host.front() == ':')
      return bad(flag, "--public-url must be an absolute http:// or https:// URL with a host");
    c.public_url = v;
    while (!c.public_url.empty() && c.public_url.back() == '/') c.public_url.pop_back();
  } else if (flag == "--max-body-bytes") {
    auto r = core::integer_flag(flag, v, 1024, 64ull << 20);
    if (!r) return std::move(r).error();
    c.max_body_bytes = r.value();
  } else if (flag == "--max-header-bytes") {
    auto r = core::integer_flag(flag, v, 1024, 1u << 20);
    if (!r) return std::move(r).error();
    c.max_header_bytes = r.value();
  } else if (flag == "--max-tracks") {
    auto r = core::integer_flag(flag, v, 1, 1'000'000);
    if (!r) return std::move(r).error();
    c.max_tracks = static_cast<std::uint32_t>(r.value());
  } else if (flag == "--repair") {
    const auto b = to_bool(v);
    if (!b) return bad(flag, "--repair takes no value (or true/false in MIXTAPE_REPAIR)");
    c.repair = *b;
  } else if (flag == "--log-format") {
    if (v == "text") c.log = log_format::text;
    else if (v == "json") c.log = log_format::json;
    else return bad(flag, "--log-format must be text or json");
  } else if (flag == "--access-log") {
    if (v == "on") c.access_log = true;
    else if (v == "off") c.access_log = false;
    else return bad(flag, "--access-log must be on or off");
  } else if (flag == "--header-timeout") {
    return seconds(c.header_timeout);
  } else if (flag == "--body-timeout") {
    return seconds(c.body_timeout);
  } else if (flag == "--idle-timeout") {
    return seconds(c.idle_timeout);
  } else if (flag == "--drain-timeout") {
    return seconds(c.drain_timeout);
  } else {
    return bad(flag, "unknown option " + flag + " (see --help)");
  }
  return core::success();
}

// Flags of the server, in --help order. Boolean flags take no value on the command line.
const std::vector<std::string>& server_flags() {
  static const std::vector<std::string> flags{
      "--listen",         "--data-dir",         "--keys",           "--threads",
      "--fsync",          "--fsync-interval-ms", "--group-commit-wait-us", "--compact-bytes",  "--public-url",
      "--max-body-bytes", "--max-header-bytes", "--max-tracks",     "--repair",
      "--log-format",     "--access-log",       "--header-timeout",   "--body-timeout",   "--idle-timeout",
      "--drain-timeout"};
  return flags;
}

std::string env_name(const std::string& flag) {
  std::string name = "MIXTAPE_";
  for (const char ch : flag.substr(2)) name += ch == '-' ? '_' : static_cast<char>(std::toupper(ch));
  return name;
}

// Splits "--name=value" / "--name value" into (name, value); advances i past what it used.
core::result<std::pair<std::string, std::string>> next_flag(const std::vector<std::string>& args,
                                                            std::size_t& i, bool takes_value) {
  const std::string& a = args[i++];
  if (a.rfind("--", 0) != 0) return bad(a, "unexpected argument " + a + " (see --help)");
  if (const auto eq = a.find('='); eq != std::string::npos) return std::pair{a.substr(0, eq), a.substr(eq + 1)};
  if (!takes_value) return std::pair{a, std::string{"true"}};
  if (i >= args.size()) return bad(a, a + " needs a value");
  return std::pair{a, args[i++]};
}

core::result<command> parse_serve(const std::vector<std::string>& args, const env_lookup& env) {
  command cmd;
  // Flags win: a variable whose flag is on the command line is not even read.
  std::vector<std::string> given;
  for (const auto& a : args) given.push_back(a.substr(0, a.find('=')));
  for (const auto& flag : server_flags())
    if (std::find(given.begin(), given.end(), flag) != given.end()) continue;
    else if (const auto v = env(env_name(flag))) {
      if (auto st = apply(cmd.serve, flag, *v); !st) {
        auto p = std::move(st).error();
        p.message = env_name(flag) + ": " + p.message;
        return p;
      }
    }
  for (std::size_t i = 0; i < args.size();) {
    if (args[i] == "--help" || args[i] == "-h") return command{command::kind::help, {}, {}};
    if (args[i] == "--version") return command{command::kind::version, {}, {}};
    const bool is_bool = args[i] == "--repair";
    auto kv = next_flag(args, i, !is_bool);
    if (!kv) return std::move(kv).error();
    if (auto st = apply(cmd.serve, kv->first, kv->second); !st) return std::move(st).error();
  }
  return cmd;
}

core::result<command> parse_keys_add(const std::vector<std::string>& args, const env_lookup& env) {
  command cmd{command::kind::keys_add, {}, {}};
  auto& k = cmd.keys_add;
  if (const auto v = env("MIXTAPE_KEYS")) k.keys_file = *v;
  if (const auto v = env("MIXTAPE_DATA_DIR")) k.data_dir = *v;
  for (std::size_t i = 2; i < args.size();) {
    if (args[i] == "--help" || args[i] == "-h") return command{command::kind::help, {}, {}};
    auto kv = next_flag(args, i, true);
    if (!kv) return std::move(kv).error();
    const auto& [flag, v] = kv.value();
    if (flag == "--keys") k.keys_file = v;
    else if (flag == "--data-dir") k.data_dir = v;
    else if (flag == "--principal") k.principal = v;
    else if (flag == "--org") k.organizations.push_back(v);
    else if (flag == "--capability") k.capabilities.push_back(v);
    else return bad(flag, "unknown option " + flag + " for keys add (see --help)");
  }
  if (k.principal.empty()) return bad("--principal", "keys add needs --principal");
  if (k.organizations.empty()) return bad("--org", "keys add needs at least one --org");
  return cmd;
}

}  // namespace

env_lookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    if (const char* v = std::getenv(name.c_str())) return std::string{v};
    return std::nullopt;
  };
}

core::result<std::pair<std::string, std::uint16_t>> parse_listen(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0)
    return bad("--listen", "--listen must be HOST:PORT");
  std::string host{text.substr(0, colon)};
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const auto port = core::parse_decimal(text.substr(colon + 1));
  if (!port || *port > 65535) return bad("--listen", "--listen port must be between 0 and 65535");
  return std::pair{host, static_cast<std::uint16_t>(*port)};
}

core::result<command> parse_command_line(const std::vector<std::string>& args, const env_lookup& env) {
  if (args.size() >= 2 && args[0] == "keys" && args[1] == "add") return parse_keys_add(args, env);
  if (!args.empty() && args[0] == "keys")
    return bad("keys", "unknown keys command (expected: mixtaped keys add ...)");
  return parse_serve(args, env);
}

}  // namespace mixtape::config
