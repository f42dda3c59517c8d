#pragma once
// SHA-256 (FIPS 180-4). Used to store and look up API keys and share tokens by hash.
#include <array>
#include <string>
#include <string_view>

namespace mixtape::core {

using digest = std::array<unsigned char, 32>;

digest sha256(std::string_view data) noexcept;
std::string sha256_hex(std::string_view data);
// Parses 64 hex digits (either case); nullopt-like failure returns false.
bool parse_digest_hex(std::string_view hex, digest& out) noexcept;
// Compares in time independent of where the digests differ.
bool digests_equal(const digest& a, const digest& b) noexcept;

// HMAC-SHA256 (RFC 2104; test vectors of RFC 4231). Any key length.
digest hmac_sha256(std::string_view key, std::string_view message);

}  // namespace mixtape::core
