#pragma once
// The Idempotency-Keys remembered (docs/openapi.yaml): per (principal, key), what the first
// write left to replay its answer, until the entry expires. Bounded: at most `max_entries`;
// past that the oldest entries are forgotten first (a retry of one of those then runs as a new
// request), and counted. Expired entries are never found and are dropped oldest first as new
// ones arrive. Not thread-safe: the collection_store guards it.
#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "model/snapshot_item.hpp"

namespace mixtape::store {

class idempotency_table {
 public:
  explicit idempotency_table(std::size_t max_entries = 100'000) : max_entries_(max_entries) {}

  void set_max_entries(std::size_t n) { max_entries_ = n == 0 ? 1 : n; }

  // The entry of (principal, key), unless unknown or expired at `now`.
  std::optional<model::remembered_write> find(std::string_view principal, std::string_view key,
                                              core::unix_seconds now) const;
  // Adds `w` (replacing an entry of the same principal and key), after dropping the entries
  // expired at `now` from the oldest end; then forgets the oldest past the bound.
  void remember(model::remembered_write w, core::unix_seconds now);

  std::size_t size() const noexcept { return map_.size(); }
  std::uint64_t forgotten_early() const noexcept { return forgotten_early_; }
  // Every entry, oldest first (a snapshot writes them in this order, a load keeps it).
  template <class F>
  void for_each(F&& f) const {
    for (const auto& w : order_) f(w);
  }

 private:
  static std::string key_of(std::string_view principal, std::string_view key);
  void drop_oldest();

  std::size_t max_entries_;
  std::list<model::remembered_write> order_;  // oldest first
  std::unordered_map<std::string, std::list<model::remembered_write>::iterator> map_;
  std::uint64_t forgotten_early_ = 0;
};

}  // namespace mixtape::store
