#pragma once
// Field rules as docs/openapi.yaml states them (components/schemas: Name, CoverTrackId,
// CoverImageUrl, TrackId...). Pure functions, no allocation unless stated.
#include <cstddef>
#include <optional>
#include <string_view>

#include "core/identifiers.hpp"

namespace mixtape::model {

inline constexpr std::size_t max_name_chars = 512;       // Unicode code points
inline constexpr std::size_t max_image_url_chars = 1024;  // characters

// The identifier rules live in core (auth and the bench need them too).
using core::is_collection_id;
using core::is_org_id;
using core::is_share_id;
using core::is_track_id;

// Number of code points in well-formed UTF-8 `s`; nullopt when `s` is not well-formed
// (overlongs, surrogates, values over U+10FFFF, truncated sequences).
std::optional<std::size_t> utf8_length(std::string_view s) noexcept;

// An absolute http:// or https:// URL with a non-empty host, no whitespace or control
// characters, at most max_image_url_chars characters.
bool is_cover_image_url(std::string_view s) noexcept;

}  // namespace mixtape::model
