#pragma once
// A standby's connection to its primary (docs/replication.md): on a thread of its own
// ("mixtape-replica"), connects to --replicate-from, opens the replication stream (a
// WebSocket upgrade of GET /admin/v1/replication with the replication key), hands what
// arrives to the replication::standby_link and sends its acknowledgements; reconnects with
// a doubling backoff (0.1 s to 5 s) whenever the stream ends. Every refusal is logged with
// its reason once per attempt; none makes it spin.
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "replication/standby.hpp"

namespace mixtape::http {

struct replication_client_options {
  std::string url;  // http://HOST:PORT[/base]
  std::string key;  // MIXTAPE_REPLICATION
};

class replication_client {
 public:
  // `on_stop` runs on the client's thread when the link cannot go on following (a diverged
  // history; the primary asks for a new bootstrap: reason none then); the client has stopped
  // by then.
  using stop_fn = std::function<void(replication::stop_reason why, std::uint64_t fork_seq)>;
  replication_client(replication_client_options options, replication::standby_link& link,
                     replication::standby_status& status, stop_fn on_stop);
  ~replication_client();  // stop()
  replication_client(const replication_client&) = delete;
  replication_client& operator=(const replication_client&) = delete;

  void start();
  // An acknowledgement may be due (the journal synced records). Any thread.
  void durable();
  // Ends the stream and joins the thread. Idempotent; not from on_stop.
  void stop();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
  std::thread thread_;
};

}  // namespace mixtape::http
