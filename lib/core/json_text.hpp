#pragma once
// JSON string literals, written by hand on the hot paths (responses, logs).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace mixtape::core {

// Appends `s` as a JSON string literal (quotes included) to `out`: '"' and '\\' and
// control characters escaped exactly as boost::json::serialize does; UTF-8 kept as is.
void append_json_string(std::string& out, std::string_view s);
// Whether append_json_string would escape any byte of `s`.
bool needs_json_escape(std::string_view s) noexcept;
// Appends `n` in decimal.
void append_json_number(std::string& out, std::uint64_t n);
// Appends `s` as a JSON string literal, or null.
void append_json_nullable(std::string& out, const std::optional<std::string>& s);
// Appends `t` as the API's timestamp string ("2026-12-07T10:04:59Z", core::append_utc), or null.
void append_json_time(std::string& out, unix_seconds t);
void append_json_time(std::string& out, const std::optional<unix_seconds>& t);

}  // namespace mixtape::core
