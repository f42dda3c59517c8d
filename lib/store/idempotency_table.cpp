#include "store/idempotency_table.hpp"

namespace mixtape::store {

std::string idempotency_table::key_of(std::string_view principal, std::string_view key) {
  std::string out = std::to_string(principal.size());  // length-prefixed: no separator to confuse
  out += ':';
  out += principal;
  out += key;
  return out;
}

std::optional<model::remembered_write> idempotency_table::find(std::string_view principal, std::string_view key,
                                                               core::unix_seconds now) const {
  const auto it = map_.find(key_of(principal, key));
  if (it == map_.end() || it->second->stamp.expires_at <= now) return std::nullopt;
  return *it->second;
}

void idempotency_table::drop_oldest() {
  map_.erase(key_of(order_.front().stamp.principal, order_.front().stamp.key));
  order_.pop_front();
}

void idempotency_table::remember(model::remembered_write w, core::unix_seconds now) {
  while (!order_.empty() && order_.front().stamp.expires_at <= now) drop_oldest();
  std::string k = key_of(w.stamp.principal, w.stamp.key);
  if (const auto it = map_.find(k); it != map_.end()) {
    order_.erase(it->second);
    map_.erase(it);
  }
  order_.push_back(std::move(w));
  map_.emplace(std::move(k), std::prev(order_.end()));
  while (map_.size() > max_entries_) {
    drop_oldest();
    ++forgotten_early_;
  }
}

}  // namespace mixtape::store
