#pragma once
// A static page on its own loopback port: a second web origin for browser tests (CORS).
// Serves `html` for every path but /favicon.ico (404), one request per connection, from a
// thread of its own until destroyed.
#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

namespace mixtape::test {

class page_server {
 public:
  page_server();  // listens on 127.0.0.1, port chosen by the kernel; the page is empty
  ~page_server();
  page_server(const page_server&) = delete;
  page_server& operator=(const page_server&) = delete;

  std::uint16_t port() const { return port_; }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Sets the page; call before a browser loads it.
  void set_page(std::string html) { html_ = std::move(html); }

 private:
  void serve();

  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::string html_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace mixtape::test
