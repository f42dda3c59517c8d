#pragma once
// The HTTP/1.1 front end: one io_context per I/O thread, each with its own acceptor on
// the same port (SO_REUSEPORT), so connections never change threads and sessions need
// no strands. Sessions are C++20 coroutines; requests go to an api::router.
//
// Shutdown (stop() or SIGTERM/SIGINT): acceptors close; connections waiting for a
// request are closed; requests whose headers have arrived are read, answered and
// their writes synced; then run() returns. After drain_timeout, whatever is left is
// cut off.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "api/router.hpp"

namespace mixtape::http {

struct server_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: pick a free port
  unsigned threads = 1;
  api::body_limits body_limits;  // --max-body-bytes, and --max-tracks for the order route
  std::size_t max_header_bytes = 16 * 1024;
  std::chrono::seconds header_timeout{10};
  std::chrono::seconds body_timeout{30};
  std::chrono::seconds idle_timeout{60};
  std::chrono::seconds drain_timeout{10};
};

class server {
 public:
  server(server_options options, api::router& router);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Binds every listener. On success port() is the bound port.
  std::error_code listen();
  std::uint16_t port() const noexcept;

  // Serves until stop() or SIGTERM/SIGINT, then drains (see above) and returns.
  // `on_hangup` runs on each SIGHUP (on an I/O thread). `on_ready` runs once on the
  // calling thread when SIGTERM/SIGINT/SIGHUP are handled and the listeners accept (so a
  // signal sent after it is seen, never lost to the default action).
  // Under systemd (Type=notify) it sends READY=1 once the listeners accept, STOPPING=1
  // when the drain begins, and WATCHDOG=1 every WATCHDOG_USEC/2 from an I/O thread (so a
  // stuck event loop stops the pings).
  void run(std::function<void()> on_hangup, const std::function<void()>& on_ready = {});

  // Thread-safe and async-signal-unsafe: begins the drain. `restarting`: the process starts
  // over after it (a standby, docs/replication.md): systemd is told RELOADING=1, not
  // STOPPING=1, and the next image's READY=1 ends the reload.
  void stop(bool restarting = false);

  std::size_t open_connections() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace mixtape::http
