#include "core/ids.hpp"

#include "core/identifiers.hpp"

#include <sys/random.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace mixtape::core {

void fill_random(std::span<unsigned char> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::getrandom(out.data() + done, out.size() - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::perror("mixtape: getrandom");
      std::abort();
    }
    done += static_cast<std::size_t>(n);
  }
}

std::string to_hex(std::span<const unsigned char> bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s(bytes.size() * 2, '0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    s[2 * i] = digits[bytes[i] >> 4];
    s[2 * i + 1] = digits[bytes[i] & 0xf];
  }
  return s;
}

std::string base64url_encode(std::span<const unsigned char> in) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((in.size() * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const unsigned v = (in[i] << 16) | (in[i + 1] << 8) | in[i + 2];
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  if (const std::size_t rest = in.size() - i; rest > 0) {
    const unsigned v = (in[i] << 16) | (rest == 2 ? in[i + 1] << 8 : 0);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    if (rest == 2) out += alphabet[(v >> 6) & 63];
  }
  return out;
}

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  fill_random(buf);
  return to_hex(buf);
}

std::string random_base64url(std::size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  fill_random(buf);
  return base64url_encode(buf);
}

namespace {
// Kernel random bytes fetched 4 KiB at a time, each handed out once: as random as
// getrandom(2), without a syscall per use. For identifiers only; secrets (keys, share
// tokens) are drawn with fill_random() directly, so they never sit in a buffer.
class random_pool {
 public:
  void take(std::span<unsigned char> out) {
    if (out.size() > bytes_.size() - used_) {
      fill_random(bytes_);
      used_ = 0;
    }
    std::copy_n(bytes_.begin() + static_cast<std::ptrdiff_t>(used_), out.size(), out.begin());
    used_ += out.size();
  }

 private:
  std::array<unsigned char, 4096> bytes_{};
  std::size_t used_ = bytes_.size();
};
}  // namespace

std::string new_collection_id() {
  thread_local random_pool pool;
  std::array<unsigned char, 6> bits;
  pool.take(bits);
  return std::string{collection_prefix} + to_hex(bits);
}
namespace {
// splitmix64: a fast generator for non-secret identifiers, seeded per thread from the CSPRNG.
std::uint64_t next_request_bits() {
  thread_local std::uint64_t state = [] {
    std::uint64_t seed = 0;
    fill_random({reinterpret_cast<unsigned char*>(&seed), sizeof seed});
    return seed;
  }();
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
}  // namespace

std::string new_request_id() {
  static constexpr char digits[] = "0123456789abcdef";
  std::uint64_t bits = next_request_bits();
  std::string id = "req_0000000000000000";
  for (std::size_t i = id.size(); i > 4; bits >>= 4) id[--i] = digits[bits & 0xf];
  return id;
}

}  // namespace mixtape::core
