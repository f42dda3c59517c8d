#include "runner.hpp"

#include <boost/asio/co_spawn.hpp>

#include <algorithm>
#include <exception>
#include <thread>

namespace mixtape::bench {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

void rethrow_if(std::exception_ptr e) {
  if (e) std::rethrow_exception(e);
}

std::chrono::steady_clock::duration seconds_of(double s) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s));
}

core::problem failure(std::string message) { return core::problem{core::errc::io_error, {}, std::move(message)}; }

}  // namespace

runner::runner(options o) : opts_(std::move(o)) {
  for (unsigned t = 0; t < opts_.threads; ++t) contexts_.push_back(std::make_unique<asio::io_context>(1));
}

runner::~runner() = default;

template <class Start>
void runner::run_phase(Start start) {
  for (std::size_t i = 0; i < connections_.size(); ++i)
    asio::co_spawn(*contexts_[i % contexts_.size()], start(i), rethrow_if);
  std::vector<std::exception_ptr> errors(contexts_.size());
  auto run_one = [&](std::size_t t) {
    try {
      contexts_[t]->run();
    } catch (...) {
      errors[t] = std::current_exception();
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t t = 1; t < contexts_.size(); ++t) threads.emplace_back(run_one, t);
  run_one(0);
  for (auto& th : threads) th.join();
  for (auto& ctx : contexts_) ctx->restart();
  for (const auto& e : errors) rethrow_if(e);
}

core::status runner::connect() {
  tcp::resolver resolver{*contexts_[0]};
  boost::system::error_code ec;
  const auto results = resolver.resolve(opts_.server.host, std::to_string(opts_.server.port), ec);
  if (ec) return failure("cannot resolve " + opts_.server.host + ": " + ec.message());
  std::vector<tcp::endpoint> endpoints;
  for (const auto& r : results)
    if (r.endpoint().address().is_loopback()) endpoints.push_back(r.endpoint());
  if (endpoints.empty()) return failure(opts_.server.host + " does not resolve to a loopback address");
  if (opts_.source_addresses > 0) {  // 127.0.0.1 + i: IPv4 loopback only
    std::erase_if(endpoints, [](const tcp::endpoint& e) { return !e.address().is_v4(); });
    if (endpoints.empty()) return failure("--source-addresses needs an IPv4 loopback server address");
  }
  for (unsigned i = 0; i < opts_.connections; ++i) {
    boost::asio::ip::address source;
    if (opts_.source_addresses > 0)
      source = boost::asio::ip::address_v4{0x7f000001u + i % opts_.source_addresses};
    connections_.push_back(std::make_unique<connection>(*contexts_[i % contexts_.size()], endpoints,
                                                        seconds_of(opts_.timeout_s), workload{opts_, &data_, i},
                                                        source));
  }
  phase_state state;
  run_phase([&](std::size_t i) { return connect_one(connections_[i].get(), &state); });
  if (state.failed) return failure("cannot reach " + opts_.url + ": " + state.first_error);
  return core::success();
}

double runner::prepare_phase(prepare_job job, phase_state& state) {
  const auto t0 = std::chrono::steady_clock::now();
  run_phase([&](std::size_t i) { return prepare_loop(connections_[i].get(), &state, job); });
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

core::status runner::prepare() {
  if (!opts_.needs_collections() || opts_.prepare == 0) return core::success();
  {
    phase_state state;
    state.target = opts_.prepare;
    prepare_seconds_ = prepare_phase(prepare_job::collections, state);
    for (auto& c : connections_) {
      data_.ids.insert(data_.ids.end(), c->created_ids().begin(), c->created_ids().end());
      c->created_ids().clear();
    }
    if (state.failed) return failure("preparing collections failed: " + state.first_error);
  }
  if (opts_.tracks > 0) {
    phase_state state;
    state.collections = data_.ids.size();
    state.tracks = opts_.tracks;
    state.target = state.collections * ((state.tracks + batch_size - 1) / batch_size);
    tracks_seconds_ = prepare_phase(prepare_job::tracks, state);
    if (state.failed) return failure("preparing tracks failed: " + state.first_error);
    tracks_added_ = state.collections * state.tracks;
  }
  if (opts_.uses(operation::resolve)) {
    phase_state state;
    std::vector<std::string> tokens(data_.ids.size());
    state.target = tokens.size();
    state.tokens = &tokens;
    shares_seconds_ = prepare_phase(prepare_job::shares, state);
    if (state.failed) return failure("preparing share links failed: " + state.first_error);
    data_.tokens = std::move(tokens);
  }
  return core::success();
}

run_stats runner::run() {
  run_plan plan;
  plan.start = bench_clock::now();
  plan.measure_from = plan.start + seconds_of(opts_.warmup_s);
  plan.end = plan.measure_from + seconds_of(opts_.duration_s);
  plan.hard_stop = plan.end + seconds_of(opts_.timeout_s);
  plan.rate = opts_.rate;
  plan.connections = opts_.connections;
  std::vector<run_stats> stats(contexts_.size());
  run_phase([&](std::size_t i) {
    run_stats* s = &stats[i % contexts_.size()];
    connection* c = connections_[i].get();
    return plan.rate ? open_loop(c, static_cast<unsigned>(i), &plan, s) : closed_loop(c, &plan, s);
  });
  for (std::size_t t = 1; t < stats.size(); ++t) stats[0].merge(stats[t]);
  const double last = std::chrono::duration<double>(stats[0].last_done - plan.measure_from).count();
  elapsed_seconds_ = std::max(opts_.duration_s, stats[0].requests > 0 ? last : 0.0);
  return std::move(stats[0]);
}

}  // namespace mixtape::bench
