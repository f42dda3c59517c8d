#pragma once
// What one connection sends: picks the next operation (scenario or weighted mix) and
// writes the HTTP/1.1 request for it as bytes ready to send. The constant header lines
// are built once per connection, so a request costs a few appends (a Beast serializer
// per request showed up in the client's profile). Each connection owns one workload;
// the id list is shared read-only. Not thread-safe.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "options.hpp"

namespace mixtape::bench {

// splitmix64: small, fast, good enough to pick operations and ids.
class rng {
 public:
  explicit rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() noexcept;
  std::uint64_t below(std::uint64_t n) noexcept { return n == 0 ? 0 : next() % n; }

 private:
  std::uint64_t state_;
};

// Picks operations for a scenario; for mixed, in proportion to the mix weights.
class operation_picker {
 public:
  explicit operation_picker(const options& o);
  operation next(rng& r) const;

 private:
  scenario what_;
  mix_ratio mix_;
};

class workload {
 public:
  // `ids` must outlive the workload; `index` tells connections' names apart.
  workload(const options& o, const std::vector<std::string>* ids, unsigned index);

  operation next_operation() { return picker_.next(rng_); }
  // The whole request for `op` (request line, headers, body), owned by the workload
  // and valid until the next call.
  const std::string& build(operation op);

 private:
  void start(std::string_view method, std::string_view separator, std::string_view tail);
  void finish_with_body(const std::string& body);
  const std::string& pick_id();

  operation_picker picker_;
  rng rng_;
  const std::vector<std::string>* ids_;
  std::string collections_;  // "/v1/music/ORG/collections"
  std::string tag_;          // "c0012": this connection
  std::string headers_;       // "Host: ...\r\nUser-Agent: ...\r\nX-API-Key: ...\r\n"
  std::uint64_t counter_ = 0;
  std::string out_;           // the request being built, reused
};

// The JSON body of a create: {"name": ~20 chars, "description": ~40 chars}.
std::string create_body(const std::string& tag, std::uint64_t n);
std::string update_body(const std::string& tag, std::uint64_t n);

}  // namespace mixtape::bench
