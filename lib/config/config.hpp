#pragma once
// Server configuration (README.md, "Configuration"): defaults, then MIXTAPE_* environment
// variables, then command-line flags (flags win). Parsing never exits; the caller reports
// errors.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/flag_walker.hpp"
#include "core/ip_address.hpp"
#include "core/rate_limit.hpp"
#include "core/result.hpp"

namespace mixtape::config {

enum class fsync_mode { always, batch, never };
enum class log_format { text, json };

struct server_config {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8080;
  std::string data_dir = "./data";
  std::string keys_file;  // empty: <data_dir>/keys.json
  unsigned threads = 0;   // 0: default_threads(usable_cores())
  fsync_mode fsync = fsync_mode::always;
  std::chrono::milliseconds fsync_interval{10};
  std::chrono::microseconds group_commit_wait{1000};  // always mode: see journal::writer::gather
  std::uint64_t compact_bytes = 64ull << 20;
  std::string archive_dir;
  std::chrono::seconds archive_interval{60};
  std::string public_url;  // empty: http://<listen address>
  std::string replicate_from;   // empty: a primary; else the primary's URL (docs/replication.md)
  std::string replication_key;  // with replicate_from: a key with MIXTAPE_REPLICATION
  unsigned sync_replicas = 0;   // standbys that must hold a write before it is acknowledged
  std::chrono::milliseconds sync_timeout{5000};
  std::chrono::milliseconds read_wait{1000};         // X-Mixtape-Min-Seq's longest wait
  std::chrono::milliseconds max_replica_lag{5000};   // GET /replica's bound
  std::vector<std::string> cluster_etcd;  // etcd members' URLs; empty: no cluster (docs/cluster.md)
  std::string cluster_name;
  std::string node_name;
  std::string advertise_url;  // how the others reach this node; empty: http://<listen address>
  std::chrono::seconds cluster_ttl{5};  // the leader's lease
  std::size_t max_body_bytes = 64 * 1024;
  std::uint64_t max_import_bytes = 1ull << 30;  // POST /admin/v1/orgs/{org}/import
  std::size_t max_header_bytes = 16 * 1024;
  std::uint32_t max_tracks = 10'000;
  bool repair = false;
  log_format log = log_format::text;
  bool access_log = true;  // one log line per request
  std::chrono::seconds header_timeout{10};
  std::chrono::seconds body_timeout{30};
  std::chrono::seconds idle_timeout{60};
  std::chrono::seconds drain_timeout{10};
  core::rate_limit key_rate;              // --rate-limit / --rate-burst: per API key; off by default
  core::rate_limit share_rate{60, 30};    // --share-rate-limit / --share-rate-burst: per client IP
  std::size_t share_rate_max_ips = 65'536;         // --share-rate-max-ips: IP buckets held at most
  std::vector<core::ip_range> trusted_proxies;     // --trusted-proxies: whose X-Forwarded-For counts
  std::vector<std::string> cors_origins;  // exact origins, or the one entry "*"; empty: CORS off
  std::chrono::seconds idempotency_ttl{86'400};  // how long an Idempotency-Key is remembered
  std::size_t idempotency_keys = 100'000;        // how many are remembered at most

  bool clustered() const { return !cluster_etcd.empty(); }
  std::string keys_path() const { return keys_file.empty() ? data_dir + "/keys.json" : keys_file; }
  // --threads, or the default for this machine.
  unsigned io_threads() const { return threads ? threads : default_threads(usable_cores()); }
  // The I/O threads when --threads is not given: one fewer than `cores`, at least 1. The
  // last core is left to the journal writer (group commit: apply, answer), the log flusher
  // and the kernel's network work; a busy thread per core more than that only adds context
  // switches (measured: bench/RESULTS.md, "Threads").
  static unsigned default_threads(unsigned cores) noexcept { return cores > 1 ? cores - 1 : 1; }
  // The CPUs this process may run on (its affinity mask: taskset, systemd's CPUAffinity=,
  // a container's cpuset), else the online count; at least 1.
  static unsigned usable_cores() noexcept;

  friend bool operator==(const server_config&, const server_config&) = default;
};

// `mixtaped keys add --keys FILE --principal P --org O [--org O2 ...] [--capability C ...]`
struct keys_add_command {
  std::string keys_file;  // empty: <data_dir>/keys.json
  std::string data_dir = "./data";
  std::string principal;
  std::vector<std::string> organizations;
  std::vector<std::string> capabilities;
};

// `mixtaped backup --from URL --key KEY --out FILE` (docs/operations.md, "Backup")
struct backup_command {
  std::string from;  // the server's base URL, http://HOST:PORT
  std::string key;   // an admin key (MIXTAPE_ADMIN); also MIXTAPE_KEY
  std::string out;
};

// `mixtaped restore --from FILE --data-dir DIR`, or
// `mixtaped restore --from-archive DIR --data-dir NEW [--until TIME | --until-seq N]`
struct restore_command {
  std::string from;          // a backup file
  std::string from_archive;  // an --archive-dir
  std::string data_dir;
  std::optional<std::int64_t> until_time;  // unix seconds (from RFC 3339)
  std::optional<std::uint64_t> until_seq;
};

// `mixtaped cluster status --cluster-etcd URL[,URL...] --cluster-name NAME` (docs/cluster.md)
struct cluster_status_command {
  std::vector<std::string> etcd;
  std::string name;
};

struct help_command {};
struct version_command {};

struct command {
  enum class kind { serve, keys_add, backup, restore, cluster_status, help, version } what = kind::serve;
  server_config serve;
  keys_add_command keys_add;
  backup_command backup;
  restore_command restore;
  cluster_status_command cluster_status;

  static command of(kind k) {
    command c;
    c.what = k;
    return c;
  }
};

using core::env_lookup;
using core::process_environment;

// Parses argv (without argv[0]). Errors are problems with field = the flag and a
// one-line message such as "--threads must be an integer between 1 and 256".
core::result<command> parse_command_line(const std::vector<std::string>& args, const env_lookup& env);

// The --help text, generated from the flag table (flags.hpp).
std::string usage();

// "http://A:2379,http://B:2379" -> the URLs; validation_failed (field `flag`) unless each is
// an http:// URL.
core::result<std::vector<std::string>> parse_url_list(const std::string& flag, std::string_view text);
// A cluster or node name: 1 to 64 of [a-z0-9_-].
bool valid_cluster_name(std::string_view name);

// "HOST:PORT" or "[V6]:PORT" -> host, port.
core::result<std::pair<std::string, std::uint16_t>> parse_listen(std::string_view text);

}  // namespace mixtape::config
