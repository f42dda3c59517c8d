#include <array>
#include <cstdint>
#include <cstring>

#include "auth/keys.hpp"

namespace mixtape::auth {
namespace {

constexpr std::size_t max_cached_key = 64;
constexpr std::size_t cache_slots = 8;

using padded_key = std::array<std::uint64_t, max_cached_key / 8>;

struct slot {
  std::size_t length = max_cached_key + 1;  // never matches until filled
  padded_key key{};
  digest hash{};
};

struct cache {
  std::array<slot, cache_slots> slots;
  std::size_t next = 0;  // round-robin replacement
};

}  // namespace

digest presented_key_digest(std::string_view key) noexcept {
  if (key.size() > max_cached_key) return sha256(key);
  thread_local cache c;
  padded_key padded{};
  std::memcpy(padded.data(), key.data(), key.size());
  // Visit every slot and every word: no early exit that would time a partial match.
  std::size_t found = cache_slots;
  for (std::size_t i = 0; i < cache_slots; ++i) {
    std::uint64_t diff = c.slots[i].length != key.size();
    for (std::size_t w = 0; w < padded.size(); ++w) diff |= c.slots[i].key[w] ^ padded[w];
    found = diff == 0 ? i : found;
  }
  if (found != cache_slots) return c.slots[found].hash;
  slot& s = c.slots[c.next];
  c.next = (c.next + 1) % cache_slots;
  s.length = key.size();
  s.key = padded;
  s.hash = sha256(key);
  return s.hash;
}

}  // namespace mixtape::auth
