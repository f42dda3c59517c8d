#include "http/server.hpp"

#include <sys/socket.h>

#include <unistd.h>

#include <cstdlib>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log.hpp"
#include "core/mutex.hpp"
#include "core/sd_notify.hpp"
#include "core/thread_name.hpp"
#include "http/worker.hpp"

namespace mixtape::http {
namespace asio = boost::asio;
using asio::ip::tcp;

struct server::impl {
  impl(server_options o, api::router& r) : state{std::move(o), r} {
    const unsigned n = std::max(1u, state.options.threads);
    for (unsigned i = 0; i < n; ++i) workers.push_back(std::make_unique<worker>());
  }
  shared_state state;
  std::vector<std::unique_ptr<worker>> workers;
  std::uint16_t port = 0;
  core::mutex mutex;
  core::condition_variable stop_requested_cv;
  bool stop_requested GUARDED_BY(mutex) = false;
  bool restarting GUARDED_BY(mutex) = false;  // stop(true): RELOADING=1, not STOPPING=1
};

namespace {

// The completion of a spawned coroutine: an exception that escaped it is logged with what
// it says, never dropped (asio::detached would swallow it). `what` names the coroutine.
struct log_escape {
  const char* what;
  void operator()(const std::exception_ptr& e) const {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      core::log::error("coroutine ended by an exception", {{"coroutine", what}, {"error", x.what()}});
    } catch (...) {
      core::log::error("coroutine ended by an exception", {{"coroutine", what}, {"error", "unknown"}});
    }
  }
};

}  // namespace

asio::awaitable<void> accept_loop(worker& w, shared_state& s) {
  for (;;) {
    auto [ec, socket] = co_await w.acceptor->async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted || !w.acceptor->is_open()) co_return;
    if (ec) {  // e.g. EMFILE: back off briefly instead of spinning
      asio::steady_timer t{w.context, std::chrono::milliseconds(50)};
      co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(w.context, session(w, s, std::move(socket)), log_escape{"session"});
  }
}

asio::awaitable<void> sweep_deadlines(worker& w) {
  asio::steady_timer timer{w.context};
  while (!(w.draining && w.connections.empty())) {
    timer.expires_after(sweep_interval);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    const auto now = steady_clock::now();
    for (auto& c : w.connections)
      if (c.deadline <= now) {
        boost::system::error_code ignored;
        c.socket->cancel(ignored);  // the pending read or write ends with operation_aborted
        c.no_deadline();
      }
  }
}

namespace {

std::error_code open_acceptor(worker& w, const tcp::endpoint& ep) {
  boost::system::error_code ec;
  auto& a = w.acceptor.emplace(w.context);
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) {
    const int one = 1;
    if (::setsockopt(a.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0)
      ec.assign(errno, boost::system::system_category());
  }
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  return ec;
}

// Half the systemd watchdog period, or zero when systemd asked for none (WATCHDOG_USEC unset,
// or WATCHDOG_PID naming another process).
std::chrono::microseconds watchdog_interval() {
  const char* usec = std::getenv("WATCHDOG_USEC");
  if (!usec) return {};
  if (const char* pid = std::getenv("WATCHDOG_PID"); pid && std::atoll(pid) != ::getpid()) return {};
  return std::chrono::microseconds{std::atoll(usec) / 2};
}

asio::awaitable<void> ping_watchdog(asio::steady_timer& timer, std::chrono::microseconds every) {
  for (;;) {
    core::sd_notify("WATCHDOG=1");
    timer.expires_after(every);
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
  }
}

// Runs on each worker's thread: stop accepting and close connections between requests.
void begin_drain(worker& w) {
  w.draining = true;
  boost::system::error_code ignored;
  if (w.acceptor) w.acceptor->close(ignored);
  for (auto& c : w.connections)
    if (c.waiting_for_request) {
      boost::system::error_code ignored;
      c.socket->cancel(ignored);
    }
}

}  // namespace

server::server(server_options options, api::router& router)
    : impl_(std::make_unique<impl>(std::move(options), router)) {}

server::~server() = default;

std::error_code server::listen() {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(impl_->state.options.host, ec);
  if (ec) return std::make_error_code(std::errc::invalid_argument);
  tcp::endpoint ep{address, impl_->state.options.port};
  for (auto& w : impl_->workers) {
    if (auto err = open_acceptor(*w, ep)) return err;
    ep.port(w->acceptor->local_endpoint().port());  // port 0: the rest join the port the first got
  }
  impl_->port = ep.port();
  return {};
}

std::uint16_t server::port() const noexcept { return impl_->port; }

std::size_t server::open_connections() const noexcept { return impl_->state.open_connections.load(); }

void server::stop(bool restarting) {
  core::mutex_lock lock{impl_->mutex};
  impl_->stop_requested = true;
  impl_->restarting = restarting;
  impl_->stop_requested_cv.notify_all();
}

void server::run(std::function<void()> on_hangup, const std::function<void()>& on_ready) {
  auto& workers = impl_->workers;
  asio::signal_set signals{workers.front()->context, SIGTERM, SIGINT, SIGHUP};
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int signo) {
        if (ec) return;
        if (signo == SIGHUP) {
          if (on_hangup) on_hangup();
          signals.async_wait(on_signal);
          return;
        }
        core::log::info("shutdown requested", {{"signal", signo == SIGTERM ? "SIGTERM" : "SIGINT"}});
        stop();
      };
  signals.async_wait(on_signal);
  for (auto& w : workers) {
    asio::co_spawn(w->context, accept_loop(*w, impl_->state), log_escape{"accept"});
    asio::co_spawn(w->context, sweep_deadlines(*w), log_escape{"deadline sweep"});
  }
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < workers.size(); ++i)
    threads.emplace_back([&ctx = workers[i]->context, name = "mixtape-io" + std::to_string(i)] {
      core::name_this_thread(name.c_str());
      ctx.run();
    });
  const auto watchdog = watchdog_interval();
  asio::steady_timer watchdog_timer{workers.front()->context};
  if (watchdog.count() > 0) asio::co_spawn(workers.front()->context, ping_watchdog(watchdog_timer, watchdog), log_escape{"watchdog"});
  if (on_ready) on_ready();
  core::sd_notify("READY=1");
  {
    core::mutex_lock lock{impl_->mutex};
    while (!impl_->stop_requested) impl_->stop_requested_cv.wait(impl_->mutex);
    core::sd_notify(impl_->restarting ? "RELOADING=1" : "STOPPING=1");
  }
  impl_->state.router.set_draining();
  asio::post(workers.front()->context, [&signals, &watchdog_timer] {
    signals.cancel();
    watchdog_timer.cancel();
  });
  for (auto& w : workers) asio::post(w->context, [&w = *w] { begin_drain(w); });
  const auto deadline = std::chrono::steady_clock::now() + impl_->state.options.drain_timeout;
  while (open_connections() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (open_connections() > 0)
    core::log::warn("drain deadline passed; closing connections", {{"open", std::to_string(open_connections())}});
  for (auto& w : workers) w->context.stop();
  for (auto& t : threads) t.join();
}

}  // namespace mixtape::http
