#include "model/track_order.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>

namespace mixtape::model {

std::optional<std::vector<track_entry>> reordered(const std::vector<track_entry>& tracks,
                                                         const std::vector<std::string>& ordered_ids) {
  std::unordered_map<std::string_view, std::size_t> rank;  // listed id -> its place in the request
  rank.reserve(ordered_ids.size());
  for (std::size_t i = 0; i < ordered_ids.size(); ++i) rank.try_emplace(ordered_ids[i], i);
  const auto key = [&](const model::track_entry& t) {
    const auto it = rank.find(t.track_id);
    return it == rank.end() ? ordered_ids.size() : it->second;
  };
  std::vector<track_entry> next = tracks;
  std::stable_sort(next.begin(), next.end(),
                   [&](const model::track_entry& a, const model::track_entry& b) { return key(a) < key(b); });
  const bool same = std::equal(next.begin(), next.end(), tracks.begin(),
                               [](const auto& a, const auto& b) { return a.track_id == b.track_id; });
  if (same) return std::nullopt;
  return next;
}

}  // namespace mixtape::model
