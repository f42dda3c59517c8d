#pragma once
// Text renderings for the journal inspector: one line per record, one per snapshot.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "model/mutation.hpp"

namespace mixtape::inspector {

// The mutation's fields as a JSON object, in encoding order (times as UTC text, the token
// hash as hex; an absent optional field of an update is left out, an explicit null kept).
std::string describe(const model::mutation& m);

// "covered_seq=S bytes=B collections=C tracks=T share_links=K", or the problem with the file.
core::result<std::string> summarize_snapshot(const std::string& path);

}  // namespace mixtape::inspector
