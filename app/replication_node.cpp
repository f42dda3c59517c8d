#include "replication_node.hpp"

#include <thread>

#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/sha256.hpp"
#include "replication/stream.hpp"

namespace mixtape::app {
namespace {

// Identifies the database a directory holds (the secret is made once, at its first start, and
// travels with backups): a standby follows only the primary it was bootstrapped from.
std::string database_id_of(const core::secret& secret) {
  return core::sha256_hex(std::string_view{reinterpret_cast<const char*>(secret.data()), secret.size()} ).substr(0, 16);
}

}  // namespace

replication_node::replication_node(const config::server_config& cfg, store::collection_store& store,
                                   std::uint64_t rebootstraps)
    : cfg_(cfg),
      store_(store),
      clustered_(cfg.clustered()),
      registry_(cfg.sync_replicas, cfg.sync_timeout, 0),
      waiters_(0),
      primary_(cfg.replicate_from.empty() && !cfg.clustered()),
      node_id_(cfg.clustered() ? cfg.node_name : core::random_hex(8)),
      following_(cfg.replicate_from) {
  status_.rebootstraps.store(rebootstraps);
  // In a cluster every standby that must confirm a write is named in etcd's sync key.
  if (clustered_ && cfg.sync_replicas > 0) registry_.require_sync_set();
}

replication_node::~replication_node() { stop(); }

void replication_node::hook_writer(journal::writer_options& o) {
  o.after_append = [this](std::uint64_t first, std::uint64_t last, std::string_view framed) {
    registry_.appended(first, last, framed);
  };
  o.after_write = [this](std::uint64_t) {  // synced: a standby acknowledges it
    if (auto* c = client_.load(std::memory_order_acquire)) c->durable();
  };
  o.after_completions = [this](std::uint64_t) { waiters_.reached(store_.applied_seq()); };
  o.confirm = clustered_ ? static_cast<journal::confirmation*>(&fence_) : &registry_;
}

core::status replication_node::start(durability::engine& engine, const core::secret& secret,
                                     std::function<void()> stop_server) {
  engine_ = &engine;
  database_id_ = database_id_of(secret);
  const std::uint64_t last = engine.writer().written_seq();
  registry_.written(last);
  waiters_.reached(store_.applied_seq());
  auto history = journal::timeline::load(cfg_.data_dir);
  if (!history) return std::move(history).error();
  history_ = std::move(history).value();
  if (primary_) {
    led_ = true;
    // Every start of a primary is a new epoch: a standby that holds records this node lost
    // (a crash of the machine before they were synced here) then sees its history fork.
    epoch_ = history_.begin_epoch(last + 1);
    if (auto st = history_.save(cfg_.data_dir); !st) return st;
    registry_.set_active(true);
    core::log::info("primary", {{"epoch", std::to_string(epoch_.load())}, {"seq", std::to_string(last)},
                                {"sync_replicas", std::to_string(cfg_.sync_replicas)}});
    return core::success();
  }
  epoch_ = history_.current_epoch();
  link_ = std::make_unique<replication::standby_link>(cfg_.data_dir, history_, database_id_, node_id_, engine.writer(),
                                                      store_, status_);
  stop_server_ = std::move(stop_server);
  if (!cfg_.replicate_from.empty()) {
    std::lock_guard lock{promote_mutex_};
    following_.clear();
    follow_locked(cfg_.replicate_from);
  }
  return core::success();
}

void replication_node::follow(const std::string& url) {
  std::lock_guard lock{promote_mutex_};
  follow_locked(url);
}

void replication_node::follow_locked(const std::string& url) {
  // A node that led (or leads) in this process follows nobody before it started over: its
  // link knows nothing of the records it wrote as the primary.
  if (led_ || restart_.load() != restart_kind::none || url == following()) return;
  client_.store(nullptr);
  if (client_owner_) client_owner_->stop();
  {
    std::lock_guard lock{following_mutex_};
    following_ = url;
  }
  client_owner_ = std::make_unique<http::replication_client>(
      http::replication_client_options{url, cfg_.replication_key}, *link_, status_,
      [this](replication::stop_reason why, std::uint64_t fork) {
        fork_seq_ = fork;
        if (why != replication::stop_reason::diverged) status_.rebootstraps.fetch_add(1);
        restart_ = why == replication::stop_reason::diverged ? restart_kind::diverged : restart_kind::bootstrap;
        stop_server_();
      });
  client_.store(client_owner_.get(), std::memory_order_release);
  client_owner_->start();
}

std::string replication_node::following() const {
  std::lock_guard lock{following_mutex_};
  return following_;
}

void replication_node::step_down() { end_serving(restart_kind::step_down); }
void replication_node::give_up() { end_serving(restart_kind::journal_failed); }

void replication_node::end_serving(restart_kind why) {
  auto expected = restart_kind::none;
  if (!restart_.compare_exchange_strong(expected, why)) return;
  fence_.stop();  // the writes waiting to be confirmed are told the outcome is unknown
  primary_.store(false);
  if (stop_server_) stop_server_();
}

std::optional<core::problem> replication_node::admit() const {
  if (registry_.accepting()) return std::nullopt;
  if (clustered_)
    return core::problem{core::errc::unavailable, "",
                         "writes are refused: the sync standbys (" + std::to_string(registry_.sync_set().size()) +
                             " of the " + std::to_string(registry_.sync_replicas()) +
                             " --sync-replicas asks for) are not all connected and in sync"};
  return core::problem{core::errc::unavailable, "",
                       "writes are refused: " + std::to_string(registry_.in_sync()) + " of the " +
                           std::to_string(registry_.sync_replicas()) +
                           " standbys --sync-replicas asks for are connected and in sync"};
}

api::node_role replication_node::role() const {
  api::node_role r;
  r.primary = primary_.load();
  r.admitted = registry_.accepting() && (!clustered_ || fence_.live());
  r.epoch = epoch_.load();
  r.seq = store_.applied_seq();
  if (!r.primary) {
    r.epoch = status_.epoch.load();
    r.lag_ms = status_.lag_ms(r.seq);
    r.primary_url = following();
  }
  return r;
}

api::replication_hooks replication_node::hooks() {
  api::replication_hooks h;
  h.role = [this] { return role(); };
  h.accepts_writes = [this] { return writable(); };
  h.stream = [this](const api::stream_request& s) { return open_stream(s); };
  h.promote = [this] { return promote(); };
  h.wait_for_seq = [this](std::uint64_t seq, std::function<void(bool)> done) {
    waiters_.wait(seq, replication::seq_waiters::clock::now() + cfg_.read_wait, std::move(done));
  };
  h.max_replica_lag_ms = cfg_.max_replica_lag.count();
  h.node_id = node_id_;
  return h;
}

core::result<std::shared_ptr<core::duplex>> replication_node::open_stream(const api::stream_request& s) {
  const bool node_ok = !s.node.empty() && s.node.size() <= 64 &&
                       s.node.find_first_not_of("0123456789abcdefghijklmnopqrstuvwxyz_-") == std::string_view::npos;
  if (!node_ok)
    return core::problem::validation("X-Mixtape-Node", "X-Mixtape-Node must be the standby's node id (hex) or node name");
  if (s.database != database_id_)
    return core::problem{core::errc::conflict, "",
                         "this server holds another database: a standby follows only the primary it was bootstrapped from"};
  std::vector<std::pair<std::string, std::string>> fields;
  {
    std::lock_guard lock{promote_mutex_};
    fields = {{"X-Mixtape-History", history_.encode()},
              {"X-Mixtape-Database", database_id_},
              {"X-Mixtape-Node", node_id_},
              {"X-Mixtape-Epoch", std::to_string(epoch_.load())},
              {"X-Mixtape-Seq", std::to_string(registry_.written_seq())}};
  }
  // What it holds counts for synchronous acknowledgement only as far as its history agrees
  // with this one's: a node whose tail diverged confirms nothing before it has set it aside.
  std::uint64_t held = 0;
  if (auto theirs = journal::timeline::decode(s.history)) {
    std::lock_guard lock{promote_mutex_};
    held = std::min(s.after, journal::fork_seq(history_, theirs.value()) - 1);
  }
  auto stream = replication::standby_stream::open(cfg_.data_dir, s.after, held, registry_, std::string{s.node},
                                                  std::move(fields));
  if (!stream) return std::move(stream).error();
  core::log::info("a standby follows", {{"node", std::string{s.node}}, {"after", std::to_string(s.after)}});
  return std::shared_ptr<core::duplex>{std::move(stream).value()};
}

core::result<api::node_role> replication_node::promote() {
  if (clustered_)
    return core::problem{core::errc::conflict, "",
                         "this node is in a cluster: etcd decides who leads (docs/cluster.md: stop the leader to hand over)"};
  return promote_to(0);
}

// Stops following, waits until every record received is journaled and applied, starts a new
// epoch after them (numbered at least `at_least`), and accepts writes.
core::result<api::node_role> replication_node::promote_to(std::uint64_t at_least) {
  std::lock_guard lock{promote_mutex_};
  if (primary_.load()) return role();
  if (client_owner_) {
    client_.store(nullptr);
    client_owner_->stop();
  }
  {
    std::lock_guard following_lock{following_mutex_};
    following_.clear();
  }
  const std::uint64_t last = link_ ? link_->last_seq() : engine_->writer().written_seq();
  for (int i = 0; i < 10'000 && (engine_->writer().written_seq() < last || store_.applied_seq() < last); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (store_.applied_seq() < last || (link_ && !link_->healthy()))
    return core::problem{core::errc::unavailable, "", "the records received could not all be journaled here"};
  if (link_) history_ = link_->history();
  epoch_ = history_.begin_epoch(last + 1, at_least);
  if (auto st = history_.save(cfg_.data_dir); !st) return std::move(st).error();
  // An import its old primary left unfinished is this primary's to roll back (before the
  // registry is active: the rollback waits for no standby).
  if (auto st = engine_->roll_back_unfinished_imports(); !st) return std::move(st).error();
  registry_.written(engine_->writer().written_seq());
  engine_->writer().set_gather_max(cfg_.group_commit_wait);
  registry_.set_active(true);
  led_ = true;
  primary_.store(true);
  core::log::warn("promoted: this server is the primary now",
                  {{"epoch", std::to_string(epoch_.load())}, {"seq", std::to_string(last)}});
  return role();
}

void replication_node::stop() {
  client_.store(nullptr);
  if (client_owner_) client_owner_->stop();
  fence_.stop();  // and the registry: no wait for a standby
  waiters_.stop();
}

}  // namespace mixtape::app
