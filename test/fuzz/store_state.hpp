#pragma once
// A comparable picture of a store's whole state: its snapshot items (the snapshot body of
// store/snapshot.cpp, cut at `seq`), split and sorted, since items come in any order.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/collection_store.hpp"

namespace mixtape::fuzz {

inline std::string snapshot_body(store::collection_store& s, std::uint64_t seq) {
  std::string body;
  const std::uint64_t epoch = s.begin_snapshot(seq);
  for (std::size_t part = 0; part < s.snapshot_parts(); ++part) s.collect_snapshot_part(epoch, part, body);
  s.end_snapshot(epoch);
  return body;
}

// The items of a well-formed body (kind u8 | length u32le | payload), sorted; a malformed
// tail is kept as one last "item" so that it still compares.
inline std::vector<std::string> sorted_items(std::string_view body) {
  std::vector<std::string> items;
  while (!body.empty()) {
    if (body.size() < 5) break;
    std::uint32_t n = 0;
    for (int i = 4; i >= 1; --i) n = (n << 8) | static_cast<unsigned char>(body[i]);
    if (n > body.size() - 5) break;
    items.emplace_back(body.substr(0, 5 + n));
    body.remove_prefix(5 + n);
  }
  std::sort(items.begin(), items.end());
  if (!body.empty()) items.emplace_back(body);
  return items;
}

inline std::vector<std::string> state_of(store::collection_store& s, std::uint64_t seq) {
  return sorted_items(snapshot_body(s, seq));
}

}  // namespace mixtape::fuzz
