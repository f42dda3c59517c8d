#include "support/raw_connection.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <stdexcept>

#include <boost/beast/http.hpp>

namespace mixtape::test {
namespace bhttp = boost::beast::http;
using clock = std::chrono::steady_clock;

raw_connection::raw_connection(std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
    throw std::runtime_error("raw_connection: cannot connect");
}

raw_connection::~raw_connection() {
  if (fd_ >= 0) ::close(fd_);
}

bool raw_connection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::size_t raw_connection::send_until_answered(char fill_byte, std::size_t total) {
  const std::string piece(64 * 1024, fill_byte);
  std::size_t sent = 0;
  while (sent < total) {
    pollfd p{fd_, POLLIN | POLLOUT, 0};
    if (::poll(&p, 1, 20'000) <= 0) break;
    if (p.revents & (POLLIN | POLLERR | POLLHUP)) break;  // answered, or gone
    const ssize_t n = ::send(fd_, piece.data(), std::min(piece.size(), total - sent), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  return sent;
}

bool raw_connection::fill(clock::time_point until) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - clock::now()).count();
  pollfd p{fd_, POLLIN, 0};
  if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) return false;
  char buf[16 * 1024];
  const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
  if (n <= 0) return false;
  in_.append(buf, static_cast<std::size_t>(n));
  return true;
}

std::optional<http_reply> raw_connection::read_reply(bool to_head, std::chrono::milliseconds limit) {
  const auto until = clock::now() + limit;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64u << 20);
  parser.skip(to_head);
  for (;;) {
    boost::beast::error_code ec;
    while (!in_.empty() && !parser.is_done()) {
      const std::size_t used = parser.put(boost::asio::buffer(in_), ec);
      in_.erase(0, used);
      if (ec || used == 0) break;
    }
    if (parser.is_done()) break;
    if (ec && ec != bhttp::error::need_more) return std::nullopt;
    if (!fill(until)) return std::nullopt;
  }
  const auto& res = parser.get();
  http_reply reply;
  reply.status = res.result_int();
  reply.body = res.body();
  for (const auto& f : res) reply.headers.emplace_back(std::string{f.name_string()}, std::string{f.value()});
  reply.closed = !res.keep_alive();
  return reply;
}

bool raw_connection::closed_by_server(std::chrono::milliseconds limit) {
  if (!in_.empty()) return false;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(limit.count())) <= 0) return false;
  char c;
  const ssize_t n = ::recv(fd_, &c, 1, 0);
  if (n > 0) in_.push_back(c);
  return n == 0 || (n < 0 && errno == ECONNRESET);
}

std::size_t resident_bytes(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  std::size_t kib = 0;
  while (in >> key) {
    if (key == "VmRSS:") {
      in >> kib;
      return kib * 1024;
    }
    in.ignore(1 << 12, '\n');
  }
  return 0;
}

}  // namespace mixtape::test
