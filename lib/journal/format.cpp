#include "journal/format.hpp"

#include <array>
#include <cassert>
#include <cstring>

#include "journal/encoding.hpp"

namespace mixtape::journal {
namespace {

constexpr std::uint32_t castagnoli_reflected = 0x82F63B78u;
constexpr std::uint32_t mask_delta = 0xa282ead8u;

using crc_tables = std::array<std::array<std::uint32_t, 256>, 8>;

// tables[0] is the classic byte-at-a-time table; tables[k][i] is the CRC of byte i
// followed by k zero bytes, which is what slice-by-8 needs.
constexpr crc_tables make_tables() {
  crc_tables t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int bit = 0; bit < 8; ++bit) c = (c & 1) ? (c >> 1) ^ castagnoli_reflected : c >> 1;
    t[0][i] = c;
  }
  for (std::size_t k = 1; k < 8; ++k)
    for (std::size_t i = 0; i < 256; ++i) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
  return t;
}

constexpr crc_tables tables = make_tables();

std::uint32_t load_u32(const unsigned char* p) {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
         std::uint32_t{p[3]} << 24;
}

#if defined(__x86_64__)
// `crc` is the running (already inverted) register value, as in the portable loop.
__attribute__((target("sse4.2"))) std::uint32_t crc32c_sse42(const unsigned char* p, std::size_t n,
                                                             std::uint32_t crc) noexcept {
  std::uint64_t c = crc;
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    c = __builtin_ia32_crc32di(c, word);
  }
  auto c32 = static_cast<std::uint32_t>(c);
  for (; n > 0; ++p, --n) c32 = __builtin_ia32_crc32qi(c32, *p);
  return c32;
}

bool have_sse42() noexcept {
  static const bool yes = __builtin_cpu_supports("sse4.2");
  return yes;
}
#endif

}  // namespace

namespace detail {
std::uint32_t crc32c_portable(const void* data, std::size_t n, std::uint32_t crc) noexcept {
  const auto* p = static_cast<const unsigned char*>(data);
  std::uint32_t c = ~crc;
  for (; n >= 8; p += 8, n -= 8) {
    const std::uint32_t lo = c ^ load_u32(p);
    const std::uint32_t hi = load_u32(p + 4);
    c = tables[7][lo & 0xff] ^ tables[6][(lo >> 8) & 0xff] ^ tables[5][(lo >> 16) & 0xff] ^
        tables[4][lo >> 24] ^ tables[3][hi & 0xff] ^ tables[2][(hi >> 8) & 0xff] ^
        tables[1][(hi >> 16) & 0xff] ^ tables[0][hi >> 24];
  }
  for (; n > 0; ++p, --n) c = tables[0][(c ^ *p) & 0xff] ^ (c >> 8);
  return ~c;
}
}  // namespace detail

std::uint32_t crc32c(const void* data, std::size_t n, std::uint32_t crc) noexcept {
#if defined(__x86_64__)
  if (have_sse42()) return ~crc32c_sse42(static_cast<const unsigned char*>(data), n, ~crc);
#endif
  return detail::crc32c_portable(data, n, crc);
}

std::uint32_t mask_crc(std::uint32_t crc) noexcept {
  return ((crc >> 15) | (crc << 17)) + mask_delta;
}

std::uint32_t unmask_crc(std::uint32_t masked) noexcept {
  const std::uint32_t rot = masked - mask_delta;
  return (rot >> 17) | (rot << 15);
}

void append_header(std::string& out) {
  out.append(file_magic);
  detail::put_u32(out, format_version);
  detail::put_u32(out, 0);
}

// Layout: length | masked crc | type | seq | payload. The CRC covers exactly the
// `length` bytes after the crc field, which are contiguous, so the reader can check
// a candidate record with one crc32c call.
void append_record(std::string& out, std::uint8_t type, std::uint64_t seq, std::string_view payload) {
  assert(payload.size() <= max_record_length - (record_fixed_size - record_prefix_size));
  const auto length = static_cast<std::uint32_t>(record_fixed_size - record_prefix_size + payload.size());
  const std::size_t start = out.size();
  detail::put_u32(out, length);
  detail::put_u32(out, 0);  // crc, filled in below
  out.push_back(static_cast<char>(type));
  detail::put_u64(out, seq);
  out.append(payload);
  const std::uint32_t crc = crc32c(out.data() + start + record_prefix_size, length);
  detail::set_u32(out, start + 4, mask_crc(crc));
}

frame_status read_frame(std::string_view bytes, framed_record& out) noexcept {
  constexpr std::uint32_t min_length = record_fixed_size - record_prefix_size;  // type + seq
  if (bytes.size() < record_fixed_size) return frame_status::incomplete;
  const std::uint32_t length = detail::get_u32(bytes, 0);
  if (length < min_length || length > max_record_length) return frame_status::bad_length;
  if (length > bytes.size() - record_prefix_size) return frame_status::incomplete;
  const char* body = bytes.data() + record_prefix_size;
  if (crc32c(body, length) != unmask_crc(detail::get_u32(bytes, 4))) return frame_status::bad_checksum;
  out.type = static_cast<std::uint8_t>(body[0]);
  out.seq = detail::get_u64(bytes, record_prefix_size + 1);
  out.payload = std::string_view{body + min_length, length - min_length};
  out.size = record_prefix_size + length;
  return frame_status::ok;
}

}  // namespace mixtape::journal
