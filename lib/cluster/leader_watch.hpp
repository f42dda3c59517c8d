#pragma once
// A watch of one etcd key (docs/cluster.md, "Timers"): on a thread of its own
// ("mixtape-watch"), a streaming POST /v3/watch on one member after another; `changed` is
// called whenever bytes arrive on it (an event: the key was created, changed or deleted; or
// the stream's start), so that the node reads the keys again at once instead of at its next
// tick. The watch only hastens: the node's ticks read the keys anyway, so a watch that is
// down (a member stopped, paused or cut off) costs time, never correctness. Reconnects after
// 0.5 s, on the next member.
#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "core/http_url.hpp"

namespace mixtape::cluster {

class leader_watch {
 public:
  leader_watch(std::vector<core::http_url> endpoints, std::string key, std::function<void()> changed);
  ~leader_watch();  // stop()
  leader_watch(const leader_watch&) = delete;
  leader_watch& operator=(const leader_watch&) = delete;

  void start();
  void stop();  // any thread but the watch's own; idempotent

 private:
  void run();
  // One stream on `url`, until it ends or stop(); whether any bytes came.
  bool watch_once(const core::http_url& url);

  const std::vector<core::http_url> endpoints_;
  const std::string key_;
  const std::function<void()> changed_;
  boost::asio::io_context io_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace mixtape::cluster
