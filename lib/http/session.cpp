// One HTTP/1.1 connection: read a request (header and body under separate deadlines),
// hand it to the router, write the response, repeat while keep-alive.
#include <array>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "api/errors.hpp"
#include "core/ids.hpp"
#include "http/bridge.hpp"
#include "http/response_writer.hpp"
#include "http/worker.hpp"

namespace mixtape::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using asio::awaitable;
using asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

using request_parser = bhttp::request_parser<bhttp::string_body>;
using request_type = bhttp::request<bhttp::string_body>;

api::method to_method(bhttp::verb v) {
  switch (v) {
    case bhttp::verb::get: return api::method::get;
    case bhttp::verb::head: return api::method::head;
    case bhttp::verb::post: return api::method::post;
    case bhttp::verb::put: return api::method::put;
    case bhttp::verb::patch: return api::method::patch;
    case bhttp::verb::delete_: return api::method::delete_;
    case bhttp::verb::options: return api::method::options;
    default: return api::method::other;
  }
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && beast::iequals(a, b);
}

api::request to_api(const request_type& m, bool body_too_large) {
  api::request r;
  r.verb = to_method(m.method());
  r.target = m.target();
  for (const auto& f : m) {  // one pass over the fields, first occurrence wins
    switch (f.name()) {
      case bhttp::field::authorization:
        if (r.authorization.empty()) r.authorization = f.value();
        break;
      case bhttp::field::content_type:
        if (r.content_type.empty()) r.content_type = f.value();
        break;
      case bhttp::field::unknown:
        if (r.x_api_key.empty() && iequals(f.name_string(), "X-API-Key")) r.x_api_key = f.value();
        else if (r.request_id.empty() && iequals(f.name_string(), "X-Request-Id")) r.request_id = f.value();
        break;
      default: break;
    }
  }
  r.body = m.body();
  r.body_too_large = body_too_large;
  return r;
}

// A response for a request the router never saw (unparseable or oversized header).
api::response transport_error(api::error_kind k, std::string_view why) {
  api::response r;
  r.request_id = core::new_request_id();
  r.status = api::status_of(k);
  r.body = api::error_body(k, why, "{}", r.request_id);
  return r;
}

// A syntax error in the request (worth a 400), as opposed to a closed or timed-out peer.
bool is_malformed(const beast::error_code& ec) {
  static const auto& http_category = bhttp::make_error_code(bhttp::error::bad_target).category();
  return ec.category() == http_category && ec != bhttp::error::end_of_stream &&
         ec != bhttp::error::partial_message && ec != bhttp::error::need_more;
}

// Registers a connection with its worker for the sweep and the drain; unregisters on exit.
class registration {
 public:
  registration(worker& w, shared_state& s, tcp::socket& socket) : w_(w), s_(s) {
    it_ = w_.connections.insert(w_.connections.end(), connection{&socket});
    s_.open_connections.fetch_add(1, std::memory_order_relaxed);
  }
  ~registration() {
    w_.connections.erase(it_);
    s_.open_connections.fetch_sub(1, std::memory_order_relaxed);
  }
  connection& get() { return *it_; }

 private:
  worker& w_;
  shared_state& s_;
  std::list<connection>::iterator it_;
};

// Writes head + body as one gathered write under the write deadline.
awaitable<beast::error_code> send(tcp::socket& socket, connection& conn, std::chrono::seconds timeout,
                                  const std::string& head, const std::string& body) {
  conn.expire_after(timeout);
  const std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(body)};
  auto [ec, n] = co_await asio::async_write(socket, buffers, use_tuple);
  conn.no_deadline();
  co_return ec;
}

}  // namespace

awaitable<void> session(worker& w, shared_state& s, tcp::socket socket) {
  const server_options& opt = s.options;
  beast::flat_buffer buffer;
  std::string head;  // reused for every response
  registration reg{w, s, socket};
  connection& conn = reg.get();
  const auto reply = std::make_shared<reply_slot>();
  const api::respond_fn receiver = reply->receiver();
  for (bool first = true;; first = false) {
    conn.waiting_for_request = true;
    if (w.draining) break;
    if (buffer.size() == 0) {  // wait for the next request under the idle (or header) deadline
      conn.expire_after(first ? opt.header_timeout : opt.idle_timeout);
      auto [ec, n] = co_await socket.async_read_some(buffer.prepare(4096), use_tuple);
      if (ec) break;
      buffer.commit(n);
    }
    request_parser parser;
    parser.header_limit(static_cast<std::uint32_t>(opt.max_header_bytes));
    parser.body_limit(opt.max_body_bytes);
    conn.expire_after(opt.header_timeout);
    auto [hec, hn] = co_await bhttp::async_read_header(socket, buffer, parser, use_tuple);
    bool too_large = hec == bhttp::error::body_limit;
    if (hec && !too_large) {
      if (hec == bhttp::error::header_limit || is_malformed(hec)) {
        const bool big = hec == bhttp::error::header_limit;
        const auto res = transport_error(big ? api::error_kind::payload_too_large : api::error_kind::bad_request,
                                         big ? "request header exceeds the size limit" : "malformed HTTP request");
        build_head(head, res, false, false);
        co_await send(socket, conn, opt.body_timeout, head, res.body);
      }
      break;
    }
    conn.waiting_for_request = false;  // headers are in: this request is in flight
    if (!too_large && !parser.is_done()) {
      if (bhttp::token_list{parser.get()[bhttp::field::expect]}.exists("100-continue")) {
        head = "HTTP/1.1 100 Continue\r\n\r\n";
        if (co_await send(socket, conn, opt.body_timeout, head, {})) break;
      }
      conn.expire_after(opt.body_timeout);
      auto [bec, bn] = co_await bhttp::async_read(socket, buffer, parser, use_tuple);
      too_large = bec == bhttp::error::body_limit;
      if (bec && !too_large) break;
    }
    conn.no_deadline();
    const request_type& req = parser.get();
    std::optional<api::response> answer = s.router.handle(to_api(req, too_large), receiver);
    if (!answer) answer = reply->take();
    if (!answer) answer = co_await reply->async_wait(asio::use_awaitable);
    const bool keep_alive = req.keep_alive() && !too_large && !w.draining;
    build_head(head, *answer, keep_alive, req.version() == 10);
    if (co_await send(socket, conn, opt.body_timeout, head, answer->body) || !keep_alive) break;
  }
  beast::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace mixtape::http
