#include "connection.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/read.hpp>

namespace mixtape::bench {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

connection::connection(asio::io_context& ctx, std::vector<asio::ip::tcp::endpoint> endpoints,
                       std::chrono::steady_clock::duration timeout, workload work, asio::ip::address source)
    : stream_(ctx), endpoints_(std::move(endpoints)), timeout_(timeout), source_(source), work_(std::move(work)) {}

void connection::close() {
  error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.close();
  buffer_.clear();
  connected_ = false;
}

asio::awaitable<error_code> connection::ensure_connected() {
  if (connected_) co_return error_code{};
  error_code last = asio::error::host_not_found;
  for (const auto& ep : endpoints_) {
    if (!source_.is_unspecified()) {  // async_connect keeps an open, bound socket
      error_code bind_ec;
      stream_.socket().open(ep.protocol(), bind_ec);
      if (!bind_ec) stream_.socket().bind(asio::ip::tcp::endpoint{source_, 0}, bind_ec);
      if (bind_ec) {
        last = bind_ec;
        stream_.close();
        continue;
      }
    }
    stream_.expires_after(timeout_);
    auto [ec] = co_await stream_.async_connect(ep, use_tuple);
    if (!ec) {
      stream_.socket().set_option(asio::ip::tcp::no_delay(true), ec);
      connected_ = true;
      co_return error_code{};
    }
    last = ec;
    stream_.close();
  }
  co_return last;
}

asio::awaitable<exchange_result> connection::exchange(const std::string* request) {
  exchange_result out;
  out.error = co_await ensure_connected();
  if (out.error) co_return out;
  stream_.expires_after(timeout_);
  auto [wec, wn] = co_await asio::async_write(stream_, asio::buffer(*request), use_tuple);
  if (wec) {
    out.error = wec;
    close();
    co_return out;
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(64u << 20);
  stream_.expires_after(timeout_);
  auto [rec, rn] = co_await http::async_read(stream_, buffer_, parser, use_tuple);
  if (rec) {
    out.error = rec;
    close();
    co_return out;
  }
  out.status = parser.get().result_int();
  if (!parser.get().keep_alive()) close();
  body_ = std::move(parser.get().body());
  co_return out;
}

}  // namespace mixtape::bench
