#pragma once
// This node's part in a cluster (docs/cluster.md), on a thread of its own ("mixtape-cluster",
// ticking every TTL/10, and at once when the watch of the leader key ("mixtape-watch") sees it change):
// keeps its etcd lease alive and its member key current; as a standby, follows the URL in
// the leader key and campaigns when the key is gone and it may (membership.hpp); as the
// leader, extends the lease fence with each renewal, keeps the sync key current, and steps
// down (the process starts over as a standby) when it loses its lease or its key.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "cluster/etcd_client.hpp"
#include "cluster/leader_watch.hpp"
#include "cluster/membership.hpp"
#include "config/config.hpp"
#include "replication_node.hpp"

namespace mixtape::app {

class cluster_node {
 public:
  cluster_node(const config::server_config& cfg, cluster::etcd_client etcd, std::string advertise_url,
               replication_node& node);
  ~cluster_node();  // stop()
  cluster_node(const cluster_node&) = delete;
  cluster_node& operator=(const cluster_node&) = delete;

  // For an empty data directory, before it opens: the URL of the leader to bootstrap from,
  // or "" when this node founds the cluster's database (the first to claim it). Waits
  // (logged) while there is neither a leader nor a free claim.
  static core::result<std::string> source_for_empty_node(const config::server_config& cfg);
  static std::chrono::milliseconds request_timeout(const config::server_config& cfg);

  void start();
  // Ends the thread; a leader gives its leadership up (revokes its lease: the key goes at
  // once, and a standby takes over without waiting for the TTL).
  void stop();

 private:
  using clock = std::chrono::steady_clock;
  void run();
  void tick();
  void renew_lease();
  void lead(const cluster::cluster_view& view);
  void follow(const cluster::cluster_view& view);
  void campaign(const cluster::cluster_view& view);
  void keep_sync_set(const cluster::cluster_view& view);
  void publish_member(bool now);
  void step_down(const std::string& why);
  // Logs `message` when it differs from the last one logged this way (a state, not a stream).
  void note(const std::string& message, bool warning = false);

  const config::server_config& cfg_;
  cluster::etcd_client etcd_;
  const cluster::cluster_keys keys_;
  const std::string advertise_url_;
  replication_node& node_;
  const std::chrono::seconds ttl_;
  const std::chrono::milliseconds margin_, tick_, renew_every_;

  // On the cluster thread only.
  std::int64_t lease_ = 0;
  clock::time_point lease_live_until_{};  // by this node's clock: renewal sent + TTL - margin
  clock::time_point next_renewal_{};
  clock::time_point next_publish_{};
  std::int64_t leader_revision_ = 0;  // while leading: the leader key's create revision
  std::string last_note_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // under mutex_
  bool poked_ = false;     // under mutex_: the leader key changed, tick now
  std::thread thread_;
  cluster::leader_watch watch_;
};

// `mixtaped cluster status`: prints the cluster as etcd holds it; the exit code.
int cluster_status(const config::cluster_status_command& cmd);

}  // namespace mixtape::app
