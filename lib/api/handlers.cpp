// Dispatch of an authorized request to its use case, and the unauthenticated routes.
#include "api/embedded.hpp"
#include "api/errors.hpp"
#include "api/etag.hpp"
#include "api/query.hpp"
#include "api/responses.hpp"
#include "api/router.hpp"

namespace mixtape::api {

std::optional<response> router::dispatch(const route_match& m, const request& req, std::string_view query,
                                         const service::caller& who, std::string trace_id,
                                         const request_context& ctx,
                                         const std::optional<core::rate_verdict>& limit, const respond_fn& later) {
  const bool creates = (m.id == route_id::collections || m.id == route_id::share) && req.verb == method::post;
  const unsigned ok_status = creates ? 201 : 200;
  const auto id = m.id == route_id::share_link ? m.share : m.collection;  // the id a 404 names
  // Reads (and refusals) answer now; a read whose ETag the client holds is a 304.
  const auto now = [&](service::reply r) -> std::optional<response> {
    auto res = to_response(std::move(r), ok_status, id, std::move(trace_id));
    if (res.etag != 0 && !req.if_none_match.empty() && none_match_hits(req.if_none_match, res.etag)) {
      res.status = 304;
      res.body.clear();
    }
    if (limit) set_rate_headers(res, *limit);
    finish(ctx, res);
    return res;
  };
  service::conditions when;
  if (!req.if_match.empty()) when.if_match = if_match_versions(req.if_match);
  when.idempotency_key = req.idempotency_key;
  // Writes answer when the journal has them: maybe on the journal thread, so capture by value.
  const auto when_durable = [&] {
    return [this, ctx, later, ok_status, id = std::string{id}, trace_id, limit](service::reply r) {
      auto res = to_response(std::move(r), ok_status, id, trace_id);
      if (limit) set_rate_headers(res, *limit);
      finish(ctx, res);
      later(std::move(res));
    };
  };
  switch (m.id) {
    case route_id::collections:
      if (req.verb == method::post) return service_.create(who, req.body, when_durable(), when), std::nullopt;
      if (auto p = parse_page(query, 50, 100)) return now(service_.list(who, p->limit, p->offset));
      else return now(std::move(p).error());
    case route_id::collection:
      if (req.verb == method::get) return now(service_.get(who, id));
      if (req.verb == method::patch) return service_.update(who, id, req.body, when_durable(), when), std::nullopt;
      return service_.remove(who, id, when_durable(), when), std::nullopt;
    case route_id::tracks:
      if (req.verb == method::post) return service_.add_track(who, id, req.body, when_durable(), when), std::nullopt;
      if (auto p = parse_page(query, 200, 500)) return now(service_.list_tracks(who, id, p->limit, p->offset));
      else return now(std::move(p).error());
    case route_id::track: return service_.remove_track(who, id, m.track, when_durable(), when), std::nullopt;
    case route_id::order: return service_.reorder(who, id, req.body, when_durable(), when), std::nullopt;
    case route_id::share: return service_.share(who, id, req.body, when_durable(), when), std::nullopt;
    case route_id::shares: return now(service_.list_shares(who, id));
    case route_id::share_link: return service_.revoke_share(who, id, when_durable()), std::nullopt;
    default: return now(core::problem{core::errc::internal, "", "unrouted"});
  }
}

response router::handle_public(const route_match& m, const std::string& trace_id) {
  response r;
  r.request_id = trace_id;
  switch (m.id) {
    case route_id::healthz: r.body = R"({"status":"ok"})"; break;
    case route_id::readyz:
      if (!ready()) {
        const char* why = draining_.load() ? "server is shutting down" : "writes are refused: the journal failed";
        return error_response(error_kind::unavailable, why, "{}", trace_id);
      }
      r.body = R"({"status":"ready"})";
      break;
    case route_id::metrics: {
      auto g = gauges_of_();
      g.rate_limit_tracked_ips = limiter_.tracked_ips();
      r.body = metrics_.render(g);
      r.content_type = "text/plain; version=0.0.4; charset=utf-8";
      break;
    }
    // The document and the page's files are compiled in; a copy per request (~120 KB, Swagger
    // UI's bundle ~1.8 MB) is cheap next to how rarely they are fetched.
    case route_id::openapi: r.body = embedded::openapi_json; break;
    case route_id::docs:
      r.body = embedded::docs_html;
      r.content_type = "text/html; charset=utf-8";
      break;
    case route_id::docs_init:
      r.body = embedded::docs_init_js;
      r.content_type = "text/javascript; charset=utf-8";
      break;
    case route_id::docs_bundle:
      r.body = embedded::swagger_ui_bundle_js;
      r.content_type = "text/javascript; charset=utf-8";
      break;
    case route_id::docs_style:
      r.body = embedded::swagger_ui_css;
      r.content_type = "text/css; charset=utf-8";
      break;
    case route_id::shared: {
      auto reply = service_.resolve_share(m.token);
      if (!reply) return error_response(error_kind::resource_not_found, "Share link not found", "{}", trace_id);
      r.body = std::move(reply).value();
      break;
    }
    default: return to_response(core::problem{core::errc::internal, "", "no public handler for the route"}, 200, {}, trace_id);
  }
  return r;
}

}  // namespace mixtape::api
