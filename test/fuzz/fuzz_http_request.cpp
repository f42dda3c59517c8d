// libFuzzer target: the server's request-reading path (http::request_reader), fed the input
// the way the session feeds it from a socket. The first byte picks the read size (1..256);
// the rest is the byte stream of one connection, read as pipelined requests until it runs
// out or the reader refuses. Properties (request_reader.hpp's framing contract, docs/operations.md):
//  - buffered() <= buffer_capacity() at every step, and prepare() is never empty after
//    need_more (the buffer is full only when parse() refuses);
//  - step::head comes exactly once per request, before step::done;
//  - at head: exactly one Host among the header's fields (none allowed on HTTP/1.0); a
//    Transfer-Encoding is one field whose list is exactly `chunked` (and the parser frames
//    the body as chunked), on HTTP/1.1, with no Content-Length; the version is 1.0 or 1.1
//    (a higher 1.x is read as 1.1, another major refused as 505); target() is origin-form
//    (never an absolute-form "http://..." left in it) and a suffix of the request-target;
//  - at done: the body is at most the limit given to limit_body() unless body_too_large(),
//    and a Content-Length body is exactly that long; a refusal has a reason.
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

#include "api/errors.hpp"
#include "api/routes.hpp"
#include "check.hpp"
#include "http/request_reader.hpp"

namespace {

using mixtape::fuzz::starts_with_ci;

namespace bhttp = boost::beast::http;
using mixtape::http::request_reader;
using step = request_reader::step;

constexpr std::size_t max_header_bytes = 1024;
constexpr mixtape::api::body_limits limits{1024, 10};

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// RFC 9110 §5.6.1 list: elements separated by commas, OWS around them, empty elements
// ignored. True when the list is exactly one element, `chunked` (case-insensitive).
bool list_is_just_chunked(std::string_view v) {
  std::size_t elements = 0;
  bool chunked = false;
  while (true) {
    const auto comma = v.find(',');
    const auto element = trim_ows(v.substr(0, comma));
    if (!element.empty()) {
      ++elements;
      chunked = mixtape::fuzz::iequals(element, "chunked");
    }
    if (comma == std::string_view::npos) break;
    v.remove_prefix(comma + 1);
  }
  return elements == 1 && chunked;
}

// The header's Content-Length when it is one plain decimal number.
std::optional<std::uint64_t> declared_length(const request_reader::message& m) {
  const auto it = m.find(bhttp::field::content_length);
  if (it == m.end()) return std::nullopt;
  const std::string_view v = it->value();
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc{} || end != v.data() + v.size()) return std::nullopt;
  return n;
}

void check_head(const request_reader& r) {
  const auto& m = r.get();
  FUZZ_CHECK(m.version() == 10 || m.version() == 11, "only HTTP/1.0 and 1.1 (a higher 1.x read as 1.1) reach step::head");
  std::size_t hosts = 0, codings = 0, lengths = 0, fields = 0;
  std::string_view coding;
  for (auto f = m.begin(); f != m.end() && fields < r.header_fields(); ++f, ++fields) {
    if (f->name() == bhttp::field::host) ++hosts;
    if (f->name() == bhttp::field::content_length) ++lengths;
    if (f->name() == bhttp::field::transfer_encoding) {
      ++codings;
      coding = f->value();
    }
  }
  FUZZ_CHECK(fields == r.header_fields(), "header_fields() counts fields the message has");
  FUZZ_CHECK(hosts == 1 || (hosts == 0 && m.version() == 10),
             "a request at step::head has exactly one Host field (HTTP/1.0: at most one)");
  if (codings > 0) {
    FUZZ_CHECK(codings == 1, "at most one Transfer-Encoding field");
    FUZZ_CHECK(list_is_just_chunked(coding), "Transfer-Encoding is exactly `chunked`");
    FUZZ_CHECK(m.version() == 11, "Transfer-Encoding only on HTTP/1.1");
    FUZZ_CHECK(lengths == 0, "no Content-Length with Transfer-Encoding");
    FUZZ_CHECK(m.chunked(), "the parser frames a Transfer-Encoding body as chunked");
  }
  const std::string_view t = r.target();
  FUZZ_CHECK(!starts_with_ci(t, "http://") && !starts_with_ci(t, "https://"),
             "target() is never absolute-form");
  const std::string_view raw = m.target();
  FUZZ_CHECK(t.size() <= raw.size() && raw.substr(raw.size() - t.size()) == t,
             "target() is a suffix of the request-target");
  FUZZ_CHECK(t.empty() || t == raw || t.front() == '/' || t.front() == '?',
             "an absolute-form target becomes its path and query");
  (void)r.expects_continue();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t piece = std::size_t{data[0]} + 1;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::size_t at = 0;

  request_reader r{max_header_bytes};
  FUZZ_CHECK(r.buffer_capacity() >= max_header_bytes, "capacity holds a whole header");
  for (int request = 0; request < 64; ++request) {  // a bound for the fuzzer's sake only
    r.begin();
    bool head = false;
    std::uint64_t limit = 0;
    for (;;) {
      const step s = r.parse();
      FUZZ_CHECK(r.buffered() <= r.buffer_capacity(), "buffered() <= buffer_capacity()");
      if (s == step::refused) {
        FUZZ_CHECK(!r.refusal().reason.empty(), "a refusal says why");
        const unsigned status = mixtape::api::status_of(r.refusal().kind);
        FUZZ_CHECK(status == 400 || status == 413 || status == 505, "a refusal is 400, 413 or 505");
        return 0;  // the connection is closed: nothing more is parsed
      }
      if (s == step::head) {
        FUZZ_CHECK(!head, "step::head once per request");
        head = true;
        check_head(r);
        limit = mixtape::api::body_limit(mixtape::api::match_target(r.target()), limits);
        FUZZ_CHECK(limit >= limits.standard, "a route's limit is at least the standard one");
        r.limit_body(limit);
        continue;
      }
      if (s == step::done) {
        FUZZ_CHECK(head, "step::head comes before step::done");
        const auto& m = r.get();
        if (r.body_too_large()) return 0;  // answered 413 and closed: the body is never read
        FUZZ_CHECK(m.body().size() <= limit, "a body never exceeds its route's limit");
        if (const auto length = declared_length(m); length && !m.chunked())
          FUZZ_CHECK(m.body().size() == *length, "a Content-Length body is exactly that long");
        break;  // the next pipelined request
      }
      // need_more
      if (at == in.size()) return 0;
      const auto space = r.prepare();
      FUZZ_CHECK(space.size() > 0, "prepare() has room whenever parse() wants more");
      const std::size_t n = std::min({piece, space.size(), in.size() - at});
      std::memcpy(space.data(), in.data() + at, n);
      r.commit(n);
      at += n;
      FUZZ_CHECK(r.buffered() <= r.buffer_capacity(), "buffered() <= buffer_capacity()");
    }
  }
  return 0;
}
