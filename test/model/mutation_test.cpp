#include <boost/test/unit_test.hpp>

#include <random>
#include <tuple>

#include "model/mutation.hpp"

using namespace mixtape::model;
using mixtape::core::errc;

// Field-by-field equality, written out here (not via the codec's own field lists) so a
// field the codec swaps or drops is caught.
namespace mixtape::model {
bool operator==(const create_collection& a, const create_collection& b) {
  return std::tie(a.id, a.org, a.owner, a.name, a.description, a.cover_track_id,
                  a.cover_image_url, a.at) == std::tie(b.id, b.org, b.owner, b.name,
                                                       b.description, b.cover_track_id,
                                                       b.cover_image_url, b.at);
}
bool operator==(const update_collection& a, const update_collection& b) {
  return std::tie(a.id, a.name, a.description, a.cover_track_id, a.cover_image_url, a.at) ==
         std::tie(b.id, b.name, b.description, b.cover_track_id, b.cover_image_url, b.at);
}
bool operator==(const delete_collection& a, const delete_collection& b) {
  return std::tie(a.id, a.at) == std::tie(b.id, b.at);
}
bool operator==(const add_track& a, const add_track& b) {
  return std::tie(a.collection_id, a.track_id, a.at, a.limit) ==
         std::tie(b.collection_id, b.track_id, b.at, b.limit);
}
bool operator==(const remove_track& a, const remove_track& b) {
  return std::tie(a.collection_id, a.track_id, a.at) ==
         std::tie(b.collection_id, b.track_id, b.at);
}
bool operator==(const reorder_tracks& a, const reorder_tracks& b) {
  return std::tie(a.collection_id, a.ordered_track_ids, a.at) ==
         std::tie(b.collection_id, b.ordered_track_ids, b.at);
}
bool operator==(const add_tracks& a, const add_tracks& b) {
  return std::tie(a.collection_id, a.track_ids, a.at, a.limit) == std::tie(b.collection_id, b.track_ids, b.at, b.limit);
}
bool operator==(const revoke_share& a, const revoke_share& b) {
  return a.share_id == b.share_id && a.at == b.at;
}
bool operator==(const create_share& a, const create_share& b) {
  return std::tie(a.share_id, a.collection_id, a.token_sha256, a.visibility, a.expires_at,
                  a.at) == std::tie(b.share_id, b.collection_id, b.token_sha256, b.visibility,
                                    b.expires_at, b.at);
}
bool operator==(const idempotency_stamp& a, const idempotency_stamp& b) {
  return std::tie(a.principal, a.key, a.request_sha256, a.expires_at) ==
         std::tie(b.principal, b.key, b.request_sha256, b.expires_at);
}
bool operator==(const set_org_state& a, const set_org_state& b) {
  return std::tie(a.org, a.state, a.at) == std::tie(b.org, b.state, b.at);
}
bool operator==(const delete_org& a, const delete_org& b) { return a.org == b.org && a.at == b.at; }
bool operator==(const import_collection& a, const import_collection& b) {
  const auto fields = [](const collection& c) {
    return std::tie(c.id, c.org, c.owner, c.name, c.description, c.cover_track_id, c.cover_image_url, c.created_at,
                    c.updated_at);
  };
  if (fields(a.c) != fields(b.c) || a.at != b.at || a.c.tracks.size() != b.c.tracks.size()) return false;
  for (std::size_t i = 0; i < a.c.tracks.size(); ++i)
    if (a.c.tracks[i].track_id != b.c.tracks[i].track_id || a.c.tracks[i].added_at != b.c.tracks[i].added_at)
      return false;
  return true;
}
bool operator==(const import_share& a, const import_share& b) {
  return std::tie(a.org, a.owner, a.revoked_at, a.at) == std::tie(b.org, b.owner, b.revoked_at, b.at) && a.link == b.link;
}
bool operator==(const guarded_write& a, const guarded_write& b) {
  return a.if_match == b.if_match && a.idempotency == b.idempotency && a.inner && b.inner && *a.inner == *b.inner;
}
}  // namespace mixtape::model

namespace {

mutation guarded(std::uint64_t if_match, idempotency_stamp stamp, mutation inner) {
  return guarded_write{if_match, std::move(stamp), std::make_shared<const mutation>(std::move(inner))};
}

std::array<unsigned char, 32> sample_hash() {
  std::array<unsigned char, 32> h{};
  for (std::size_t i = 0; i < h.size(); ++i) h[i] = static_cast<unsigned char>(0xF0 ^ (i * 37));
  return h;
}

// At least one sample of every alternative, covering each optional/nullable state.
std::vector<mutation> samples() {
  std::vector<mutation> v;
  v.push_back(create_collection{"mcoll_4a1f9c7e2b8d", "org_abc", "usr_alice", "Focus \xc3\xa9",
                                "desc", "mtrack_1", "https://e.com/x.png", 1782642600});
  v.push_back(create_collection{"mcoll_000000000000", "org_a", "u", "n", std::nullopt,
                                std::nullopt, std::nullopt, -1});
  v.push_back(update_collection{"mcoll_4a1f9c7e2b8d", "Deep Work", std::nullopt,
                                std::optional<std::string>{}, std::optional<std::string>{"u"},
                                1782648000});
  v.push_back(update_collection{"mcoll_4a1f9c7e2b8d", std::nullopt,
                                std::optional<std::string>{std::string(70000, 'd')},
                                std::nullopt, std::nullopt, 0});
  v.push_back(update_collection{"mcoll_x", std::string(), std::optional<std::string>{""},
                                std::nullopt, std::nullopt, 5});
  v.push_back(delete_collection{"mcoll_4a1f9c7e2b8d", std::numeric_limits<std::int64_t>::max()});
  v.push_back(add_track{"mcoll_4a1f9c7e2b8d", "mtrack_abc", 1782642601, 10000});
  v.push_back(add_track{"mcoll_4a1f9c7e2b8d", "mtrack_abc", std::numeric_limits<std::int64_t>::min(),
                        0xFFFFFFFFu});
  v.push_back(remove_track{"mcoll_4a1f9c7e2b8d", "mtrack_abc", 1782642602});
  v.push_back(reorder_tracks{"mcoll_4a1f9c7e2b8d", {"mtrack_c", "mtrack_a", ""}, 1782642603});
  v.push_back(reorder_tracks{"mcoll_4a1f9c7e2b8d", {}, 1782642604});
  v.push_back(create_share{"mslink_0123456789ab", "mcoll_4a1f9c7e2b8d", sample_hash(),
                           share_visibility::public_, 1782642600 + 90 * 86400, 1782642600});
  v.push_back(add_tracks{"mcoll_4a1f9c7e2b8d", {"mtrack_a", "mtrack_b"}, 1782642605, 10000});
  v.push_back(add_tracks{"mcoll_4a1f9c7e2b8d", {}, -7, 0});
  v.push_back(create_share{"mslink_0123456789ab", "mcoll_4a1f9c7e2b8d", {},
                           share_visibility::link_only, std::nullopt, 1});
  v.push_back(revoke_share{"mslink_0123456789ab", 1782642700});
  v.push_back(guarded(42, {}, update_collection{"mcoll_4a1f9c7e2b8d", "n", std::nullopt, std::nullopt, std::nullopt, 3}));
  v.push_back(guarded(0, {"usr_alice", "key-1", sample_hash(), 1782729000},
                      create_collection{"mcoll_000000000001", "org_a", "usr_alice", "n", std::nullopt, std::nullopt,
                                        std::nullopt, 1782642600}));
  v.push_back(guarded(7, {"usr_alice", "k", {}, -1}, add_tracks{"mcoll_4a1f9c7e2b8d", {"mtrack_a"}, 2, 10}));
  v.push_back(set_org_state{"org_a", org_state::frozen, 1782642800});
  v.push_back(set_org_state{"org_a", org_state::importing, 1});
  v.push_back(set_org_state{"", org_state::active, 0});
  v.push_back(delete_org{"org_a", 1782642900});
  collection c;
  c.id = "mcoll_4a1f9c7e2b8d";
  c.org = "org_b";
  c.owner = "usr_alice";
  c.name = "Moved \xc3\xa9";
  c.cover_image_url = "https://e.com/x.png";
  c.created_at = 1782642600;
  c.updated_at = 1782642700;
  c.tracks = {{"mtrack_b", 1782642650}, {"mtrack_a", -5}};
  v.push_back(import_collection{c, 1782643000});
  c.tracks.clear();
  c.description = "";
  v.push_back(import_collection{c, 0});
  v.push_back(import_share{"org_b", "usr_alice",
                           create_share{"mslink_0123456789ab", "mcoll_4a1f9c7e2b8d", sample_hash(),
                                        share_visibility::public_, 1782642600 + 86400, 1782642600},
                           1782642650, 1782643000});
  v.push_back(import_share{"org_b", "usr_alice", create_share{}, std::nullopt, 2});
  return v;
}

bool is_corrupt(const mixtape::core::result<mutation>& r) {
  return !r.ok() && r.error().code == errc::corrupt_data && r.error().field.empty() &&
         !r.error().message.empty();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mutation_codec)

BOOST_AUTO_TEST_CASE(record_types_are_stable) {
  // The bytes on disk: every mutation keeps its number for good.
  BOOST_TEST(type_byte(create_collection{}) == 1);
  BOOST_TEST(type_byte(update_collection{}) == 2);
  BOOST_TEST(type_byte(delete_collection{}) == 3);
  BOOST_TEST(type_byte(add_track{}) == 4);
  BOOST_TEST(type_byte(remove_track{}) == 5);
  BOOST_TEST(type_byte(reorder_tracks{}) == 6);
  BOOST_TEST(type_byte(create_share{}) == 7);
  BOOST_TEST(type_byte(add_tracks{}) == 8);
  BOOST_TEST(type_byte(revoke_share{}) == 9);
  BOOST_TEST(type_byte(guarded_write{}) == 10);
  BOOST_TEST(type_byte(set_org_state{}) == 11);
  BOOST_TEST(type_byte(delete_org{}) == 12);
  BOOST_TEST(type_byte(import_collection{}) == 13);
  BOOST_TEST(type_byte(import_share{}) == 14);
  BOOST_TEST(type_name(7) == "create_share");
  BOOST_TEST(type_name(14) == "import_share");
  BOOST_TEST(type_name(0) == "type_0");
  BOOST_TEST(type_name(15) == "type_15");
}

BOOST_AUTO_TEST_CASE(a_guarded_write_inside_a_guarded_write_is_corrupt) {
  const mutation inner = guarded(1, {}, delete_collection{"mcoll_x", 1});
  const mutation outer = guarded_write{2, {}, std::make_shared<const mutation>(inner)};
  BOOST_TEST(is_corrupt(decode(type_byte(outer), encode(outer))));
}

BOOST_AUTO_TEST_CASE(guarded_writes_name_their_inner_target_and_time) {
  const mutation g = guarded(1, {}, add_track{"mcoll_4a1f9c7e2b8d", "mtrack_a", 77, 10});
  BOOST_TEST(target_collection(g) == "mcoll_4a1f9c7e2b8d");
  BOOST_TEST(time_of(g) == 77);
  BOOST_TEST(target_collection(create_collection{"mcoll_4a1f9c7e2b8d", "o", "w", "n", {}, {}, {}, 1}).empty());
  BOOST_TEST(target_collection(revoke_share{"mslink_0123456789ab", 1}).empty());
  BOOST_TEST(target_collection(update_collection{"mcoll_x", {}, {}, {}, {}, 1}) == "mcoll_x");
}

BOOST_AUTO_TEST_CASE(every_alternative_round_trips) {
  for (const mutation& m : samples()) {
    const auto r = decode(type_byte(m), encode(m));
    BOOST_TEST_REQUIRE(r.ok(), "type " << int(type_byte(m)));
    BOOST_TEST((r.value() == m), "type " << int(type_byte(m)));
  }
}

BOOST_AUTO_TEST_CASE(encoding_is_the_documented_little_endian_layout) {
  const std::string got = encode(delete_collection{"mcoll_x", 0x0102030405060708});
  const std::string want("\x07\x00\x00\x00mcoll_x\x08\x07\x06\x05\x04\x03\x02\x01", 19);
  BOOST_TEST(got == want);
  const std::string upd = encode(update_collection{"i", std::nullopt, std::nullopt,
                                                   std::optional<std::string>{},
                                                   std::optional<std::string>{"v"}, 0});
  const std::string upd_want =
      std::string("\x01\x00\x00\x00i\x00\x00\x01\x02\x01\x00\x00\x00v", 14) + std::string(8, '\0');
  BOOST_TEST(upd == upd_want);
  const std::string add = encode(add_track{"c", "t", 1, 0x01020304});
  const std::string add_want("\x01\x00\x00\x00" "c" "\x01\x00\x00\x00" "t"
                             "\x01\x00\x00\x00\x00\x00\x00\x00" "\x04\x03\x02\x01", 22);
  BOOST_TEST(add == add_want);
}

BOOST_AUTO_TEST_CASE(every_truncation_fails_cleanly) {
  for (const mutation& m : samples()) {
    const std::string full = encode(m);
    for (std::size_t n = 0; n < full.size(); ++n)
      BOOST_TEST_REQUIRE(is_corrupt(decode(type_byte(m), std::string_view(full).substr(0, n))),
                         "type " << int(type_byte(m)) << " cut at " << n);
  }
}

BOOST_AUTO_TEST_CASE(trailing_bytes_are_corrupt) {
  for (const mutation& m : samples())
    BOOST_TEST(is_corrupt(decode(type_byte(m), encode(m) + '\0')));
}

BOOST_AUTO_TEST_CASE(unknown_record_types_are_corrupt) {
  const std::string payload = encode(delete_collection{"mcoll_x", 1});
  for (int type : {0, 8, static_cast<int>(std::variant_size_v<mutation>) + 1, 127, 255})
    BOOST_TEST(is_corrupt(decode(static_cast<std::uint8_t>(type), payload)), type);
}

BOOST_AUTO_TEST_CASE(out_of_range_tags_are_corrupt) {
  std::string p = encode(create_collection{"i", "o", "w", "n", std::nullopt, std::nullopt,
                                           std::nullopt, 0});
  p[4 * 4 + 4] = '\x02';  // description presence byte: only 0 or 1
  BOOST_TEST(is_corrupt(decode(1, p)));
  std::string u = encode(update_collection{"i", std::nullopt, std::nullopt, std::nullopt,
                                           std::nullopt, 0});
  u[6] = '\x03';  // description nullable tag: only 0, 1 or 2
  BOOST_TEST(is_corrupt(decode(2, u)));
  std::string s = encode(create_share{"s", "c", {}, share_visibility::public_, std::nullopt, 0});
  s[5 + 5 + 32] = '\x02';  // visibility byte
  BOOST_TEST(is_corrupt(decode(7, s)));
}

BOOST_AUTO_TEST_CASE(oversized_lengths_and_counts_are_corrupt) {
  std::string p = encode(delete_collection{"mcoll_x", 1});
  p[0] = p[1] = p[2] = p[3] = '\xff';  // string length 4 GiB - 1
  BOOST_TEST(is_corrupt(decode(3, p)));
  std::string r = encode(reorder_tracks{"c", {"a", "b"}, 1});
  r[5] = r[6] = r[7] = r[8] = '\xff';  // 4 billion ids in a few bytes
  BOOST_TEST(is_corrupt(decode(6, r)));
  r[5] = '\x03', r[6] = r[7] = r[8] = '\0';  // one more id than present
  BOOST_TEST(is_corrupt(decode(6, r)));
}

// Garbage never crashes or reads out of bounds (run under ASan), and anything that does
// decode is canonical: it re-encodes to the very same bytes.
BOOST_AUTO_TEST_CASE(random_garbage_is_rejected_or_canonical) {
  std::mt19937 rng(2024);
  int decoded = 0;
  for (int round = 0; round < 200000; ++round) {
    std::string p(rng() % 48, '\0');
    for (char& c : p) c = static_cast<char>(rng() % 4 == 0 ? rng() % 256 : rng() % 3);
    const auto type = static_cast<std::uint8_t>(rng() % 9);
    const auto r = decode(type, p);
    if (!r.ok()) {
      BOOST_TEST_REQUIRE(is_corrupt(r));
      continue;
    }
    ++decoded;
    BOOST_TEST_REQUIRE(type_byte(r.value()) == type);
    BOOST_TEST_REQUIRE(encode(r.value()) == p);
  }
  BOOST_TEST(decoded > 0);  // the generator does reach valid payloads
}

BOOST_AUTO_TEST_CASE(bit_flips_are_rejected_or_canonical) {
  for (const mutation& m : samples()) {
    const std::string full = encode(m);
    if (full.size() > 4096) continue;
    for (std::size_t bit = 0; bit < full.size() * 8; ++bit) {
      std::string p = full;
      p[bit / 8] = static_cast<char>(p[bit / 8] ^ (1 << (bit % 8)));
      const auto r = decode(type_byte(m), p);
      BOOST_TEST_REQUIRE((is_corrupt(r) || encode(r.value()) == p));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
