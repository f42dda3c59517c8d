#include "api/metrics.hpp"

#include <algorithm>
#include <cstdio>

namespace mixtape::api {
namespace {

void line(std::string& out, std::string_view name, std::string_view labels, std::uint64_t value) {
  out.append(name);
  if (!labels.empty()) out.append("{").append(labels).append("}");
  out += ' ';
  out += std::to_string(value);
  out += '\n';
}

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

std::string format_bound(double b) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", b);
  return buf;
}

}  // namespace

void metrics::record(std::optional<route_id> route, unsigned status, std::chrono::nanoseconds latency) noexcept {
  const std::size_t r = route ? static_cast<std::size_t>(*route) : route_slots - 1;
  const auto s = std::find(statuses.begin(), statuses.end(), status) - statuses.begin();
  requests_[r][static_cast<std::size_t>(s)].fetch_add(1, std::memory_order_relaxed);
  const double seconds = std::chrono::duration<double>(latency).count();
  const auto b = std::lower_bound(bucket_bounds.begin(), bucket_bounds.end(), seconds) - bucket_bounds.begin();
  buckets_[static_cast<std::size_t>(b)].fetch_add(1, std::memory_order_relaxed);
  latency_sum_ns_.fetch_add(static_cast<std::uint64_t>(latency.count()), std::memory_order_relaxed);
  latency_count_.fetch_add(1, std::memory_order_relaxed);
}

void metrics::record_limited(route_id route) noexcept {
  limited_[static_cast<std::size_t>(route)].fetch_add(1, std::memory_order_relaxed);
}

std::string metrics::render(const gauges& g) const {
  std::string out;
  out.reserve(4096);
  header(out, "mixtape_http_requests_total", "counter", "HTTP requests by route and status.");
  for (std::size_t r = 0; r < route_slots; ++r)
    for (std::size_t s = 0; s <= statuses.size(); ++s) {
      const auto n = requests_[r][s].load(std::memory_order_relaxed);
      if (n == 0) continue;
      const std::string_view route = r + 1 == route_slots ? "unmatched" : route_label(static_cast<route_id>(r));
      const std::string status = s < statuses.size() ? std::to_string(statuses[s]) : "other";
      line(out, "mixtape_http_requests_total", "route=\"" + std::string{route} + "\",status=\"" + status + "\"", n);
    }
  header(out, "mixtape_rate_limited_total", "counter", "Requests refused by a rate limit (429), by route.");
  for (std::size_t r = 0; r < api::route_count; ++r)
    if (const auto n = limited_[r].load(std::memory_order_relaxed))
      line(out, "mixtape_rate_limited_total", "route=\"" + std::string{route_label(static_cast<route_id>(r))} + "\"", n);
  header(out, "mixtape_http_request_duration_seconds", "histogram", "Time from request headers to response.");
  std::uint64_t cumulative = 0;
  for (std::size_t b = 0; b <= bucket_bounds.size(); ++b) {
    cumulative += buckets_[b].load(std::memory_order_relaxed);
    const std::string le = b < bucket_bounds.size() ? format_bound(bucket_bounds[b]) : "+Inf";
    line(out, "mixtape_http_request_duration_seconds_bucket", "le=\"" + le + "\"", cumulative);
  }
  char sum[64];
  std::snprintf(sum, sizeof sum, "%.9f", static_cast<double>(latency_sum_ns_.load(std::memory_order_relaxed)) / 1e9);
  out.append("mixtape_http_request_duration_seconds_sum ").append(sum).append("\n");
  line(out, "mixtape_http_request_duration_seconds_count", "", latency_count_.load(std::memory_order_relaxed));
  const std::pair<std::string_view, std::uint64_t> plain[] = {
      {"mixtape_collections", g.collections},
      {"mixtape_share_links", g.share_links},
      {"mixtape_connections_open", g.connections_open},
      {"mixtape_journal_records_total", g.journal_records},
      {"mixtape_journal_bytes_total", g.journal_bytes},
      {"mixtape_journal_fsyncs_total", g.journal_syncs},
      {"mixtape_journal_batches_total", g.journal_batches},
      {"mixtape_journal_largest_batch_records", g.journal_largest_batch},
      {"mixtape_journal_healthy", g.journal_healthy ? 1u : 0u},
      {"mixtape_journal_file_bytes", g.journal_file_bytes},
      {"mixtape_compactions_total", g.compactions},
      {"mixtape_compaction_failures_total", g.compaction_failures},
      {"mixtape_snapshot_seq", g.snapshot_seq},
      {"mixtape_archived_files_total", g.archived_files},
      {"mixtape_archive_failures_total", g.archive_failures},
      {"mixtape_archived_seq", g.archived_seq},
      {"mixtape_log_lines_dropped_total", g.log_lines_dropped},
      {"mixtape_rate_limit_tracked_ips", g.rate_limit_tracked_ips},
      {"mixtape_idempotency_keys", g.idempotency_keys},
      {"mixtape_idempotency_keys_forgotten_total", g.idempotency_keys_forgotten},
      {"mixtape_backups_started_total", g.backups_started},
      {"mixtape_backups_completed_total", g.backups_completed},
      {"mixtape_backups_failed_total", g.backups_failed},
      {"mixtape_backup_bytes_total", g.backup_bytes},
      {"mixtape_replication_primary", g.primary ? 1u : 0u},
      {"mixtape_replication_epoch", g.epoch},
      {"mixtape_replication_seq", g.applied_seq},
      {"mixtape_replication_standbys_in_sync", g.standbys_in_sync},
      {"mixtape_standby_lag_records", g.standby_lag_records},
      {"mixtape_standby_reconnects_total", g.standby_reconnects},
      {"mixtape_standby_rebootstraps_total", g.standby_rebootstraps},
  };
  for (const auto& [name, value] : plain) {
    const bool counter = name.ends_with("_total");
    header(out, name, counter ? "counter" : "gauge", "See docs/operations.md.");
    line(out, name, "", value);
  }
  // Prometheus's base unit of time is the second (promtool check metrics).
  const auto seconds_line = [&out](std::string_view name, std::string_view labels, std::int64_t ms) {
    char v[32];
    std::snprintf(v, sizeof v, "%.3f", static_cast<double>(ms) / 1e3);
    out.append(name);
    if (!labels.empty()) out.append("{").append(labels).append("}");
    out.append(" ").append(v).append("\n");
  };
  header(out, "mixtape_standby_lag_seconds", "gauge", "See docs/replication.md.");
  seconds_line("mixtape_standby_lag_seconds", "", g.standby_lag_ms);
  header(out, "mixtape_replication_standby_durable_seq", "gauge", "See docs/replication.md.");
  for (const auto& s : g.standbys) line(out, "mixtape_replication_standby_durable_seq", "standby=\"" + s.node + "\"", s.durable_seq);
  header(out, "mixtape_replication_standby_lag_seconds", "gauge", "See docs/replication.md.");
  for (const auto& s : g.standbys) seconds_line("mixtape_replication_standby_lag_seconds", "standby=\"" + s.node + "\"", s.lag_ms);
  header(out, "mixtape_last_compaction_seconds", "gauge", "See docs/operations.md.");
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.3f", static_cast<double>(g.last_compaction_ms) / 1e3);
  out.append("mixtape_last_compaction_seconds ").append(seconds).append("\n");
  return out;
}

}  // namespace mixtape::api
