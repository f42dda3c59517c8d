#pragma once
// The per-connection coroutines of each phase: connect, prepare (create collections, fill
// them with tracks, share them), and the measured run in closed or open loop. Each is spawned on its connection's
// io_context; pointers passed in must outlive the phase (the runner owns them all).
#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connection.hpp"
#include "histogram.hpp"

namespace mixtape::bench {

using bench_clock = std::chrono::steady_clock;

// Counters of one thread (its connections share them: same thread, no locking).
struct run_stats {
  histogram latency;                                // microseconds, every response
  std::map<unsigned, std::uint64_t> status_errors;  // non-2xx responses by status, 429 aside
  std::uint64_t rate_limited = 0;                   // 429s: refused by the server's rate limit
  std::uint64_t transport_errors = 0;
  std::uint64_t requests = 0;  // responses of any status
  std::uint64_t unsent = 0;    // open loop: scheduled in the window, never sent
  bench_clock::time_point last_done{};

  void merge(const run_stats& other);
  // Counts one outcome whose (intended) send time was `intended`.
  void account(const exchange_result& r, bench_clock::time_point intended, bench_clock::time_point done);
};

// Phase boundaries, fixed before the run starts; read-only while it runs.
struct run_plan {
  bench_clock::time_point start;         // warmup begins
  bench_clock::time_point measure_from;  // start + warmup
  bench_clock::time_point end;           // measure_from + duration: nothing is scheduled after
  bench_clock::time_point hard_stop;     // end + timeout: open loop gives up its backlog
  std::optional<double> rate;            // total requests/s; nullopt: closed loop
  unsigned connections = 1;
};

// The work of a prepare phase: items 0 .. phase_state::target-1, each taken by whichever
// connection is free.
enum class prepare_job {
  collections,  // an item is a POST .../collections; the ids go to connection::created_ids()
  tracks,       // item j: batch j / P of collection j % P (P = phase_state::collections), up to
                // batch_size tracks; round-robin, so one collection's batches seldom overlap
  shares,       // item k: a public share link of collection k; its token goes to tokens[k]
};

// Shared by every connection of a phase, on any thread.
struct phase_state {
  std::atomic<bool> failed{false};
  std::atomic<std::uint64_t> next{0};  // prepare: the next item
  std::uint64_t target = 0;            // prepare: how many items
  std::uint64_t collections = 0;       // tracks: the prepared collections
  std::uint64_t tracks = 0;            // tracks: per collection
  std::vector<std::string>* tokens = nullptr;  // shares: one per collection, each written by one item
  std::mutex mutex;
  std::string first_error;  // under mutex

  void fail(std::string why);
};

boost::asio::awaitable<void> connect_one(connection* c, phase_state* state);
boost::asio::awaitable<void> prepare_loop(connection* c, phase_state* state, prepare_job job);
boost::asio::awaitable<void> closed_loop(connection* c, const run_plan* plan, run_stats* stats);
boost::asio::awaitable<void> open_loop(connection* c, unsigned index, const run_plan* plan, run_stats* stats);

// The string field `key` of a JSON object body; empty when there is none.
std::string string_field(const std::string& body, std::string_view key);
// The "id" of a created collection's JSON body; empty when there is none.
inline std::string id_of(const std::string& body) { return string_field(body, "id"); }
// The integer field `key` of a JSON object body, if any.
std::optional<std::int64_t> integer_field(const std::string& body, std::string_view key);

}  // namespace mixtape::bench
