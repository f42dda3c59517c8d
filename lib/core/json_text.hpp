#pragma once
// JSON string literals, written by hand on the hot paths (responses, logs).
#include <cstdint>
#include <string>
#include <string_view>

namespace mixtape::core {

// Appends `s` as a JSON string literal (quotes included) to `out`: '"' and '\\' and
// control characters escaped exactly as boost::json::serialize does; UTF-8 kept as is.
void append_json_string(std::string& out, std::string_view s);
// Whether append_json_string would escape any byte of `s`.
bool needs_json_escape(std::string_view s) noexcept;
// Appends `n` in decimal.
void append_json_number(std::string& out, std::uint64_t n);

}  // namespace mixtape::core
