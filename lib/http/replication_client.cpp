#include "http/replication_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "core/http_url.hpp"
#include "core/log.hpp"
#include "core/thread_name.hpp"

namespace mixtape::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using asio::awaitable;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

constexpr std::chrono::milliseconds first_backoff{100};
constexpr std::chrono::milliseconds max_backoff{5000};

const char* why_text(replication::stop_reason r) {
  switch (r) {
    case replication::stop_reason::itself: return "--replicate-from points at this server itself";
    case replication::stop_reason::not_this_data:
      return "the primary serves another database (this data directory was not bootstrapped from it)";
    case replication::stop_reason::broken: return "the journal here failed";
    default: return "";
  }
}

}  // namespace

struct replication_client::impl {
  replication_client_options options;
  replication::standby_link& link;
  replication::standby_status& status;
  stop_fn on_stop;
  asio::io_context context{1};
  asio::steady_timer ack_due{context};
  bool poked = false;  // client thread only: durable() came since the last acknowledgement

  impl(replication_client_options o, replication::standby_link& l, replication::standby_status& s, stop_fn f)
      : options(std::move(o)), link(l), status(s), on_stop(std::move(f)) {}

  awaitable<void> run();
  // One connection: connect, handshake, stream. Returns whether the stream flowed (the
  // backoff starts over), or sets `stop` to end the client.
  awaitable<bool> once(const core::http_url& url, bool& stop);
  awaitable<void> read_loop(websocket::stream<beast::tcp_stream>& ws, bool& ended);
  awaitable<void> ack_loop(websocket::stream<beast::tcp_stream>& ws, bool& ended);
};

replication_client::replication_client(replication_client_options options, replication::standby_link& link,
                                       replication::standby_status& status, stop_fn on_stop)
    : impl_(std::make_unique<impl>(std::move(options), link, status, std::move(on_stop))) {}

replication_client::~replication_client() { stop(); }

void replication_client::start() {
  asio::co_spawn(impl_->context, impl_->run(), asio::detached);
  thread_ = std::thread([this] {
    core::name_this_thread("mixtape-replica");
    impl_->context.run();
  });
}

void replication_client::durable() {
  asio::post(impl_->context, [i = impl_.get()] {
    i->poked = true;
    i->ack_due.cancel();
  });
}

void replication_client::stop() {
  if (!thread_.joinable()) return;
  impl_->context.stop();
  thread_.join();
}

awaitable<void> replication_client::impl::run() {
  const auto url = core::parse_http_url(options.url);
  if (!url) {
    core::log::error("--replicate-from is not an http://HOST:PORT URL", {{"url", options.url}});
    co_return;
  }
  auto backoff = first_backoff;
  asio::steady_timer pause{context};
  for (bool first = true;; first = false) {
    bool stop = false;
    if (!first) status.reconnects.fetch_add(1, std::memory_order_relaxed);
    const bool flowed = co_await once(*url, stop);
    status.connected.store(false);
    if (stop) co_return;
    backoff = flowed ? first_backoff : std::min(backoff * 2, max_backoff);
    pause.expires_after(backoff);
    co_await pause.async_wait(use_tuple);
  }
}

awaitable<bool> replication_client::impl::once(const core::http_url& url, bool& stop) {
  const auto retry_ms = std::to_string(std::min(first_backoff * 2, max_backoff).count());
  tcp::resolver resolver{context};
  auto [rec, endpoints] = co_await resolver.async_resolve(url.host, url.port, use_tuple);
  websocket::stream<beast::tcp_stream> ws{context};
  if (!rec) {
    beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(5));
    auto [cec, ep] = co_await beast::get_lowest_layer(ws).async_connect(endpoints, use_tuple);
    rec = cec;
  }
  if (rec) {
    core::log::warn("cannot reach the primary; retrying", {{"primary", options.url}, {"error", rec.message()}});
    co_return false;
  }
  beast::get_lowest_layer(ws).expires_never();
  beast::error_code ignored;  // acknowledgements are small and wanted at once: no Nagle delay
  beast::get_lowest_layer(ws).socket().set_option(tcp::no_delay(true), ignored);
  ws.set_option(websocket::stream_base::timeout{std::chrono::seconds(5), std::chrono::seconds(10), true});
  ws.set_option(websocket::stream_base::decorator([this](websocket::request_type& req) {
    req.set("X-API-Key", options.key);
    req.set(beast::http::field::user_agent, "mixtaped-standby");
    for (const auto& [name, value] : link.handshake_fields()) req.set(name, value);
  }));
  ws.read_message_max(64u << 20);
  websocket::response_type res;
  auto [hec] = co_await ws.async_handshake(res, url.host_field(), link.target(url.base_path), use_tuple);
  if (hec) {
    if (res.result_int() == 409 && res.body().find("\"reason\":\"bootstrap\"") != std::string::npos) {
      core::log::warn("the primary no longer holds the records this standby needs; bootstrapping again",
                      {{"primary", options.url}, {"after", std::to_string(link.last_seq())}});
      stop = true;
      on_stop(replication::stop_reason::none, 0);
      co_return false;
    }
    if (res.result_int() == 409 && res.body().find("\"reason\":\"itself\"") != std::string::npos) {
      core::log::error("not following: --replicate-from points at this server itself; retrying", {{"primary", options.url}});
      co_return false;
    }
    const std::string answered = res.result_int() == 0 ? "no HTTP answer" : "HTTP " + std::to_string(res.result_int());
    core::log::error("the primary refused the replication stream; retrying",
                     {{"primary", options.url}, {"answer", answered},
                      {"reason", res.result_int() == 0 ? hec.message() : core::reason_of(res.body())}});
    co_return false;
  }
  const auto why = link.accepted([&res](std::string_view name) { return std::string{res[name]}; });
  if (why == replication::stop_reason::diverged) {
    core::log::warn("this node's history forks from the primary's; setting its records after the fork aside",
                     {{"primary", options.url}, {"fork_seq", std::to_string(link.fork_seq())}});
    stop = true;
    on_stop(why, link.fork_seq());
    co_return false;
  }
  if (why != replication::stop_reason::none) {
    core::log::error("not following the primary; retrying", {{"primary", options.url}, {"reason", why_text(why)}});
    co_return false;
  }
  core::log::info("following the primary", {{"primary", options.url}, {"after", std::to_string(link.last_seq())}});
  status.connected.store(true);
  ws.binary(true);
  bool ended = false;
  co_await (read_loop(ws, ended) && ack_loop(ws, ended));
  co_return true;
}

awaitable<void> replication_client::impl::read_loop(websocket::stream<beast::tcp_stream>& ws, bool& ended) {
  beast::flat_buffer buffer;
  for (;;) {
    auto [ec, n] = co_await ws.async_read(buffer, use_tuple);
    if (ec) {
      core::log::warn("the replication stream ended; reconnecting", {{"primary", options.url}, {"error", ec.message()}});
      break;
    }
    const auto data = buffer.cdata();
    auto st = link.message({static_cast<const char*>(data.data()), data.size()});
    buffer.consume(n);
    if (!st) {
      core::log::error("the replication stream sent what this standby refuses; reconnecting",
                       {{"primary", options.url}, {"reason", st.error().message}});
      break;
    }
  }
  ended = true;
  ack_due.cancel();
  beast::error_code ignored;
  beast::get_lowest_layer(ws).socket().shutdown(tcp::socket::shutdown_both, ignored);
}

// Sends an acknowledgement whenever the journal here synced records (durable() cancels the
// wait), and at least every second.
awaitable<void> replication_client::impl::ack_loop(websocket::stream<beast::tcp_stream>& ws, bool& ended) {
  while (!ended) {
    poked = false;
    while (auto ack = link.ack()) {
      auto [ec, n] = co_await ws.async_write(asio::buffer(*ack), use_tuple);
      if (ec) {
        beast::error_code ignored;
        beast::get_lowest_layer(ws).socket().shutdown(tcp::socket::shutdown_both, ignored);
        co_return;
      }
    }
    if (poked) continue;
    ack_due.expires_after(std::chrono::seconds(1));
    co_await ack_due.async_wait(use_tuple);
  }
}

}  // namespace mixtape::http
