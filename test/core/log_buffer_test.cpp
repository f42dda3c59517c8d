// core/log_buffer: buffered lines all arrive, each thread's in order; a destination that
// stops reading makes lines drop (counted), never the logging thread wait.
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/log.hpp"
#include "core/log_buffer.hpp"

using namespace mixtape::core;

namespace {

// Points stderr at a pipe until finish(), which returns everything written to it.
struct captured_stderr {
  int fds[2] = {-1, -1};
  int saved = -1;
  std::string text;
  std::thread reader;
  captured_stderr() {
    BOOST_REQUIRE(::pipe(fds) == 0);
    saved = ::dup(STDERR_FILENO);
    BOOST_REQUIRE(::dup2(fds[1], STDERR_FILENO) == STDERR_FILENO);
  }
  ~captured_stderr() { finish(); }
  // Reads the pipe as it fills (until finish() closes its write ends).
  void start_reading() {
    reader = std::thread([this] {
      char buf[65536];
      for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
    });
  }
  std::string finish() {
    if (saved < 0) return text;
    if (!reader.joinable()) start_reading();
    ::dup2(saved, STDERR_FILENO);
    ::close(saved);
    saved = -1;
    ::close(fds[1]);
    reader.join();
    ::close(fds[0]);
    return text;
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(buffered_lines_all_arrive_in_each_threads_order) {
  std::string text;
  {
    captured_stderr err;
    log::start_buffering();
    const auto dropped_before = log::dropped_lines();
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t)
      threads.emplace_back([t] {
        for (int i = 0; i < 200; ++i) log::info("line", {{"t", std::to_string(t)}, {"i", std::to_string(i)}});
      });
    err.start_reading();
    for (auto& th : threads) th.join();
    log::stop_buffering();
    BOOST_TEST(log::dropped_lines() == dropped_before);
    text = err.finish();
  }
  for (int t = 0; t < 2; ++t) {
    int expected = 0;
    std::istringstream lines{text};
    for (std::string line; std::getline(lines, line);) {
      if (line.find(" t=" + std::to_string(t) + " ") == std::string::npos) continue;
      BOOST_REQUIRE(line.ends_with(" i=" + std::to_string(expected)));
      ++expected;
    }
    BOOST_TEST(expected == 200);
  }
}

BOOST_AUTO_TEST_CASE(a_destination_that_stops_reading_drops_lines_instead_of_blocking) {
  captured_stderr err;  // nobody reads the pipe: the flusher blocks once 64 KiB are in it
  log::start_buffering();
  const auto before = log::dropped_lines();
  const std::string payload(200, 'x');
  std::size_t logged = 0;
  while (log::dropped_lines() == before && logged < 100'000) {  // 64 KiB pipe + 1 MiB buffer fill first
    log::info("filler", {{"payload", payload}});
    ++logged;
  }
  BOOST_TEST(log::dropped_lines() > before);
  BOOST_TEST(logged < 100'000u);
  err.start_reading();  // unblocks the flusher
  log::stop_buffering();
  BOOST_TEST(err.finish().find("filler") != std::string::npos);
}
