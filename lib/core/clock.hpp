#pragma once
// Wall-clock time in whole UTC seconds, and its API text form.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mixtape::core {

using unix_seconds = std::int64_t;

// Seconds since the Unix epoch, from the system clock.
unix_seconds now_seconds() noexcept;

// "YYYY-MM-DDTHH:MM:SSZ" (always 20 characters for years 0000-9999).
std::string format_utc(unix_seconds t);
// Appends the same text to `out` without a temporary.
void append_utc(std::string& out, unix_seconds t);
// Appends the IMF-fixdate of `t` (RFC 9110 §5.6.7), the form of the HTTP Date header:
// "Sun, 06 Nov 1994 08:49:37 GMT" (always 29 characters; years outside 1970-9999 clamped).
void append_http_date(std::string& out, unix_seconds t);
// Inverse of format_utc; nullopt for anything not in exactly that form.
std::optional<unix_seconds> parse_utc(std::string_view text);
// An RFC 3339 date-time ("2026-12-07T10:04:59Z", "2026-12-07T11:04:59.250+01:00") as whole
// seconds since the Unix epoch; nullopt for anything else. Accepts 'T'/'t' between date and
// time, 'Z'/'z' or a numeric offset (+HH:MM, -HH:MM; -00:00 is UTC), and fractional seconds
// of any length, which are dropped: the result is the second the instant falls in, so
// "at or before TIME" means the same for records stamped in whole seconds. A leap second
// (:60) counts as the second before it (Unix time has no number for it). Years 0000-9999.
std::optional<unix_seconds> parse_rfc3339(std::string_view text);

}  // namespace mixtape::core
