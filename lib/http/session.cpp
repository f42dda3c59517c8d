// One HTTP/1.1 connection: read a request (header and body under separate timeouts),
// hand it to the router, write the response, repeat while keep-alive.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>

#include "api/errors.hpp"
#include "core/ids.hpp"
#include "http/bridge.hpp"
#include "http/worker.hpp"

namespace mixtape::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using asio::awaitable;
using asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

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

using request_type = bhttp::request<bhttp::string_body>;
using response_type = bhttp::response<bhttp::string_body>;

api::request to_api(const request_type& m, bool body_too_large) {
  api::request r;
  r.verb = to_method(m.method());
  r.target = m.target();
  r.x_api_key = m["X-API-Key"];
  r.authorization = m[bhttp::field::authorization];
  r.content_type = m[bhttp::field::content_type];
  r.request_id = m["X-Request-Id"];
  r.body = m.body();
  r.body_too_large = body_too_large;
  return r;
}

response_type to_beast(api::response&& a, bool keep_alive) {
  response_type res{static_cast<bhttp::status>(a.status), 11};
  res.set(bhttp::field::content_type, a.content_type);
  res.set("X-Request-Id", a.request_id);
  if (!a.allow.empty()) res.set(bhttp::field::allow, a.allow);
  if (!a.retry_after.empty()) res.set(bhttp::field::retry_after, a.retry_after);
  res.body() = std::move(a.body);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
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

// Registers a connection with its worker for the drain; unregisters on scope exit.
class registration {
 public:
  registration(worker& w, shared_state& s, beast::tcp_stream& stream) : w_(w), s_(s) {
    it_ = w_.connections.insert(w_.connections.end(), connection{&stream, true});
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

}  // namespace

awaitable<void> session(worker& w, shared_state& s, tcp::socket socket) {
  const server_options& opt = s.options;
  beast::tcp_stream stream{std::move(socket)};
  beast::flat_buffer buffer;
  registration reg{w, s, stream};
  bool first = true;
  for (;;) {
    reg.get().waiting_for_request = true;
    if (w.draining) break;
    if (buffer.size() == 0) {  // wait for the next request under the idle (or header) timeout
      stream.expires_after(first ? opt.header_timeout : opt.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), use_tuple);
      if (ec) break;
      buffer.commit(n);
    }
    first = false;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(opt.max_header_bytes));
    parser.body_limit(opt.max_body_bytes);
    stream.expires_after(opt.header_timeout);
    auto [hec, hn] = co_await bhttp::async_read_header(stream, buffer, parser, use_tuple);
    bool too_large = hec == bhttp::error::body_limit;
    if (hec && !too_large) {
      if (hec == bhttp::error::header_limit || is_malformed(hec)) {
        const bool big = hec == bhttp::error::header_limit;
        auto res = to_beast(transport_error(big ? api::error_kind::payload_too_large : api::error_kind::bad_request,
                                            big ? "request header exceeds the size limit" : "malformed HTTP request"),
                            false);
        stream.expires_after(opt.header_timeout);
        co_await bhttp::async_write(stream, res, use_tuple);
      }
      break;
    }
    reg.get().waiting_for_request = false;  // headers are in: this request is in flight
    if (!too_large && !parser.is_done()) {
      if (bhttp::token_list{parser.get()[bhttp::field::expect]}.exists("100-continue")) {
        bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
        stream.expires_after(opt.body_timeout);
        auto [cec, cn] = co_await bhttp::async_write(stream, cont, use_tuple);
        if (cec) break;
      }
      stream.expires_after(opt.body_timeout);
      auto [bec, bn] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
      too_large = bec == bhttp::error::body_limit;
      if (bec && !too_large) break;
    }
    const request_type& req = parser.get();
    api::response answer = co_await async_handle(s.router, to_api(req, too_large), asio::use_awaitable);
    const bool keep_alive = req.keep_alive() && !too_large && !w.draining;
    auto res = to_beast(std::move(answer), keep_alive);
    stream.expires_after(opt.body_timeout);
    auto [wec, wn] = co_await bhttp::async_write(stream, res, use_tuple);
    if (wec || !keep_alive) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace mixtape::http
