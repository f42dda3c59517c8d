#pragma once
// The reorder rule of PATCH .../order (SPEC §2), as a pure function.
#include <optional>
#include <string>
#include <vector>

#include "model/collection.hpp"

namespace mixtape::model {

// Listed ids that are members take the first positions in the order listed; ids that are
// not members are ignored; unlisted members follow in their previous relative order.
// Returns nullopt when the result equals `tracks` (nothing would change).
std::optional<std::vector<track_entry>> reordered(const std::vector<track_entry>& tracks,
                                                         const std::vector<std::string>& ordered_ids);

}  // namespace mixtape::model
