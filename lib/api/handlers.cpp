// Dispatch of an authorized request to its use case, and the unauthenticated routes.
#include "api/errors.hpp"
#include "api/query.hpp"
#include "api/responses.hpp"
#include "api/router.hpp"

namespace mixtape::api {

void router::dispatch(const route_match& m, const request& req, std::string_view query,
                      const service::caller& who, std::string trace_id, respond_fn respond) {
  const unsigned ok_status = (m.id == route_id::collections || m.id == route_id::share) && req.verb == method::post
                                 ? 201
                                 : 200;
  // The reply may arrive on the journal thread: capture by value only.
  auto reply_to = [respond = std::move(respond), ok_status, id = std::string{m.collection},
                   trace_id](service::reply r) mutable {
    respond(to_response(std::move(r), ok_status, id, std::move(trace_id)));
  };
  const auto paged = [&](std::size_t default_limit, std::size_t max_limit) -> std::optional<page> {
    auto p = parse_page(query, default_limit, max_limit);
    if (p) return p.value();
    reply_to(std::move(p).error());
    return std::nullopt;
  };
  const auto id = m.collection;
  switch (m.id) {
    case route_id::collections:
      if (req.verb == method::post) return service_.create(who, req.body, std::move(reply_to));
      if (const auto p = paged(50, 100)) reply_to(service_.list(who, p->limit, p->offset));
      return;
    case route_id::collection:
      if (req.verb == method::get) return reply_to(service_.get(who, id));
      if (req.verb == method::patch) return service_.update(who, id, req.body, std::move(reply_to));
      return service_.remove(who, id, std::move(reply_to));
    case route_id::tracks:
      if (req.verb == method::post) return service_.add_track(who, id, req.body, std::move(reply_to));
      if (const auto p = paged(200, 500)) reply_to(service_.list_tracks(who, id, p->limit, p->offset));
      return;
    case route_id::track: return service_.remove_track(who, id, m.track, std::move(reply_to));
    case route_id::order: return service_.reorder(who, id, req.body, std::move(reply_to));
    case route_id::share: return service_.share(who, id, req.body, std::move(reply_to));
    default: return reply_to(core::problem{core::errc::internal, "", "unrouted"});
  }
}

void router::handle_public(const route_match& m, const std::string& trace_id, const respond_fn& respond) {
  response r;
  r.request_id = trace_id;
  switch (m.id) {
    case route_id::healthz: r.body = R"({"status":"ok"})"; break;
    case route_id::readyz:
      if (!ready()) {
        const char* why = draining_.load() ? "server is shutting down" : "writes are refused: the journal failed";
        return respond(error_response(error_kind::unavailable, why, "{}", trace_id));
      }
      r.body = R"({"status":"ready"})";
      break;
    case route_id::metrics:
      r.body = metrics_.render(gauges_of_());
      r.content_type = "text/plain; version=0.0.4; charset=utf-8";
      break;
    case route_id::shared: {
      auto reply = service_.resolve_share(m.token);
      if (!reply) return respond(error_response(error_kind::resource_not_found, "Share link not found", "{}", trace_id));
      r.body = std::move(reply).value();
      break;
    }
    default: return respond(error_response(error_kind::internal, "internal error", "{}", trace_id));
  }
  respond(std::move(r));
}

}  // namespace mixtape::api
