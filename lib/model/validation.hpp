#pragma once
// Field rules of SPEC §1 and §2. Pure functions, no allocation unless stated.
#include <cstddef>
#include <optional>
#include <string_view>

namespace mixtape::model {

inline constexpr std::size_t max_name_chars = 512;       // Unicode code points
inline constexpr std::size_t max_image_url_chars = 1024;  // characters

// "org_" + 1..64 of [A-Za-z0-9_]
bool is_org_id(std::string_view s) noexcept;
// "mcoll_" + exactly 12 of [0-9a-f]
bool is_collection_id(std::string_view s) noexcept;
// "mtrack_" + 1..64 of [A-Za-z0-9]
bool is_track_id(std::string_view s) noexcept;
// "mslink_" + 12 of [0-9a-f]
bool is_share_id(std::string_view s) noexcept;

// Number of code points in well-formed UTF-8 `s`; nullopt when `s` is not well-formed
// (overlongs, surrogates, values over U+10FFFF, truncated sequences).
std::optional<std::size_t> utf8_length(std::string_view s) noexcept;

// An absolute http:// or https:// URL with a non-empty host, no whitespace or control
// characters, at most max_image_url_chars characters.
bool is_cover_image_url(std::string_view s) noexcept;

}  // namespace mixtape::model
