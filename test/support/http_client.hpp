#pragma once
// A small blocking HTTP/1.1 client for tests (Boost.Beast), keep-alive by default.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

namespace mixtape::test {

using header_list = std::vector<std::pair<std::string, std::string>>;

struct http_reply {
  unsigned status = 0;
  std::string body;
  header_list headers;
  bool closed = false;  // the server closed the connection after this reply

  std::string header(std::string_view name) const;  // case-insensitive; "" when absent
  boost::json::value json() const;                  // throws when the body is not JSON
};

class http_client {
 public:
  explicit http_client(std::uint16_t port);
  // Connects from `source_address` (e.g. "127.3.2.1": Linux's loopback takes all of 127/8).
  http_client(std::uint16_t port, const std::string& source_address);
  ~http_client();
  // Bounds each later send and receive (0: none). A request that times out, like any that
  // fails, throws and drops the connection; the next request connects anew.
  void set_timeout(std::chrono::milliseconds timeout);
  // Sends one request; reconnects first if the previous reply closed the connection.
  // A JSON body gets Content-Type application/json unless `headers` sets one.
  http_reply request(const std::string& method, const std::string& target, const std::string& body = {},
                     const header_list& headers = {});

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// Writes `bytes` on a new connection and reads until the server closes it or `timeout`
// passes. Returns what was read and whether the server closed the connection.
struct raw_result {
  std::string received;
  bool closed_by_server = false;
  std::chrono::milliseconds elapsed{0};
};
raw_result raw_exchange(std::uint16_t port, const std::string& bytes, std::chrono::milliseconds timeout);

}  // namespace mixtape::test
