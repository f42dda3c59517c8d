// The replication routes (docs/replication.md): the role checks for load balancers, the
// refusal of writes on a standby, a read that waits for a seq, promotion, and the
// replication stream's handshake.
#include <charconv>

#include "api/errors.hpp"
#include "api/responses.hpp"
#include "api/router.hpp"
#include "core/log.hpp"
#include "model/collection.hpp"

namespace mixtape::api {

bool router::accepting_writes() const {
  const node_role role = role_now();
  return ready() && role.primary && role.admitted;
}

node_role router::role_now() const {
  if (admin_.replication.role) return admin_.replication.role();
  node_role r;
  r.seq = service_.applied_seq();
  return r;
}

std::string role_json(const node_role& r) {
  return std::string{"{\"role\":\""} + (r.primary ? "primary" : "standby") + "\",\"epoch\":" + std::to_string(r.epoch) +
         ",\"seq\":" + std::to_string(r.seq) + ",\"lag_ms\":" + std::to_string(r.lag_ms) + "}";
}

std::optional<response> router::refuse_not_primary(const std::string& trace_id,
                                                   const std::optional<core::rate_verdict>& limit,
                                                   const request_context& ctx) {
  const node_role role = role_now();
  auto r = error_response(error_kind::not_primary, "This server is a read-only standby.",
                          details_of("primary", role.primary_url), trace_id);
  r.retry_after = "1";
  if (limit) set_rate_headers(r, *limit);
  finish(ctx, r);
  return r;
}

response router::not_applied(std::uint64_t seq, const std::string& trace_id) const {
  auto r = error_response(error_kind::unavailable,
                          "this server has not applied seq " + std::to_string(seq) + " yet (it is at " +
                              std::to_string(service_.applied_seq()) + "); retry, or read from the primary",
                          "{}", trace_id);
  r.retry_after = "1";
  return r;
}

response router::promote(const std::string& trace_id) {
  if (!admin_.replication.promote) {
    auto r = error_response(error_kind::unavailable, "promotion is not available on this server", "{}", trace_id);
    r.retry_after = "5";
    return r;
  }
  auto role = admin_.replication.promote();
  if (!role && role.error().code == core::errc::conflict)  // a cluster's node: etcd decides
    return error_response(error_kind::conflict, role.error().message, "{}", trace_id);
  if (!role) {
    core::log::warn("promotion failed", {{"reason", role.error().message}});
    auto r = error_response(error_kind::unavailable, "the promotion failed: " + role.error().message, "{}", trace_id);
    r.retry_after = "5";
    return r;
  }
  response r;
  r.request_id = trace_id;
  r.body = role_json(role.value());
  r.seq = role->seq;
  return r;
}

response router::replication_stream(const request& req, std::string_view query, const std::string& trace_id,
                                    const std::optional<core::rate_verdict>& limit) {
  const auto refuse = [&](error_kind k, std::string_view why, std::string details = "{}") {
    auto r = error_response(k, why, details, trace_id);
    if (limit) set_rate_headers(r, *limit);
    return r;
  };
  if (!req.websocket) return refuse(error_kind::bad_request, "the replication stream is a WebSocket: send Upgrade: websocket");
  stream_request s;
  s.history = req.mixtape_history;
  s.database = req.mixtape_database;
  s.node = req.mixtape_node;
  const auto at = query.find("after=");
  const auto digits = at == std::string_view::npos ? std::string_view{} : query.substr(at + 6, query.find('&', at) - at - 6);
  if (const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), s.after);
      digits.empty() || ec != std::errc{} || end != digits.data() + digits.size())
    return refuse(error_kind::validation, "after must be the standby's last seq", details_of("field", "after"));
  if (!admin_.replication.stream) return refuse(error_kind::unavailable, "replication is not available on this server");
  if (!s.node.empty() && s.node == admin_.replication.node_id)
    return refuse(error_kind::conflict, "the standby and this server are the same process", R"({"reason":"itself"})");
  if (admin_.replication.accepts_writes && !admin_.replication.accepts_writes()) {  // the stream is the primary's
    auto r = refuse(error_kind::not_primary, "This server is a read-only standby.", details_of("primary", role_now().primary_url));
    r.retry_after = "1";
    return r;
  }
  auto d = admin_.replication.stream(s);
  if (!d) {
    const auto& p = d.error();
    if (p.code == core::errc::not_found)
      return refuse(error_kind::conflict, p.message, R"({"reason":"bootstrap"})");
    if (p.code == core::errc::conflict) return refuse(error_kind::conflict, p.message, R"({"reason":"database"})");
    if (p.code == core::errc::validation_failed) return refuse(error_kind::validation, p.message, details_of("field", p.field));
    core::log::warn("replication stream refused", {{"reason", p.message}});
    return refuse(error_kind::unavailable, "the replication stream could not be opened; see the server log");
  }
  response r;
  r.status = 101;
  r.request_id = trace_id;
  r.takeover = std::move(d).value();
  return r;
}

}  // namespace mixtape::api
