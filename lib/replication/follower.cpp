#include "replication/follower.hpp"

#include "core/log.hpp"
#include "journal/format.hpp"

namespace mixtape::replication {

core::result<std::vector<received_record>> follower::receive(std::string_view message) {
  std::vector<received_record> out;
  std::uint64_t seq = last_seq_;
  std::size_t at = 0;
  const auto fault = [&](const std::string& what) {
    return core::problem{core::errc::corrupt_data, "",
                         "replication stream: " + what + " at byte " + std::to_string(at) + " of a message"};
  };
  while (at < message.size()) {
    journal::framed_record f;
    switch (journal::read_frame(message.substr(at), f)) {
      case journal::frame_status::ok: break;
      case journal::frame_status::incomplete: return fault("an incomplete record");
      case journal::frame_status::bad_length: return fault("a record with a bad length");
      case journal::frame_status::bad_checksum: return fault("a record whose checksum does not match");
    }
    if (f.seq != seq + 1) return fault("seq " + std::to_string(f.seq) + " where " + std::to_string(seq + 1) + " was due");
    auto m = model::decode(f.type, f.payload);
    if (!m) return fault("record " + std::to_string(f.seq) + " that does not decode (" + m.error().message + ")");
    out.push_back({f.type, f.seq, std::string{f.payload}, std::move(m).value()});
    seq = f.seq;
    at += f.size;
  }
  last_seq_ = seq;
  return out;
}

void replica_log::append(received_record r) {
  const std::uint8_t type = r.type;
  std::string payload = std::move(r.payload);
  writer_.submit(type, std::move(payload), [this, expected = r.seq, m = std::move(r.mutation)](std::error_code ec, std::uint64_t seq) {
    if (!healthy_.load(std::memory_order_relaxed)) return;
    if (ec || seq != expected) {
      healthy_.store(false, std::memory_order_release);
      core::log::error("a record from the primary could not be journaled here; the standby stops following",
                       {{"seq", std::to_string(expected)},
                        {"reason", ec ? ec.message() : "the journal numbered it " + std::to_string(seq)}});
      return;
    }
    store_.apply(m, seq);
  });
}

}  // namespace mixtape::replication
