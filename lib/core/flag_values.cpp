#include "core/flag_values.hpp"

#include <charconv>

namespace mixtape::core {

std::optional<bool> parse_bool(std::string_view s) noexcept {
  if (s == "1" || s == "true" || s == "yes" || s == "on") return true;
  if (s == "0" || s == "false" || s == "no" || s == "off" || s.empty()) return false;
  return std::nullopt;
}

std::optional<std::uint64_t> parse_decimal(std::string_view s) noexcept {
  std::uint64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

result<std::uint64_t> integer_flag(const std::string& flag, std::string_view text, std::uint64_t lo,
                                   std::uint64_t hi) {
  const auto v = parse_decimal(text);
  if (!v || *v < lo || *v > hi)
    return problem::validation(flag, flag + " must be an integer between " + std::to_string(lo) + " and " +
                                         std::to_string(hi));
  return *v;
}

}  // namespace mixtape::core
