#include "api/responses.hpp"

#include "core/log.hpp"

namespace mixtape::api {

response error_response(error_kind k, std::string_view system_message, std::string_view details,
                        std::string trace_id) {
  response r;
  r.status = status_of(k);
  r.body = error_body(k, system_message, details, trace_id);
  r.request_id = std::move(trace_id);
  return r;
}

response to_response(service::reply&& reply, unsigned ok_status, std::string_view resource_id,
                     std::string trace_id) {
  if (reply.ok()) {
    response r;
    r.status = reply.status != 0 ? reply.status : ok_status;
    r.etag = reply.version;
    r.replayed = reply.replayed;
    r.body = std::move(reply).value();
    r.request_id = std::move(trace_id);
    return r;
  }
  const core::problem& p = reply.error();
  const error_kind k = kind_of(p.code);
  std::string details = "{}";
  if (k == error_kind::validation || k == error_kind::collection_full) details = details_of("field", p.field);
  else if (k == error_kind::resource_not_found && (p.field == "collection_id" || p.field == "share_id"))
    details = details_of(p.field, resource_id);
  if (k == error_kind::internal) {  // the cause goes to the log, never to the client
    core::log::error("internal error", {{"cause", p.message}, {"request_id", trace_id}});
    return error_response(k, "internal error", details, std::move(trace_id));
  }
  auto r = error_response(k, p.message, details, std::move(trace_id));
  if (k == error_kind::unavailable) r.retry_after = "5";  // a frozen organization, a journal refusing
  return r;
}

}  // namespace mixtape::api
