#pragma once
// Request metrics in Prometheus text format: counts by route and status, and a latency
// histogram. Thread-safe and lock-free (relaxed atomics: counters, not a timeline).
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "api/routes.hpp"

namespace mixtape::api {

// Gauges owned by other layers, read when /metrics is rendered.
struct gauges {
  std::uint64_t collections = 0;
  std::uint64_t share_links = 0;
  std::uint64_t connections_open = 0;
  std::uint64_t journal_records = 0;
  std::uint64_t journal_bytes = 0;
  std::uint64_t journal_syncs = 0;
  std::uint64_t journal_batches = 0;
  std::uint64_t journal_largest_batch = 0;
  bool journal_healthy = true;
  std::uint64_t journal_file_bytes = 0;   // size of the current journal file
  std::uint64_t compactions = 0;          // snapshots written since start
  std::uint64_t compaction_failures = 0;
  std::uint64_t snapshot_seq = 0;         // sequence number the newest snapshot covers
  std::uint64_t last_compaction_ms = 0;  // exposed in seconds
  std::uint64_t archived_files = 0;       // files copied into the archive since start (--archive-dir)
  std::uint64_t archive_failures = 0;
  std::uint64_t archived_seq = 0;         // the newest record an archived file holds
  std::uint64_t log_lines_dropped = 0;    // buffered log lines lost to a full buffer
  std::uint64_t rate_limit_tracked_ips = 0;  // client addresses with a share-link bucket (set by the router)
  std::uint64_t idempotency_keys = 0;     // Idempotency-Keys remembered
  std::uint64_t idempotency_keys_forgotten = 0;  // forgotten before their expiry (the bound)
  std::uint64_t backups_started = 0;      // GET /admin/v1/backup streams begun
  std::uint64_t backups_completed = 0;    // ... sent to their end section
  std::uint64_t backups_failed = 0;       // ... ended otherwise (a read error, the client gone)
  std::uint64_t backup_bytes = 0;         // backup bytes sent
  // Replication (docs/replication.md)
  bool primary = true;                    // this node accepts writes
  std::uint64_t epoch = 0;
  std::uint64_t applied_seq = 0;          // the last record applied here
  std::uint64_t standby_lag_records = 0;  // a standby: records the primary wrote that it has not applied
  std::int64_t standby_lag_ms = 0;
  std::uint64_t standby_reconnects = 0;
  std::uint64_t standby_rebootstraps = 0;
  std::uint64_t standbys_in_sync = 0;     // a primary: standbys caught up
  struct standby_gauge {
    std::string node;  // the standby's node id (hex)
    std::uint64_t durable_seq = 0;
    std::int64_t lag_ms = 0;
  };
  std::vector<standby_gauge> standbys;    // a primary: each connected standby
};

class metrics {
 public:
  static constexpr std::size_t route_slots = api::route_count + 1;  // + unmatched
  static constexpr std::array<unsigned, 19> statuses{200, 201, 400, 401, 403, 404, 405, 409, 413,
                                                     415, 422, 429, 500, 503, 204, 304, 412, 505, 101};
  static constexpr std::array<double, 14> bucket_bounds{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                        0.025,  0.05,    0.1,    0.25,  0.5,    1.0,   2.5};

  // `route` nullopt: the request matched no route.
  void record(std::optional<route_id> route, unsigned status, std::chrono::nanoseconds latency) noexcept;
  // A request refused by a rate limit (429), by route.
  void record_limited(route_id route) noexcept;
  std::string render(const gauges& g) const;

 private:
  std::array<std::array<std::atomic<std::uint64_t>, statuses.size() + 1>, route_slots> requests_{};
  std::array<std::atomic<std::uint64_t>, bucket_bounds.size() + 1> buckets_{};
  std::atomic<std::uint64_t> latency_sum_ns_{0};
  std::atomic<std::uint64_t> latency_count_{0};
  std::array<std::atomic<std::uint64_t>, api::route_count> limited_{};
};

}  // namespace mixtape::api
