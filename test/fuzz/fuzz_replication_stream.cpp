// libFuzzer target: the standby's checks of the replication stream, replication::follower::
// receive (docs/replication.md, "The stream"), over a sequence of messages. Input: one byte,
// the seq the standby holds at the start; then messages, each a u16le length and that many
// bytes (the last one cut short by the input's end). Properties, for every message:
//  - on success, last_seq() advanced by exactly the records returned, which carry seqs
//    last+1, last+2, ... in order, and framing them again (journal::append_record of their
//    type, seq and payload) gives back the message byte for byte; each record's mutation is
//    the decoding of its payload (type_byte and encode() give back its type and payload);
//  - on failure, corrupt_data with a message, and last_seq() unchanged: nothing handed on;
//  - a refused message is refused again (the follower's state did not change).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "check.hpp"
#include "core/error.hpp"
#include "journal/format.hpp"
#include "model/mutation.hpp"
#include "replication/follower.hpp"

namespace {

namespace journal = mixtape::journal;
namespace model = mixtape::model;
using mixtape::replication::follower;

void check_message(follower& f, std::string_view message) {
  const std::uint64_t before = f.last_seq();
  const auto r = f.receive(message);
  if (!r) {
    FUZZ_CHECK(r.error().code == mixtape::core::errc::corrupt_data, "a refused message is corrupt_data");
    FUZZ_CHECK(!r.error().message.empty(), "a refusal says why");
    FUZZ_CHECK(f.last_seq() == before, "a refused message hands on nothing");
    const auto again = f.receive(message);
    FUZZ_CHECK(!again && again.error().message == r.error().message, "a refused message is refused again");
    return;
  }
  FUZZ_CHECK(f.last_seq() == before + r->size(), "last_seq advances by the records returned");
  std::string reframed;
  for (std::size_t i = 0; i < r->size(); ++i) {
    const auto& rec = r.value()[i];
    FUZZ_CHECK(rec.seq == before + 1 + i, "records come in sequence from last_seq + 1");
    FUZZ_CHECK(model::type_byte(rec.mutation) == rec.type, "the mutation is of the record's type");
    FUZZ_CHECK(model::encode(rec.mutation) == rec.payload, "the mutation is the payload decoded");
    journal::append_record(reframed, rec.type, rec.seq, rec.payload);
  }
  FUZZ_CHECK(reframed == message, "the records framed again are the message");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  follower f{data[0]};
  std::string_view rest{reinterpret_cast<const char*>(data) + 1, size - 1};
  while (rest.size() >= 2) {
    const std::size_t length = static_cast<unsigned char>(rest[0]) | static_cast<std::size_t>(static_cast<unsigned char>(rest[1])) << 8;
    rest.remove_prefix(2);
    const std::string_view message = rest.substr(0, length);
    rest.remove_prefix(message.size());
    check_message(f, message);
  }
  return 0;
}
