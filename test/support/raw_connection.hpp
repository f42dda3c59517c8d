#pragma once
// A hostile client's connection for tests: raw bytes out, responses parsed one at a time,
// and the server's close observed as an event (EOF or reset), never inferred from time.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "support/http_client.hpp"

namespace mixtape::test {

class raw_connection {
 public:
  explicit raw_connection(std::uint16_t port);  // to 127.0.0.1
  ~raw_connection();
  raw_connection(const raw_connection&) = delete;
  raw_connection& operator=(const raw_connection&) = delete;

  // Sends all of `bytes`. False when the server closed or reset the connection first.
  bool send(std::string_view bytes);
  // Sends `total` bytes of `fill` in 64 KiB pieces, stopping early once a response is
  // readable or the connection is gone. Returns how many bytes were sent.
  std::size_t send_until_answered(char fill, std::size_t total);
  // Reads the next response; HEAD responses have no body. nullopt: the server closed (or
  // `limit` passed: a failure bound, not a wait) before a whole response arrived.
  std::optional<http_reply> read_reply(bool to_head = false,
                                       std::chrono::milliseconds limit = std::chrono::seconds(20));
  // True when the server closes the connection with nothing more to say (EOF or reset)
  // within `limit`; false if it sends bytes instead or stays open.
  bool closed_by_server(std::chrono::milliseconds limit = std::chrono::seconds(20));
  // Bytes received past the last parsed response.
  const std::string& leftover() const { return in_; }

 private:
  bool fill(std::chrono::steady_clock::time_point until);  // false: closed or timed out
  int fd_ = -1;
  std::string in_;
};

// The resident set size of a process, in bytes (from /proc/PID/status).
std::size_t resident_bytes(int pid);

}  // namespace mixtape::test
