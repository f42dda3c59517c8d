#include "report.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <cmath>
#include <cstdio>
#include <sstream>

namespace mixtape::bench {
namespace json = boost::json;

namespace {

struct percentile_row {
  const char* name;
  double p;
};
constexpr percentile_row rows[] = {{"p50", 50}, {"p90", 90}, {"p99", 99}, {"p999", 99.9}};

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// "1234 us" below 10 ms, "12.34 ms" below 1 s, else "1.23 s".
std::string human_us(std::uint64_t us) {
  if (us < 10'000) return std::to_string(us) + " us";
  if (us < 1'000'000) return fixed(static_cast<double>(us) / 1e3, 2) + " ms";
  return fixed(static_cast<double>(us) / 1e6, 2) + " s";
}

// The non-zero weights, "get=80,create=10,update=10".
std::string mix_text(const options& o) {
  std::string s;
  for (std::size_t i = 0; i < operation_count; ++i) {
    if (o.mix.weight[i] == 0) continue;
    if (!s.empty()) s += ',';
    s += std::string{name_of(static_cast<operation>(i))} + "=" + std::to_string(o.mix.weight[i]);
  }
  return s;
}

std::string shape_text(const options& o) {
  std::string s{name_of(o.what)};
  if (o.what == scenario::mixed) s += " (" + mix_text(o) + ")";
  s += ", " + std::to_string(o.connections) + " connections, " + std::to_string(o.threads) +
       (o.threads == 1 ? " thread, " : " threads, ");
  s += o.rate ? "open loop at " + fixed(*o.rate, 0) + " req/s" : std::string{"closed loop"};
  if (o.tracks > 0) s += ", " + std::to_string(o.tracks) + " tracks per collection";
  if (o.page_offset) s += ", page offset " + std::to_string(*o.page_offset);
  return s;
}

std::string errors_text(const report& r) {
  if (r.error_count() == 0) return "none";
  std::string s;
  for (const auto& [status, n] : r.stats.status_errors) s += "HTTP " + std::to_string(status) + ": " + std::to_string(n) + "  ";
  s += "transport: " + std::to_string(r.stats.transport_errors);
  return s;
}

// Writes `v` as JSON, numbers in plain decimal (Boost.JSON would write 1.5E3): integral
// doubles without a fraction, others with three decimals.
void write_json(std::string& out, const json::value& v) {
  switch (v.kind()) {
    case json::kind::object: {
      char sep = '{';
      for (const auto& [key, item] : v.get_object()) {
        out += sep;
        out += json::serialize(json::string_view{key});
        out += ':';
        write_json(out, item);
        sep = ',';
      }
      out += v.get_object().empty() ? "{}" : "}";
      return;
    }
    case json::kind::double_: {
      const double d = v.get_double();
      out += std::isfinite(d) ? fixed(d, d == std::floor(d) && std::abs(d) < 1e15 ? 0 : 3) : "null";
      return;
    }
    default: out += json::serialize(v); return;  // strings, integers, null, bool (no arrays here)
  }
}

}  // namespace

std::uint64_t report::error_count() const {
  std::uint64_t n = stats.transport_errors;
  for (const auto& [status, count] : stats.status_errors) n += count;
  return n;
}

std::string format_table(const report& r) {
  const histogram& h = r.stats.latency;
  std::ostringstream out;
  out << "mixtape-bench  " << r.opts.url << "\n  " << shape_text(r.opts) << "\n  measured "
      << fixed(r.opts.duration_s, 1) << " s after " << fixed(r.opts.warmup_s, 1) << " s of warmup";
  if (r.prepared > 0) out << "; prepared " << r.prepared << " collections in " << fixed(r.prepare_s, 2) << " s";
  if (r.prepared_tracks > 0) out << ", " << r.prepared_tracks << " tracks in " << fixed(r.prepare_tracks_s, 2) << " s";
  if (r.prepared_shares > 0)
    out << ", " << r.prepared_shares << " share links in " << fixed(r.prepare_shares_s, 2) << " s";
  out << "\n\n";
  out << "  requests     " << r.stats.requests << " in " << fixed(r.elapsed_s, 2) << " s\n";
  out << "  throughput   " << fixed(r.throughput(), 1) << " req/s\n";
  out << "  errors       " << errors_text(r) << "\n";
  if (r.stats.rate_limited > 0)
    out << "  rate-limited " << r.stats.rate_limited << " (HTTP 429: refused by the server's rate limit)\n";
  if (r.stats.unsent > 0)
    out << "  unsent       " << r.stats.unsent << " (scheduled but never sent: the server could not keep up)\n";
  out << "\n  latency      p50        p90        p99        p99.9      max        mean\n               ";
  char line[160];
  std::snprintf(line, sizeof line, "%-10s %-10s %-10s %-10s %-10s %-10s", human_us(h.percentile(50)).c_str(),
                human_us(h.percentile(90)).c_str(), human_us(h.percentile(99)).c_str(),
                human_us(h.percentile(99.9)).c_str(), human_us(h.max()).c_str(),
                human_us(static_cast<std::uint64_t>(h.mean() + 0.5)).c_str());
  out << line << "\n";
  if (r.opts.rate && r.throughput() < 0.95 * *r.opts.rate)
    out << "\n  note: throughput is below --rate: the server (or this client) is saturated\n";
  return out.str();
}

std::string format_json(const report& r) {
  const histogram& h = r.stats.latency;
  json::object errors;
  for (const auto& [status, n] : r.stats.status_errors) errors[std::to_string(status)] = n;
  errors["transport"] = r.stats.transport_errors;
  json::object latency;
  for (const auto& row : rows) latency[row.name] = h.percentile(row.p);
  latency["max"] = h.max();
  latency["mean"] = h.mean();
  json::object o;
  o["scenario"] = name_of(r.opts.what);
  if (r.opts.what == scenario::mixed) o["mix"] = mix_text(r.opts);
  o["url"] = r.opts.url;
  o["connections"] = r.opts.connections;
  o["threads"] = r.opts.threads;
  o["duration_s"] = r.opts.duration_s;
  o["warmup_s"] = r.opts.warmup_s;
  o["rate"] = r.opts.rate ? json::value(*r.opts.rate) : json::value(nullptr);
  o["requests"] = r.stats.requests;
  o["elapsed_s"] = r.elapsed_s;
  o["throughput_rps"] = r.throughput();
  o["errors"] = std::move(errors);
  o["rate_limited"] = r.stats.rate_limited;
  o["unsent"] = r.stats.unsent;
  o["latency_us"] = std::move(latency);
  o["prepared"] = r.prepared;
  o["prepare_s"] = r.prepare_s;
  o["tracks"] = r.opts.tracks;
  o["prepared_tracks"] = r.prepared_tracks;
  o["prepare_tracks_s"] = r.prepare_tracks_s;
  o["prepared_shares"] = r.prepared_shares;
  o["prepare_shares_s"] = r.prepare_shares_s;
  std::string out;
  write_json(out, o);
  return out;
}

}  // namespace mixtape::bench
