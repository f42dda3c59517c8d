#include "http/request_reader.hpp"

#include <boost/beast/http/rfc7230.hpp>

#include "core/text.hpp"

namespace mixtape::http {
namespace bhttp = boost::beast::http;

namespace {

constexpr std::size_t read_size = 4096;

bool starts_with_scheme(std::string_view t, std::string_view scheme) {
  return t.size() >= scheme.size() && core::iequals_ascii(t.substr(0, scheme.size()), scheme);
}

// Settles the HTTP-version of the request line at the front of `bytes` (empty lines already
// skipped) before Beast reads it, since Beast refuses every version but 1.0 and 1.1 alike:
// "HTTP/1.y" with y > 1 is rewritten in place to "HTTP/1.1" (RFC 9112 §2.3: served as the
// highest 1.x we speak); another well-formed major version is reported. Anything else is left
// for the parser to judge.
enum class line_version { incomplete, http1_or_malformed, other_major };

line_version settle_version(char* bytes, std::size_t size) {
  const std::string_view text{bytes, size};
  const auto end = text.find("\r\n");
  if (end == std::string_view::npos) return line_version::incomplete;
  constexpr std::size_t version_size = 8;  // "HTTP/x.y"
  if (end < version_size + 1) return line_version::http1_or_malformed;
  char* v = bytes + end - version_size;
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (v[-1] != ' ' || std::string_view{v, 5} != "HTTP/" || !digit(v[5]) || v[6] != '.' || !digit(v[7]))
    return line_version::http1_or_malformed;
  if (v[5] != '1') return line_version::other_major;
  if (v[7] > '1') v[7] = '1';
  return line_version::http1_or_malformed;
}

}  // namespace

std::string_view origin_form(std::string_view target) noexcept {
  std::size_t skip = 0;
  if (starts_with_scheme(target, "http://")) skip = 7;
  else if (starts_with_scheme(target, "https://")) skip = 8;
  else return target;
  const auto rest = target.substr(skip);
  const auto path = rest.find_first_of("/?");
  return path == std::string_view::npos ? std::string_view{} : rest.substr(path);
}

request_reader::request_reader(std::size_t max_header_bytes)
    : buffer_(max_header_bytes + read_size), max_header_bytes_(max_header_bytes) {}

boost::asio::mutable_buffer request_reader::prepare() {
  const std::size_t room = buffer_.max_size() - buffer_.size();
  return buffer_.prepare(std::min(room, read_size));
}

void request_reader::begin() {
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(max_header_bytes_));
  parser_->body_limit(boost::none);  // checked against the route's limit in limit_body()
  parser_->eager(false);             // stop after the header so that head is seen first
  skipped_ = 0;
  head_seen_ = false;
  version_settled_ = false;
  too_large_ = false;
  target_ = {};
  header_fields_ = 0;
}

request_reader::step request_reader::refuse(api::error_kind k, std::string_view why) {
  refusal_ = {k, why};
  return step::refused;
}

bool request_reader::skip_empty_lines() {
  while (buffer_.size() > 0) {
    const auto* p = static_cast<const char*>(buffer_.data().data());
    if (p[0] == '\n') {
      buffer_.consume(1);
      ++skipped_;
    } else if (p[0] == '\r') {
      if (buffer_.size() < 2) return false;
      if (p[1] != '\n') return true;  // the parser will call that malformed
      buffer_.consume(2);
      skipped_ += 2;
    } else {
      return true;
    }
  }
  return false;
}

std::optional<request_reader::refusal_t> request_reader::check_header() {
  using api::error_kind;
  const message& m = parser_->get();
  const bool http11 = m.version() == 11;  // settle_version made a higher 1.x read as 1.1
  std::size_t hosts = 0, codings = 0, lengths = 0;
  std::string_view coding;
  for (const auto& f : m) {
    ++header_fields_;
    if (f.name() == bhttp::field::host) ++hosts;
    else if (f.name() == bhttp::field::content_length) ++lengths;
    else if (f.name() == bhttp::field::transfer_encoding) {
      ++codings;
      coding = f.value();
    }
  }
  // RFC 9112 §3.2: Host is required of HTTP/1.1 requests only; two are never valid.
  if (hosts > 1 || (hosts == 0 && http11))
    return refusal_t{error_kind::bad_request, "a request needs exactly one Host header (HTTP/1.0: at most one)"};
  if (codings > 0) {
    // The whole value, not a token list: Beast's list parser stops quietly at a bad
    // element, so "chunked x" or "chunked;q=1" would pass as "chunked".
    const bool just_chunked = core::iequals_ascii(core::trim_blanks(coding), "chunked");
    if (codings > 1 || lengths > 0 || !just_chunked || !http11)
      return refusal_t{error_kind::bad_request,
                       "unsupported Transfer-Encoding: only a single 'chunked' on HTTP/1.1, without Content-Length"};
  }
  target_ = origin_form(m.target());
  return std::nullopt;
}

request_reader::step request_reader::parse() {
  if (!parser_->got_some()) {
    const bool ready = skip_empty_lines();
    if (skipped_ > max_header_bytes_) return refuse(api::error_kind::bad_request, "too many empty lines");
    if (!ready) return step::need_more;
  }
  return advance();
}

request_reader::step request_reader::advance() {
  for (;;) {
    if (parser_->is_done()) return step::done;
    if (too_large_) return step::done;  // the caller answers 413 without reading the body
    if (!version_settled_) {  // Beast keeps the header buffered until it is whole: the line is still here
      const auto bytes = buffer_.data();
      switch (settle_version(static_cast<char*>(bytes.data()), bytes.size())) {
        case line_version::incomplete: break;
        case line_version::http1_or_malformed: version_settled_ = true; break;
        case line_version::other_major:
          return refuse(api::error_kind::http_version_not_supported, "only HTTP/1.x is served");
      }
    }
    boost::beast::error_code ec;
    const std::size_t used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec == bhttp::error::need_more) {
      if (buffer_.size() < buffer_.max_size()) return step::need_more;
      // Body bytes are always consumed, so a full buffer is a header, chunk line or trailers.
      return refuse(api::error_kind::payload_too_large, head_seen_
                                                            ? "a chunk line or the trailers exceed the header size limit"
                                                            : "request header exceeds the size limit");
    }
    if (ec == bhttp::error::body_limit) {
      too_large_ = true;
      return step::done;
    }
    if (ec) {
      if (ec == bhttp::error::header_limit) return refuse(api::error_kind::payload_too_large, "request header exceeds the size limit");
      return refuse(api::error_kind::bad_request, "malformed HTTP request");
    }
    if (!head_seen_ && parser_->is_header_done()) {
      head_seen_ = true;
      if (const auto why = check_header()) return refuse(why->kind, why->reason);
      return step::head;
    }
    if (used == 0 && !parser_->is_done()) return step::need_more;
  }
}

void request_reader::limit_body(std::uint64_t limit) {
  const auto length = parser_->content_length();
  if (length && *length > limit) too_large_ = true;
  parser_->body_limit(limit);
}

std::string request_reader::take_body() {
  std::string piece;
  piece.swap(parser_->get().body());  // with Beast's reservation of the declared Content-Length
  return piece;
}

bool request_reader::expects_continue() const {
  return bhttp::token_list{parser_->get()[bhttp::field::expect]}.exists("100-continue");
}

}  // namespace mixtape::http
