#pragma once
// Internal to lib/auth: helpers shared by the keys-file sources. Not part of the API.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/keys.hpp"
#include "core/error.hpp"

namespace mixtape::auth::detail {

// Non-empty and made only of [A-Z0-9_].
bool valid_capability(std::string_view s) noexcept;

// A JSON string literal of `s` (quoted and escaped), safe to put in a message.
std::string quoted(std::string_view s);

// The keys-file text of `entries`: {"keys": [ one entry per line ]} and a newline.
std::string entries_to_json(const std::vector<key_entry>& entries);

inline core::problem corrupt(std::string message) {
  return {core::errc::corrupt_data, "", std::move(message)};
}

}  // namespace mixtape::auth::detail
