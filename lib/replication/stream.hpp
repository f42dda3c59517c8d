#pragma once
// One standby's stream, the primary's side (docs/replication.md): records from the journal
// files as they are written, a heartbeat when there are none for a second, and the
// standby's acknowledgements handed to `standbys`. The HTTP layer drives it (core::duplex).
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>

#include "core/duplex.hpp"
#include "replication/record_feed.hpp"
#include "replication/standbys.hpp"

namespace mixtape::replication {

class standby_stream final : public core::duplex, public std::enable_shared_from_this<standby_stream> {
 public:
  // The standby holds every record <= after, and this primary believes it holds those <= held
  // (its history agrees up to there). Errors: record_feed::open's (not_found: it must bootstrap).
  static core::result<std::shared_ptr<standby_stream>> open(const std::string& dir, std::uint64_t after, std::uint64_t held,
                                                            standbys& registry, std::string name,
                                                            std::vector<std::pair<std::string, std::string>> headers);
  ~standby_stream() override;

  std::vector<std::pair<std::string, std::string>> accept_headers() const override { return headers_; }
  core::result<bool> next(std::string& out) override;
  void when_ready(std::function<void()> ready) override;
  core::status received(std::string_view message) override;

 private:
  standby_stream(record_feed feed, standbys& registry, std::uint64_t id,
                 std::vector<std::pair<std::string, std::string>> headers)
      : feed_(std::move(feed)), sent_(feed_.last_seq()), registry_(registry), id_(id), headers_(std::move(headers)) {}

  record_feed feed_;  // the HTTP layer's thread only, as sent_
  std::uint64_t sent_;  // the last record sent
  standbys& registry_;
  const std::uint64_t id_;
  std::vector<std::pair<std::string, std::string>> headers_;
  std::chrono::steady_clock::time_point last_sent_ = std::chrono::steady_clock::now();
  std::atomic<bool> armed_{false};  // a when_written_past registration is pending
};

}  // namespace mixtape::replication
