#include "cluster_node.hpp"

#include <algorithm>
#include <iomanip>
#include <iostream>

#include "core/log.hpp"
#include "core/thread_name.hpp"

namespace mixtape::app {
namespace {

using std::chrono::milliseconds;

template <class D>
D clamp_ms(D d, long lo, long hi) {
  return std::clamp(d, D{milliseconds{lo}}, D{milliseconds{hi}});
}

std::string number(std::uint64_t n) { return std::to_string(n); }

}  // namespace

std::chrono::milliseconds cluster_node::request_timeout(const config::server_config& cfg) {
  return clamp_ms(std::chrono::duration_cast<milliseconds>(cfg.cluster_ttl) / 4, 200, 2000);
}

cluster_node::cluster_node(const config::server_config& cfg, cluster::etcd_client etcd, std::string advertise_url,
                           replication_node& node)
    : cfg_(cfg),
      etcd_(std::move(etcd)),
      keys_(cfg.cluster_name),
      advertise_url_(std::move(advertise_url)),
      node_(node),
      ttl_(cfg.cluster_ttl),
      // The leader stops acknowledging a quarter of the TTL (at least a second) before etcd
      // could let its lease go, measured from when the renewal was sent (before etcd's own
      // clock started). The second covers an etcd leader that renews for up to an election
      // timeout after it lost its quorum, while the others elect a new one.
      margin_(std::max<milliseconds>(std::chrono::duration_cast<milliseconds>(ttl_) / 4, milliseconds{1000})),
      tick_(clamp_ms(std::chrono::duration_cast<milliseconds>(ttl_) / 10, 100, 500)),
      renew_every_(std::chrono::duration_cast<milliseconds>(ttl_) / 4),
      watch_(etcd_.urls(), keys_.leader(), [this] {
        {
          std::lock_guard lock{mutex_};
          poked_ = true;
        }
        wake_.notify_all();
      }) {}

cluster_node::~cluster_node() { stop(); }

core::result<std::string> cluster_node::source_for_empty_node(const config::server_config& cfg) {
  auto etcd = cluster::etcd_client::connect(cfg.cluster_etcd, request_timeout(cfg));
  if (!etcd) return std::move(etcd).error();
  const cluster::cluster_keys keys{cfg.cluster_name};
  std::string last;
  for (;;) {
    std::string state;
    if (auto range = etcd->range_prefix(keys.prefix); !range) {
      state = "cannot reach etcd: " + range.error().message;
    } else {
      const auto view = cluster::view_of(keys, range.value());
      if (view.leader && view.leader->name != cfg.node_name) return view.leader->url;
      // Claimed before a restart, and no leader ever wrote the sync key: nobody has data yet.
      // Once one did, an empty directory (one set aside for a new bootstrap) waits for a leader.
      if (view.founder && *view.founder == cfg.node_name && !view.sync) return std::string{};
      if (!view.founder) {
        auto claimed = etcd->create(keys.initialize(), cfg.node_name, 0);
        if (claimed && claimed.value()) {
          core::log::info("this node founds the cluster's database", {{"cluster", cfg.cluster_name}});
          return std::string{};
        }
        state = claimed ? "another node claimed the founding first" : claimed.error().message;
      } else {
        state = "waiting for a leader to bootstrap from (the database was founded by " + *view.founder + ")";
      }
    }
    if (state != last) core::log::warn("an empty node cannot start yet", {{"reason", state}});
    last = state;
    std::this_thread::sleep_for(milliseconds(500));
  }
}

void cluster_node::start() {
  thread_ = std::thread([this] { run(); });
  watch_.start();
}

void cluster_node::stop() {
  {
    std::lock_guard lock{mutex_};
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  watch_.stop();
  if (thread_.joinable()) thread_.join();
  if (lease_ != 0) {
    // The member key goes with it; a leader's key too: a standby takes over at once.
    if (auto st = etcd_.revoke(lease_); !st) core::log::warn("cannot revoke the lease", {{"reason", st.error().message}});
    else if (leader_revision_ != 0) core::log::info("gave up leadership", {{"cluster", cfg_.cluster_name}});
  }
}

void cluster_node::run() {
  core::name_this_thread("mixtape-cluster");
  core::log::info("joined the cluster", {{"cluster", cfg_.cluster_name}, {"node", cfg_.node_name},
                                         {"url", advertise_url_}, {"ttl_s", number(ttl_.count())}});
  std::unique_lock lock{mutex_};
  while (!stopping_) {
    lock.unlock();
    tick();
    lock.lock();
    wake_.wait_for(lock, tick_, [&] { return stopping_ || poked_; });
    poked_ = false;
  }
}

void cluster_node::tick() {
  // Starting over (stepped down, or a standby that must set records aside): nothing to
  // decide; least of all whom to follow (a former leader's link knows nothing of its epoch).
  const auto starting_over = [&] { return node_.restart() != replication_node::restart_kind::none; };
  if (starting_over()) return;
  if (!node_.journal_healthy()) {
    core::log::error("the journal failed here: this node leaves the cluster and exits, for its service manager to "
                     "start it again once the disk is fixed");
    return node_.give_up();
  }
  if (clock::now() >= next_renewal_ || lease_ == 0) renew_lease();
  if (leader_revision_ != 0 && !node_.fence().live())
    return step_down("its lease could not be renewed in time (etcd unreachable?)");
  if (starting_over()) return;
  auto range = etcd_.range_prefix(keys_.prefix);
  if (!range) return note("cannot read the cluster's keys: " + range.error().message, true);
  const auto view = cluster::view_of(keys_, range.value());
  if (leader_revision_ != 0) lead(view);
  else follow(view);
  publish_member(false);
}

void cluster_node::renew_lease() {
  const auto sent = clock::now();
  if (lease_ == 0) {
    auto granted = etcd_.grant(ttl_);
    if (!granted) return note("cannot get a lease: " + granted.error().message, true);
    lease_ = granted.value();
    lease_live_until_ = sent + ttl_ - margin_;
    next_renewal_ = sent + renew_every_;
    publish_member(true);
    return;
  }
  auto ttl = etcd_.keep_alive(lease_);
  if (!ttl) {
    next_renewal_ = sent;  // again at the next tick
    return note("cannot renew the lease: " + ttl.error().message, true);
  }
  if (ttl.value() <= 0) {  // expired (a pause, a partition): the keys on it are gone
    lease_ = 0;
    if (leader_revision_ != 0) return step_down("its lease expired");
    return;
  }
  lease_live_until_ = sent + std::chrono::seconds(ttl.value()) - margin_;
  next_renewal_ = sent + renew_every_;
  if (leader_revision_ != 0) node_.fence().extend(lease_live_until_);
}

void cluster_node::lead(const cluster::cluster_view& view) {
  if (!view.leader || view.leader_revision != leader_revision_)
    return step_down(view.leader ? "another node holds the leader key: " + view.leader->name : "its leader key is gone");
  note("leading");
  if (cfg_.sync_replicas > 0) keep_sync_set(view);
}

void cluster_node::follow(const cluster::cluster_view& view) {
  if (view.leader) {
    if (view.leader->name != cfg_.node_name) {
      note("following " + view.leader->name);
      node_.follow(view.leader->url);
      return;
    }
    // This node's key from before it started over: nobody leads through it any more.
    if (auto gone = etcd_.delete_if(keys_.leader(), view.leader_revision); !gone)
      note("cannot remove its stale leader key: " + gone.error().message, true);
    return;
  }
  campaign(view);
}

void cluster_node::campaign(const cluster::cluster_view& view) {
  std::string why;
  if (!cluster::may_campaign(cfg_.node_name, node_.role().seq, cfg_.sync_replicas, view, &why))
    return note("no leader, and this node may not lead: " + why, true);
  if (lease_ == 0 || clock::now() >= lease_live_until_) return note("no leader, and no live lease to campaign with", true);
  const auto live_until = lease_live_until_;
  auto won = etcd_.create(keys_.leader(), cluster::encode(cluster::leader_value{cfg_.node_name, advertise_url_}), lease_);
  if (!won) return note("campaign failed: " + won.error().message, true);
  if (!won.value()) return note("another node took the lead first");
  const auto revision = *won.value();
  node_.fence().arm(live_until);
  auto promoted = node_.promote_to(static_cast<std::uint64_t>(revision));
  if (!promoted) {
    core::log::error("won the election but cannot lead", {{"reason", promoted.error().message}});
    node_.fence().disarm();
    (void)etcd_.delete_if(keys_.leader(), revision);
    return;
  }
  leader_revision_ = revision;
  core::log::warn("elected: this node leads the cluster",
                  {{"epoch", number(promoted->epoch)}, {"revision", std::to_string(revision)},
                   {"seq", number(promoted->seq)}});
  // The sync set starts empty: the standbys join it as they catch up with this node.
  const cluster::sync_value sync{cfg_.node_name, promoted->epoch, {}};
  if (auto put = etcd_.put_if(keys_.sync(), cluster::encode(sync), keys_.leader(), revision); !put || !put.value())
    note("cannot write the sync key yet", true);
  publish_member(true);
}

// Patroni's strict synchronous mode: the registry requires every name in the set before it
// confirms a write. A standby joins the registry's set first (then etcd's: etcd's is never
// wider than what confirms), and leaves etcd's first (then the registry's).
void cluster_node::keep_sync_set(const cluster::cluster_view& view) {
  auto& registry = node_.registry();
  std::vector<cluster::standby_sync_state> standbys;
  for (const auto& s : registry.list()) standbys.push_back({s.name, s.in_sync});
  auto wanted = registry.sync_set();
  const auto change = cluster::next_sync_change(wanted, cfg_.sync_replicas, standbys);
  if (change.what == cluster::sync_change::kind::add) {
    if (registry.add_to_sync_set(change.name)) wanted = registry.sync_set();
  } else if (change.what == cluster::sync_change::kind::remove) {
    std::erase(wanted, change.name);
  }
  const bool same = view.sync && view.sync->leader == cfg_.node_name && view.sync->members == wanted;
  if (same) return;
  const cluster::sync_value sync{cfg_.node_name, node_.role().epoch, wanted};
  auto put = etcd_.put_if(keys_.sync(), cluster::encode(sync), keys_.leader(), leader_revision_);
  if (!put) return note("cannot write the sync key: " + put.error().message, true);
  if (!put.value()) return step_down("its leader key is gone");
  if (change.what == cluster::sync_change::kind::remove) registry.remove_from_sync_set(change.name);
  std::string names;
  for (const auto& n : wanted) names += (names.empty() ? "" : ",") + n;
  core::log::info("sync standbys", {{"members", names.empty() ? "none" : names}});
}

void cluster_node::publish_member(bool now) {
  if (lease_ == 0 || (!now && clock::now() < next_publish_)) return;
  const auto role = node_.role();
  cluster::member_value m{cfg_.node_name, advertise_url_, role.primary ? "primary" : "standby", role.epoch,
                          role.seq, role.lag_ms};
  if (auto st = etcd_.put(keys_.member(cfg_.node_name), cluster::encode(m), lease_); !st)
    return note("cannot publish this node's state: " + st.error().message, true);
  next_publish_ = clock::now() + std::chrono::seconds(1);
}

void cluster_node::step_down(const std::string& why) {
  core::log::warn("stepping down: this node no longer leads", {{"reason", why}});
  leader_revision_ = 0;
  node_.step_down();
}

void cluster_node::note(const std::string& message, bool warning) {
  if (message == last_note_) return;
  last_note_ = message;
  if (warning) core::log::warn(message, {{"cluster", cfg_.cluster_name}});
  else core::log::info(message, {{"cluster", cfg_.cluster_name}});
}

int cluster_status(const config::cluster_status_command& cmd) {
  auto etcd = cluster::etcd_client::connect(cmd.etcd, milliseconds(2000));
  if (!etcd) {
    std::cerr << "mixtaped: " << etcd.error().message << '\n';
    return 2;
  }
  const cluster::cluster_keys keys{cmd.name};
  auto range = etcd->range_prefix(keys.prefix);
  if (!range) {
    std::cerr << "mixtaped: " << range.error().message << '\n';
    return 1;
  }
  const auto view = cluster::view_of(keys, range.value());
  std::cout << "cluster " << cmd.name << " (etcd revision " << view.revision << ")\n";
  if (view.leader) std::cout << "leader: " << view.leader->name << " at " << view.leader->url << ", epoch " << view.leader_revision << '\n';
  else std::cout << "leader: none\n";
  if (view.sync) {
    std::string names;
    for (const auto& n : view.sync->members) names += (names.empty() ? "" : ",") + n;
    std::cout << "sync standbys: " << (names.empty() ? "none" : names) << " (set by " << view.sync->leader << ")\n";
  }
  std::cout << '\n' << std::left << std::setw(20) << "NODE" << std::setw(9) << "ROLE" << std::setw(12) << "EPOCH"
            << std::setw(12) << "SEQ" << std::setw(10) << "LAG_MS" << "URL\n";
  auto members = view.members;
  std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  for (const auto& m : members)
    std::cout << std::setw(20) << m.name << std::setw(9) << m.role << std::setw(12) << m.epoch << std::setw(12) << m.seq
              << std::setw(10) << m.lag_ms << m.url << '\n';
  if (members.empty()) std::cout << "(no node is running)\n";
  return 0;
}

}  // namespace mixtape::app
