#pragma once
// The standby's side of the stream (docs/replication.md): what arrives from the primary is
// checked before any of it is journaled — each record whole, its CRC right, its seq the next
// one, its payload a mutation this server can decode — and then journaled here under the
// same seq and applied in order once durable. The checking half is socket-free and fuzzed
// (test/fuzz/fuzz_replication_stream.cpp).
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "journal/writer.hpp"
#include "model/mutation.hpp"
#include "store/collection_store.hpp"

namespace mixtape::replication {

struct received_record {
  std::uint8_t type = 0;
  std::uint64_t seq = 0;
  std::string payload;
  model::mutation mutation;
};

class follower {
 public:
  // The standby holds every record <= last_seq.
  explicit follower(std::uint64_t last_seq) : last_seq_(last_seq) {}

  // Checks every record of one message (whole framed records, back to back) and returns them
  // in order; on any fault none: corrupt_data saying what and at which byte of the message.
  core::result<std::vector<received_record>> receive(std::string_view message);
  // The last record received and checked (handed on to be journaled).
  std::uint64_t last_seq() const noexcept { return last_seq_; }

 private:
  std::uint64_t last_seq_;
};

// Journals received records on a standby and applies each once durable: the writer numbers
// them itself, so nothing else may submit to it while it follows (a standby refuses writes).
class replica_log {
 public:
  replica_log(journal::writer& writer, store::collection_store& store) : writer_(writer), store_(store) {}
  // From the receiving thread, in order.
  void append(received_record r);
  // False once a record failed to journal or got another seq than the primary's: the
  // standby stops following (its journal is no longer the primary's).
  bool healthy() const noexcept { return healthy_.load(std::memory_order_acquire); }

 private:
  journal::writer& writer_;
  store::collection_store& store_;
  std::atomic<bool> healthy_{true};
};

}  // namespace mixtape::replication
