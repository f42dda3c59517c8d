#pragma once
// Internal (not part of the module's contract): little-endian field access for the
// on-disk format. Callers guarantee that the bytes they read are in bounds.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mixtape::journal::detail {

// The table-driven CRC-32C that crc32c() falls back to without SSE4.2; same contract.
// Exposed so that tests can check both implementations on any machine.
std::uint32_t crc32c_portable(const void* data, std::size_t n, std::uint32_t crc) noexcept;

inline void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

inline void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// Overwrites 4 bytes at `pos` (which must already exist in `out`).
inline void set_u32(std::string& out, std::size_t pos, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out[pos + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

inline std::uint32_t get_u32(std::string_view in, std::size_t pos) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(in[pos + i]);
  return v;
}

inline std::uint64_t get_u64(std::string_view in, std::size_t pos) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(in[pos + i]);
  return v;
}

}  // namespace mixtape::journal::detail
