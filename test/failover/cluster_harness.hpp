#pragma once
// A whole cluster on loopback for the failover tests (docs/cluster.md): a three-member etcd,
// three mixtaped nodes and HAProxy with the shipped configuration (tools/cluster/haproxy.cfg),
// each a real process. Run as root, every node runs under a uid of its own, so that a test
// can cut one node off with iptables' owner match (partition()), and a standby's data
// directory can sit on a small tmpfs (disk full).
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace mixtape::test::failover {

using namespace std::chrono_literals;

std::uint16_t free_port();
bool running_as_root();

// A child process with its output in a file.
class child {
 public:
  child(std::vector<std::string> args, std::string log_path, process_options options = {});
  ~child();  // SIGKILL if still running
  child(const child&) = delete;
  child& operator=(const child&) = delete;
  void kill_hard();
  bool running() const { return pid_ > 0; }
  std::string log() const;

 private:
  pid_t pid_ = -1;
  std::string log_path_;
};

class etcd_cluster {
 public:
  explicit etcd_cluster(const std::string& root, int members = 3);
  std::string endpoints() const;  // "http://127.0.0.1:C1,..."
  void stop(int i);               // SIGKILL
  void start(int i);              // with its data: it rejoins
  // True once every running member answers /health with "true" (a quorum exists).
  bool wait_healthy(std::chrono::milliseconds limit) const;
  std::uint16_t client_port(int i) const { return members_[static_cast<std::size_t>(i)].client; }
  int size() const { return static_cast<int>(members_.size()); }

 private:
  struct member {
    std::string name, dir;
    std::uint16_t client = 0, peer = 0;
    std::unique_ptr<child> process;
  };
  std::vector<std::string> arguments(const member& m, bool fresh) const;
  std::string root_, initial_cluster_;
  std::vector<member> members_;
};

struct cluster_options {
  unsigned sync_replicas = 1;
  int ttl_seconds = 2;
  // Node indexes whose data directory is a tmpfs of this many MiB (root only; 0: none).
  int small_disk_node = -1;
  int small_disk_mib = 0;
};

class mixtape_cluster {
 public:
  explicit mixtape_cluster(cluster_options options = {});
  ~mixtape_cluster();

  etcd_cluster& etcd() { return *etcd_; }
  int nodes() const { return 3; }
  static std::string server_name(int i) { return "node" + std::to_string(i + 1); }  // in haproxy.cfg
  std::uint16_t port(int i) const { return ports_[static_cast<std::size_t>(i)]; }
  std::uint16_t write_port() const { return write_port_; }
  std::uint16_t read_port() const { return read_port_; }
  server_process& node(int i) { return *nodes_[static_cast<std::size_t>(i)]; }
  bool node_running(int i) const { return nodes_[static_cast<std::size_t>(i)] != nullptr; }
  std::string data_dir(int i) const;
  const cluster_options& options() const { return options_; }
  std::chrono::seconds ttl() const { return std::chrono::seconds(options_.ttl_seconds); }

  // Starts node i (again, on its directory). False when it did not start listening.
  bool start_node(int i);
  void kill_node(int i);  // kill -9, and reaped
  // The node whose GET /primary answers 200, once exactly one does (or nullopt past `limit`).
  std::optional<int> wait_for_leader(std::chrono::milliseconds limit, int other_than = -1);
  // The node's {"role","epoch","seq","lag_ms"}; nullopt when it does not answer in 1 s.
  std::optional<boost::json::object> role(int i);
  // Until every running node has applied as much as the leader has (writes stopped).
  bool wait_converged(std::chrono::milliseconds limit);

  // iptables (owner match, a chain of the test's own): node i's packets to the etcd members
  // and the other nodes' packets to node i are dropped; HAProxy still reaches it.
  void partition(int i);
  void heal();
  // The nodes' recent log lines (requests left out) and HAProxy's: for a failure's message.
  std::string logs();
  uid_t uid_of(int i) const { return root_ ? static_cast<uid_t>(64201 + i) : 0; }

 private:
  std::vector<std::string> node_args(int i) const;

  cluster_options options_;
  bool root_;
  temp_dir dir_;
  std::unique_ptr<etcd_cluster> etcd_;
  std::vector<std::uint16_t> ports_;
  std::vector<std::unique_ptr<server_process>> nodes_;
  std::uint16_t write_port_ = 0, read_port_ = 0;
  std::unique_ptr<child> haproxy_;
  std::string chain_;
  bool partitioned_ = false;
  bool mounted_ = false;
};

// The Jepsen-style client: threads through HAProxy that create collections and add tracks,
// each with an Idempotency-Key, retrying the same request on any failure, and record every
// acknowledged write with the version (ETag) it answered.
class workload {
 public:
  workload(std::uint16_t port, int threads);
  ~workload();  // stop()
  void stop();
  std::size_t acknowledged() const;
  // The first acknowledgement after `t`, from a node other than `not_from` (HAProxy's server
  // name, "node1".."node3"; empty: any); nullopt: none yet.
  std::optional<std::chrono::steady_clock::time_point> first_ack_after(std::chrono::steady_clock::time_point t,
                                                                      const std::string& not_from = {}) const;
  // The longest time between two acknowledgements after `t` (until now).
  std::chrono::milliseconds longest_gap_after(std::chrono::steady_clock::time_point t) const;
  // Waits until `n` more writes are acknowledged than now.
  bool wait_for_more(std::size_t n, std::chrono::milliseconds limit) const;

  struct ack {
    std::string op;          // the Idempotency-Key
    std::string collection;  // its id
    std::string track;       // empty for a create
    std::string version;     // the ETag it answered
    std::string server;      // which node answered (HAProxy's X-Mixtape-Server)
    std::chrono::steady_clock::time_point at;
  };
  std::vector<ack> acks() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// After a fault, with the workload stopped: every running node holds the same collections,
// bodies and ETags; every acknowledged write is on the leader (its collection exists, its
// track is in it) — unless !every_ack_kept (asynchronous replication), where the writes
// missing there are counted and returned; no version of a collection was acknowledged for
// two different writes that both survived. Each failure is reported through Boost.Test.
std::size_t check_history(mixtape_cluster& c, const std::vector<workload::ack>& acks, bool every_ack_kept = true);

}  // namespace mixtape::test::failover
