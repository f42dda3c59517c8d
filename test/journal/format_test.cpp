#define BOOST_TEST_MODULE journal
#include <boost/test/unit_test.hpp>

#include <random>

#include "core/log.hpp"
#include "journal/encoding.hpp"
#include "journal/format.hpp"
#include "support.hpp"

using namespace mixtape::journal;

namespace {
// Recovery warns on every torn tail the tests make; keep the output readable.
struct quiet_log {
  quiet_log() { mixtape::core::log::set_min_level(mixtape::core::log::level::error); }
};
BOOST_TEST_GLOBAL_FIXTURE(quiet_log);

std::uint32_t crc_of(const std::string& s) { return crc32c(s.data(), s.size()); }
std::uint32_t portable_crc_of(const std::string& s) { return detail::crc32c_portable(s.data(), s.size(), 0); }
}  // namespace

BOOST_AUTO_TEST_CASE(crc32c_matches_known_vectors) {
  std::string ascending, descending;
  for (int i = 0; i < 32; ++i) {
    ascending.push_back(static_cast<char>(i));
    descending.push_back(static_cast<char>(31 - i));
  }
  // "123456789" is the CRC catalogue check value; the rest are from RFC 3720 B.4.
  const std::vector<std::pair<std::string, std::uint32_t>> vectors = {
      {"", 0},
      {"123456789", 0xE3069283u},
      {std::string(32, '\0'), 0x8A9136AAu},
      {std::string(32, '\xff'), 0x62A8AB43u},
      {ascending, 0x46DD794Eu},
      {descending, 0x113FDB5Cu},
  };
  for (const auto& [input, expected] : vectors) {
    BOOST_TEST(crc_of(input) == expected);
    BOOST_TEST(portable_crc_of(input) == expected);
  }
}

BOOST_AUTO_TEST_CASE(crc32c_extends_and_both_implementations_agree) {
  std::mt19937 rng(42);
  std::string data(5100, '\0');
  for (auto& c : data) c = static_cast<char>(rng());
  for (std::size_t len : {0u, 1u, 7u, 8u, 9u, 15u, 16u, 17u, 63u, 64u, 1000u, 4999u}) {
    for (std::size_t start : {0u, 1u, 3u}) {
      const char* p = data.data() + start;
      const std::uint32_t whole = crc32c(p, len);
      BOOST_TEST(whole == detail::crc32c_portable(p, len, 0));
      const std::size_t half = len / 3;
      BOOST_TEST(crc32c(p + half, len - half, crc32c(p, half)) == whole);
      BOOST_TEST(detail::crc32c_portable(p + half, len - half, detail::crc32c_portable(p, half, 0)) == whole);
    }
  }
  BOOST_TEST(crc_of("a") != crc_of("b"));
}

BOOST_AUTO_TEST_CASE(mask_round_trips_and_changes_the_value) {
  const std::uint32_t samples[] = {0u, 1u, 0xE3069283u, 0xFFFFFFFFu, 0x80000000u, 0xA282EAD8u};
  for (const std::uint32_t crc : samples) {
    BOOST_TEST(unmask_crc(mask_crc(crc)) == crc);
    BOOST_TEST(mask_crc(crc) != crc);
    BOOST_TEST(mask_crc(mask_crc(crc)) != mask_crc(crc));
  }
  // LevelDB: rotate right by 15, add the delta.
  BOOST_TEST(mask_crc(0) == 0xA282EAD8u);
  BOOST_TEST(mask_crc(1) == (0x00020000u + 0xA282EAD8u));
}

BOOST_AUTO_TEST_CASE(header_layout_is_magic_version_reserved) {
  std::string out = "x";
  append_header(out);
  BOOST_TEST(out.size() == 1 + header_size);
  BOOST_TEST(out == std::string("xMIXTAPEJ\x01\0\0\0\0\0\0\0", 17));
}

BOOST_AUTO_TEST_CASE(record_layout_is_length_crc_type_seq_payload) {
  std::string out = "prefix";
  append_record(out, 7, 0x0102030405060708ull, "abc");
  const std::string body("\x07\x08\x07\x06\x05\x04\x03\x02\x01" "abc", 12);
  const std::uint32_t crc = mask_crc(crc32c(body.data(), body.size()));
  std::string expected = std::string("prefix") + std::string("\x0c\0\0\0", 4);
  for (int i = 0; i < 4; ++i) expected.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  expected += body;
  BOOST_TEST(out.size() == 6 + record_fixed_size + 3);
  BOOST_TEST(out == expected);
}

BOOST_AUTO_TEST_CASE(empty_payload_record_has_length_nine) {
  std::string out;
  append_record(out, 0, 1, "");
  BOOST_TEST(out.size() == record_fixed_size);
  BOOST_TEST(detail::get_u32(out, 0) == 9u);
  BOOST_TEST(unmask_crc(detail::get_u32(out, 4)) == crc32c(out.data() + 8, 9));
  BOOST_TEST(detail::get_u64(out, 9) == 1u);
}
