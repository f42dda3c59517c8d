#pragma once
// A connection taken over after its request, with messages both ways (the replication
// stream, docs/replication.md: a WebSocket). The HTTP layer accepts the upgrade with
// accept_headers(), then sends what next() gives and hands each message it receives to
// received(); it never interprets them.
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace mixtape::core {

class duplex {
 public:
  virtual ~duplex() = default;
  // Header fields of the 101 answer.
  virtual std::vector<std::pair<std::string, std::string>> accept_headers() const = 0;
  // Appends the next message to `out`: true, or false when there is nothing to send now
  // (then the caller waits for when_ready, or about a second). An error ends the connection.
  virtual result<bool> next(std::string& out) = 0;
  // Calls `ready` once, on any thread, when next() may have something again.
  virtual void when_ready(std::function<void()> ready) = 0;
  // A message from the peer; an error ends the connection.
  virtual status received(std::string_view message) = 0;
};

}  // namespace mixtape::core
