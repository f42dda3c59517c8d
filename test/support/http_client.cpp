#include "support/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>

#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

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

namespace {

// The contract test (test/contract) checks every exchange of the integration suite against
// docs/openapi.yaml. When MIXTAPE_EXCHANGE_LOG_DIR is set, each exchange is appended to
// DIR/<pid>.jsonl as one JSON object: method, target, request headers and body, status,
// response headers and body. One file per process, so parallel tests never interleave.
class exchange_recorder {
 public:
  static exchange_recorder& instance() {
    static exchange_recorder r;
    return r;
  }
  void record(const std::string& method, const std::string& target, const header_list& request_headers,
              const std::string& request_body, const http_reply& reply) {
    if (!out_.is_open()) return;
    boost::json::object line{{"method", method},
                             {"target", target},
                             {"request_headers", headers_of(request_headers)},
                             {"request_body", request_body},
                             {"status", reply.status},
                             {"response_headers", headers_of(reply.headers)},
                             {"response_body", reply.body}};
    const std::lock_guard lock{mutex_};
    out_ << boost::json::serialize(line) << '\n';
    out_.flush();
  }

 private:
  exchange_recorder() {
    const char* dir = std::getenv("MIXTAPE_EXCHANGE_LOG_DIR");
    if (!dir || !*dir) return;
    std::error_code ignored;  // an unwritable directory shows as no exchanges: the contract test fails
    std::filesystem::create_directories(dir, ignored);
    out_.open(std::string{dir} + "/" + std::to_string(::getpid()) + ".jsonl", std::ios::app);
  }
  static boost::json::array headers_of(const header_list& headers) {
    boost::json::array a;
    for (const auto& [k, v] : headers) a.push_back(boost::json::array{k, v});
    return a;
  }
  std::mutex mutex_;
  std::ofstream out_;
};

}  // namespace

struct http_client::impl {
  asio::io_context ioc;
  std::uint16_t port;
  std::string source;  // empty: any
  std::optional<tcp::socket> socket;
  beast::flat_buffer buffer;
  std::chrono::milliseconds timeout{0};

  void connect() {
    socket.emplace(ioc);
    if (!source.empty()) {
      socket->open(tcp::v4());
      socket->bind({asio::ip::make_address(source), 0});
    }
    const tcp::endpoint to{asio::ip::make_address("127.0.0.1"), port};
    if (timeout.count() > 0) bounded([&](auto done) { socket->async_connect(to, [done](auto ec) { done(ec, 0); }); });
    else socket->connect(to);
    socket->set_option(tcp::no_delay(true));
    buffer.clear();
  }

  // Runs the asynchronous operation `start` begins, for at most `timeout`; throws when it
  // failed or did not finish (the socket is closed then).
  template <class Start>
  void bounded(Start&& start) {
    boost::system::error_code result = asio::error::would_block;
    start([&result](boost::system::error_code ec, std::size_t) { result = ec; });
    ioc.restart();
    ioc.run_for(timeout);
    if (result == asio::error::would_block) {
      socket->close();
      ioc.restart();
      ioc.run();  // the cancelled operation completes
      throw boost::system::system_error{asio::error::timed_out};
    }
    if (result) throw boost::system::system_error{result};
  }
};

http_client::http_client(std::uint16_t port) : impl_(std::make_unique<impl>()) { impl_->port = port; }
http_client::http_client(std::uint16_t port, const std::string& source_address) : http_client(port) {
  impl_->source = source_address;
}
http_client::~http_client() = default;

void http_client::set_timeout(std::chrono::milliseconds timeout) {
  impl_->timeout = timeout;
  impl_->socket.reset();
}

http_reply http_client::request(const std::string& method, const std::string& target, const std::string& body,
                                const header_list& headers) {
  if (!impl_->socket) {
    try {
      impl_->connect();
    } catch (...) {
      impl_->socket.reset();
      throw;
    }
  }
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
  header_list sent;  // what the recorder reports: the request's header fields as written
  for (const auto& f : req) sent.emplace_back(std::string{f.name_string()}, std::string{f.value()});
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64u << 20);
  if (req.method() == bhttp::verb::head) parser.skip(true);  // a HEAD answer has a length but no body
  try {
    if (impl_->timeout.count() > 0) {
      impl_->bounded([&](auto done) { bhttp::async_write(*impl_->socket, req, done); });
      impl_->bounded([&](auto done) { bhttp::async_read(*impl_->socket, impl_->buffer, parser, done); });
    } else {
      bhttp::write(*impl_->socket, req);
      bhttp::read(*impl_->socket, impl_->buffer, parser);
    }
  } catch (...) {
    impl_->socket.reset();  // mid-exchange: the connection is of no further use
    throw;
  }
  auto res = parser.release();
  http_reply reply;
  reply.status = res.result_int();
  reply.body = res.body();
  for (const auto& f : res) reply.headers.emplace_back(std::string{f.name_string()}, std::string{f.value()});
  reply.closed = !res.keep_alive();
  if (reply.closed) impl_->socket.reset();
  exchange_recorder::instance().record(method, target, sent, body, reply);
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
