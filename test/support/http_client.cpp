#include "support/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>

#include <strings.h>
#include <sys/socket.h>

namespace mixtape::test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using asio::ip::tcp;

std::string http_reply::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k.size() == name.size() && ::strncasecmp(k.data(), name.data(), k.size()) == 0) return v;
  return {};
}

boost::json::value http_reply::json() const { return boost::json::parse(body); }

struct http_client::impl {
  asio::io_context ioc;
  std::uint16_t port;
  std::optional<tcp::socket> socket;
  beast::flat_buffer buffer;

  void connect() {
    socket.emplace(ioc);
    socket->connect({asio::ip::make_address("127.0.0.1"), port});
    socket->set_option(tcp::no_delay(true));
    buffer.clear();
  }
};

http_client::http_client(std::uint16_t port) : impl_(std::make_unique<impl>()) { impl_->port = port; }
http_client::~http_client() = default;

http_reply http_client::request(const std::string& method, const std::string& target, const std::string& body,
                                const header_list& headers) {
  if (!impl_->socket) impl_->connect();
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  bool has_type = false;
  for (const auto& [k, v] : headers) {
    req.set(k, v);
    has_type = has_type || ::strcasecmp(k.c_str(), "content-type") == 0;
  }
  if (!body.empty() && !has_type) req.set(bhttp::field::content_type, "application/json");
  req.body() = body;
  if (!body.empty() || method == "POST" || method == "PATCH") req.prepare_payload();
  if (req.method() == bhttp::verb::unknown) req.method_string(method);
  bhttp::write(*impl_->socket, req);
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64u << 20);
  if (req.method() == bhttp::verb::head) parser.skip(true);  // a HEAD answer has a length but no body
  bhttp::read(*impl_->socket, impl_->buffer, parser);
  auto res = parser.release();
  http_reply reply;
  reply.status = res.result_int();
  reply.body = res.body();
  for (const auto& f : res) reply.headers.emplace_back(std::string{f.name_string()}, std::string{f.value()});
  reply.closed = !res.keep_alive();
  if (reply.closed) impl_->socket.reset();
  return reply;
}

raw_result raw_exchange(std::uint16_t port, const std::string& bytes, std::chrono::milliseconds timeout) {
  asio::io_context ioc;
  tcp::socket s{ioc};
  s.connect({asio::ip::make_address("127.0.0.1"), port});
  const auto start = std::chrono::steady_clock::now();
  if (!bytes.empty()) asio::write(s, asio::buffer(bytes));
  timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  raw_result r;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::recv(s.native_handle(), buf, sizeof buf, 0);
    if (n > 0) {
      r.received.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    r.closed_by_server = n == 0 || (n < 0 && errno == ECONNRESET);
    break;  // n < 0 with EAGAIN: our timeout
  }
  r.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  return r;
}

}  // namespace mixtape::test
