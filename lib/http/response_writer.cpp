#include "http/response_writer.hpp"

#include <charconv>

#include <boost/beast/http/status.hpp>

#include "api/cors.hpp"
#include "core/clock.hpp"

namespace mixtape::http {
namespace {

// The Date header's value for now: formatted at most once a second on each I/O thread, so
// a response pays one clock read.
std::string_view http_date_now() {
  thread_local core::unix_seconds formatted_at = -1;
  thread_local std::string text;
  const core::unix_seconds now = core::now_seconds();
  if (now != formatted_at) {
    text.clear();
    core::append_http_date(text, now);
    formatted_at = now;
  }
  return text;
}

}  // namespace

void build_head(std::string& head, const api::response& r, bool keep_alive, bool http10) {
  namespace bhttp = boost::beast::http;
  head.clear();
  head += "HTTP/1.1 ";
  char digits[24];
  head.append(digits, std::to_chars(digits, digits + sizeof digits, r.status).ptr);
  head += ' ';
  head += bhttp::obsolete_reason(static_cast<bhttp::status>(r.status));
  if (r.status != 204 && r.status != 304) {  // neither has content (RFC 9110 §8.6, §15.4.5)
    head += "\r\nContent-Type: ";
    head += r.content_type;
    if (r.stream) {  // HTTP/1.0 knows no chunks: its body ends with the connection (RFC 9112 §6.1, §6.3)
      head += http10 ? "\r\nCache-Control: no-store" : "\r\nTransfer-Encoding: chunked\r\nCache-Control: no-store";
    } else {
      head += "\r\nContent-Length: ";
      head.append(digits, std::to_chars(digits, digits + sizeof digits, r.body.size()).ptr);
    }
  }
  if (r.etag != 0) {
    head += "\r\nETag: \"";
    head.append(digits, std::to_chars(digits, digits + sizeof digits, r.etag).ptr);
    head += '"';
  }
  if (r.seq) {
    head += "\r\nX-Mixtape-Seq: ";
    head.append(digits, std::to_chars(digits, digits + sizeof digits, *r.seq).ptr);
  }
  if (r.replayed) head += "\r\nIdempotent-Replayed: true";
  if (r.vary_origin) head += "\r\nVary: Origin";
  if (!r.cors_origin.empty()) {
    head += "\r\nAccess-Control-Allow-Origin: ";
    head += r.cors_origin;
    if (!r.cors_methods.empty()) {
      head += "\r\nAccess-Control-Allow-Methods: ";
      head += r.cors_methods;
      head += "\r\nAccess-Control-Allow-Headers: ";
      head += api::cors_allow_headers;
      head += "\r\nAccess-Control-Max-Age: ";
      head += api::cors_max_age;
    } else {
      head += "\r\nAccess-Control-Expose-Headers: ";
      head += api::cors_expose_headers;
    }
  }
  head += "\r\nDate: ";
  head += http_date_now();
  head += "\r\nX-Request-Id: ";
  head += r.request_id;
  if (!r.allow.empty()) {
    head += "\r\nAllow: ";
    head += r.allow;
  }
  if (!r.retry_after.empty()) {
    head += "\r\nRetry-After: ";
    head += r.retry_after;
  }
  if (r.rate_limit != 0) {
    // The same three values under the rate-limiting page's names and the debugging page's.
    const auto append_number = [&](std::string_view name, auto value) {
      head += "\r\n";
      head += name;
      head += ": ";
      head.append(digits, std::to_chars(digits, digits + sizeof digits, value).ptr);
    };
    append_number("X-RateLimit-Limit", r.rate_limit);
    append_number("X-RateLimit-Remaining", r.rate_remaining);
    append_number("X-RateLimit-Reset", r.rate_reset);
    append_number("x-ratelimit-limit-requests", r.rate_limit);
    append_number("x-ratelimit-remaining-requests", r.rate_remaining);
    append_number("x-ratelimit-reset-requests", r.rate_reset);
  }
  if (!keep_alive) head += "\r\nConnection: close";
  else if (http10) head += "\r\nConnection: keep-alive";
  head += "\r\n\r\n";
}

}  // namespace mixtape::http
