#pragma once
// Values of command-line flags, shared by mixtaped and mixtape-bench.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace mixtape::core {

// The whole of `s` as a plain unsigned decimal; nullopt for anything else (empty,
// signs, spaces, trailing characters, overflow).
std::optional<std::uint64_t> parse_decimal(std::string_view s) noexcept;

// "1", "true", "yes", "on" / "0", "false", "no", "off", "": the value of a switch.
std::optional<bool> parse_bool(std::string_view s) noexcept;

// `text` as an integer in [lo, hi], or a validation problem naming `flag`:
// "--threads must be an integer between 1 and 256".
result<std::uint64_t> integer_flag(const std::string& flag, std::string_view text, std::uint64_t lo,
                                   std::uint64_t hi);

}  // namespace mixtape::core
