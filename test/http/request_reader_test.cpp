// request_reader: the framing rules of docs/operations.md ("What one connection can make
// the server hold"), fed from memory in pieces of every size.
#define BOOST_TEST_MODULE http
#include <boost/test/unit_test.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "http/request_reader.hpp"

using mixtape::http::origin_form;
using mixtape::http::request_reader;
using step = request_reader::step;

namespace {

struct outcome {
  std::vector<std::string> targets;  // of the requests read whole, in order
  std::vector<std::string> bodies;
  bool refused = false;
  unsigned refusal_status = 0;
  std::size_t max_buffered = 0;
  bool too_large = false;
};

// Feeds `bytes` `piece` bytes at a time, reading pipelined requests until the input ends
// or the reader refuses; each body is limited to `body_limit`.
outcome feed(const std::string& bytes, std::size_t piece, std::size_t header_limit = 1024,
             std::uint64_t body_limit = 64) {
  request_reader r{header_limit};
  outcome out;
  std::size_t at = 0;
  r.begin();
  bool head = false;
  for (;;) {
    const step s = r.parse();
    out.max_buffered = std::max(out.max_buffered, r.buffered());
    if (s == step::refused) {
      out.refused = true;
      out.refusal_status = mixtape::api::status_of(r.refusal().kind);
      return out;
    }
    if (s == step::head) {
      head = true;
      r.limit_body(body_limit);
      continue;
    }
    if (s == step::done) {
      BOOST_REQUIRE(head);
      out.targets.emplace_back(r.target());
      out.bodies.push_back(r.get().body());
      if (r.body_too_large()) {
        out.too_large = true;
        return out;
      }
      r.begin();
      head = false;
      continue;
    }
    if (at == bytes.size()) return out;
    const auto space = r.prepare();
    BOOST_REQUIRE(space.size() > 0);
    const std::size_t n = std::min({piece, space.size(), bytes.size() - at});
    std::memcpy(space.data(), bytes.data() + at, n);
    r.commit(n);
    at += n;
  }
}

const std::string get_health = "GET /healthz HTTP/1.1\r\nHost: h\r\n\r\n";

}  // namespace

BOOST_AUTO_TEST_CASE(pipelined_requests_are_read_in_order_at_every_piece_size) {
  const std::string post = "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}";
  const std::string chunked = "POST /y HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3;a=b\r\nabc\r\n0\r\n\r\n";
  for (std::size_t piece : {1, 2, 3, 7, 64, 4096}) {
    const auto o = feed(get_health + post + chunked, piece);
    BOOST_TEST(!o.refused, "piece " << piece);
    BOOST_TEST(o.targets == (std::vector<std::string>{"/healthz", "/x", "/y"}), "piece " << piece);
    BOOST_TEST(o.bodies == (std::vector<std::string>{"", "{}", "abc"}), "piece " << piece);
  }
}

BOOST_AUTO_TEST_CASE(a_chunk_line_longer_than_the_buffer_is_refused_with_bounded_memory) {
  const std::string head = "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (const std::string& line : {"1;" + std::string(1 << 20, 'a'), std::string(1 << 20, '0')}) {
    const auto o = feed(head + line, 4096);
    BOOST_TEST(o.refused);
    BOOST_TEST(o.refusal_status == 413u);
    BOOST_TEST(o.max_buffered <= 1024u + 4096u);
  }
}

BOOST_AUTO_TEST_CASE(bodies_past_the_limit_are_too_large_and_not_read) {
  const auto declared = feed("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 65\r\n\r\n" + std::string(65, 'b'), 4096);
  BOOST_TEST(declared.too_large);
  BOOST_TEST(declared.bodies.back().empty());
  const auto chunked = feed("POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n" +
                                std::string(64, 'b') + "\r\n1\r\nb\r\n0\r\n\r\n",
                            4096);
  BOOST_TEST(chunked.too_large);
}

BOOST_AUTO_TEST_CASE(transfer_encodings_other_than_one_chunked_are_refused) {
  for (const std::string te : {"Transfer-Encoding: gzip\r\n", "Transfer-Encoding: identity\r\n",
                               "Transfer-Encoding: chunked, chunked\r\n", "Transfer-Encoding: chunked, identity\r\n",
                               "Transfer-Encoding: xchunked\r\n", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
                               "Transfer-Encoding: identity\r\nContent-Length: 1\r\n",
                               "Transfer-Encoding: chunked x\r\n", "Transfer-Encoding: chunked;q=1\r\n",
                               "Transfer-Encoding: chunked\xdb\r\n", "Transfer-Encoding: chunked,\r\n"}) {
    const auto o = feed("POST /x HTTP/1.1\r\nHost: h\r\n" + te + "\r\n" + get_health, 4096);
    BOOST_TEST(o.refused, te);
    BOOST_TEST(o.refusal_status == 400u, te);
    BOOST_TEST(o.targets.empty(), te);
  }
  BOOST_TEST(!feed("POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding:  Chunked \r\n\r\n0\r\n\r\n", 4096).refused);
}

BOOST_AUTO_TEST_CASE(host_is_required_once_of_http11_and_at_most_once_of_http10) {
  BOOST_TEST(feed("GET / HTTP/1.1\r\n\r\n", 4096).refusal_status == 400u);
  BOOST_TEST(feed("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", 4096).refusal_status == 400u);
  BOOST_TEST(feed("GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n", 4096).refusal_status == 400u);
  BOOST_TEST(feed("GET / HTTP/1.3\r\n\r\n", 4096).refusal_status == 400u);  // read as 1.1
  BOOST_TEST(!feed("GET / HTTP/1.0\r\nHost: a\r\n\r\n", 4096).refused);
  const auto old = feed("GET /a HTTP/1.0\r\n\r\nGET /b HTTP/1.0\r\n\r\n", 4096);
  BOOST_TEST(!old.refused);
  BOOST_TEST(old.targets.size() == 2u);
}

BOOST_AUTO_TEST_CASE(http1_minor_versions_above_1_are_read_and_other_majors_are_505) {
  const auto higher = feed("GET /a HTTP/1.2\r\nHost: a\r\n\r\nGET /b HTTP/1.9\r\nHost: a\r\n\r\n", 3);
  BOOST_TEST(!higher.refused);
  BOOST_TEST(higher.targets.size() == 2u);
  // Chunked framing is HTTP/1.1's, and so a 1.2's.
  const auto chunked = feed("POST /c HTTP/1.2\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 4096);
  BOOST_TEST(!chunked.refused);
  BOOST_REQUIRE(chunked.bodies.size() == 1u);
  BOOST_TEST(chunked.bodies[0] == "abc");
  for (const char* version : {"HTTP/2.0", "HTTP/3.0", "HTTP/0.9", "HTTP/9.1"})
    BOOST_TEST(feed(std::string{"GET / "} + version + "\r\nHost: a\r\n\r\n", 4096).refusal_status == 505u, version);
}

BOOST_AUTO_TEST_CASE(leading_empty_lines_are_skipped_up_to_the_header_limit) {
  const auto ok = feed("\r\n\n\r\n" + get_health + "\r\n" + get_health, 1);
  BOOST_TEST(ok.targets.size() == 2u);
  const auto flood = feed(std::string(2000, '\n'), 4096);
  BOOST_TEST(flood.refused);
  BOOST_TEST(flood.refusal_status == 400u);
}

BOOST_AUTO_TEST_CASE(trailers_are_not_header_fields) {
  request_reader r{1024};
  const std::string bytes =
      "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\nX-API-Key: k\r\n\r\n";
  const auto space = r.prepare();
  std::memcpy(space.data(), bytes.data(), bytes.size());
  r.commit(bytes.size());
  r.begin();
  BOOST_TEST((r.parse() == step::head));
  r.limit_body(64);
  BOOST_TEST((r.parse() == step::done));
  BOOST_TEST(r.header_fields() == 2u);
  BOOST_TEST(std::distance(r.get().begin(), r.get().end()) == 3);
}

BOOST_AUTO_TEST_CASE(absolute_form_targets_keep_only_path_and_query) {
  BOOST_TEST(origin_form("/a?b") == "/a?b");
  BOOST_TEST(origin_form("http://h:1/a/b?c=d") == "/a/b?c=d");
  BOOST_TEST(origin_form("HTTPS://h/a") == "/a");
  BOOST_TEST(origin_form("http://h?x") == "?x");
  BOOST_TEST(origin_form("http://h").empty());
  BOOST_TEST(origin_form("http://").empty());
  BOOST_TEST(origin_form("HTTPS://").empty());
  BOOST_TEST(origin_form("ftp://h/a") == "ftp://h/a");
}
