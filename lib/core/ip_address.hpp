#pragma once
// IP addresses as 16 bytes (IPv4 as IPv4-mapped IPv6, ::ffff:a.b.c.d), and address ranges
// (CIDR), for client addresses and --trusted-proxies. No sockets: inet_pton only.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace mixtape::core {

using ip_address = std::array<unsigned char, 16>;

// "a.b.c.d" or an IPv6 text (no brackets, no zone); nullopt for anything else.
std::optional<ip_address> parse_ip(std::string_view text) noexcept;
// The IPv4-mapped form of a.b.c.d given as 4 bytes in network order.
ip_address ipv4_mapped(const std::array<unsigned char, 4>& v4) noexcept;

// An address and a prefix length counted on the 16-byte form (an IPv4 /n is /96+n).
struct ip_range {
  ip_address base{};
  unsigned prefix = 128;
  bool contains(const ip_address& a) const noexcept;
  friend bool operator==(const ip_range&, const ip_range&) = default;
};
// "ADDR" (one address) or "ADDR/N" (N up to 32 for IPv4, 128 for IPv6).
std::optional<ip_range> parse_ip_range(std::string_view text) noexcept;
// A comma-separated list of ranges (spaces around items allowed; empty text: none).
std::optional<std::vector<ip_range>> parse_ip_ranges(std::string_view text);

bool in_any(const std::vector<ip_range>& ranges, const ip_address& a) noexcept;

}  // namespace mixtape::core
