#include "store/org_states.hpp"

namespace mixtape::store {

model::org_state org_states::state_of(std::string_view org) const {
  if (count_.load(std::memory_order_acquire) == 0) return model::org_state::active;
  core::mutex_lock lock{mutex_};
  const auto it = states_.find(org);
  return it == states_.end() ? model::org_state::active : it->second;
}

outcome org_states::set(std::string_view org, model::org_state state) {
  core::mutex_lock lock{mutex_};
  const auto it = states_.find(org);
  const model::org_state now = it == states_.end() ? model::org_state::active : it->second;
  if (now == state) return outcome::unchanged;
  if (const std::uint64_t epoch = snapshot_epoch_.load(); part_.needs_capture(epoch))
    serialize(part_.capture_into(epoch));
  if (state == model::org_state::active) states_.erase(it);
  else if (it == states_.end()) states_.emplace(std::string{org}, state);
  else it->second = state;
  count_.store(states_.size(), std::memory_order_release);
  return outcome::applied;
}

std::vector<std::string> org_states::in_state(model::org_state state) const {
  std::vector<std::string> out;
  core::mutex_lock lock{mutex_};
  for (const auto& [org, s] : states_)
    if (s == state) out.push_back(org);
  return out;
}

void org_states::serialize(std::string& out) const {
  for (const auto& [org, state] : states_) model::append_snapshot_item(out, model::org_status{org, state});
}

void org_states::collect_snapshot_part(std::uint64_t epoch, std::string& out) {
  core::mutex_lock lock{mutex_};
  if (!part_.take(epoch, out)) serialize(out);
}

void org_states::end_snapshot() {
  core::mutex_lock lock{mutex_};
  part_.release();
}

bool org_states::load(const model::org_status& o) {
  core::mutex_lock lock{mutex_};
  if (o.state == model::org_state::active) return true;
  const bool fresh = states_.emplace(o.org, o.state).second;
  count_.store(states_.size(), std::memory_order_release);
  return fresh;
}

}  // namespace mixtape::store
