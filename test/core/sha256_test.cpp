// SHA-256 vectors (part of the core test executable).
#include <boost/test/unit_test.hpp>

#include <string>

#include "core/sha256.hpp"

using namespace mixtape::core;

namespace {
std::string as(std::size_t n) { return std::string(n, 'a'); }
// 48 + (i % 43) for i in [0, n): "0123456789:;<=>?@ABC..." (hashes from sha256sum).
std::string mixed(std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += static_cast<char>('0' + i % 43);
  return s;
}
}  // namespace

BOOST_AUTO_TEST_CASE(sha256_matches_nist_vectors) {
  BOOST_TEST(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  BOOST_TEST(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  BOOST_TEST(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
             "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  BOOST_TEST(sha256_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
                        "klmnopqrlmnopqrsmnopqrstnopqrstu") ==
             "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  BOOST_TEST(sha256_hex(as(1000000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

BOOST_AUTO_TEST_CASE(sha256_is_right_around_the_padding_boundary) {
  BOOST_TEST(sha256_hex(as(1)) == "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb");
  BOOST_TEST(sha256_hex(as(55)) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  BOOST_TEST(sha256_hex(as(56)) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  BOOST_TEST(sha256_hex(as(63)) == "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34");
  BOOST_TEST(sha256_hex(as(64)) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
  BOOST_TEST(sha256_hex(as(65)) == "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0");
  BOOST_TEST(sha256_hex(as(119)) == "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb");
  BOOST_TEST(sha256_hex(as(120)) == "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c");
  BOOST_TEST(sha256_hex(mixed(55)) == "5115528ed8d30114d2c26627c045ccc1ed16e95d21a1118df62b39c601cfeb58");
  BOOST_TEST(sha256_hex(mixed(56)) == "436d4d7a61515716fae1cc93feaf7c658a619a10a96a36fe148693a9d241f317");
  BOOST_TEST(sha256_hex(mixed(63)) == "439a1bc75f8d2f18917893df1a66be79196e3e17ce07961b1b56c67a7e436918");
  BOOST_TEST(sha256_hex(mixed(64)) == "5d730a4aedc643aa5f0ddb472d76f5fea8960e273329a3e0b0564c45aa7217f5");
  BOOST_TEST(sha256_hex(mixed(65)) == "77af5c6d978131f977161f05717a6a09af3bb73a0e479c8a268e5400f03f8e09");
}

BOOST_AUTO_TEST_CASE(sha256_hex_is_lowercase_hex_of_the_digest) {
  const digest d = sha256("abc");
  BOOST_TEST(d[0] == 0xba);
  BOOST_TEST(d[31] == 0xad);
  const std::string hex = sha256_hex("abc");
  BOOST_TEST(hex.size() == 64u);
  BOOST_TEST(hex.find_first_not_of("0123456789abcdef") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(parse_digest_hex_accepts_either_case_and_rejects_the_rest) {
  const digest abc = sha256("abc");
  digest out{};
  BOOST_TEST(parse_digest_hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", out));
  BOOST_TEST((out == abc));
  out = {};
  BOOST_TEST(parse_digest_hex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", out));
  BOOST_TEST((out == abc));

  digest untouched{};
  BOOST_TEST(!parse_digest_hex("", untouched));
  BOOST_TEST(!parse_digest_hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a", untouched));
  BOOST_TEST(!parse_digest_hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad0", untouched));
  BOOST_TEST(!parse_digest_hex("ga7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", untouched));
  BOOST_TEST(!parse_digest_hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a ", untouched));
  BOOST_TEST((untouched == digest{}));
}

BOOST_AUTO_TEST_CASE(digests_equal_compares_every_byte) {
  const digest a = sha256("abc");
  digest b = a;
  BOOST_TEST(digests_equal(a, b));
  b[0] ^= 1;
  BOOST_TEST(!digests_equal(a, b));
  b = a;
  b[31] ^= 0x80;
  BOOST_TEST(!digests_equal(a, b));
  BOOST_TEST(!digests_equal(a, sha256("abd")));
}

namespace {
std::string hex_of(const digest& d) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char b : d) (out += digits[b >> 4]) += digits[b & 15];
  return out;
}
std::string unhex(std::string_view h) {
  std::string out;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2) out += static_cast<char>(std::stoi(std::string{h.substr(i, 2)}, nullptr, 16));
  return out;
}
}  // namespace

// RFC 4231 section 4, test cases 1-4, 6 and 7 (case 5 truncates the output: not used here).
BOOST_AUTO_TEST_CASE(hmac_sha256_matches_rfc_4231) {
  struct vector {
    std::string key, data, want;
  };
  const vector vectors[] = {
      {std::string(20, '\x0b'), "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"Jefe", "what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {std::string(20, '\xaa'), std::string(50, '\xdd'),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {unhex("0102030405060708090a0b0c0d0e0f10111213141516171819"), std::string(50, '\xcd'),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
      {std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {std::string(131, '\xaa'),
       "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be "
       "hashed before being used by the HMAC algorithm.",
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
  };
  for (const auto& v : vectors) BOOST_TEST(hex_of(hmac_sha256(v.key, v.data)) == v.want);
  // Around the block size, where a key stops being used as is and is hashed first (Python's hmac).
  BOOST_TEST(hex_of(hmac_sha256(std::string(64, 'k'), "m")) ==
             "3b7a8d453e76edb519238a515105a57508d0f169f480ebeee120a9e7803289fa");
  BOOST_TEST(hex_of(hmac_sha256(std::string(65, 'k'), "m")) ==
             "c2d7d4c2256ddb097409ec0c67e1d58fa1a007fc6932cac0d892a525d08af7cc");
}
