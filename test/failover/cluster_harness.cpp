#include "failover/cluster_harness.hpp"

#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <boost/asio.hpp>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "support/files.hpp"
#include "support/fixture.hpp"
#include "support/wait.hpp"

namespace mixtape::test::failover {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using clock = std::chrono::steady_clock;

const std::string cluster_name = "t";

std::string loopback(std::uint16_t port) { return "127.0.0.1:" + std::to_string(port); }

// Runs a shell command of the test's own (iptables, chown); false when it failed.
bool run(const std::string& command) { return std::system(command.c_str()) == 0; }

// GET `target` on 127.0.0.1:port within a second; nullopt when it did not answer.
std::optional<http_reply> get(std::uint16_t port, const std::string& target) {
  try {
    http_client c{port};
    c.set_timeout(1s);
    return c.request("GET", target);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::uint16_t free_port() {
  asio::io_context io;
  asio::ip::tcp::acceptor a{io, {asio::ip::make_address("127.0.0.1"), 0}};
  return a.local_endpoint().port();
}

bool running_as_root() { return ::geteuid() == 0; }

child::child(std::vector<std::string> args, std::string log_path, process_options options)
    : log_path_(std::move(log_path)) {
  pid_ = spawn_process(args, log_path_ + ".out", log_path_, options);
}

child::~child() { kill_hard(); }

void child::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  wait_for_exit(pid_, 10s);
  pid_ = -1;
}

std::string child::log() const { return read_file(log_path_); }

etcd_cluster::etcd_cluster(const std::string& root, int members) : root_(root) {
  std::filesystem::create_directories(root);
  for (int i = 0; i < members; ++i) {
    member m;
    m.name = "e" + std::to_string(i);
    m.dir = root + "/" + m.name;
    m.client = free_port();
    m.peer = free_port();
    initial_cluster_ += (i ? "," : "") + m.name + "=http://" + loopback(m.peer);
    members_.push_back(std::move(m));
  }
  for (auto& m : members_) m.process = std::make_unique<child>(arguments(m, true), m.dir + ".log");
}

std::vector<std::string> etcd_cluster::arguments(const member& m, bool fresh) const {
  return {"/usr/bin/etcd",
          "--name", m.name,
          "--data-dir", m.dir,
          "--listen-client-urls", "http://" + loopback(m.client),
          "--advertise-client-urls", "http://" + loopback(m.client),
          "--listen-peer-urls", "http://" + loopback(m.peer),
          "--initial-advertise-peer-urls", "http://" + loopback(m.peer),
          "--initial-cluster", initial_cluster_,
          "--initial-cluster-state", fresh ? "new" : "existing",
          "--initial-cluster-token", "mixtape-test-" + std::to_string(::getpid()),
          "--heartbeat-interval", "100",
          "--election-timeout", "1000"};
}

std::string etcd_cluster::endpoints() const {
  std::string out;
  for (const auto& m : members_) out += (out.empty() ? "" : ",") + std::string{"http://"} + loopback(m.client);
  return out;
}

void etcd_cluster::stop(int i) { members_[static_cast<std::size_t>(i)].process.reset(); }

void etcd_cluster::start(int i) {
  auto& m = members_[static_cast<std::size_t>(i)];
  m.process = std::make_unique<child>(arguments(m, false), m.dir + ".log");
}

bool etcd_cluster::wait_healthy(std::chrono::milliseconds limit) const {
  return wait_until(
      [&] {
        for (const auto& m : members_) {
          if (!m.process) continue;
          const auto r = get(m.client, "/health");
          if (!r || r->body.find("\"true\"") == std::string::npos) return false;
        }
        return true;
      },
      limit, 50ms);
}

mixtape_cluster::mixtape_cluster(cluster_options options)
    : options_(options), root_(running_as_root()), chain_("MIXTAPE_T" + std::to_string(::getpid())) {
  ::chmod(dir_.path().c_str(), 0755);  // the nodes' uids reach their directories
  etcd_ = std::make_unique<etcd_cluster>(dir_.path() + "/etcd");
  if (!etcd_->wait_healthy(30s))
    BOOST_FAIL("etcd did not become healthy: " + read_file(dir_.path() + "/etcd/e0.log") + "\n" +
               read_file(dir_.path() + "/etcd/e1.log") + "\n" + read_file(dir_.path() + "/etcd/e2.log"));
  for (int i = 0; i < nodes(); ++i) {
    ports_.push_back(free_port());
    const std::string d = data_dir(i);
    std::filesystem::create_directories(d);
    if (i == options_.small_disk_node && root_) {
      const std::string size = "size=" + std::to_string(options_.small_disk_mib) + "m";
      BOOST_REQUIRE_MESSAGE(::mount("tmpfs", d.c_str(), "tmpfs", 0, size.c_str()) == 0, "mount tmpfs on " + d);
      mounted_ = true;
    }
    write_test_keys(d + "/keys.json");
    if (root_) BOOST_REQUIRE(run("chown -R " + std::to_string(uid_of(i)) + ":" + std::to_string(uid_of(i)) + " " + d));
  }
  nodes_.resize(3);
  // The first founds the database and leads; the others bootstrap from it.
  BOOST_REQUIRE_MESSAGE(start_node(0), "node 0 did not start: " + (nodes_[0] ? nodes_[0]->stderr_text() : ""));
  BOOST_REQUIRE_MESSAGE(nodes_[0]->wait_for_stderr("elected", 20s), "node 0 did not lead: " + nodes_[0]->stderr_text());
  for (int i = 1; i < nodes(); ++i) BOOST_REQUIRE_MESSAGE(start_node(i), "node " + std::to_string(i) + " did not start");
  write_port_ = free_port();
  read_port_ = free_port();
  process_options env;
  env.env = {"MIXTAPE_WRITE_BIND=" + loopback(write_port_), "MIXTAPE_READ_BIND=" + loopback(read_port_)};
  for (int i = 0; i < nodes(); ++i) env.env.push_back("MIXTAPE_NODE" + std::to_string(i + 1) + "=" + loopback(port(i)));
  haproxy_ = std::make_unique<child>(
      std::vector<std::string>{"/usr/sbin/haproxy", "-f", std::string{MIXTAPE_SOURCE_DIR} + "/tools/cluster/haproxy.cfg", "-db"},
      dir_.path() + "/haproxy.log", env);
  // Ready once a write goes through HAProxy (with --sync-replicas, once a standby is in sync).
  BOOST_REQUIRE_MESSAGE(wait_until(
                            [&] {
                              try {
                                http_client c{write_port_};
                                c.set_timeout(2s);
                                return c.request("POST", "/v1/music/" + org + "/collections", R"({"name":"ready"})",
                                                 key_header(alice_key)).status == 201;
                              } catch (const std::exception&) {
                                return false;
                              }
                            },
                            30s, 50ms),
                        "no write went through HAProxy: " + haproxy_->log());
}

mixtape_cluster::~mixtape_cluster() {
  heal();
  haproxy_.reset();
  for (auto& n : nodes_) n.reset();
  if (mounted_) ::umount2(data_dir(options_.small_disk_node).c_str(), MNT_DETACH);
}

std::string mixtape_cluster::data_dir(int i) const { return dir_.path() + "/n" + std::to_string(i); }

std::vector<std::string> mixtape_cluster::node_args(int i) const {
  return {"--cluster-etcd", etcd_->endpoints(), "--cluster-name", cluster_name, "--node-name", "n" + std::to_string(i),
          "--cluster-ttl", std::to_string(options_.ttl_seconds), "--sync-replicas", std::to_string(options_.sync_replicas),
          "--sync-timeout-ms", "2000", "--replication-key", replication_key};
}

bool mixtape_cluster::start_node(int i) {
  process_options o;
  o.listen = loopback(port(i));
  o.uid = uid_of(i);
  auto& slot = nodes_[static_cast<std::size_t>(i)];
  slot.reset();
  slot = std::make_unique<server_process>(data_dir(i), node_args(i), o);
  return slot->started();
}

void mixtape_cluster::kill_node(int i) { nodes_[static_cast<std::size_t>(i)].reset(); }

std::optional<boost::json::object> mixtape_cluster::role(int i) {
  const auto r = get(port(i), "/primary");
  if (!r) return std::nullopt;
  try {
    return r->json().as_object();
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<int> mixtape_cluster::wait_for_leader(std::chrono::milliseconds limit, int other_than) {
  int leader = -1;
  const bool found = wait_until(
      [&] {
        std::vector<int> leaders;
        for (int i = 0; i < nodes(); ++i) {
          if (!node_running(i)) continue;
          const auto r = get(port(i), "/primary");
          if (r && r->status == 200) leaders.push_back(i);
        }
        if (leaders.size() != 1 || leaders[0] == other_than) return false;
        leader = leaders[0];
        return true;
      },
      limit, 20ms);
  return found ? std::optional<int>{leader} : std::nullopt;
}

bool mixtape_cluster::wait_converged(std::chrono::milliseconds limit) {
  const auto leader = wait_for_leader(limit);
  if (!leader) return false;
  return wait_until(
      [&] {
        const auto l = role(*leader);
        if (!l) return false;
        const auto target = l->at("seq").as_int64();
        for (int i = 0; i < nodes(); ++i) {
          if (!node_running(i)) continue;
          const auto r = role(i);
          if (!r || r->at("seq").as_int64() != target) return false;
        }
        return true;
      },
      limit, 20ms);
}

void mixtape_cluster::partition(int i) {
  BOOST_REQUIRE_MESSAGE(root_, "a partition needs root (iptables)");
  BOOST_REQUIRE(run("iptables -N " + chain_ + " && iptables -I OUTPUT -j " + chain_));
  partitioned_ = true;
  const auto drop = [&](uid_t uid, std::uint16_t port) {
    BOOST_REQUIRE(run("iptables -A " + chain_ + " -o lo -p tcp -m owner --uid-owner " + std::to_string(uid) +
                      " --dport " + std::to_string(port) + " -j DROP"));
  };
  for (int e = 0; e < etcd_->size(); ++e) drop(uid_of(i), etcd_->client_port(e));
  for (int k = 0; k < nodes(); ++k)
    if (k != i) {
      drop(uid_of(k), port(i));
      drop(uid_of(i), port(k));
    }
}

std::string mixtape_cluster::logs() {
  std::string out;
  for (int i = 0; i < nodes(); ++i) {
    out += "\n--- node " + std::to_string(i) + (node_running(i) ? "" : " (not running)") + "\n";
    if (!node_running(i)) continue;
    std::vector<std::string> lines;
    std::istringstream in{nodes_[static_cast<std::size_t>(i)]->stderr_text()};
    for (std::string line; std::getline(in, line);)
      if (line.find(" request method=") == std::string::npos) lines.push_back(line);
    for (std::size_t k = lines.size() > 25 ? lines.size() - 25 : 0; k < lines.size(); ++k) out += lines[k] + "\n";
  }
  return out + "--- haproxy\n" + haproxy_->log();
}

void mixtape_cluster::heal() {
  if (!partitioned_) return;
  run("iptables -D OUTPUT -j " + chain_ + " ; iptables -F " + chain_ + " ; iptables -X " + chain_);
  partitioned_ = false;
}

// ---- the workload ----

struct workload::impl {
  std::uint16_t port;
  std::atomic<bool> stopping{false};
  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  std::vector<ack> acks;  // under mutex
  std::vector<std::thread> threads;

  void record(ack a) {
    std::lock_guard lock{mutex};
    acks.push_back(std::move(a));
    changed.notify_all();
  }

  // Sends the request until it is acknowledged (2xx) or the workload stops; retries with the
  // same Idempotency-Key after every failure. The reply, or nullopt when abandoned.
  std::optional<http_reply> until_acknowledged(http_client& c, const std::string& method, const std::string& target,
                                               const std::string& body, const std::string& key) {
    while (!stopping.load()) {
      try {
        auto r = c.request(method, target, body, {{"X-API-Key", alice_key}, {"Idempotency-Key", key}});
        if (r.status == 200 || r.status == 201) return r;
        if (r.status >= 400 && r.status < 500 && r.status != 409 && r.status != 429) {
          BOOST_ERROR("the workload's request was refused: " + std::to_string(r.status) + " " + r.body);
          return std::nullopt;
        }
      } catch (const std::exception&) {
      }
      std::this_thread::sleep_for(20ms);  // a retry's pause, not a wait for an event
    }
    return std::nullopt;
  }

  void run(int thread) {
    http_client c{port};
    c.set_timeout(3s);
    std::mt19937 random{static_cast<unsigned>(thread)};
    std::vector<std::string> mine;
    const std::string base = "/v1/music/" + org + "/collections";
    for (int i = 0; !stopping.load(); ++i) {
      const std::string key = "w" + std::to_string(thread) + "-" + std::to_string(i);
      if (mine.empty() || i % 4 == 0) {
        auto r = until_acknowledged(c, "POST", base, R"({"name":")" + key + "\"}", key);
        if (!r) return;
        const std::string id{r->json().at("id").as_string()};
        mine.push_back(id);
        record({key, id, "", r->header("ETag"), r->header("X-Mixtape-Server"), clock::now()});
      } else {
        const std::string id = mine[random() % mine.size()];
        const std::string track = "mtrack_w" + std::to_string(thread) + "x" + std::to_string(i);
        auto r = until_acknowledged(c, "POST", base + "/" + id + "/tracks", R"({"track_id":")" + track + "\"}", key);
        if (!r) return;
        record({key, id, track, r->header("ETag"), r->header("X-Mixtape-Server"), clock::now()});
      }
    }
  }
};

workload::workload(std::uint16_t port, int threads) : impl_(std::make_unique<impl>()) {
  impl_->port = port;
  for (int t = 0; t < threads; ++t) impl_->threads.emplace_back([this, t] { impl_->run(t); });
}

workload::~workload() { stop(); }

void workload::stop() {
  impl_->stopping = true;
  for (auto& t : impl_->threads)
    if (t.joinable()) t.join();
}

std::size_t workload::acknowledged() const {
  std::lock_guard lock{impl_->mutex};
  return impl_->acks.size();
}

std::optional<clock::time_point> workload::first_ack_after(clock::time_point t, const std::string& not_from) const {
  std::lock_guard lock{impl_->mutex};
  std::optional<clock::time_point> first;
  for (const auto& a : impl_->acks)
    if (a.at > t && (not_from.empty() || a.server != not_from) && (!first || a.at < *first)) first = a.at;
  return first;
}

std::chrono::milliseconds workload::longest_gap_after(clock::time_point t) const {
  std::vector<clock::time_point> times{t};
  {
    std::lock_guard lock{impl_->mutex};
    for (const auto& a : impl_->acks)
      if (a.at > t) times.push_back(a.at);
  }
  std::sort(times.begin(), times.end());
  clock::duration longest{0};
  for (std::size_t i = 1; i < times.size(); ++i) longest = std::max(longest, times[i] - times[i - 1]);
  return std::chrono::duration_cast<std::chrono::milliseconds>(longest);
}

bool workload::wait_for_more(std::size_t n, std::chrono::milliseconds limit) const {
  std::unique_lock lock{impl_->mutex};
  const std::size_t target = impl_->acks.size() + n;
  return impl_->changed.wait_for(lock, limit, [&] { return impl_->acks.size() >= target; });
}

std::vector<workload::ack> workload::acks() const {
  std::lock_guard lock{impl_->mutex};
  return impl_->acks;
}

std::size_t check_history(mixtape_cluster& c, const std::vector<workload::ack>& acks, bool every_ack_kept) {
  BOOST_REQUIRE_MESSAGE(c.wait_converged(60s), "the nodes did not converge");
  const int leader = c.wait_for_leader(10s).value_or(-1);
  BOOST_REQUIRE(leader >= 0);
  std::set<std::string> collections;
  for (const auto& a : acks) collections.insert(a.collection);
  // Every node answers alike; what the leader holds decides which acknowledged writes survived.
  std::map<std::string, http_reply> on_leader_collection, on_leader_tracks;
  const std::string base = "/v1/music/" + org + "/collections/";
  for (const auto& id : collections) {
    std::optional<http_reply> first_tracks, first_collection;
    for (int i = 0; i < c.nodes(); ++i) {
      if (!c.node_running(i)) continue;
      http_client h{c.port(i)};
      h.set_timeout(5s);
      const auto coll = h.request("GET", base + id, "", key_header(alice_key));
      const auto page = h.request("GET", base + id + "/tracks?limit=500", "", key_header(alice_key));
      if (i == leader) {
        on_leader_collection[id] = coll;
        on_leader_tracks[id] = page;
      }
      if (!first_collection) {
        first_collection = coll;
        first_tracks = page;
        continue;
      }
      BOOST_TEST(coll.body == first_collection->body, "node " << i << " differs on " << id);
      BOOST_TEST(coll.header("ETag") == first_collection->header("ETag"));
      BOOST_TEST(page.body == first_tracks->body, "node " << i << " differs on the tracks of " << id);
    }
  }
  const auto kept = [&](const workload::ack& a) {
    if (on_leader_collection[a.collection].status != 200) return false;
    return a.track.empty() || on_leader_tracks[a.collection].body.find("\"" + a.track + "\"") != std::string::npos;
  };
  std::size_t lost = 0;
  std::map<std::pair<std::string, std::string>, std::string> version_owner;
  for (const auto& a : acks) {
    if (!kept(a)) {
      ++lost;
      BOOST_TEST(!every_ack_kept, "acknowledged write " << a.op << " (" << a.collection << " " << a.track
                                                        << ") is missing on the leader");
      continue;  // lost (asynchronous replication): its version may be given again
    }
    // No split brain: a version of a collection answered for one surviving write only.
    const auto [it, fresh] = version_owner.emplace(std::pair{a.collection, a.version}, a.op);
    BOOST_TEST((fresh || it->second == a.op), "version " << a.version << " of " << a.collection
                                                         << " was acknowledged for " << it->second << " and " << a.op);
  }
  return lost;
}

}  // namespace mixtape::test::failover
