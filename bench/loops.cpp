#include "loops.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>

namespace mixtape::bench {
namespace asio = boost::asio;
using std::chrono::nanoseconds;

void run_stats::merge(const run_stats& other) {
  latency.merge(other.latency);
  for (const auto& [status, n] : other.status_errors) status_errors[status] += n;
  rate_limited += other.rate_limited;
  transport_errors += other.transport_errors;
  requests += other.requests;
  unsent += other.unsent;
  last_done = std::max(last_done, other.last_done);
}

void run_stats::account(const exchange_result& r, bench_clock::time_point intended, bench_clock::time_point done) {
  if (r.error) {
    ++transport_errors;
    return;
  }
  ++requests;
  const auto ns = std::chrono::duration_cast<nanoseconds>(done - intended).count();
  latency.record(static_cast<std::uint64_t>(std::max<std::int64_t>(ns, 0) + 500) / 1000);
  if (r.status == 429) ++rate_limited;  // the server working as configured, not failing
  else if (r.status < 200 || r.status > 299) ++status_errors[r.status];
  last_done = std::max(last_done, done);
}

void phase_state::fail(std::string why) {
  std::lock_guard lock{mutex};
  if (!failed.exchange(true)) first_error = std::move(why);
}

namespace {

const boost::json::value* field(const std::string& body, std::string_view key, boost::json::value& holder) {
  boost::system::error_code ec;
  holder = boost::json::parse(body, ec);
  if (ec || !holder.is_object()) return nullptr;
  return holder.as_object().if_contains(key);
}

// Builds the request of one prepare item; returns what it is, for messages.
std::string prepare_one_request(connection* c, phase_state* state, prepare_job job, std::uint64_t item,
                                const std::string** request) {
  workload& w = c->work();
  switch (job) {
    case prepare_job::collections: *request = &w.build(operation::create); return "POST .../collections";
    case prepare_job::shares: *request = &w.build_share(item); return "POST .../share";
    case prepare_job::tracks: break;
  }
  const std::uint64_t k = item % state->collections, first = item / state->collections * batch_size;
  *request = &w.build_add_batch(k, first, std::min<std::uint64_t>(batch_size, state->tracks - first));
  return "POST .../tracks";
}

// Checks the answer to item `item`; keeps what it made. Returns the failure, or "".
std::string check_prepared(connection* c, phase_state* state, prepare_job job, std::uint64_t item,
                           unsigned status) {
  const std::string& body = c->last_body();
  switch (job) {
    case prepare_job::collections: {
      std::string id = status == 201 ? id_of(body) : std::string{};
      if (id.empty()) return "expected 201 with an id";
      c->created_ids().push_back(std::move(id));
      return {};
    }
    case prepare_job::shares: {
      std::string token = status == 201 ? string_field(body, "token") : std::string{};
      if (token.empty()) return "expected 201 with a token";
      (*state->tokens)[item] = std::move(token);
      return {};
    }
    case prepare_job::tracks: break;
  }
  const std::uint64_t first = item / state->collections * batch_size;
  const auto expected = static_cast<std::int64_t>(std::min<std::uint64_t>(batch_size, state->tracks - first));
  if (status == 409) return "over the server's track limit (run mixtaped with --max-tracks of at least --tracks)";
  if (status != 200 || integer_field(body, "added") != expected)
    return "expected 200 with \"added\":" + std::to_string(expected) + " (a server with batch adds, track_ids)";
  return {};
}

}  // namespace

std::string string_field(const std::string& body, std::string_view key) {
  boost::json::value holder;
  const auto* v = field(body, key, holder);
  return v && v->is_string() ? std::string{v->as_string()} : std::string{};
}

std::optional<std::int64_t> integer_field(const std::string& body, std::string_view key) {
  boost::json::value holder;
  const auto* v = field(body, key, holder);
  if (v && v->is_int64()) return v->as_int64();
  if (v && v->is_uint64() && v->as_uint64() <= INT64_MAX) return static_cast<std::int64_t>(v->as_uint64());
  return std::nullopt;
}

asio::awaitable<void> connect_one(connection* c, phase_state* state) {
  const auto ec = co_await c->ensure_connected();
  if (ec) state->fail(ec.message());
}

asio::awaitable<void> prepare_loop(connection* c, phase_state* state, prepare_job job) {
  while (!state->failed.load(std::memory_order_relaxed)) {
    const std::uint64_t item = state->next.fetch_add(1, std::memory_order_relaxed);
    if (item >= state->target) break;
    const std::string* req = nullptr;
    const std::string what = prepare_one_request(c, state, job, item, &req);
    const exchange_result r = co_await c->exchange(req);
    if (r.error) {
      state->fail(what + ": " + r.error.message());
      break;
    }
    if (std::string why = check_prepared(c, state, job, item, r.status); !why.empty()) {
      state->fail(what + " answered " + std::to_string(r.status) + ", " + why + ": " + c->last_body().substr(0, 300));
      break;
    }
  }
}

// Each request goes out as soon as the previous response is in.
asio::awaitable<void> closed_loop(connection* c, const run_plan* plan, run_stats* stats) {
  const auto executor = co_await asio::this_coro::executor;  // not inside braces: g++ 12
  asio::steady_timer backoff(executor);
  for (;;) {
    const auto sent = bench_clock::now();
    if (sent >= plan->end) break;
    const std::string& req = c->work().build(c->work().next_operation());
    const exchange_result r = co_await c->exchange(&req);
    if (sent >= plan->measure_from) stats->account(r, sent, bench_clock::now());
    if (r.error) {  // do not spin on a refusing server
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(asio::use_awaitable);
    }
  }
}

// Request k of connection i is due at start + (i + k * connections) / rate: the
// connections interleave into one even stream. A request that cannot go out on time
// (its connection is still busy) goes out late, and its latency still counts from the
// time it was due.
asio::awaitable<void> open_loop(connection* c, unsigned index, const run_plan* plan, run_stats* stats) {
  const auto executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor);
  const double gap_ns = 1e9 / *plan->rate;
  auto due_at = [&](std::uint64_t k) {
    const double ns = (static_cast<double>(index) + static_cast<double>(k) * plan->connections) * gap_ns;
    return plan->start + nanoseconds(std::llround(ns));
  };
  for (std::uint64_t k = 0;; ++k) {
    const auto due = due_at(k);
    if (due >= plan->end) break;
    if (bench_clock::now() >= plan->hard_stop) {  // give up the backlog; count what was never sent
      for (std::uint64_t j = k; due_at(j) < plan->end; ++j) stats->unsent += due_at(j) >= plan->measure_from;
      break;
    }
    if (bench_clock::now() < due) {
      timer.expires_at(due);
      co_await timer.async_wait(asio::use_awaitable);
    }
    const std::string& req = c->work().build(c->work().next_operation());
    const exchange_result r = co_await c->exchange(&req);
    if (due >= plan->measure_from) stats->account(r, due, bench_clock::now());
  }
}

}  // namespace mixtape::bench
