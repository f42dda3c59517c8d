#include "loops.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cmath>

namespace mixtape::bench {
namespace asio = boost::asio;
using std::chrono::nanoseconds;

void run_stats::merge(const run_stats& other) {
  latency.merge(other.latency);
  for (const auto& [status, n] : other.status_errors) status_errors[status] += n;
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
  if (r.status < 200 || r.status > 299) ++status_errors[r.status];
  last_done = std::max(last_done, done);
}

void phase_state::fail(std::string why) {
  std::lock_guard lock{mutex};
  if (!failed.exchange(true)) first_error = std::move(why);
}

std::string id_of(const std::string& body) {
  boost::system::error_code ec;
  const auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return {};
  const auto* id = v.as_object().if_contains("id");
  return id && id->is_string() ? std::string{id->as_string()} : std::string{};
}

asio::awaitable<void> connect_one(connection* c, phase_state* state) {
  const auto ec = co_await c->ensure_connected();
  if (ec) state->fail(ec.message());
}

asio::awaitable<void> prepare_loop(connection* c, phase_state* state) {
  while (!state->failed.load(std::memory_order_relaxed)) {
    if (state->next.fetch_add(1, std::memory_order_relaxed) >= state->target) break;
    const std::string& req = c->work().build(operation::create);
    const exchange_result r = co_await c->exchange(&req);
    if (r.error) {
      state->fail("POST .../collections: " + r.error.message());
      break;
    }
    std::string id = r.status == 201 ? id_of(c->last_body()) : std::string{};
    if (id.empty()) {
      state->fail("POST .../collections answered " + std::to_string(r.status) + ": " + c->last_body().substr(0, 300));
      break;
    }
    c->created_ids().push_back(std::move(id));
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
