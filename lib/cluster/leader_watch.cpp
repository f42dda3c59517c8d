#include "cluster/leader_watch.hpp"

#include <array>
#include <chrono>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>

#include "cluster/etcd_client.hpp"
#include "core/thread_name.hpp"

namespace mixtape::cluster {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr std::chrono::seconds connect_limit{2};
constexpr std::chrono::milliseconds reconnect_pause{500};
// A stream is opened anew this often (on the next member): one whose member was paused or
// cut off would otherwise stay silent for good.
constexpr std::chrono::seconds stream_lifetime{10};

}  // namespace

leader_watch::leader_watch(std::vector<core::http_url> endpoints, std::string key, std::function<void()> changed)
    : endpoints_(std::move(endpoints)), key_(std::move(key)), changed_(std::move(changed)) {}

leader_watch::~leader_watch() { stop(); }

void leader_watch::start() {
  thread_ = std::thread([this] { run(); });
}

void leader_watch::stop() {
  stopping_ = true;
  io_.stop();  // thread-safe: the stream's run() returns
  if (thread_.joinable()) thread_.join();
}

void leader_watch::run() {
  core::name_this_thread("mixtape-watch");
  for (std::size_t i = 0; !stopping_.load(); i = (i + 1) % endpoints_.size()) {
    watch_once(endpoints_[i]);
    if (stopping_.load()) break;
    // A pause between two attempts, cut short by stop().
    io_.restart();
    asio::steady_timer pause{io_, reconnect_pause};
    pause.async_wait([](boost::system::error_code) {});
    io_.run();
  }
}

bool leader_watch::watch_once(const core::http_url& url) {
  io_.restart();
  if (stopping_.load()) return false;  // stop() came before the restart; after it, run() returns at once
  tcp::socket socket{io_};
  tcp::resolver resolver{io_};
  asio::steady_timer connect_timer{io_, connect_limit};
  asio::steady_timer lifetime{io_, stream_lifetime};
  const std::string body = boost::json::serialize(boost::json::object{
      {"create_request", boost::json::object{{"key", base64_encode(key_)}}}});
  const std::string request = "POST " + url.base_path + "/v3/watch HTTP/1.1\r\nHost: " + url.host_field() +
                              "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                              "\r\n\r\n" + body;
  std::array<char, 4096> buffer;
  bool heard = false;
  std::function<void(boost::system::error_code, std::size_t)> on_read = [&](boost::system::error_code ec, std::size_t n) {
    if (ec || n == 0) return void(lifetime.cancel());  // the stream ended: run() returns, the next member is tried
    heard = true;
    changed_();
    socket.async_read_some(asio::buffer(buffer), on_read);
  };
  boost::system::error_code ec;
  const auto addresses = resolver.resolve(url.host, url.port, ec);
  if (ec) return false;
  connect_timer.async_wait([&](boost::system::error_code timer_ec) {
    if (!timer_ec) socket.close();  // not connected in time
  });
  lifetime.async_wait([&](boost::system::error_code timer_ec) {
    if (!timer_ec) socket.close();
  });
  asio::async_connect(socket, addresses, [&](boost::system::error_code cec, const tcp::endpoint&) {
    connect_timer.cancel();
    if (cec) return void(lifetime.cancel());
    asio::async_write(socket, asio::buffer(request), [&](boost::system::error_code wec, std::size_t) {
      if (wec) return void(lifetime.cancel());
      socket.async_read_some(asio::buffer(buffer), on_read);
    });
  });
  io_.run();
  return heard;
}

}  // namespace mixtape::cluster
