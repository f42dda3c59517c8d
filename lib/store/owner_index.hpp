#pragma once
// Per-owner listing index: for each (org, principal), its collection ids ordered newest
// first, with O(log n) access by rank so that a page costs O(log n + limit) whatever the
// offset. Thread-safe (a shared_mutex: many readers, the single applier writes).
#include <cstdint>
#include <functional>
#include <map>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>

#include <ext/pb_ds/assoc_container.hpp>
#include <ext/pb_ds/tree_policy.hpp>

namespace mixtape::store {

class owner_index {
 public:
  void insert(std::string_view org, std::string_view owner, std::uint64_t created_seq, const std::string& id);
  void erase(std::string_view org, std::string_view owner, std::uint64_t created_seq, const std::string& id);

  // Calls visit(id) for up to `limit` ids starting at rank `offset` (newest first), under
  // the index's shared lock. Returns the number of ids visited.
  std::size_t for_page(std::string_view org, std::string_view owner, std::size_t offset, std::size_t limit,
                       const std::function<void(const std::string&)>& visit) const;
  std::size_t count(std::string_view org, std::string_view owner) const;

 private:
  // Key: (~created_seq, id), so ascending order is newest first.
  using key = std::pair<std::uint64_t, std::string>;
  using ranked_set = __gnu_pbds::tree<key, __gnu_pbds::null_type, std::less<key>, __gnu_pbds::rb_tree_tag,
                                      __gnu_pbds::tree_order_statistics_node_update>;
  static std::string owner_key(std::string_view org, std::string_view owner);

  mutable std::shared_mutex mutex_;
  std::map<std::string, ranked_set, std::less<>> by_owner_;
};

}  // namespace mixtape::store
