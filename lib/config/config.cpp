#include "config/config.hpp"

#include <sched.h>

#include <algorithm>
#include <thread>

#include "config/flags.hpp"
#include "core/clock.hpp"
#include "core/flag_values.hpp"
#include "core/http_url.hpp"

namespace mixtape::config {
namespace {

using core::problem;

problem bad(std::string flag, std::string message) {
  return problem::validation(std::move(flag), std::move(message));
}

core::result<command> parse_serve(const std::vector<std::string>& args, const env_lookup& env) {
  command cmd;
  std::vector<core::flag_def> defs;
  for (const auto& f : server_flags()) defs.push_back(f.def);
  const auto set = [&](const core::flag_def& d, const std::string& v) {
    const auto flags = server_flags();
    const auto& f = flags[static_cast<std::size_t>(&d - defs.data())];  // defs mirrors the table
    return f.apply(cmd.serve, std::string{d.name}, v);
  };
  auto end = core::walk_flags(args, defs, env, set);
  if (!end) return std::move(end).error();
  if (end.value() == core::walk_end::help) return command::of(command::kind::help);
  if (end.value() == core::walk_end::version) return command::of(command::kind::version);
  const auto& s = cmd.serve;
  if (!s.replicate_from.empty() && s.replication_key.empty())
    return bad("--replication-key", "--replicate-from needs --replication-key KEY (or MIXTAPE_REPLICATION_KEY): a key with MIXTAPE_REPLICATION");
  if (s.clustered()) {
    if (!s.replicate_from.empty())
      return bad("--replicate-from", "--replicate-from and --cluster-etcd exclude each other: in a cluster, etcd names the primary");
    if (s.cluster_name.empty()) return bad("--cluster-name", "--cluster-etcd needs --cluster-name NAME");
    if (s.node_name.empty()) return bad("--node-name", "--cluster-etcd needs --node-name NAME (unique in the cluster)");
    if (s.replication_key.empty())
      return bad("--replication-key", "--cluster-etcd needs --replication-key KEY (or MIXTAPE_REPLICATION_KEY): a key with MIXTAPE_REPLICATION, the same on every node");
    if (s.advertise_url.empty() && (s.listen_host == "0.0.0.0" || s.listen_host == "::"))
      return bad("--advertise-url", "--listen is a wildcard address: give --advertise-url, the URL the other nodes reach this one at");
  } else if (!s.cluster_name.empty() || !s.node_name.empty() || !s.advertise_url.empty()) {
    return bad("--cluster-etcd", "--cluster-name, --node-name and --advertise-url need --cluster-etcd");
  }
  return cmd;
}

core::result<command> parse_keys_add(const std::vector<std::string>& args, const env_lookup& env) {
  command cmd = command::of(command::kind::keys_add);
  auto& k = cmd.keys_add;
  static constexpr core::flag_def defs[] = {{"--keys"},
                                            {"--data-dir"},
                                            {"--principal", true, false},
                                            {"--org", true, false},
                                            {"--capability", true, false}};
  const auto set = [&](const core::flag_def& d, const std::string& v) {
    if (d.name == "--keys") k.keys_file = v;
    else if (d.name == "--data-dir") k.data_dir = v;
    else if (d.name == "--principal") k.principal = v;
    else if (d.name == "--org") k.organizations.push_back(v);
    else k.capabilities.push_back(v);
    return core::success();
  };
  auto end = core::walk_flags(std::span{args}.subspan(2), defs, env, set, false);
  if (!end) return std::move(end).error();
  if (end.value() == core::walk_end::help) return command::of(command::kind::help);
  if (k.principal.empty()) return bad("--principal", "keys add needs --principal");
  return cmd;
}

core::result<command> parse_cluster_status(const std::vector<std::string>& args, const env_lookup& env) {
  command cmd = command::of(command::kind::cluster_status);
  auto& c = cmd.cluster_status;
  static constexpr core::flag_def defs[] = {{"--cluster-etcd", true, false}, {"--cluster-name", true, false}};
  const auto set = [&](const core::flag_def& d, const std::string& v) -> core::status {
    if (d.name == "--cluster-name") {
      c.name = v;
      return core::success();
    }
    auto urls = parse_url_list("--cluster-etcd", v);
    if (!urls) return std::move(urls).error();
    c.etcd = std::move(urls).value();
    return core::success();
  };
  auto end = core::walk_flags(std::span{args}.subspan(2), defs, env, set, false);
  if (!end) return std::move(end).error();
  if (end.value() == core::walk_end::help) return command::of(command::kind::help);
  if (c.etcd.empty()) return bad("--cluster-etcd", "cluster status needs --cluster-etcd URL[,URL...]");
  if (!valid_cluster_name(c.name)) return bad("--cluster-name", "cluster status needs --cluster-name NAME");
  return cmd;
}

core::result<command> parse_backup(const std::vector<std::string>& args, const env_lookup& env) {
  command cmd;
  cmd.what = command::kind::backup;
  auto& b = cmd.backup;
  static constexpr core::flag_def defs[] = {{"--from", true, false}, {"--key", true, true}, {"--out", true, false}};
  const auto set = [&](const core::flag_def& d, const std::string& v) {
    (d.name == "--from" ? b.from : d.name == "--key" ? b.key : b.out) = v;
    return core::success();
  };
  auto end = core::walk_flags(std::span{args}.subspan(1), defs, env, set, false);
  if (!end) return std::move(end).error();
  if (end.value() == core::walk_end::help) return command::of(command::kind::help);
  if (b.from.empty()) return bad("--from", "backup needs --from URL (the server, e.g. http://127.0.0.1:8080)");
  if (b.key.empty()) return bad("--key", "backup needs --key KEY (or MIXTAPE_KEY): a key with MIXTAPE_ADMIN");
  if (b.out.empty()) return bad("--out", "backup needs --out FILE");
  return cmd;
}

core::result<command> parse_restore(const std::vector<std::string>& args, const env_lookup& env) {
  command cmd;
  cmd.what = command::kind::restore;
  auto& r = cmd.restore;
  static constexpr core::flag_def defs[] = {{"--from", true, false},
                                            {"--from-archive", true, false},
                                            {"--data-dir", true, false},
                                            {"--until", true, false},
                                            {"--until-seq", true, false}};
  const auto set = [&](const core::flag_def& d, const std::string& v) -> core::status {
    if (d.name == "--from") r.from = v;
    else if (d.name == "--from-archive") r.from_archive = v;
    else if (d.name == "--data-dir") r.data_dir = v;
    else if (d.name == "--until") {
      r.until_time = core::parse_rfc3339(v);
      if (!r.until_time) return bad("--until", "--until must be an RFC 3339 time such as 2026-12-07T10:04:59Z");
    } else {
      auto n = core::integer_flag("--until-seq", v, 1, UINT64_MAX);
      if (!n) return std::move(n).error();
      r.until_seq = n.value();
    }
    return core::success();
  };
  auto end = core::walk_flags(std::span{args}.subspan(1), defs, env, set, false);
  if (!end) return std::move(end).error();
  if (end.value() == core::walk_end::help) return command::of(command::kind::help);
  if (r.from.empty() == r.from_archive.empty())
    return bad("--from", "restore needs exactly one of --from FILE (a backup) and --from-archive DIR");
  if (r.data_dir.empty()) return bad("--data-dir", "restore needs --data-dir DIR (new or empty)");
  if (r.until_time && r.until_seq) return bad("--until", "give --until or --until-seq, not both");
  if (!r.from.empty() && (r.until_time || r.until_seq))
    return bad("--until", "--until and --until-seq need --from-archive (a backup holds one point in time)");
  return cmd;
}

}  // namespace

unsigned server_config::usable_cores() noexcept {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0)
    if (const int n = CPU_COUNT(&set); n > 0) return static_cast<unsigned>(n);
  return std::max(1u, std::thread::hardware_concurrency());
}

core::result<std::vector<std::string>> parse_url_list(const std::string& flag, std::string_view text) {
  std::vector<std::string> urls;
  for (bool more = true; more;) {  // every piece, the empty ones too (a stray comma is an error)
    const auto comma = text.find(',');
    more = comma != std::string_view::npos;
    std::string url{text.substr(0, comma)};
    if (more) text.remove_prefix(comma + 1);
    while (!url.empty() && url.back() == '/') url.pop_back();
    if (!core::parse_http_url(url)) return bad(flag, flag + " takes http://HOST:PORT URLs separated by commas");
    urls.push_back(std::move(url));
  }
  return urls;
}

bool valid_cluster_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 &&
         name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") == std::string_view::npos;
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
  if (!args.empty() && args[0] == "backup") return parse_backup(args, env);
  if (!args.empty() && args[0] == "restore") return parse_restore(args, env);
  if (args.size() >= 2 && args[0] == "cluster" && args[1] == "status") return parse_cluster_status(args, env);
  if (!args.empty() && args[0] == "cluster")
    return bad("cluster", "unknown cluster command (expected: mixtaped cluster status ...)");
  if (!args.empty() && args[0] == "keys")
    return bad("keys", "unknown keys command (expected: mixtaped keys add ...)");
  return parse_serve(args, env);
}

}  // namespace mixtape::config
