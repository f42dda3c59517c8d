#pragma once
// The track rules of docs/openapi.yaml (AddTracksRequest, ReorderRequest) as the simplest
// thing that can be right: a vector per collection, searched linearly. The store's track lists are checked against it.
#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "store/collection_store.hpp"

namespace store_test {

using namespace mixtape;

struct model_tracks {
  std::vector<std::pair<std::string, core::unix_seconds>> items;  // by position

  bool has(const std::string& id) const {
    return std::any_of(items.begin(), items.end(), [&](const auto& t) { return t.first == id; });
  }

  store::outcome add(const std::string& id, core::unix_seconds at, std::size_t limit) {
    if (has(id)) return store::outcome::unchanged;
    if (items.size() >= limit) return store::outcome::full;
    items.emplace_back(id, at);
    return store::outcome::applied;
  }

  store::outcome add_batch(const std::vector<std::string>& ids, core::unix_seconds at, std::size_t limit) {
    std::vector<std::string> fresh;
    for (const auto& id : ids)
      if (!has(id) && std::find(fresh.begin(), fresh.end(), id) == fresh.end()) fresh.push_back(id);
    if (fresh.empty()) return store::outcome::unchanged;
    if (items.size() + fresh.size() > limit) return store::outcome::full;
    for (const auto& id : fresh) items.emplace_back(id, at);
    return store::outcome::applied;
  }

  store::outcome remove(const std::string& id) {
    const auto it = std::find_if(items.begin(), items.end(), [&](const auto& t) { return t.first == id; });
    if (it == items.end()) return store::outcome::unchanged;
    items.erase(it);
    return store::outcome::applied;
  }

  // Listed members first in the order listed (a repeat counts once), then the others.
  store::outcome reorder(const std::vector<std::string>& listed) {
    std::vector<std::pair<std::string, core::unix_seconds>> next;
    std::set<std::string> placed;
    for (const auto& id : listed) {
      const auto it = std::find_if(items.begin(), items.end(), [&](const auto& t) { return t.first == id; });
      if (it != items.end() && placed.insert(id).second) next.push_back(*it);
    }
    for (const auto& t : items)
      if (!placed.contains(t.first)) next.push_back(t);
    if (next == items) return store::outcome::unchanged;
    items = std::move(next);
    return store::outcome::applied;
  }
};

// The tracks of `id` at positions offset .. offset + limit - 1 as the store shows them,
// with their positions checked to run on from `offset`.
inline std::vector<std::pair<std::string, core::unix_seconds>> page_of(const store::collection_store& s,
                                                                     const std::string& id, std::string_view org,
                                                                     std::string_view owner, std::size_t offset,
                                                                     std::size_t limit, bool& positions_dense) {
  std::vector<std::pair<std::string, core::unix_seconds>> out;
  positions_dense = true;
  s.visit_tracks(id, org, owner, offset, limit, [&](const store::track_view& t) {
    positions_dense = positions_dense && t.position == offset + out.size();
    out.emplace_back(std::string{t.track_id}, t.added_at);
  });
  return out;
}

}  // namespace store_test
