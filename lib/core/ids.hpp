#pragma once
// Identifiers and secrets from the kernel CSPRNG (getrandom(2)).
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace mixtape::core {

// Fills `out` with cryptographically secure random bytes. Aborts the process if the
// kernel refuses (there is no safe fallback for secrets).
void fill_random(std::span<unsigned char> out);

// Lowercase hex of `bytes` random bytes (2*bytes characters).
std::string random_hex(std::size_t bytes);
// URL-safe base64 without padding of `bytes` random bytes.
std::string random_base64url(std::size_t bytes);

std::string to_hex(std::span<const unsigned char> bytes);
std::string base64url_encode(std::span<const unsigned char> bytes);

// "mcoll_" + 12 lowercase hex digits (48 random bits from the kernel CSPRNG, drawn from a
// per-thread buffer: one getrandom(2) per ~680 ids).
std::string new_collection_id();
// "req_" + 16 lowercase hex digits: a request id when the client sent none. Unique in
// practice but not secret (a per-thread PRNG seeded from the CSPRNG): no syscall per request.
std::string new_request_id();

}  // namespace mixtape::core
