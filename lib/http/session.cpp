// One HTTP/1.1 connection: read a request (header and body under separate deadlines),
// hand it to the router, write the response, repeat while keep-alive. The framing rules
// live in request_reader; this file only moves bytes and keeps the deadlines.
#include <array>
#include <cstdio>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "api/errors.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/text.hpp"
#include "http/bridge.hpp"
#include "http/request_reader.hpp"
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

// The header's fields only (never trailers), first occurrence wins.
api::request to_api(const request_reader& reader, const std::array<unsigned char, 16>& peer) {
  const auto& m = reader.get();
  api::request r;
  r.peer = peer;
  r.verb = to_method(m.method());
  r.target = reader.target();
  std::size_t left = reader.header_fields();
  for (auto f = m.begin(); left > 0; ++f, --left) {
    switch (f->name()) {
      case bhttp::field::authorization:
        if (r.authorization.empty()) r.authorization = f->value();
        break;
      case bhttp::field::content_type:
        if (r.content_type.empty()) r.content_type = f->value();
        break;
      case bhttp::field::origin:
        if (r.origin.empty()) r.origin = f->value();
        break;
      case bhttp::field::access_control_request_method:
        if (r.cors_request_method.empty()) r.cors_request_method = f->value();
        break;
      case bhttp::field::if_match:
        if (r.if_match.empty()) r.if_match = f->value();
        break;
      case bhttp::field::if_none_match:
        if (r.if_none_match.empty()) r.if_none_match = f->value();
        break;
      case bhttp::field::unknown:
        if (r.x_api_key.empty() && core::iequals_ascii(f->name_string(), "x-api-key")) r.x_api_key = f->value();
        else if (r.request_id.empty() && core::iequals_ascii(f->name_string(), "x-request-id")) r.request_id = f->value();
        else if (r.idempotency_key.empty() && core::iequals_ascii(f->name_string(), "idempotency-key"))
          r.idempotency_key = f->value();
        else if (core::iequals_ascii(f->name_string(), "x-forwarded-for")) r.x_forwarded_for = f->value();  // the last
        else if (r.min_seq.empty() && core::iequals_ascii(f->name_string(), "x-mixtape-min-seq")) r.min_seq = f->value();
        else if (r.mixtape_history.empty() && core::iequals_ascii(f->name_string(), "x-mixtape-history"))
          r.mixtape_history = f->value();
        else if (r.mixtape_database.empty() && core::iequals_ascii(f->name_string(), "x-mixtape-database"))
          r.mixtape_database = f->value();
        else if (r.mixtape_node.empty() && core::iequals_ascii(f->name_string(), "x-mixtape-node"))
          r.mixtape_node = f->value();
        break;
      default: break;
    }
  }
  r.websocket = beast::websocket::is_upgrade(m);
  r.body = m.body();
  r.body_too_large = reader.body_too_large();
  return r;
}

// The peer's address as 16 bytes (IPv4 mapped), zeros when unknown.
std::array<unsigned char, 16> peer_of(const tcp::socket& socket) {
  beast::error_code ec;
  const auto ep = socket.remote_endpoint(ec);
  std::array<unsigned char, 16> out{};
  if (ec) return out;
  const auto a = ep.address();
  if (a.is_v4()) {
    out[10] = out[11] = 0xff;
    const auto v4 = a.to_v4().to_bytes();
    std::copy(v4.begin(), v4.end(), out.begin() + 12);
  } else {
    const auto v6 = a.to_v6().to_bytes();
    std::copy(v6.begin(), v6.end(), out.begin());
  }
  return out;
}

// A response for a request the router never saw (unparseable or oversized).
api::response transport_error(const request_reader::refusal_t& why) {
  api::response r;
  r.request_id = core::new_request_id();
  r.status = api::status_of(why.kind);
  r.body = api::error_body(why.kind, why.reason, "{}", r.request_id);
  return r;
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
                                  const std::string& head, std::string_view body) {
  conn.expire_after(timeout);
  const std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(body)};
  auto [ec, n] = co_await asio::async_write(socket, buffers, use_tuple);
  conn.no_deadline();
  co_return ec;
}

// Sends the pieces of `source` as HTTP/1.1 chunks, then the last chunk; not `chunked` (an
// HTTP/1.0 client), as they are, the connection's end ending the body. A piece that cannot
// be made ends the body without its last chunk, so the client sees it unfinished; false then
// (and on a send error): the connection must be closed.
awaitable<bool> send_stream(tcp::socket& socket, connection& conn, std::chrono::seconds timeout,
                            core::byte_source& source, bool chunked) {
  std::string piece;
  char size_line[24];
  for (;;) {
    piece.clear();
    auto more = source.next(piece);
    if (!more) {
      core::log::warn("response stream ended unfinished", {{"reason", more.error().message}});
      co_return false;
    }
    if (!more.value()) break;
    if (piece.empty()) continue;
    const auto n = chunked ? std::snprintf(size_line, sizeof size_line, "%zx\r\n", piece.size()) : 0;
    conn.expire_after(timeout);
    const std::array<asio::const_buffer, 3> buffers{asio::buffer(size_line, static_cast<std::size_t>(n)),
                                                    asio::buffer(piece), asio::buffer("\r\n", chunked ? 2 : 0)};
    auto [ec, sent] = co_await asio::async_write(socket, buffers, use_tuple);
    conn.no_deadline();
    if (ec) co_return false;
  }
  if (!chunked) co_return true;  // (not `!chunked || co_await ...`: GCC 12 ran that co_await all the same)
  co_return !co_await send(socket, conn, timeout, "0\r\n\r\n", {});
}

// Closing a socket with unread input resets the connection, and a reset can destroy the
// answer still on its way to the client. So after an answer whose request was not read to
// its end, stop sending and drain what the client still sends, for a bounded time and
// amount (RFC 9112 §9.6; nginx's lingering close).
constexpr std::chrono::seconds linger_time{2};
constexpr std::size_t linger_bytes = 1 << 20;

awaitable<void> linger(tcp::socket& socket, connection& conn) {
  beast::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  conn.waiting_for_request = true;  // a drain may close it at once
  conn.expire_after(linger_time);
  std::array<char, 4096> sink;
  for (std::size_t total = 0; total < linger_bytes;) {
    auto [ec, n] = co_await socket.async_read_some(asio::buffer(sink), use_tuple);
    if (ec) break;
    total += n;
  }
}

// Parses until `reader` leaves need_more, reading from `socket` as needed. A read error
// (closed peer, deadline) comes back as nullopt.
awaitable<std::optional<request_reader::step>> read_step(tcp::socket& socket, request_reader& reader) {
  for (;;) {
    const auto st = reader.parse();
    if (st != request_reader::step::need_more) co_return st;
    auto [ec, n] = co_await socket.async_read_some(reader.prepare(), use_tuple);
    if (ec) co_return std::nullopt;
    reader.commit(n);
  }
}

// A route that streams its body (api::streams_body): the router answers at the header,
// with either a refusal or an upload, which then gets the body piece by piece as it is read,
// each piece only once the previous one was taken (so a slow journal slows the client, and
// memory stays at a piece). Returns the final answer — with `unread` set when the body was
// not read to its end (the caller closes after it) — or nullopt when the connection broke.
awaitable<std::optional<api::response>> read_upload(tcp::socket& socket, connection& conn, const server_options& opt,
                                                    request_reader& reader, shared_state& s,
                                                    const std::optional<api::route_match>& route,
                                                    const std::array<unsigned char, 16>& peer,
                                                    reply_slot& reply, const api::respond_fn& receiver, bool& unread) {
  const auto started = std::chrono::steady_clock::now();
  std::optional<api::response> answer = s.router.handle(to_api(reader, peer), route, receiver);
  if (!answer) answer = co_await reply.next();
  unread = reader.body_too_large() || reader.body_pending();
  if (!answer->body_sink) co_return answer;  // a refusal (a declared length over the limit: the router's 413)
  const std::shared_ptr<api::upload> sink = std::move(answer->body_sink);
  if (reader.body_pending() && reader.expects_continue()) {
    std::string head = "HTTP/1.1 100 Continue\r\n\r\n";
    if (co_await send(socket, conn, opt.body_timeout, head, {})) {
      sink->abandon();
      co_return std::nullopt;
    }
  }
  const auto steps = std::make_shared<upload_slot>();
  for (;;) {
    const auto st = reader.parse();
    if (std::string piece = reader.take_body(); !piece.empty()) {
      sink->write(piece, steps->receiver());
      auto step = co_await steps->next();
      if (step) {  // the upload failed and wants no more
        unread = reader.body_too_large() || reader.body_pending();
        co_return std::move(*step);
      }
    }
    if (st == request_reader::step::refused || (st == request_reader::step::done && reader.body_too_large())) {
      sink->abandon();
      unread = true;
      auto refusal = transport_error(st == request_reader::step::refused
                                         ? reader.refusal()
                                         : request_reader::refusal_t{api::error_kind::payload_too_large,
                                                                     "request body exceeds the size limit"});
      s.router.refused(refusal, started);  // counted and logged, as the router's answers are
      co_return refusal;
    }
    if (st == request_reader::step::done) {
      unread = false;
      sink->finish(receiver);
      co_return co_await reply.next();
    }
    conn.expire_after(opt.body_timeout);  // a deadline per read, not for the whole body
    auto [ec, n] = co_await socket.async_read_some(reader.prepare(), use_tuple);
    conn.no_deadline();
    if (ec) {
      sink->abandon();
      co_return std::nullopt;
    }
    reader.commit(n);
  }
}

// A connection taken over after its request (api::response::takeover: the replication
// stream). Accepts the WebSocket upgrade with the duplex's fields, then runs two loops until
// either ends: sending what the duplex gives (waiting for when_ready, or a second), and
// handing it what arrives. Beast's own timeouts end a silent peer (pings every 5 s, 10 s
// idle); the drain closes the connection like one between requests.
awaitable<void> run_takeover(tcp::socket& socket, connection& conn, const request_reader& reader,
                             std::shared_ptr<core::duplex> d) {
  namespace websocket = beast::websocket;
  using namespace asio::experimental::awaitable_operators;
  websocket::stream<tcp::socket&> ws{socket};
  ws.set_option(websocket::stream_base::timeout{std::chrono::seconds(10), std::chrono::seconds(10), true});
  ws.set_option(websocket::stream_base::decorator([fields = d->accept_headers()](websocket::response_type& res) {
    for (const auto& [name, value] : fields) res.set(name, value);
  }));
  ws.read_message_max(4096);
  conn.no_deadline();
  conn.waiting_for_request = true;  // a drain closes it at once
  auto [aec] = co_await ws.async_accept(reader.get(), use_tuple);
  if (aec) co_return;
  ws.binary(true);
  auto timer = std::make_shared<asio::steady_timer>(socket.get_executor());
  bool ended = false;
  const auto end = [&] {
    ended = true;
    timer->cancel();
    beast::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
  };
  const auto send_loop = [&]() -> awaitable<void> {
    std::string message;
    while (!ended) {
      message.clear();
      auto more = d->next(message);
      if (!more) {
        core::log::warn("replication stream ended", {{"reason", more.error().message}});
        break;
      }
      if (more.value()) {
        auto [ec, n] = co_await ws.async_write(asio::buffer(message), use_tuple);
        if (ec) break;
        continue;
      }
      timer->expires_after(std::chrono::seconds(1));
      d->when_ready([timer] { asio::post(timer->get_executor(), [timer] { timer->cancel(); }); });
      co_await timer->async_wait(use_tuple);
    }
    end();
  };
  const auto receive_loop = [&]() -> awaitable<void> {
    beast::flat_buffer buffer;
    while (!ended) {
      auto [ec, n] = co_await ws.async_read(buffer, use_tuple);
      if (ec) break;
      const auto data = buffer.cdata();
      const auto st = d->received({static_cast<const char*>(data.data()), data.size()});
      buffer.consume(n);
      if (!st) {
        core::log::warn("replication stream ended", {{"reason", st.error().message}});
        break;
      }
    }
    end();
  };
  co_await (send_loop() && receive_loop());
}

}  // namespace

awaitable<void> session(worker& w, shared_state& s, tcp::socket socket) {
  using step = request_reader::step;
  const server_options& opt = s.options;
  request_reader reader{opt.max_header_bytes};
  std::string head;  // reused for every response
  registration reg{w, s, socket};
  connection& conn = reg.get();
  const auto reply = std::make_shared<reply_slot>();
  const api::respond_fn receiver = reply->receiver();
  const auto peer = peer_of(socket);
  for (bool first = true;; first = false) {
    conn.waiting_for_request = true;
    if (w.draining) break;
    if (reader.buffered() == 0) {  // wait for the next request under the idle (or header) deadline
      conn.expire_after(first ? opt.header_timeout : opt.idle_timeout);
      auto [ec, n] = co_await socket.async_read_some(reader.prepare(), use_tuple);
      if (ec) break;
      reader.commit(n);
    }
    reader.begin();
    std::optional<api::route_match> route;
    const auto started = std::chrono::steady_clock::now();
    conn.expire_after(opt.header_timeout);
    auto st = co_await read_step(socket, reader);
    if (st == step::head) {
      conn.waiting_for_request = false;  // headers are in: this request is in flight
      route = api::match_target(reader.target());  // once: for the body limit and the router
      reader.limit_body(api::body_limit(route, opt.body_limits));
      if (route && api::streams_body(route->id)) {
        bool unread = false;
        auto answer = co_await read_upload(socket, conn, opt, reader, s, route, peer, *reply, receiver, unread);
        if (!answer) break;
        const bool keep_alive = !unread && reader.get().keep_alive() && !w.draining;
        build_head(head, *answer, keep_alive, reader.get().version() == 10);
        if (co_await send(socket, conn, opt.body_timeout, head, answer->body)) break;
        if (unread) co_await linger(socket, conn);
        if (!keep_alive) break;
        continue;
      }
      if (reader.body_pending() && reader.expects_continue()) {
        head = "HTTP/1.1 100 Continue\r\n\r\n";
        if (co_await send(socket, conn, opt.body_timeout, head, {})) break;
      }
      conn.expire_after(opt.body_timeout);
      st = co_await read_step(socket, reader);
    }
    if (!st) break;
    if (*st == step::refused) {
      const auto res = transport_error(reader.refusal());
      s.router.refused(res, started);
      build_head(head, res, false, false);
      const auto ec = co_await send(socket, conn, opt.body_timeout, head, res.body);
      if (!ec) co_await linger(socket, conn);
      break;
    }
    conn.no_deadline();
    const auto& req = reader.get();
    std::optional<api::response> answer = s.router.handle(to_api(reader, peer), route, receiver);
    if (!answer) answer = co_await reply->next();
    if (answer->takeover) {
      co_await run_takeover(socket, conn, reader, std::move(answer->takeover));
      break;
    }
    const bool http10 = req.version() == 10;
    const bool keep_alive = req.keep_alive() && !reader.body_too_large() && !w.draining && !(answer->stream && http10);
    build_head(head, *answer, keep_alive, http10);
    const std::string_view body = req.method() == bhttp::verb::head ? std::string_view{} : answer->body;
    if (co_await send(socket, conn, opt.body_timeout, head, body)) break;
    if (answer->stream && req.method() != bhttp::verb::head) {
      const bool sent = co_await send_stream(socket, conn, opt.body_timeout, *answer->stream, !http10);
      if (!sent) break;
    }
    if (reader.body_too_large()) co_await linger(socket, conn);
    if (!keep_alive) break;
  }
  beast::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace mixtape::http
