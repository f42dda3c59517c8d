#pragma once
// What one connection sends: picks the next operation (scenario or weighted mix) and
// writes the HTTP/1.1 request for it as bytes ready to send. The constant header lines
// are built once per connection, so a request costs a few appends (a Beast serializer
// per request showed up in the client's profile). Each connection owns one workload;
// the prepared data is shared read-only. Not thread-safe.
#include <cstdint>
#include <optional>
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

// What the prepare phase made. Collection k is ids[k]; it holds the options.tracks tracks
// prepared_track_id(k, 0 .. tracks-1). Filled by the runner between phases, read-only while
// the workloads run.
struct prepared_data {
  std::vector<std::string> ids;
  std::vector<std::string> tokens;  // tokens[k]: a public share link of ids[k] (when resolve is used)
};

// Track ids are "mtrack_" + 22 characters of [A-Za-z0-9], like Spotify ids: two 64-bit
// words in base 62 (11 digits each), the first a bijective mix of the (domain, numbers)
// key, so two different keys never give the same id. They look random and are never
// shared between collections: the worst case for the server's memory (nothing to intern,
// nothing that fits a short-string buffer).
inline constexpr std::size_t track_id_size = 7 + 22;
// Collection k's i-th prepared track (k < 2^43, i < 2^20).
std::string prepared_track_id(std::uint64_t collection, std::uint64_t position);
// The n-th track that connection `index` adds (add-track); never equal to a prepared id.
std::string added_track_id(unsigned index, std::uint64_t n);

inline constexpr std::size_t batch_size = 100;   // track ids per batch add (the server's maximum)
inline constexpr std::size_t track_page = 200;   // limit of a tracks request (the server's default)

class workload {
 public:
  // `data` must outlive the workload; `index` tells connections' names apart.
  workload(const options& o, const prepared_data* data, unsigned index);

  operation next_operation() { return picker_.next(rng_); }
  // The whole request for `op` (request line, headers, body), owned by the workload
  // and valid until the next call (as are the results of the two builders below).
  // Needs data.ids for every operation but create and list, data.tokens for resolve.
  const std::string& build(operation op);
  // Prepare: POST .../collections/{ids[k]}/tracks {"track_ids":[...]} with the prepared
  // tracks first .. first+count-1 of collection k (count 1..batch_size).
  const std::string& build_add_batch(std::size_t k, std::size_t first, std::size_t count);
  // Prepare: POST .../collections/{ids[k]}/share {"visibility":"public"}.
  const std::string& build_share(std::size_t k);

 private:
  // "METHOD " and then the path up to the collection: "/v1/music/ORG/collections[/ID]".
  void start(std::string_view method, const std::string* id);
  // " HTTP/1.1" and the constant headers (with the key unless `keyed` is false).
  void end_line(bool keyed = true);
  void finish_without_body() { out_.append("\r\n"); }
  void finish_with_body(std::string_view body);
  void finish_with_length(std::size_t length);  // the body follows: exactly `length` bytes
  std::size_t pick_collection() { return rng_.below(data_->ids.size()); }
  void build_remove();
  void build_reorder();

  operation_picker picker_;
  rng rng_;
  const prepared_data* data_;
  unsigned index_;
  unsigned connections_;    // --connections: remove-track strides by it
  std::size_t tracks_;      // --tracks
  std::optional<unsigned> page_offset_;
  std::string collections_;  // "/v1/music/ORG/collections"
  std::string tag_;          // "c0012": this connection
  std::string headers_;      // "Host: ...\r\nUser-Agent: ...\r\n"
  std::string key_header_;   // "X-API-Key: ...\r\n" (not sent by resolve)
  std::uint64_t counter_ = 0;   // create, update, add-track
  std::uint64_t removals_ = 0;  // remove-track requests built
  std::string out_;            // the request being built, reused
};

// The JSON body of a create: {"name": ~20 chars, "description": ~40 chars}.
std::string create_body(const std::string& tag, std::uint64_t n);
std::string update_body(const std::string& tag, std::uint64_t n);

}  // namespace mixtape::bench
