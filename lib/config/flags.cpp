#include "config/flags.hpp"

#include <algorithm>
#include <cctype>

#include "core/flag_values.hpp"
#include "core/http_url.hpp"

namespace mixtape::config {
namespace {

using core::problem;
using core::status;

problem bad(const std::string& flag, std::string message) { return problem::validation(flag, std::move(message)); }

// Parses an integer in [lo, hi] into `out` (of any integral or chrono type built from it).
template <class T>
status integer(T& out, const std::string& flag, const std::string& v, std::uint64_t lo, std::uint64_t hi) {
  auto r = core::integer_flag(flag, v, lo, hi);
  if (!r) return std::move(r).error();
  out = T(r.value());
  return core::success();
}

status seconds(std::chrono::seconds& out, const std::string& flag, const std::string& v) {
  return integer(out, flag, v, 1, 86400);
}

status public_url(server_config& c, const std::string& flag, const std::string& v) {
  const auto scheme_end = v.find("://");
  const std::string scheme = scheme_end == std::string::npos ? "" : v.substr(0, scheme_end);
  const std::string host =
      scheme_end == std::string::npos ? "" : v.substr(scheme_end + 3, v.find_first_of("/?#", scheme_end + 3) - scheme_end - 3);
  if ((scheme != "http" && scheme != "https") || host.empty() || host.front() == ':')
    return bad(flag, "--public-url must be an absolute http:// or https:// URL with a host");
  c.public_url = v;
  while (!c.public_url.empty() && c.public_url.back() == '/') c.public_url.pop_back();
  return core::success();
}

// "https://app.example:8443": a scheme, a host, maybe a port; no path, no trailing '/'.
bool is_origin(std::string_view o) {
  const auto scheme_end = o.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return false;
  for (const char c : o.substr(0, scheme_end))
    if (!std::isalpha(static_cast<unsigned char>(c))) return false;
  const auto host = o.substr(scheme_end + 3);
  if (host.empty() || host.front() == ':') return false;
  for (const char c : host)
    if (c <= ' ' || c > '~' || c == '/' || c == '?' || c == '#' || c == ',') return false;
  return true;
}

status cors_origins(server_config& c, const std::string& flag, const std::string& v) {
  c.cors_origins.clear();
  if (v == "*") {
    c.cors_origins.push_back(v);
    return core::success();
  }
  std::size_t start = 0;
  while (start <= v.size() && !v.empty()) {
    const auto comma = std::min(v.find(',', start), v.size());
    const std::string origin = v.substr(start, comma - start);
    if (!is_origin(origin))
      return bad(flag, "--cors-origins takes * or a comma list of origins like https://app.example:8443, not '" +
                           origin + "'");
    c.cors_origins.push_back(origin);
    start = comma + 1;
  }
  return core::success();
}

using C = server_config;
using S = const std::string;

constexpr server_flag table[] = {
    {{"--listen"}, "HOST:PORT", "127.0.0.1:8080", "address to listen on; port 0 picks a free one (logged)",
     [](C& c, S&, S& v) -> status {
       auto r = parse_listen(v);
       if (!r) return std::move(r).error();
       c.listen_host = r->first;
       c.listen_port = r->second;
       return core::success();
     }},
    {{"--data-dir"}, "DIR", "./data", "journal, snapshots, keys, lock",
     [](C& c, S& f, S& v) -> status {
       if (v.empty()) return bad(f, "--data-dir must not be empty");
       c.data_dir = v;
       return core::success();
     }},
    {{"--keys"}, "FILE", "<data-dir>/keys.json", "API keys (SHA-256 hashes only); created with one key if missing",
     [](C& c, S&, S& v) -> status {
       c.keys_file = v;
       return core::success();
     }},
    {{"--threads"}, "N", "cores - 1, at least 1", "I/O threads (the last core is left to the journal writer)",
     [](C& c, S& f, S& v) { return integer(c.threads, f, v, 1, 256); }},
    {{"--fsync"}, "MODE", "always",
     "always: acknowledge after fdatasync; batch: sync every interval; never: leave it to the OS",
     [](C& c, S& f, S& v) -> status {
       if (v == "always") c.fsync = fsync_mode::always;
       else if (v == "batch") c.fsync = fsync_mode::batch;
       else if (v == "never") c.fsync = fsync_mode::never;
       else return bad(f, "--fsync must be always, batch or never");
       return core::success();
     }},
    {{"--fsync-interval-ms"}, "N", "10", "sync period in batch mode",
     [](C& c, S& f, S& v) { return integer(c.fsync_interval, f, v, 1, 60'000); }},
    {{"--group-commit-wait-us"}, "N", "1000",
     "always mode: how long a sync may wait for writes on their way (never longer than the last sync took); 0: never",
     [](C& c, S& f, S& v) { return integer(c.group_commit_wait, f, v, 0, 100'000); }},
    {{"--compact-bytes"}, "N", "67108864", "journal size that triggers a snapshot",
     [](C& c, S& f, S& v) { return integer(c.compact_bytes, f, v, 4096, 1ull << 40); }},
    {{"--archive-dir"}, "DIR", "none",
     "continuous archiving: copy each closed journal file and each snapshot here (restore --from-archive)",
     [](C& c, S& f, S& v) -> status {
       if (v.empty()) return bad(f, "--archive-dir must not be empty");
       c.archive_dir = v;
       return core::success();
     }},
    {{"--archive-interval"}, "SECONDS", "60",
     "with --archive-dir: close the current journal file for archiving once its first record is this old",
     [](C& c, S& f, S& v) { return seconds(c.archive_interval, f, v); }},
    {{"--replicate-from"}, "URL", "none",
     "run as a read-only standby of the primary at this http:// URL (docs/replication.md)",
     [](C& c, S& f, S& v) -> status {
       if (!core::parse_http_url(v)) return bad(f, "--replicate-from must be an http://HOST:PORT URL");
       c.replicate_from = v;
       while (c.replicate_from.back() == '/') c.replicate_from.pop_back();
       return core::success();
     }},
    {{"--replication-key"}, "KEY", "none",
     "with --replicate-from or --cluster-etcd: a key with the MIXTAPE_REPLICATION capability",
     [](C& c, S&, S& v) -> status {
       c.replication_key = v;
       return core::success();
     }},
    {{"--sync-replicas"}, "N", "0",
     "acknowledge a write only once this many standbys hold it durably; 0: asynchronous replication",
     [](C& c, S& f, S& v) { return integer(c.sync_replicas, f, v, 0, 16); }},
    {{"--sync-timeout-ms"}, "N", "5000",
     "a write no standby confirms within this gets 503 \"outcome unknown\" (it takes effect once confirmed)",
     [](C& c, S& f, S& v) { return integer(c.sync_timeout, f, v, 1, 3'600'000); }},
    {{"--read-wait-ms"}, "N", "1000", "how long a read with X-Mixtape-Min-Seq waits for that seq before 503",
     [](C& c, S& f, S& v) { return integer(c.read_wait, f, v, 0, 60'000); }},
    {{"--max-replica-lag-ms"}, "N", "5000", "GET /replica is 200 on a standby at most this far behind, else 503",
     [](C& c, S& f, S& v) { return integer(c.max_replica_lag, f, v, 0, 86'400'000); }},
    {{"--cluster-etcd"}, "URL[,URL...]", "none",
     "join a cluster: etcd decides which node leads, the others follow it (docs/cluster.md)",
     [](C& c, S& f, S& v) -> status {
       auto urls = parse_url_list(f, v);
       if (!urls) return std::move(urls).error();
       c.cluster_etcd = std::move(urls).value();
       return core::success();
     }},
    {{"--cluster-name"}, "NAME", "none", "with --cluster-etcd: the cluster's name (its keys are under /mixtape/NAME/)",
     [](C& c, S& f, S& v) -> status {
       if (!valid_cluster_name(v)) return bad(f, "--cluster-name must be 1 to 64 of a-z, 0-9, '_' and '-'");
       c.cluster_name = v;
       return core::success();
     }},
    {{"--node-name"}, "NAME", "none", "with --cluster-etcd: this node's name, unique in the cluster",
     [](C& c, S& f, S& v) -> status {
       if (!valid_cluster_name(v)) return bad(f, "--node-name must be 1 to 64 of a-z, 0-9, '_' and '-'");
       c.node_name = v;
       return core::success();
     }},
    {{"--advertise-url"}, "URL", "http://<listen address>",
     "with --cluster-etcd: the URL other nodes reach this one at",
     [](C& c, S& f, S& v) -> status {
       if (!core::parse_http_url(v)) return bad(f, "--advertise-url must be an http://HOST:PORT URL");
       c.advertise_url = v;
       while (c.advertise_url.back() == '/') c.advertise_url.pop_back();
       return core::success();
     }},
    {{"--cluster-ttl"}, "SECONDS", "5",
     "with --cluster-etcd: the leader's lease; a failover takes about this long, a lost leader stops writing within it",
     [](C& c, S& f, S& v) { return integer(c.cluster_ttl, f, v, 2, 600); }},
    {{"--public-url"}, "URL", "http://<listen address>", "base of share-link URLs", public_url},
    {{"--max-body-bytes"}, "N", "65536",
     "larger bodies get 413; the order route takes 96 bytes more per --max-tracks",
     [](C& c, S& f, S& v) { return integer(c.max_body_bytes, f, v, 1024, 64ull << 20); }},
    {{"--max-import-bytes"}, "N", "1073741824", "an organization's import body (admin) larger than this gets 413",
     [](C& c, S& f, S& v) { return integer(c.max_import_bytes, f, v, 1024, 1ull << 40); }},
    {{"--max-header-bytes"}, "N", "16384", "larger request headers (and chunk lines, trailers) get 413",
     [](C& c, S& f, S& v) { return integer(c.max_header_bytes, f, v, 1024, 1u << 20); }},
    {{"--max-tracks"}, "N", "10000", "tracks per collection; beyond: 409",
     [](C& c, S& f, S& v) { return integer(c.max_tracks, f, v, 1, 1'000'000); }},
    {{"--repair", false}, "", "off", "cut a damaged journal at the damage, keeping a copy",
     [](C& c, S& f, S& v) -> status {
       const auto b = core::parse_bool(v);
       if (!b) return bad(f, "--repair takes no value (or true/false in MIXTAPE_REPAIR)");
       c.repair = *b;
       return core::success();
     }},
    {{"--log-format"}, "FORMAT", "text", "text or json, to stderr",
     [](C& c, S& f, S& v) -> status {
       if (v == "text") c.log = log_format::text;
       else if (v == "json") c.log = log_format::json;
       else return bad(f, "--log-format must be text or json");
       return core::success();
     }},
    {{"--access-log"}, "MODE", "on", "on or off: one log line per request",
     [](C& c, S& f, S& v) -> status {
       if (v == "on") c.access_log = true;
       else if (v == "off") c.access_log = false;
       else return bad(f, "--access-log must be on or off");
       return core::success();
     }},
    {{"--header-timeout"}, "SECONDS", "10", "time to receive request headers",
     [](C& c, S& f, S& v) { return seconds(c.header_timeout, f, v); }},
    {{"--body-timeout"}, "SECONDS", "30", "time to receive a request body (and to write a response)",
     [](C& c, S& f, S& v) { return seconds(c.body_timeout, f, v); }},
    {{"--idle-timeout"}, "SECONDS", "60", "keep-alive idle time",
     [](C& c, S& f, S& v) { return seconds(c.idle_timeout, f, v); }},
    {{"--drain-timeout"}, "SECONDS", "10", "on SIGTERM, time allowed for in-flight requests",
     [](C& c, S& f, S& v) { return seconds(c.drain_timeout, f, v); }},
    {{"--rate-limit"}, "N", "0",
     "requests per minute per API key (a token bucket; 0: no limit); a key's \"rate_limit\" in the keys file wins",
     [](C& c, S& f, S& v) { return integer(c.key_rate.per_minute, f, v, 0, 1'000'000); }},
    {{"--rate-burst"}, "N", "= --rate-limit", "bucket size per API key: requests that may come at once",
     [](C& c, S& f, S& v) { return integer(c.key_rate.burst, f, v, 1, 1'000'000); }},
    {{"--share-rate-limit"}, "N", "60", "requests per minute per client IP on GET /v1/music/shared/{token}; 0: no limit",
     [](C& c, S& f, S& v) { return integer(c.share_rate.per_minute, f, v, 0, 1'000'000); }},
    {{"--share-rate-burst"}, "N", "30", "bucket size per client IP for share links",
     [](C& c, S& f, S& v) { return integer(c.share_rate.burst, f, v, 1, 1'000'000); }},
    {{"--share-rate-max-ips"}, "N", "65536",
     "client IPs tracked at most (about 100 bytes each); past it the buckets closest to full are forgotten",
     [](C& c, S& f, S& v) { return integer(c.share_rate_max_ips, f, v, 16, 100'000'000); }},
    {{"--trusted-proxies"}, "LIST", "none",
     "comma list of addresses or CIDR ranges whose X-Forwarded-For names the client (share-link limit)",
     [](C& c, S& f, S& v) -> status {
       auto ranges = core::parse_ip_ranges(v);
       if (!ranges) return bad(f, "--trusted-proxies must be a comma list of IP addresses or CIDR ranges");
       c.trusted_proxies = std::move(*ranges);
       return core::success();
     }},
    {{"--cors-origins"}, "LIST", "none",
     "browser origins allowed to call the API (comma list, or *): preflights answered, CORS headers sent",
     cors_origins},
    {{"--idempotency-ttl"}, "SECONDS", "86400", "how long an Idempotency-Key's first answer is replayed",
     [](C& c, S& f, S& v) { return integer(c.idempotency_ttl, f, v, 1, 30 * 86'400); }},
    {{"--idempotency-keys"}, "N", "100000",
     "Idempotency-Keys remembered at most; past it the oldest are forgotten first",
     [](C& c, S& f, S& v) { return integer(c.idempotency_keys, f, v, 1, 10'000'000); }},
};

std::string flag_and_metavar(const server_flag& f) {
  std::string s{f.def.name};
  if (!f.metavar.empty()) (s += ' ') += f.metavar;
  return s;
}

}  // namespace

std::span<const server_flag> server_flags() { return table; }

std::string flags_markdown() {
  std::string out = "| flag | variable | default | meaning |\n|---|---|---|---|\n";
  for (const auto& f : table) {
    out += "| `" + flag_and_metavar(f) + "` | `" + core::env_name(f.def.name) + "` | `";
    out += f.shown_default;
    out += "` | ";
    out += f.help;
    out += " |\n";
  }
  return out;
}

std::string usage() {
  std::string out = R"(mixtaped - self-hosted music collections server

Usage:
  mixtaped [options]            run the server
  mixtaped keys add --principal P --org O [--org O2 ...] [--capability C ...] [--keys FILE]
                                add an API key to the keys file and print it once
                                (--capability MIXTAPE_ADMIN or MIXTAPE_REPLICATION without
                                --org: an admin key, a standby's key)
  mixtaped backup --from http://HOST:PORT --key KEY --out FILE
                                online backup of a running server (KEY: an admin key,
                                or MIXTAPE_KEY); checked, written atomically
  mixtaped restore --from FILE --data-dir DIR
                                a new data directory from a backup
  mixtaped restore --from-archive DIR --data-dir NEW [--until TIME | --until-seq N]
                                a new data directory as of TIME (RFC 3339) or seq N,
                                from an --archive-dir
  mixtaped cluster status --cluster-etcd URL[,URL...] --cluster-name NAME
                                each node's role, epoch, seq and lag, the leader and the
                                sync standbys, as etcd holds them
  mixtaped --help | --version

Options (each also read from the environment variable shown; flags win):
)";
  constexpr std::size_t flag_width = 28, env_width = 30, line_width = 110;
  const std::string indent(2 + flag_width + env_width, ' ');
  for (const auto& f : table) {
    std::string line = "  " + flag_and_metavar(f);
    line.resize(std::max(line.size() + 1, 2 + flag_width), ' ');
    line += core::env_name(f.def.name);
    if (line.size() + 1 > 2 + flag_width + env_width) {
      out += line + "\n";
      line = indent;
    }
    line.resize(2 + flag_width + env_width, ' ');
    std::string text = std::string{f.help} + " [" + std::string{f.shown_default} + "]";
    // Wraps the help text at word boundaries under its column.
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t room = line_width - line.size();
      std::size_t end = text.size() - start <= room ? text.size() : text.rfind(' ', start + room);
      if (end == std::string::npos || end <= start) end = std::min(text.size(), start + room);
      out += line + text.substr(start, end - start) + "\n";
      start = end + (end < text.size() && text[end] == ' ' ? 1 : 0);
      line = indent;
    }
  }
  out += "\nSignals: SIGTERM/SIGINT drain and exit 0; SIGHUP reloads the keys file.\n";
  return out;
}

}  // namespace mixtape::config
