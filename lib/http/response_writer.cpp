#include "http/response_writer.hpp"

#include <charconv>

#include <boost/beast/http/status.hpp>

namespace mixtape::http {

void build_head(std::string& head, const api::response& r, bool keep_alive, bool http10) {
  namespace bhttp = boost::beast::http;
  head.clear();
  head += "HTTP/1.1 ";
  char digits[24];
  head.append(digits, std::to_chars(digits, digits + sizeof digits, r.status).ptr);
  head += ' ';
  head += bhttp::obsolete_reason(static_cast<bhttp::status>(r.status));
  head += "\r\nContent-Type: ";
  head += r.content_type;
  head += "\r\nContent-Length: ";
  head.append(digits, std::to_chars(digits, digits + sizeof digits, r.body.size()).ptr);
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
