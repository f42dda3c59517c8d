#pragma once
// One keep-alive HTTP/1.1 client connection (Beast, C++20 coroutines). It connects
// lazily, reconnects after the server closes or a transport error, and reuses its read
// buffer. Bound to one io_context; use it only from that context's thread.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "workload.hpp"

namespace mixtape::bench {

// The outcome of one request: a transport error, or the response status (and body).
struct exchange_result {
  boost::system::error_code error;  // set: no response (connect, write, read, timeout)
  unsigned status = 0;
};

class connection {
 public:
  // `endpoints`: where to connect (all loopback, checked by the caller).
  // `source`: the local address to bind to before connecting (unspecified: any).
  connection(boost::asio::io_context& ctx, std::vector<boost::asio::ip::tcp::endpoint> endpoints,
             std::chrono::steady_clock::duration timeout, workload work,
             boost::asio::ip::address source = {});

  // Connects if not connected; returns the error of the last endpoint tried.
  boost::asio::awaitable<boost::system::error_code> ensure_connected();
  // Sends `request` (complete HTTP/1.1 bytes, which must stay valid until this completes)
  // and reads the whole response. Reconnects first when needed; after an error or a
  // "Connection: close" response the connection is closed.
  boost::asio::awaitable<exchange_result> exchange(const std::string* request);

  workload& work() { return work_; }
  // The body of the last response (valid until the next exchange).
  const std::string& last_body() const { return body_; }
  std::vector<std::string>& created_ids() { return created_ids_; }

 private:
  void close();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::vector<boost::asio::ip::tcp::endpoint> endpoints_;
  std::chrono::steady_clock::duration timeout_;
  boost::asio::ip::address source_;
  workload work_;
  std::string body_;
  std::vector<std::string> created_ids_;  // collections this connection prepared
  bool connected_ = false;
};

}  // namespace mixtape::bench
