#pragma once
// Request handling in the order docs/openapi.yaml states (info.description): route (404/405),
// authenticate (401), authorize (403), check the request (413/415/422), then the use case
// (404, 409, 503...).
#include <atomic>
#include <chrono>
#include <functional>
#include <optional>

#include "api/admin.hpp"
#include "api/cors.hpp"
#include "api/message.hpp"
#include "api/metrics.hpp"
#include "api/rate_limiter.hpp"
#include "api/routes.hpp"
#include "auth/keys.hpp"
#include "service/collections.hpp"

namespace mixtape::api {

class router {
 public:
  // `gauges_of` is called when /metrics is rendered.
  // `limits`: the rate limits to enforce (none by default).
  router(service::collections& service, auth::key_store& keys, std::function<gauges()> gauges_of,
         bool access_log = false, rate_limit_options limits = {}, cors_policy cors = {}, admin_hooks admin = {});

  // Handles `req`, whose target matched `route` (match_target: the HTTP layer matched it
  // once, for the body limit, and hands the match on). Returns the response when it is
  // ready at once (reads, refusals); otherwise returns nullopt and calls `done` exactly
  // once with it — maybe before handle() returns, maybe from the journal thread. `done`
  // is copied only then, and the views in `req` and `route` must stay valid until the
  // response is delivered.
  std::optional<response> handle(const request& received, const std::optional<route_match>& route,
                                 const respond_fn& done);

  // Accounts for a request the HTTP layer refused before it could be routed (malformed,
  // oversized header): counted under "unmatched" with its status, and access-logged.
  void refused(const response& r, std::chrono::steady_clock::time_point start);

  // Marks the server as draining: /readyz answers 503; requests still in flight on open
  // connections are otherwise handled as usual (docs/architecture.md §7).
  void set_draining() noexcept { draining_.store(true); }
  bool ready() const noexcept;

 private:
  // What finish() needs to account for a request.
  struct request_context {
    std::optional<route_id> route;
    method verb;
    std::chrono::steady_clock::time_point start;
    bool cors_on = false;          // the answer varies with Origin
    std::string_view cors_origin;  // the request's Origin when allowed (a view into the request)
  };
  std::optional<response> dispatch(const route_match& m, const request& req, std::string_view query,
                                   const service::caller& who, std::string trace_id, const request_context& ctx,
                                   const std::optional<core::rate_verdict>& limit, const respond_fn& done);
  response handle_public(const route_match& m, const std::string& trace_id);
  // An admin route, once its key holds MIXTAPE_ADMIN (admin_routes.cpp). As dispatch():
  // the response now, or nullopt and `done` later.
  std::optional<response> handle_admin(const route_match& m, std::string trace_id, const request_context& ctx,
                                       const std::optional<core::rate_verdict>& limit, const respond_fn& done);
  // Replication (replication_routes.cpp, docs/replication.md): this node's role now; 503
  // NOT_PRIMARY for a write to a standby (accounted); the replication stream's answer (a 101
  // taking the connection over, or a refusal); a read's 503 for a seq not yet applied.
  node_role role_now() const;
  // Whether a write would be taken now: the journal, the role and --sync-replicas allow it.
  bool accepting_writes() const;
  std::optional<response> refuse_not_primary(const std::string& trace_id, const std::optional<core::rate_verdict>& limit,
                                             const request_context& ctx);
  response replication_stream(const request& req, std::string_view query, const std::string& trace_id,
                              const std::optional<core::rate_verdict>& limit);
  response promote(const std::string& trace_id);
  response not_applied(std::uint64_t seq, const std::string& trace_id) const;
  // The 429 for a refused verdict, counted under the route.
  response rate_limited(route_id route, const core::rate_verdict& v, std::string_view who,
                        const std::string& trace_id);
  // Adds the CORS headers `ctx` calls for, then accounts for the response.
  void finish(const request_context& ctx, response& r);
  void account(const request_context& ctx, const response& r);

  service::collections& service_;
  auth::key_store& keys_;
  std::function<gauges()> gauges_of_;
  api::metrics metrics_;
  rate_limiter limiter_;
  std::atomic<bool> draining_{false};
  bool access_log_;
  cors_policy cors_;
  admin_hooks admin_;
};

// The client's X-Request-Id when it is a sane token (1..128 of [A-Za-z0-9._:-]).
bool is_sane_request_id(std::string_view id) noexcept;

}  // namespace mixtape::api
