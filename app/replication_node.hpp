#pragma once
// This node's part in replication (docs/replication.md), wired for app/serve.cpp: the
// primary's registry of standbys (and synchronous acknowledgement), a standby's link and
// client, the epoch history, promotion, reads waiting for a seq, and the hooks the router
// answers /primary, /replica, the stream and promotion with.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "api/admin.hpp"
#include "config/config.hpp"
#include "core/secret_file.hpp"
#include "durability/engine.hpp"
#include "http/replication_client.hpp"
#include "journal/timeline.hpp"
#include "replication/lease_fence.hpp"
#include "replication/seq_waiters.hpp"
#include "replication/standby.hpp"
#include "replication/standbys.hpp"

namespace mixtape::app {

class replication_node {
 public:
  replication_node(const config::server_config& cfg, store::collection_store& store, std::uint64_t rebootstraps);
  ~replication_node();

  // Before the engine opens: the writer's hooks (streams woken, acknowledgements sent,
  // waiting reads answered, synchronous confirmation).
  void hook_writer(journal::writer_options& o);
  // After the engine opened. A primary starts a new epoch; a standby starts following. In a
  // cluster the node starts as a standby that follows nobody yet: its cluster_node tells it
  // whom to follow (follow()) or makes it the leader (promote_to()).
  // `stop_server` ends serving when a standby must start over (see restart()).
  core::status start(durability::engine& engine, const core::secret& secret, std::function<void()> stop_server);
  api::replication_hooks hooks();

  // A cluster's node (app/cluster_node). Follows the primary at `url` (a standby; a no-op
  // when it follows that one already, or leads).
  void follow(const std::string& url);
  // Promotes this standby to primary with an epoch of at least `epoch` (the leader key's
  // revision); the fence must be armed first.
  core::result<api::node_role> promote_to(std::uint64_t epoch);
  // This leader lost its lease (or its key): it acknowledges nothing more — the writes
  // waiting for confirmation hear that the outcome is unknown — and serving ends; the
  // process then starts over as a standby (restart() is step_down).
  void step_down();
  // The journal failed here (a full or failing disk): serving ends and the process exits
  // with an error; a leader's lease goes with it (cluster_node::stop), so another takes over.
  void give_up();
  replication::lease_fence& fence() noexcept { return fence_; }
  replication::standbys& registry() noexcept { return registry_; }
  bool is_primary() const noexcept { return primary_.load(); }
  // False once the journal failed (a write or sync error): nothing more is written here.
  bool journal_healthy() const noexcept { return engine_ == nullptr || engine_->writer().healthy(); }
  // Refuses a write while too few standbys are in sync (service::options::admit).
  std::optional<core::problem> admit() const;
  void stop();

  // After serving ended: what a standby must do to its directory before it starts over.
  // journal_failed: not a restart — the process exits with an error, for the service
  // manager to start it again (a cluster's node whose disk failed or filled up).
  enum class restart_kind { none, diverged, bootstrap, step_down, journal_failed };
  restart_kind restart() const noexcept { return restart_.load(); }
  std::uint64_t fork_seq() const noexcept { return fork_seq_.load(); }
  std::uint64_t rebootstraps() const noexcept { return status_.rebootstraps.load(); }

  // For /metrics.
  api::node_role role() const;
  const replication::standbys& registry() const noexcept { return registry_; }
  const replication::standby_status& standby() const noexcept { return status_; }

 private:
  core::result<api::node_role> promote();
  bool writable() const noexcept { return primary_.load(std::memory_order_relaxed) && (!clustered_ || fence_.live()); }
  std::string following() const;
  void follow_locked(const std::string& url);  // under promote_mutex_
  void end_serving(restart_kind why);
  core::result<std::shared_ptr<core::duplex>> open_stream(const api::stream_request& s);

  const config::server_config& cfg_;
  store::collection_store& store_;
  const bool clustered_;
  replication::standbys registry_;
  replication::lease_fence fence_{registry_};  // the writer's confirmation in a cluster
  replication::seq_waiters waiters_;
  replication::standby_status status_;
  std::atomic<bool> primary_;
  std::atomic<std::uint64_t> epoch_{0};
  std::atomic<restart_kind> restart_{restart_kind::none};
  std::atomic<std::uint64_t> fork_seq_{0};
  std::string node_id_;
  std::string database_id_;
  durability::engine* engine_ = nullptr;
  std::mutex promote_mutex_;
  bool led_ = false;  // under promote_mutex_: this process was the primary (promoted, or started so)
  journal::timeline history_;  // under promote_mutex_ once serving
  std::unique_ptr<replication::standby_link> link_;
  std::atomic<http::replication_client*> client_{nullptr};
  std::unique_ptr<http::replication_client> client_owner_;  // under promote_mutex_ once serving
  std::function<void()> stop_server_;
  mutable std::mutex following_mutex_;
  std::string following_;  // the primary's URL; under following_mutex_
};

}  // namespace mixtape::app
