#include "serve.hpp"

#include <iostream>

#include "auth/keys.hpp"
#include "core/log.hpp"
#include "core/log_buffer.hpp"
#include "core/secret_file.hpp"
#include "data_dir.hpp"
#include "http/server.hpp"
#include "durability/backup_source.hpp"
#include "durability/engine.hpp"
#include "core/job_thread.hpp"
#include "durability/org_export.hpp"
#include "service/organizations.hpp"
#include "journal/writer.hpp"
#include "service/collections.hpp"
#include "store/collection_store.hpp"
#include "replica_dir.hpp"
#include "replication_node.hpp"
#include "cluster_node.hpp"

namespace mixtape::app {
namespace {

// How long an export may wait for the snapshot it reads (a compaction running first, then
// its own); past it the export is a 503 with Retry-After.
constexpr std::chrono::minutes export_wait{5};

// A backup's or an export's source, opened, as the stream an admin route answers with.
template <class Source>
core::result<api::backup_stream> stream_of(core::result<std::unique_ptr<Source>> source) {
  if (!source) return std::move(source).error();
  const std::uint64_t seq = source.value()->seq();
  return api::backup_stream{seq, std::shared_ptr<core::byte_source>{std::move(source).value()}};
}

int fail(std::string_view what) {
  core::log::error(what);
  return 1;
}

journal::writer_options writer_options_of(const config::server_config& cfg) {
  journal::writer_options o;
  o.policy = cfg.fsync == config::fsync_mode::always  ? journal::fsync_policy::always
             : cfg.fsync == config::fsync_mode::batch ? journal::fsync_policy::batch
                                                      : journal::fsync_policy::never;
  o.interval = cfg.fsync_interval;
  o.gather_max = cfg.group_commit_wait;
  return o;
}

durability::engine_options durability_options_of(const config::server_config& cfg) {
  durability::engine_options o;
  o.dir = cfg.data_dir;
  o.repair = cfg.repair;
  o.writer = writer_options_of(cfg);
  o.compaction.compact_bytes = cfg.compact_bytes;
  o.archive.archive_dir = cfg.archive_dir;
  o.archive.interval = cfg.archive_interval;
  return o;
}

// The replication part of /metrics.
void add_replication_gauges(api::gauges& g, const replication_node& node) {
  const auto role = node.role();
  g.primary = role.primary;
  g.epoch = role.epoch;
  g.applied_seq = role.seq;
  if (!role.primary) {
    const auto& s = node.standby();
    const std::uint64_t primary_seq = s.primary_seq.load();
    g.standby_lag_records = primary_seq > role.seq ? primary_seq - role.seq : 0;
    g.standby_lag_ms = role.lag_ms;
    g.standby_reconnects = s.reconnects.load();
    g.standby_rebootstraps = s.rebootstraps.load();
  }
  for (const auto& b : node.registry().list()) {
    g.standbys.push_back({b.name, b.acked, b.lag_ms});
    if (b.in_sync) ++g.standbys_in_sync;
  }
}

api::gauges gauges_of(const store::collection_store& store, durability::engine& engine, const http::server* server,
                      const durability::backup_counters& backups) {
  const auto js = engine.writer().stats();
  const auto cs = engine.compaction().stats();
  api::gauges g;
  g.collections = store.size();
  g.share_links = store.shares().size();
  g.connections_open = server ? server->open_connections() : 0;
  g.journal_records = js.records;
  g.journal_bytes = js.bytes;
  g.journal_syncs = js.syncs;
  g.journal_batches = js.batches;
  g.journal_largest_batch = js.largest_batch;
  g.journal_healthy = engine.writer().healthy();
  g.journal_file_bytes = js.file_bytes;
  g.compactions = cs.compactions;
  g.log_lines_dropped = core::log::dropped_lines();
  g.compaction_failures = cs.failures;
  g.snapshot_seq = cs.snapshot_seq;
  g.last_compaction_ms = cs.last_duration_ms;
  g.idempotency_keys = store.remembered().size();
  g.idempotency_keys_forgotten = store.remembered().forgotten_early();
  g.backups_started = backups.started.load(std::memory_order_relaxed);
  g.backups_completed = backups.completed.load(std::memory_order_relaxed);
  g.backups_failed = backups.failed.load(std::memory_order_relaxed);
  g.backup_bytes = backups.bytes.load(std::memory_order_relaxed);
  if (const auto* a = engine.archiving()) {
    const auto as = a->stats();
    g.archived_files = as.files;
    g.archive_failures = as.failures;
    g.archived_seq = as.archived_seq;
  }
  return g;
}

http::server_options server_options_of(const config::server_config& cfg) {
  http::server_options o;
  o.host = cfg.listen_host;
  o.port = cfg.listen_port;
  o.threads = cfg.io_threads();
  o.body_limits = {cfg.max_body_bytes, cfg.max_tracks, cfg.max_import_bytes};
  o.max_header_bytes = cfg.max_header_bytes;
  o.header_timeout = cfg.header_timeout;
  o.body_timeout = cfg.body_timeout;
  o.idle_timeout = cfg.idle_timeout;
  o.drain_timeout = cfg.drain_timeout;
  return o;
}

api::rate_limit_options rate_limits_of(const config::server_config& cfg) {
  api::rate_limit_options o;
  o.key_default = cfg.key_rate;
  o.share = cfg.share_rate;
  o.max_tracked_ips = cfg.share_rate_max_ips;
  o.trusted_proxies = cfg.trusted_proxies;
  return o;
}

void print_bootstrap_banner(const std::string& key, const std::string& keys_path, const std::string& base_url) {
  std::cout << "\nmixtaped: created " << keys_path << " with a new API key (shown only once):\n\n"
            << "  export MIXTAPE_KEY=" << key << "\n\n"
            << "Try it:\n\n"
            << "  curl -s -X POST " << base_url << "/v1/music/org_local/collections \\\n"
            << "    -H \"X-API-Key: " << key << "\" -H \"Content-Type: application/json\" \\\n"
            << "    -d '{\"name\": \"Focus Sessions\", \"description\": \"Instrumental tracks for deep work\"}'\n\n"
            << std::flush;
}

void reload_keys(auth::key_store& keys, const std::string& path) {
  auto next = auth::keyset::load(path);
  if (!next) {
    core::log::warn("keys reload failed; keeping the current keys", {{"reason", next.error().message}});
    return;
  }
  const auto count = std::to_string(next->size());
  keys.replace(std::move(next).value());
  core::log::info("keys reloaded", {{"file", path}, {"keys", count}});
}

}  // namespace

int serve(const config::server_config& cfg) {
  core::log::set_format(cfg.log == config::log_format::json ? core::log::format::json : core::log::format::text);
  auto lock = data_dir_lock::acquire(cfg.data_dir);
  if (!lock) return fail(lock.error().message);
  const std::string keys_path = cfg.keys_path();
  auto bootstrap_key = auth::bootstrap_keys_file(keys_path);
  if (!bootstrap_key) return fail(bootstrap_key.error().message);
  auto keys = auth::keyset::load(keys_path);
  if (!keys) return fail(keys.error().message);

  // A cluster's node starts as a standby and leads only once etcd has made it the leader.
  const bool standby = !cfg.replicate_from.empty() || cfg.clustered();
  const std::uint16_t restarted_on = restarted_port();  // a standby starting over keeps its port
  if (standby && !holds_data(cfg.data_dir)) {
    auto source = cfg.clustered() ? cluster_node::source_for_empty_node(cfg) : core::result<std::string>{cfg.replicate_from};
    if (!source) return fail(source.error().message);
    if (!source->empty())
      if (auto st = bootstrap_standby(cfg.data_dir, source.value(), cfg.replication_key); !st) return fail(st.error().message);
  }
  auto secret = core::load_or_create_secret(cfg.data_dir + "/" + core::secret_file_name);
  if (!secret) return fail(secret.error().message);
  store::collection_store store;
  store.remembered().set_limit(cfg.idempotency_keys);  // before recovery: replay remembers keys
  replication_node node{cfg, store, restarted_rebootstraps()};
  auto durability_options = durability_options_of(cfg);
  durability_options.roll_back_imports = !standby;
  if (standby) durability_options.writer.gather_max = std::chrono::microseconds{0};  // records come in messages
  node.hook_writer(durability_options.writer);
  auto engine = durability::engine::open(std::move(durability_options), store);
  if (!engine) return fail(engine.error().message);
  journal::writer& writer = engine.value()->writer();

  service::options svc_options;
  svc_options.max_tracks = cfg.max_tracks;
  svc_options.idempotency_ttl_seconds = cfg.idempotency_ttl.count();
  svc_options.secret = secret.value();
  if (cfg.sync_replicas > 0) svc_options.admit = [&node] { return node.admit(); };  // else never refuses
  service::collections svc{store, writer, svc_options};
  auth::key_store key_store{std::move(keys).value()};
  http::server* server_ptr = nullptr;
  durability::backup_counters backups;
  api::admin_hooks admin;
  admin.backup = [&] {
    return stream_of(durability::backup_source::open(cfg.data_dir, secret.value(),
                                                     [&] { return writer.written_seq(); }, &backups));
  };
  service::organizations orgs{store, writer, core::now_seconds, service::import_limits{cfg.max_tracks}};
  if (cfg.sync_replicas > 0) orgs.set_admission([&node] { return node.admit(); });
  admin.organizations = &orgs;
  admin.replication = node.hooks();
  core::job_thread exports{"mixtape-export"};  // stopped after the engine: a waiting export then ends
  admin.export_org = [&](const std::string& org, api::admin_hooks::export_done done) {
    exports.post([&, org, done = std::move(done)]() -> void {
      if (store.orgs().state_of(org) == model::org_state::importing)  // its export would be a part of it
        return done(core::problem{core::errc::conflict, "",
                                  "organization '" + org + "' is being imported; export it once the import ended"});
      done(stream_of(durability::org_export_source::open(cfg.data_dir, engine.value()->compaction(), org, export_wait)));
    });
  };
  api::router router{svc,
                     key_store,
                     [&] {
                       auto g = gauges_of(store, *engine.value(), server_ptr, backups);
                       add_replication_gauges(g, node);
                       return g;
                     },
                     cfg.access_log,
                     rate_limits_of(cfg),
                     api::cors_policy{cfg.cors_origins},
                     std::move(admin)};
  auto listen_options = server_options_of(cfg);
  if (restarted_on != 0) listen_options.port = restarted_on;
  http::server server{listen_options, router};
  server_ptr = &server;
  if (const auto err = server.listen())
    return fail("cannot listen on " + cfg.listen_host + ":" + std::to_string(listen_options.port) + ": " + err.message());
  if (auto st = node.start(*engine.value(), secret.value(), [&server] { server.stop(true); }); !st)
    return fail(st.error().message);
  const std::string host = cfg.listen_host.find(':') != std::string::npos ? "[" + cfg.listen_host + "]" : cfg.listen_host;
  const std::string base_url = "http://" + host + ":" + std::to_string(server.port());
  std::unique_ptr<cluster_node> cluster;
  if (cfg.clustered()) {
    auto etcd = cluster::etcd_client::connect(cfg.cluster_etcd, cluster_node::request_timeout(cfg));
    if (!etcd) return fail(etcd.error().message);
    cluster = std::make_unique<cluster_node>(cfg, std::move(etcd).value(),
                                             cfg.advertise_url.empty() ? base_url : cfg.advertise_url, node);
    cluster->start();
  }
  svc.set_public_url(cfg.public_url.empty() ? base_url : cfg.public_url);
  if (cfg.public_url.empty() && (cfg.listen_host == "0.0.0.0" || cfg.listen_host == "::"))
    core::log::warn("share links will name a wildcard address; set --public-url to the address clients use",
                    {{"public_url", base_url}});
  server.run([&] { reload_keys(key_store, keys_path); },
             [&] {  // "listening" promises that a SIGTERM from now on is a clean stop, and that
                    // the first start's key is on stdout already (the banner goes first)
               if (bootstrap_key.value()) print_bootstrap_banner(*bootstrap_key.value(), keys_path, base_url);
               core::log::info("listening", {{"addr", host + ":" + std::to_string(server.port())},
                                             {"threads", std::to_string(server_options_of(cfg).threads)}});
               core::log::start_buffering();  // from here the access log costs an I/O thread no write(2)
             });
  if (cluster) cluster->stop();  // a leader gives its lease up: a standby takes over at once
  node.stop();  // no more records from the primary, no wait for a standby
  engine.value()->close();  // completes what the drain left, before the server's contexts go away
  exports.stop();
  core::log::info("stopped", {{"journal_records", std::to_string(writer.stats().records)}});
  core::log::stop_buffering();
  if (node.restart() == replication_node::restart_kind::none) return 0;
  if (node.restart() == replication_node::restart_kind::journal_failed)
    return fail("exiting: the journal failed (a full or failing disk); start this node again once it is fixed");
  // A standby that must start over: its directory made ready for it, then this program again.
  std::uint64_t rebootstraps = node.rebootstraps();
  if (node.restart() == replication_node::restart_kind::step_down) {
    core::log::warn("starting over as a standby of the cluster");
  } else if (node.restart() == replication_node::restart_kind::diverged) {
    auto cleared = set_aside_from(cfg.data_dir, node.fork_seq());
    if (!cleared) return fail(cleared.error().message);
    if (cleared.value()) ++rebootstraps;  // a snapshot covered the fork: the next start bootstraps
  } else if (auto st = clear_for_bootstrap(cfg.data_dir); !st) {
    return fail(st.error().message);
  }
  return fail(restart_process(server.port(), rebootstraps).error().message);
}

}  // namespace mixtape::app
