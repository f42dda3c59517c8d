#pragma once
// What a cluster keeps in etcd under /mixtape/NAME/ (docs/cluster.md, "Keys"), and the rules
// a node decides by — pure functions of what it read, so that they are tested without etcd:
//   leader      {"name","url"}, on the leader's lease; its create revision is the epoch
//   sync        {"leader","epoch","members":[...]}: the standbys that hold every
//               acknowledged write (written by the leader only, guarded by its leader key)
//   initialize  the name of the node that founded the cluster's database
//   members/N   {"name","url","role","epoch","seq","lag_ms"}, on N's lease, refreshed by N
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/etcd_client.hpp"

namespace mixtape::cluster {

struct cluster_keys {
  explicit cluster_keys(std::string_view cluster_name) : prefix("/mixtape/" + std::string{cluster_name} + "/") {}
  std::string prefix;
  std::string leader() const { return prefix + "leader"; }
  std::string sync() const { return prefix + "sync"; }
  std::string initialize() const { return prefix + "initialize"; }
  std::string member(std::string_view node) const { return prefix + "members/" + std::string{node}; }
};

struct leader_value {
  std::string name, url;
};
struct sync_value {
  std::string leader;
  std::uint64_t epoch = 0;
  std::vector<std::string> members;
};
struct member_value {
  std::string name, url, role;  // role: "primary" or "standby"
  std::uint64_t epoch = 0, seq = 0;
  std::int64_t lag_ms = 0;
};

std::string encode(const leader_value& v);
std::string encode(const sync_value& v);
std::string encode(const member_value& v);
std::optional<leader_value> decode_leader(std::string_view json);
std::optional<sync_value> decode_sync(std::string_view json);
std::optional<member_value> decode_member(std::string_view json);

// Everything under the prefix, as read in one range request.
struct cluster_view {
  std::optional<leader_value> leader;
  std::int64_t leader_revision = 0;  // its create revision: the leader's epoch
  std::optional<sync_value> sync;
  std::optional<std::string> founder;  // the initialize key
  std::vector<member_value> members;
  std::int64_t revision = 0;  // etcd's, as of the read
};
cluster_view view_of(const cluster_keys& keys, const etcd_client::range_result& range);

// Whether node `me`, holding records up to `my_seq`, may campaign now (the leader key is
// gone). With --sync-replicas > 0 only the last leader's sync standbys (and that leader)
// hold every acknowledged write: only they may. With 0 (or before any leader wrote the
// sync key) the node must hold at least as much as every other member reports, so that
// the least possible is lost. `why` says what held it back.
bool may_campaign(std::string_view me, std::uint64_t my_seq, unsigned sync_replicas, const cluster_view& view,
                  std::string* why = nullptr);

// One step towards a sync set of `wanted` standbys that are all in sync (Patroni's strict
// synchronous mode): a standby out of sync leaves only while the others are still enough
// (they hold every acknowledged write, as every member must confirm each write), and one
// in sync joins while the set is short or holds one that is out of sync.
struct standby_sync_state {
  std::string name;
  bool in_sync = false;
};
struct sync_change {
  enum class kind { none, add, remove } what = kind::none;
  std::string name;
};
sync_change next_sync_change(const std::vector<std::string>& current, unsigned wanted,
                             const std::vector<standby_sync_state>& standbys);

}  // namespace mixtape::cluster
