#pragma once
// Reads HTTP/1.1 requests out of bytes the caller supplies (no sockets), so that the session
// and the fuzz target run the same code. The framing rules it enforces (docs/operations.md,
// "What one connection can make the server hold"):
// - Bounded memory: the bytes held for a request that are not body — request line, header,
//   chunk-size lines, chunk extensions, trailers — never exceed buffer_capacity(), which is
//   max_header_bytes plus one read; the body is held only up to the limit set by
//   limit_body(). Past them: 413 (header, trailers) or 400 (a chunk line) and close.
// - A Transfer-Encoding must be exactly one field whose whole value is `chunked`, with no Content-Length and on
//   HTTP/1.1; anything else is 400 and close (RFC 9112 §6.3), so a body is never read as the
//   next request.
// - HTTP/1.x only: another major version is 505; 1.x above 1.1 is read as 1.1 (RFC 9112 §2.3).
// - Exactly one Host field on HTTP/1.1, at most one on HTTP/1.0 (RFC 9112 §3.2).
// - Empty lines before a request line are skipped (at most max_header_bytes of them).
// - An absolute-form target is routed by its path (target()).
// After step::refused the connection must be closed: no further input is parsed.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "api/errors.hpp"

namespace mixtape::http {

class request_reader {
 public:
  using message = boost::beast::http::request<boost::beast::http::string_body>;

  enum class step {
    need_more,  // read more bytes into prepare(), then parse() again
    head,       // the header is complete and valid: call limit_body(), then parse() again
    done,       // the whole request is in message()
    refused,    // answer refusal() and close
  };
  struct refusal_t {
    api::error_kind kind = api::error_kind::bad_request;
    std::string_view reason;
  };

  explicit request_reader(std::size_t max_header_bytes);

  // Where the next read goes: at most 4 KiB, never past buffer_capacity(). Empty only when the
  // buffer is full, and then parse() has refused.
  boost::asio::mutable_buffer prepare();
  void commit(std::size_t n) { buffer_.commit(n); }
  std::size_t buffered() const noexcept { return buffer_.size(); }
  std::size_t buffer_capacity() const noexcept { return buffer_.max_size(); }

  // Starts the next request on this connection (bytes already buffered are its start).
  void begin();
  // Parses what is buffered. Returns head once per request, before any of its body.
  step parse();
  // After step::head: the route's body limit. A declared length over it sets
  // body_too_large() and the body is not read (the caller answers 413 and closes); a
  // chunked body that grows past it does the same from parse().
  void limit_body(std::uint64_t limit);
  bool body_too_large() const noexcept { return too_large_; }
  // After step::head: a body is still to be read.
  bool body_pending() const { return !too_large_ && !parser_->is_done(); }

  // After step::head: the body bytes parsed since the last call, handed over (a route that
  // streams its body takes it piece by piece; the parser keeps counting against the limit).
  std::string take_body();

  // Valid after step::head.
  const message& get() const { return parser_->get(); }
  std::string_view target() const noexcept { return target_; }
  // The header's fields; trailers, which the parser appends, come after these and are ignored.
  std::size_t header_fields() const noexcept { return header_fields_; }
  bool expects_continue() const;
  const refusal_t& refusal() const noexcept { return refusal_; }

 private:
  step refuse(api::error_kind k, std::string_view why);
  bool skip_empty_lines();  // false: need more bytes to tell
  std::optional<refusal_t> check_header();  // why the header is refused, if it is
  step advance();

  boost::beast::flat_buffer buffer_;
  std::size_t max_header_bytes_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::size_t skipped_ = 0;  // empty-line bytes before this request
  bool head_seen_ = false;
  bool version_settled_ = false;  // the request line's version was checked (and maybe rewritten)
  bool too_large_ = false;
  std::string_view target_;
  std::size_t header_fields_ = 0;
  refusal_t refusal_;
};

// The path-and-query of a request target: origin-form as is; absolute-form
// ("http://host:port/p?q") without its scheme and authority.
std::string_view origin_form(std::string_view target) noexcept;

}  // namespace mixtape::http
