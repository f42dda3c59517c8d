#pragma once
// Per-owner listing index: for each (org, principal), its collections ordered newest
// first, with O(log n) access by rank so that a page costs O(log n + limit) whatever the
// offset. Collections are named by their id numbers (model::collection_number).
// Thread-safe (a shared_mutex: many readers, the single applier writes).
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <ext/pb_ds/assoc_container.hpp>
#include <ext/pb_ds/tree_policy.hpp>

#include "core/mutex.hpp"

namespace mixtape::store {

class owner_index {
  // Key: (~created_seq, id number), so ascending order is newest first.
  using key = std::pair<std::uint64_t, std::uint64_t>;
  using ranked_set = __gnu_pbds::tree<key, __gnu_pbds::null_type, std::less<key>, __gnu_pbds::rb_tree_tag,
                                      __gnu_pbds::tree_order_statistics_node_update>;

 public:
  // An (org, principal) pair, interned: one per pair ever inserted, at a stable address
  // for the index's lifetime. `org` and `principal` never change, so holders of the
  // pointer may read them without the index's lock.
  class owner {
   public:
    owner(std::string_view org, std::string_view principal) : org(org), principal(principal) {}
    const std::string org;
    const std::string principal;

   private:
    friend class owner_index;
    // Guarded by the index's mutex_ (which the analysis cannot name from here: only
    // owner_index's members touch it, each under that lock).
    mutable ranked_set collections;
  };

  // The interned pair for (org, principal), made on first use.
  const owner* intern(std::string_view org, std::string_view principal) EXCLUDES(mutex_);
  void insert(const owner& o, std::uint64_t created_seq, std::uint64_t id) EXCLUDES(mutex_);
  void erase(const owner& o, std::uint64_t created_seq, std::uint64_t id) EXCLUDES(mutex_);

  // Calls visit(id) for up to `limit` ids starting at rank `offset` (newest first), under
  // the index's shared lock. Returns the number of ids visited.
  std::size_t for_page(std::string_view org, std::string_view principal, std::size_t offset, std::size_t limit,
                       const std::function<void(std::uint64_t)>& visit) const EXCLUDES(mutex_);
  std::size_t count(std::string_view org, std::string_view principal) const EXCLUDES(mutex_);

  // The id numbers of the collections of every principal of `org`.
  std::vector<std::uint64_t> ids_of_org(std::string_view org) const EXCLUDES(mutex_);
  // How many collections `org` holds, all principals together.
  std::size_t count_of_org(std::string_view org) const EXCLUDES(mutex_);

 private:
  const owner* find(std::string_view org, std::string_view principal) const REQUIRES_SHARED(mutex_);
  // Calls f(owner) for each principal of `org`.
  template <class F>
  void for_each_of_org(std::string_view org, F&& f) const REQUIRES_SHARED(mutex_) {
    for (auto it = owners_.lower_bound(by_names::names{org, {}}); it != owners_.end() && it->org == org; ++it) f(*it);
  }

  struct by_names {
    using is_transparent = void;
    using names = std::pair<std::string_view, std::string_view>;
    static names of(const owner& o) { return {o.org, o.principal}; }
    static names of(const names& n) { return n; }
    bool operator()(const auto& a, const auto& b) const { return of(a) < of(b); }
  };

  mutable core::shared_mutex mutex_;
  std::set<owner, by_names> owners_ GUARDED_BY(mutex_);
};

}  // namespace mixtape::store
