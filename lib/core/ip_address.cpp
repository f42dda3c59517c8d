#include "core/ip_address.hpp"

#include "core/text.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>
#include <string>

namespace mixtape::core {

ip_address ipv4_mapped(const std::array<unsigned char, 4>& v4) noexcept {
  ip_address a{};
  a[10] = a[11] = 0xff;
  std::memcpy(a.data() + 12, v4.data(), 4);
  return a;
}

std::optional<ip_address> parse_ip(std::string_view text) noexcept {
  if (text.empty() || text.size() > 45) return std::nullopt;  // INET6_ADDRSTRLEN - 1
  char buf[46];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  std::array<unsigned char, 4> v4;
  if (::inet_pton(AF_INET, buf, v4.data()) == 1) return ipv4_mapped(v4);
  ip_address v6;
  if (::inet_pton(AF_INET6, buf, v6.data()) == 1) return v6;
  return std::nullopt;
}

bool ip_range::contains(const ip_address& a) const noexcept {
  const unsigned whole = prefix / 8, bits = prefix % 8;
  if (std::memcmp(a.data(), base.data(), whole) != 0) return false;
  if (bits == 0) return true;
  const auto mask = static_cast<unsigned char>(0xff << (8 - bits));
  return (a[whole] & mask) == (base[whole] & mask);
}

std::optional<ip_range> parse_ip_range(std::string_view text) noexcept {
  const auto slash = text.find('/');
  const auto addr = parse_ip(text.substr(0, slash));
  if (!addr) return std::nullopt;
  const bool v4 = text.substr(0, slash).find(':') == std::string_view::npos;
  ip_range r{*addr, 128};
  if (slash == std::string_view::npos) return r;
  const auto digits = text.substr(slash + 1);
  unsigned n = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc{} || end != digits.data() + digits.size() || digits.empty() || n > (v4 ? 32u : 128u))
    return std::nullopt;
  r.prefix = v4 ? 96 + n : n;
  return r;
}

std::optional<std::vector<ip_range>> parse_ip_ranges(std::string_view text) {
  std::vector<ip_range> out;
  if (trim_blanks(text).empty()) return out;
  while (true) {
    const auto comma = text.find(',');
    const auto r = parse_ip_range(trim_blanks(text.substr(0, comma)));
    if (!r) return std::nullopt;
    out.push_back(*r);
    if (comma == std::string_view::npos) return out;
    text.remove_prefix(comma + 1);
  }
}

bool in_any(const std::vector<ip_range>& ranges, const ip_address& a) noexcept {
  for (const auto& r : ranges)
    if (r.contains(a)) return true;
  return false;
}

}  // namespace mixtape::core
