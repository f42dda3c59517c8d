#pragma once
// The result of a run and its two renderings: a readable table and one JSON object.
#include <cstdint>
#include <optional>
#include <string>

#include "loops.hpp"
#include "options.hpp"

namespace mixtape::bench {

struct report {
  options opts;
  std::size_t prepared = 0;
  double prepare_s = 0;
  run_stats stats;
  double elapsed_s = 0;  // start of the measured window to the last counted response
  std::size_t prepared_tracks = 0;  // over all prepared collections (opts.tracks each)
  double prepare_tracks_s = 0;
  std::size_t prepared_shares = 0;  // public share links (resolve)
  double prepare_shares_s = 0;

  double throughput() const { return elapsed_s > 0 ? static_cast<double>(stats.requests) / elapsed_s : 0; }
  std::uint64_t error_count() const;  // non-2xx responses plus transport errors
};

std::string format_table(const report& r);
// Exactly one JSON object (no trailing newline).
std::string format_json(const report& r);

}  // namespace mixtape::bench
