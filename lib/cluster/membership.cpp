#include "cluster/membership.hpp"

#include <algorithm>

#include <boost/json.hpp>

namespace mixtape::cluster {
namespace {

namespace json = boost::json;

std::optional<json::object> object_of(std::string_view text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

std::string string_field(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  return v && v->is_string() ? std::string{v->as_string()} : std::string{};
}

std::uint64_t uint_field(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  if (v && v->is_uint64()) return v->as_uint64();
  if (v && v->is_int64() && v->as_int64() >= 0) return static_cast<std::uint64_t>(v->as_int64());
  return 0;
}

bool contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

std::string encode(const leader_value& v) { return json::serialize(json::object{{"name", v.name}, {"url", v.url}}); }

std::string encode(const sync_value& v) {
  json::array members;
  for (const auto& m : v.members) members.emplace_back(m);
  return json::serialize(json::object{{"leader", v.leader}, {"epoch", v.epoch}, {"members", std::move(members)}});
}

std::string encode(const member_value& v) {
  return json::serialize(json::object{{"name", v.name}, {"url", v.url}, {"role", v.role}, {"epoch", v.epoch},
                                      {"seq", v.seq}, {"lag_ms", v.lag_ms}});
}

std::optional<leader_value> decode_leader(std::string_view text) {
  auto o = object_of(text);
  if (!o) return std::nullopt;
  leader_value v{string_field(*o, "name"), string_field(*o, "url")};
  if (v.name.empty() || v.url.empty()) return std::nullopt;
  return v;
}

std::optional<sync_value> decode_sync(std::string_view text) {
  auto o = object_of(text);
  if (!o) return std::nullopt;
  sync_value v{string_field(*o, "leader"), uint_field(*o, "epoch"), {}};
  const auto* members = o->if_contains("members");
  if (!members || !members->is_array()) return std::nullopt;
  for (const auto& m : members->as_array())
    if (m.is_string()) v.members.emplace_back(m.as_string());
  return v;
}

std::optional<member_value> decode_member(std::string_view text) {
  auto o = object_of(text);
  if (!o) return std::nullopt;
  member_value v;
  v.name = string_field(*o, "name");
  v.url = string_field(*o, "url");
  v.role = string_field(*o, "role");
  v.epoch = uint_field(*o, "epoch");
  v.seq = uint_field(*o, "seq");
  if (const auto* lag = o->if_contains("lag_ms"); lag && lag->is_int64()) v.lag_ms = lag->as_int64();
  if (v.name.empty()) return std::nullopt;
  return v;
}

cluster_view view_of(const cluster_keys& keys, const etcd_client::range_result& range) {
  cluster_view view;
  view.revision = range.revision;
  const std::string members_prefix = keys.member("");
  for (const auto& kv : range.kvs) {
    if (kv.key == keys.leader()) {
      view.leader = decode_leader(kv.value);
      view.leader_revision = kv.create_revision;
    } else if (kv.key == keys.sync()) {
      view.sync = decode_sync(kv.value);
    } else if (kv.key == keys.initialize()) {
      view.founder = kv.value;
    } else if (kv.key.starts_with(members_prefix)) {
      if (auto m = decode_member(kv.value)) view.members.push_back(std::move(*m));
    }
  }
  return view;
}

bool may_campaign(std::string_view me, std::uint64_t my_seq, unsigned sync_replicas, const cluster_view& view,
                  std::string* why) {
  const auto refuse = [&](std::string reason) {
    if (why) *why = std::move(reason);
    return false;
  };
  if (view.leader) return refuse("there is a leader: " + view.leader->name);
  if (sync_replicas > 0 && view.sync) {
    if (view.sync->leader == me || contains(view.sync->members, me)) return true;
    return refuse("not in the sync set of the last leader (" + view.sync->leader + ")");
  }
  for (const auto& m : view.members)
    if (m.name != me && m.seq > my_seq)
      return refuse(m.name + " holds more (seq " + std::to_string(m.seq) + " > " + std::to_string(my_seq) + ")");
  return true;
}

sync_change next_sync_change(const std::vector<std::string>& current, unsigned wanted,
                             const std::vector<standby_sync_state>& standbys) {
  const auto in_sync = [&](std::string_view name) {
    return std::any_of(standbys.begin(), standbys.end(), [&](const auto& s) { return s.name == name && s.in_sync; });
  };
  const auto lagging = std::find_if(current.begin(), current.end(), [&](const auto& n) { return !in_sync(n); });
  if (lagging != current.end() && current.size() > wanted) return {sync_change::kind::remove, *lagging};
  if (lagging != current.end() || current.size() < wanted)
    for (const auto& s : standbys)
      if (s.in_sync && !contains(current, s.name)) return {sync_change::kind::add, s.name};
  return {};
}

}  // namespace mixtape::cluster
