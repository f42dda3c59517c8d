#pragma once
// The identifier rules of docs/openapi.yaml (the id schemas), defined once: model, auth,
// service and the bench all ask here. Each *_rule is the rule in words, for error messages.
#include <cstddef>
#include <string_view>

namespace mixtape::core {

inline constexpr std::string_view org_prefix = "org_";
inline constexpr std::string_view collection_prefix = "mcoll_";
inline constexpr std::string_view track_prefix = "mtrack_";
inline constexpr std::string_view share_prefix = "mslink_";

inline constexpr std::string_view org_id_rule = "org_ followed by 1 to 64 of A-Z a-z 0-9 _";
inline constexpr std::string_view track_id_rule = "mtrack_ followed by 1 to 64 letters or digits";

namespace detail {

constexpr bool is_alnum(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_lower_hex(char c) noexcept { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
constexpr bool is_org_char(char c) noexcept { return is_alnum(c) || c == '_'; }

// True when `s` is `prefix` followed by min..max characters that all satisfy `ok`.
template <class Pred>
constexpr bool prefixed(std::string_view s, std::string_view prefix, std::size_t min, std::size_t max,
                        Pred ok) noexcept {
  if (!s.starts_with(prefix)) return false;
  const std::string_view rest = s.substr(prefix.size());
  if (rest.size() < min || rest.size() > max) return false;
  for (const char c : rest)
    if (!ok(c)) return false;
  return true;
}

}  // namespace detail

// "org_" + 1..64 of [A-Za-z0-9_]
constexpr bool is_org_id(std::string_view s) noexcept {
  return detail::prefixed(s, org_prefix, 1, 64, detail::is_org_char);
}
// "mcoll_" + exactly 12 of [0-9a-f]
constexpr bool is_collection_id(std::string_view s) noexcept {
  return detail::prefixed(s, collection_prefix, 12, 12, detail::is_lower_hex);
}
// "mtrack_" + 1..64 of [A-Za-z0-9]
constexpr bool is_track_id(std::string_view s) noexcept {
  return detail::prefixed(s, track_prefix, 1, 64, detail::is_alnum);
}
// "mslink_" + exactly 12 of [0-9a-f]
constexpr bool is_share_id(std::string_view s) noexcept {
  return detail::prefixed(s, share_prefix, 12, 12, detail::is_lower_hex);
}

static_assert(is_org_id("org_a_1") && !is_org_id("org_") && !is_org_id("org-x"));
static_assert(is_track_id("mtrack_8d2e1f6a3c9b") && !is_track_id("mtrack_a-b"));

}  // namespace mixtape::core
