// The standby's checks of what arrives (replication::follower::receive) and its journaling
// and applying of it (replication::replica_log).
#include <boost/test/unit_test.hpp>

#include <memory>
#include <string>

#include "core/error.hpp"
#include "replication/follower.hpp"
#include "store/collection_store.hpp"
#include "support.hpp"
#include "support/fake_journal_file.hpp"

using namespace mixtape;
using namespace replication_test;
using replication::follower;

namespace {

// Frames one record with an arbitrary type and payload.
std::string record(std::uint8_t type, std::uint64_t seq, std::string_view payload) {
  std::string out;
  mj::append_record(out, type, seq, payload);
  return out;
}

// The offset of record `index` (from 0) in a message of records first.. (message()).
std::size_t offset_of(std::uint64_t first, std::size_t index) { return message(first, first + index - 1).size(); }

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// Refused, with nothing handed on and the position kept; the good continuation still passes.
void check_refused(const std::string& what, const std::string& bad, const std::string& says) {
  BOOST_TEST_CONTEXT(what) {
    follower f{10};
    const auto r = f.receive(bad);
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST((r.error().code == core::errc::corrupt_data));
    BOOST_TEST(contains(r.error().message, says), r.error().message);
    BOOST_TEST(f.last_seq() == 10u);
    const auto good = f.receive(message(11, 13));
    BOOST_REQUIRE(good.ok());
    BOOST_TEST(good->size() == 3u);
    BOOST_TEST(f.last_seq() == 13u);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(receive)

BOOST_AUTO_TEST_CASE(a_good_message_is_handed_on_in_order) {
  follower f{49};
  const auto r = f.receive(message(50, 54));
  BOOST_REQUIRE(r.ok());
  BOOST_REQUIRE(r->size() == 5u);
  for (std::size_t i = 0; i < r->size(); ++i) {
    const auto& rec = r.value()[i];
    const auto m = mutation_no(50 + i);
    BOOST_TEST(rec.seq == 50 + i);
    BOOST_TEST(rec.type == model::type_byte(m));
    BOOST_TEST(rec.payload == model::encode(m));
    BOOST_TEST(model::encode(rec.mutation) == rec.payload);  // decoded as sent
    BOOST_TEST(model::type_byte(rec.mutation) == rec.type);
  }
  BOOST_TEST(std::holds_alternative<model::create_collection>(r.value()[0].mutation));
  BOOST_TEST(f.last_seq() == 54u);
  // The next message goes on from there; an empty one hands on nothing.
  const auto next = f.receive(message(55, 55));
  BOOST_REQUIRE(next.ok());
  BOOST_REQUIRE(next->size() == 1u);
  BOOST_TEST(next->front().seq == 55u);
  const auto empty = f.receive("");
  BOOST_REQUIRE(empty.ok());
  BOOST_TEST(empty->empty());
  BOOST_TEST(f.last_seq() == 55u);
}

BOOST_AUTO_TEST_CASE(a_damaged_record_refuses_the_whole_message) {
  const std::string good = message(11, 13);
  const std::size_t second = offset_of(11, 1), third = offset_of(11, 2);
  std::string flipped = good;
  flipped[second + mj::record_fixed_size + 3] ^= 0x20;  // in the second record's payload
  check_refused("payload byte flipped", flipped, "checksum does not match at byte " + std::to_string(second));
  std::string crc = good;
  crc[third + 5] ^= 0x01;  // in the third record's CRC
  check_refused("CRC byte flipped", crc, "checksum does not match at byte " + std::to_string(third));
  std::string seq_byte = good;
  seq_byte[mj::record_prefix_size + 1] ^= 0x01;  // in the first record's seq (covered by the CRC)
  check_refused("seq byte flipped", seq_byte, "checksum does not match at byte 0");
  std::string length = good;
  length[second + 3] = '\x7f';  // the second record's length: far over the limit
  check_refused("length byte flipped", length, "at byte " + std::to_string(second));
  check_refused("last byte missing", good.substr(0, good.size() - 1), "incomplete record at byte " + std::to_string(third));
  check_refused("cut inside the prefix", good.substr(0, second + 5), "incomplete record at byte " + std::to_string(second));
  check_refused("trailing bytes", good + std::string(3, '\0'), "incomplete record at byte " + std::to_string(good.size()));
}

BOOST_AUTO_TEST_CASE(a_record_out_of_sequence_refuses_the_whole_message) {
  check_refused("gap", message(11, 12) + message(14, 14), "seq 14 where 13 was due at byte " + std::to_string(offset_of(11, 2)));
  check_refused("repeat", message(11, 12) + message(12, 12), "seq 12 where 13 was due");
  check_refused("first seq one ahead", message(12, 14), "seq 12 where 11 was due at byte 0");
  check_refused("first seq already held", message(10, 12), "seq 10 where 11 was due at byte 0");
  check_refused("first seq far behind", message(1, 3), "seq 1 where 11 was due at byte 0");
}

BOOST_AUTO_TEST_CASE(an_undecodable_payload_refuses_the_whole_message) {
  const auto m = mutation_no(12);
  const std::string after_one = message(11, 11);
  check_refused("garbage payload",
                after_one + record(model::type_byte(m), 12, "not a mutation") + message(13, 13),
                "record 12 that does not decode");
  std::string cut = model::encode(m);
  cut.pop_back();
  check_refused("payload cut short", after_one + record(model::type_byte(m), 12, cut), "record 12 that does not decode");
  check_refused("unknown type", after_one + record(0xee, 12, model::encode(m)), "record 12 that does not decode");
  check_refused("the other type's payload",
                after_one + record(model::type_byte(mutation_no(50)), 12, model::encode(m)), "record 12 that does not decode");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(replica_log)

// Journaled under the primary's seqs, applied once durable.
BOOST_AUTO_TEST_CASE(journals_and_applies_in_order) {
  auto disk = std::make_shared<mixtape::test::fake_disk>();
  mj::writer w(mixtape::test::make_fake(disk), 50, mj::writer_options{});
  store::collection_store store{4};
  replication::replica_log log{w, store};
  follower f{49};
  auto r = f.receive(message(50, 53));
  BOOST_REQUIRE(r.ok());
  for (auto& rec : r.value()) log.append(std::move(rec));
  w.close();  // completes everything queued
  BOOST_TEST(log.healthy());
  BOOST_TEST(store.applied_seq() == 53u);
  BOOST_TEST(store.version_of(coll, "org_a", "usr_a").value_or(0) == 53u);
  // The journal holds the primary's bytes.
  std::lock_guard lock(disk->mutex);
  BOOST_TEST((disk->data == message(50, 53)));
}

// The writer numbers records itself: one that would get another seq than the primary's stops
// the following, and is not applied.
BOOST_AUTO_TEST_CASE(a_record_numbered_otherwise_here_stops_following) {
  auto disk = std::make_shared<mixtape::test::fake_disk>();
  mj::writer w(mixtape::test::make_fake(disk), 51, mj::writer_options{});
  store::collection_store store{4};
  replication::replica_log log{w, store};
  follower f{49};
  auto r = f.receive(message(50, 52));
  BOOST_REQUIRE(r.ok());
  for (auto& rec : r.value()) log.append(std::move(rec));
  w.close();
  BOOST_TEST(!log.healthy());
  BOOST_TEST(store.size() == 0u);
  BOOST_TEST(store.applied_seq() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
