#include "api/router.hpp"

#include <charconv>
#include <cstdint>

#include "api/embedded.hpp"
#include "api/errors.hpp"
#include "api/etag.hpp"
#include "api/query.hpp"
#include "api/responses.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/text.hpp"

namespace mixtape::api {
namespace {

// A body must be JSON when there is one: application/json, optionally with charset=utf-8.
bool is_json_content_type(std::string_view ct) {
  using core::iequals_ascii;
  const auto semi = ct.find(';');
  if (!iequals_ascii(core::trim_blanks(ct.substr(0, semi)), "application/json")) return false;
  if (semi == std::string_view::npos) return true;
  auto params = core::trim_blanks(ct.substr(semi + 1));
  while (!params.empty() && params.back() == ';') params = core::trim_blanks(params.substr(0, params.size() - 1));
  return params.empty() || iequals_ascii(params, "charset=utf-8") || iequals_ascii(params, "charset=\"utf-8\"");
}

const char* method_name(method m) {
  switch (m) {
    case method::get: return "GET";
    case method::head: return "HEAD";
    case method::post: return "POST";
    case method::put: return "PUT";
    case method::patch: return "PATCH";
    case method::delete_: return "DELETE";
    case method::options: return "OPTIONS";
    default: return "OTHER";
  }
}

// One access-log line: method, route (the pattern, never ids or tokens), status, duration, request id.
void log_request(method verb, std::optional<route_id> route, const response& r, std::chrono::nanoseconds elapsed) {
  // Milliseconds with 3 decimals, from integer microseconds (snprintf's %f showed in profiles).
  const auto us = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count());
  char duration[32];
  auto end = std::to_chars(duration, duration + 24, us / 1000).ptr;
  const unsigned frac = static_cast<unsigned>(us % 1000);
  *end++ = '.';
  *end++ = static_cast<char>('0' + frac / 100);
  *end++ = static_cast<char>('0' + frac / 10 % 10);
  *end++ = static_cast<char>('0' + frac % 10);
  char status_text[8];
  const std::string_view status{status_text,
                                static_cast<std::size_t>(std::to_chars(status_text, status_text + 8, r.status).ptr - status_text)};
  core::log::info("request", {{"method", method_name(verb)},
                              {"route", route ? route_label(*route) : "unmatched"},
                              {"status", status},
                              {"duration_ms", std::string_view{duration, static_cast<std::size_t>(end - duration)}},
                              {"request_id", r.request_id}});
}

}  // namespace

bool is_sane_request_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > 128) return false;
  for (const char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != ':' && c != '-') return false;
  return true;
}

router::router(service::collections& service, auth::key_store& keys, std::function<gauges()> gauges_of,
               bool access_log, rate_limit_options limits, cors_policy cors, admin_hooks admin)
    : service_(service),
      keys_(keys),
      gauges_of_(std::move(gauges_of)),
      limiter_(std::move(limits)),
      access_log_(access_log),
      cors_(std::move(cors)),
      admin_(std::move(admin)) {}

response router::rate_limited(route_id route, const core::rate_verdict& v, std::string_view who,
                              const std::string& trace_id) {
  metrics_.record_limited(route);
  std::string why = "rate limit exceeded for this ";
  why += who;
  why += ": " + std::to_string(v.limit) + " requests a minute; retry after " + std::to_string(v.retry_after) + " s";
  auto r = error_response(error_kind::rate_limited, why, "{}", trace_id);
  r.retry_after = std::to_string(v.retry_after);
  set_rate_headers(r, v);
  return r;
}

bool router::ready() const noexcept { return !draining_.load() && service_.writable(); }

std::optional<response> router::handle(const request& received, const std::optional<route_match>& m,
                                       const respond_fn& done) {
  const auto start = std::chrono::steady_clock::now();
  std::string trace_id =
      is_sane_request_id(received.request_id) ? std::string{received.request_id} : core::new_request_id();
  const auto qmark = received.target.find('?');
  const auto query = qmark == std::string_view::npos ? std::string_view{} : received.target.substr(qmark + 1);
  // Admin routes never answer a browser's cross-origin request (docs/operations.md).
  const bool cors_on = cors_.enabled() && !(m && (access_of(m->id) == access::admin || access_of(m->id) == access::replication));
  const request_context ctx{m ? std::optional{m->id} : std::nullopt, received.verb, start, cors_on,
                            cors_on && cors_.allows(received.origin) ? received.origin : std::string_view{}};
  const auto answered = [&](response r) -> std::optional<response> {
    finish(ctx, r);
    return r;
  };
  if (!m) return answered(error_response(error_kind::route_not_found, "No route matches this path", "{}", trace_id));
  // A CORS preflight from an allowed origin, before any key (a browser sends none with it).
  if (received.verb == method::options && !ctx.cors_origin.empty() && !received.cors_request_method.empty()) {
    response r;
    r.status = 204;
    r.request_id = std::move(trace_id);
    r.cors_methods = allowed_methods(m->id);
    return answered(std::move(r));
  }
  if (!method_allowed(m->id, received.verb)) {
    auto r = error_response(error_kind::method_not_allowed, "Method not allowed for this route", "{}", trace_id);
    r.allow = allowed_methods(m->id);
    return answered(std::move(r));
  }
  // HEAD runs as GET; the session leaves the body out. The log and metrics still say HEAD.
  request req = received;
  if (req.verb == method::head) req.verb = method::get;
  // X-Mixtape-Min-Seq: a read waits until this server has applied that record
  // (docs/replication.md, "Reading your writes anywhere"), then runs as if it came now.
  if (!received.min_seq.empty() && req.verb == method::get) {
    std::uint64_t want = 0;
    const char* first = received.min_seq.data();
    const char* last = first + received.min_seq.size();
    if (const auto [end, ec] = std::from_chars(first, last, want); ec != std::errc{} || end != last)
      return answered(error_response(error_kind::validation, "X-Mixtape-Min-Seq must be a record's seq (an integer)",
                                     details_of("field", "X-Mixtape-Min-Seq"), trace_id));
    if (want > service_.applied_seq()) {
      if (!admin_.replication.wait_for_seq) return answered(not_applied(want, trace_id));
      request again = received;
      again.min_seq = {};
      admin_.replication.wait_for_seq(want, [this, again, m, done, want, trace_id, ctx](bool reached) {
        if (!reached) {
          auto r = not_applied(want, trace_id);
          finish(ctx, r);
          return done(std::move(r));
        }
        if (auto r = handle(again, m, done)) done(std::move(*r));
      });
      return std::nullopt;
    }
  }
  if (!needs_key(m->id)) {
    if (m->id != route_id::shared || !limiter_.share_limited()) return answered(handle_public(*m, trace_id));
    const auto v = limiter_.take_for_client(req, core::rate_clock::now());
    if (!v.allowed) return answered(rate_limited(m->id, v, "client address", trace_id));
    auto r = handle_public(*m, trace_id);
    set_rate_headers(r, v);
    return answered(std::move(r));
  }
  const auto presented = auth::presented_key(req.x_api_key, req.authorization);
  const access who_may = access_of(m->id);
  const bool admin = who_may == access::admin || who_may == access::replication;
  const auto& keys = keys_.for_this_thread();
  const auto d = who_may == access::replication ? auth::authorize_replication(keys, presented)
                 : who_may == access::admin
                     ? auth::authorize_admin(keys, presented,  // a standby bootstraps from the backup
                                             m->id == route_id::admin_backup ? auth::replication_capability : "")
                     : auth::authorize(keys, presented, m->org);
  if (d.outcome == auth::verdict::unauthenticated)
    return answered(error_response(error_kind::authentication, d.reason, "{}", trace_id));
  if (d.outcome == auth::verdict::forbidden)
    return answered(error_response(error_kind::permission, d.reason, "{}", trace_id));
  std::optional<core::rate_verdict> limit;  // set when the key's bucket applies: its headers go on every answer
  if (limiter_.limit_for(*d.key).limited()) {
    limit = limiter_.take_for_key(*d.key, core::rate_clock::now());
    if (!limit->allowed) return answered(rate_limited(m->id, *limit, "API key", trace_id));
  }
  const auto refuse = [&](error_kind k, std::string_view why) {
    auto r = error_response(k, why, "{}", trace_id);
    if (limit) set_rate_headers(r, *limit);
    return answered(std::move(r));
  };
  if (req.body_too_large) return refuse(error_kind::payload_too_large, "request body exceeds the size limit");
  if (takes_body(m->id, req.verb) && !req.body.empty() && !is_json_content_type(req.content_type))
    return refuse(error_kind::unsupported_media_type, "Content-Type must be application/json");
  // A standby answers reads only (the replication stream too is the primary's).
  if (req.verb != method::get && m->id != route_id::admin_promote &&
      admin_.replication.role && !admin_.replication.accepts_writes())
    return refuse_not_primary(trace_id, limit, ctx);
  if (m->id == route_id::admin_replication) return answered(replication_stream(req, query, trace_id, limit));
  if (admin) return handle_admin(*m, std::move(trace_id), ctx, limit, done);
  const service::caller who{std::string{m->org}, d.key->principal};
  return dispatch(*m, req, query, who, std::move(trace_id), ctx, limit, done);
}

void router::refused(const response& r, std::chrono::steady_clock::time_point start) {
  account({std::nullopt, method::other, start, false, {}}, r);
}

// Every routed response passes through here once.
void router::finish(const request_context& ctx, response& r) {
  if (ctx.cors_on) {
    r.vary_origin = true;
    r.cors_origin = ctx.cors_origin;
  }
  account(ctx, r);
}

// Count a response by route and status, time it, log it.
void router::account(const request_context& ctx, const response& r) {
  const auto elapsed = std::chrono::steady_clock::now() - ctx.start;
  metrics_.record(ctx.route, r.status, elapsed);
  if (access_log_) log_request(ctx.verb, ctx.route, r, elapsed);
}

// --- Dispatch of an authorized request to its use case, and the routes without a key ---
std::optional<response> router::dispatch(const route_match& m, const request& req, std::string_view query,
                                         const service::caller& who, std::string trace_id,
                                         const request_context& ctx,
                                         const std::optional<core::rate_verdict>& limit, const respond_fn& done) {
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
  // A write's completion for the service: the reply as a response, handed to `done` — maybe
  // on the journal thread, once the write is durable, so everything is captured by value.
  const auto write_done = [&] {
    return [this, ctx, done, ok_status, id = std::string{id}, trace_id, limit](service::reply r) {
      auto res = to_response(std::move(r), ok_status, id, trace_id);
      if (res.status < 300) res.seq = service_.applied_seq();  // the write's record (or the state it found)
      if (limit) set_rate_headers(res, *limit);
      finish(ctx, res);
      done(std::move(res));
    };
  };
  switch (m.id) {
    case route_id::collections:
      if (req.verb == method::post) return service_.create(who, req.body, write_done(), when), std::nullopt;
      if (auto p = parse_page(query, 50, 100)) return now(service_.list(who, p->limit, p->offset));
      else return now(std::move(p).error());
    case route_id::collection:
      if (req.verb == method::get) return now(service_.get(who, id));
      if (req.verb == method::patch) return service_.update(who, id, req.body, write_done(), when), std::nullopt;
      return service_.remove(who, id, write_done(), when), std::nullopt;
    case route_id::tracks:
      if (req.verb == method::post) return service_.add_track(who, id, req.body, write_done(), when), std::nullopt;
      if (auto p = parse_page(query, 200, 500)) return now(service_.list_tracks(who, id, p->limit, p->offset));
      else return now(std::move(p).error());
    case route_id::track: return service_.remove_track(who, id, m.track, write_done(), when), std::nullopt;
    case route_id::order: return service_.reorder(who, id, req.body, write_done(), when), std::nullopt;
    case route_id::share: return service_.share(who, id, req.body, write_done(), when), std::nullopt;
    case route_id::shares: return now(service_.list_shares(who, id));
    case route_id::share_link: return service_.revoke_share(who, id, write_done()), std::nullopt;
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
    case route_id::primary:
    case route_id::replica: {
      const node_role role = role_now();
      const bool ok = m.id == route_id::primary ? role.primary && accepting_writes()
                                                : !role.primary && role.lag_ms <= admin_.replication.max_replica_lag_ms;
      r.status = ok ? 200 : 503;
      r.body = role_json(role);
      break;
    }
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
