#pragma once
// Drives a whole benchmark: resolve and connect, prepare data, then warmup + measured
// run, on `threads` io_contexts (one thread each; the first runs on the caller's thread).
// Connections are spread round-robin over the contexts. Use from one thread.
#include <boost/asio/io_context.hpp>

#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "loops.hpp"
#include "options.hpp"

namespace mixtape::bench {

class runner {
 public:
  explicit runner(options o);
  ~runner();

  // Resolves the target (loopback addresses only) and opens every connection.
  core::status connect();
  // Creates options.prepare collections (unless the run only creates), fills each with
  // options.tracks tracks, and gives each a public share link when resolve is used.
  core::status prepare();
  // Warmup, then the measured window; returns the merged counters.
  run_stats run();

  std::size_t prepared() const { return data_.ids.size(); }
  double prepare_seconds() const { return prepare_seconds_; }  // the collections
  std::size_t prepared_tracks() const { return tracks_added_; }  // over all collections
  double tracks_seconds() const { return tracks_seconds_; }
  std::size_t prepared_shares() const { return data_.tokens.size(); }
  double shares_seconds() const { return shares_seconds_; }
  // After run(): from the start of the measured window to the last counted response,
  // and never less than the configured duration.
  double elapsed_seconds() const { return elapsed_seconds_; }

 private:
  // Spawns `start(connection index)` for every connection on its context, runs all the
  // contexts to completion (one thread each), and rethrows the first exception.
  template <class Start>
  void run_phase(Start start);
  // Runs `job` over state.target items on every connection; returns the seconds it took.
  double prepare_phase(prepare_job job, phase_state& state);

  options opts_;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<std::unique_ptr<connection>> connections_;
  prepared_data data_;  // read-only once run() starts
  double prepare_seconds_ = 0;
  std::size_t tracks_added_ = 0;
  double tracks_seconds_ = 0;
  double shares_seconds_ = 0;
  double elapsed_seconds_ = 0;
};

}  // namespace mixtape::bench
