#pragma once
// Internal to lib/http: one I/O thread's context, acceptor and live sessions.
#include <atomic>
#include <list>
#include <optional>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "api/router.hpp"
#include "http/server.hpp"

namespace mixtape::http {

// A live connection as the drain sees it. Touched only on its worker's thread.
struct connection {
  boost::beast::tcp_stream* stream = nullptr;
  bool waiting_for_request = true;  // between requests (or before the first): drain closes it
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

// Accepts on w.acceptor until it closes, spawning a session per connection.
boost::asio::awaitable<void> accept_loop(worker& w, shared_state& s);
// Serves one connection until it closes.
boost::asio::awaitable<void> session(worker& w, shared_state& s, boost::asio::ip::tcp::socket socket);

}  // namespace mixtape::http
