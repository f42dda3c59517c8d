#pragma once
// Internal to lib/http: one I/O thread's context, acceptor and live connections.
#include <atomic>
#include <chrono>
#include <list>
#include <optional>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "api/router.hpp"
#include "http/server.hpp"

namespace mixtape::http {

using steady_clock = std::chrono::steady_clock;

// A live connection as the deadline sweep and the drain see it. Touched only on its
// worker's thread. Timeouts are deadlines checked by one periodic sweep per worker
// rather than a timer per I/O operation: setting one is a store, not a syscall.
struct connection {
  boost::asio::ip::tcp::socket* socket = nullptr;
  steady_clock::time_point deadline = steady_clock::time_point::max();
  bool waiting_for_request = true;  // between requests (or before the first): drain closes it

  void expire_after(std::chrono::seconds t) { deadline = steady_clock::now() + t; }
  void no_deadline() { deadline = steady_clock::time_point::max(); }
};

struct worker {
  boost::asio::io_context context{1};
  std::optional<boost::asio::ip::tcp::acceptor> acceptor;
  std::list<connection> connections;  // worker thread only
  bool draining = false;              // worker thread only
};

struct shared_state {
  server_options options;
  api::router& router;
  std::atomic<std::size_t> open_connections{0};
};

// How often a worker looks for connections past their deadline.
inline constexpr std::chrono::milliseconds sweep_interval{100};

// Accepts on w.acceptor until it closes, spawning a session per connection.
boost::asio::awaitable<void> accept_loop(worker& w, shared_state& s);
// Cancels the I/O of connections past their deadline, until the worker has drained.
boost::asio::awaitable<void> sweep_deadlines(worker& w);
// Serves one connection until it closes.
boost::asio::awaitable<void> session(worker& w, shared_state& s, boost::asio::ip::tcp::socket socket);

}  // namespace mixtape::http
