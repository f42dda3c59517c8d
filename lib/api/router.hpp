#pragma once
// Request handling in SPEC §3 order: route (404/405), authenticate (401), authorize
// (403), check the request (413/415/422), then the use case (404, 409, 503...).
#include <atomic>
#include <functional>
#include <optional>

#include "api/message.hpp"
#include "api/metrics.hpp"
#include "api/routes.hpp"
#include "auth/keys.hpp"
#include "service/collections.hpp"

namespace mixtape::api {

class router {
 public:
  // `gauges_of` is called when /metrics is rendered.
  router(service::collections& service, auth::key_store& keys, std::function<gauges()> gauges_of,
         bool access_log = false);

  // Handles `req`; calls `respond` exactly once, before returning or later from the
  // journal thread. The views in `req` must stay valid until `respond` runs.
  void handle(const request& req, respond_fn respond);

  // Marks the server as draining: /readyz answers 503 and writes are refused.
  void set_draining() noexcept { draining_.store(true); }
  bool ready() const noexcept;

  api::metrics& request_metrics() noexcept { return metrics_; }

 private:
  void dispatch(const route_match& m, const request& req, std::string_view query,
                const service::caller& who, std::string trace_id, respond_fn respond);
  void handle_public(const route_match& m, const std::string& trace_id, const respond_fn& respond);

  service::collections& service_;
  auth::key_store& keys_;
  std::function<gauges()> gauges_of_;
  api::metrics metrics_;
  std::atomic<bool> draining_{false};
  bool access_log_;
};

// The client's X-Request-Id when it is a sane token (1..128 of [A-Za-z0-9._:-]).
bool is_sane_request_id(std::string_view id) noexcept;

}  // namespace mixtape::api
