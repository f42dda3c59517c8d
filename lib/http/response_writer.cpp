#include "http/response_writer.hpp"

#include <charconv>

#include <boost/beast/http/status.hpp>

#include "api/cors.hpp"

namespace mixtape::http {

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
    head += "\r\nContent-Length: ";
    head.append(digits, std::to_chars(digits, digits + sizeof digits, r.body.size()).ptr);
  }
  if (r.etag != 0) {
    head += "\r\nETag: \"";
    head.append(digits, std::to_chars(digits, digits + sizeof digits, r.etag).ptr);
    head += '"';
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
    head += "\r\nX-RateLimit-Limit: ";
    head.append(digits, std::to_chars(digits, digits + sizeof digits, r.rate_limit).ptr);
    head += "\r\nX-RateLimit-Remaining: ";
    head.append(digits, std::to_chars(digits, digits + sizeof digits, r.rate_remaining).ptr);
    head += "\r\nX-RateLimit-Reset: ";
    head.append(digits, std::to_chars(digits, digits + sizeof digits, r.rate_reset).ptr);
  }
  if (!keep_alive) head += "\r\nConnection: close";
  else if (http10) head += "\r\nConnection: keep-alive";
  head += "\r\n\r\n";
}

}  // namespace mixtape::http
