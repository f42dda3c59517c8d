#include "core/log_buffer.hpp"
#include "core/mutex.hpp"
#include "core/thread_name.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace mixtape::core::log {
namespace {

constexpr std::size_t buffer_bytes = 1024 * 1024;  // ~0.3 s of 50k lines/s on one thread
constexpr auto flush_interval = std::chrono::milliseconds(100);

struct thread_buffer {
  thread_buffer() { pending.reserve(buffer_bytes); }
  bool empty() EXCLUDES(mutex) {
    core::mutex_lock lock{mutex};
    return pending.empty();
  }
  core::mutex mutex;  // taken after sink::mutex when both are held (flush_all)
  std::string pending GUARDED_BY(mutex);  // whole lines, at most buffer_bytes
};

// The flusher and every thread's buffer. A buffer outlives its thread until flushed.
struct sink {
  core::mutex mutex;
  core::condition_variable wake;
  std::vector<std::shared_ptr<thread_buffer>> buffers GUARDED_BY(mutex);
  // Started, and tested for joinable(), under `mutex`; joined without it by stop(), which
  // start-up and shutdown call one at a time (not GUARDED_BY for that join).
  std::thread flusher;
  bool stopping GUARDED_BY(mutex) = false;
  std::atomic<bool> on{false};
  std::atomic<std::uint64_t> dropped{0};

  ~sink() { stop(); }  // a process that ends without stop_buffering() still writes its lines

  void stop() {
    {
      core::mutex_lock lock{mutex};
      if (!flusher.joinable()) return;
      on = false;
      stopping = true;
    }
    wake.notify_one();
    flusher.join();
    flush_all();  // what came in while the flusher was ending
  }

  // Writes every buffer out; drops those whose thread has ended once empty.
  void flush_all() {
    std::vector<std::shared_ptr<thread_buffer>> list;
    {
      core::mutex_lock lock{mutex};
      std::erase_if(buffers, [](const auto& b) { return b.use_count() == 1 && b->empty(); });
      list = buffers;
    }
    std::string out;
    for (const auto& b : list) {
      {
        core::mutex_lock lock{b->mutex};
        out.swap(b->pending);
      }
      detail::write_stderr(out);
      out.clear();
    }
  }

  void run() {
    name_this_thread("mixtape-log");
    core::mutex_lock lock{mutex};
    while (!stopping) {
      wake.wait_for(mutex, flush_interval);
      lock.unlock();
      flush_all();
      lock.lock();
    }
  }
};

sink& the_sink() {
  static sink s;
  return s;
}

thread_buffer& my_buffer() {
  thread_local std::shared_ptr<thread_buffer> mine = [] {
    auto b = std::make_shared<thread_buffer>();
    sink& s = the_sink();
    core::mutex_lock lock{s.mutex};
    s.buffers.push_back(b);
    return b;
  }();
  return *mine;
}

}  // namespace

void start_buffering() {
  sink& s = the_sink();
  core::mutex_lock lock{s.mutex};
  if (s.flusher.joinable()) return;
  s.stopping = false;
  s.flusher = std::thread([&s] { s.run(); });
  s.on = true;
}

void stop_buffering() { the_sink().stop(); }

std::uint64_t dropped_lines() noexcept { return the_sink().dropped.load(std::memory_order_relaxed); }

namespace detail {

bool buffer_line(std::string_view line) {
  sink& s = the_sink();
  if (!s.on.load(std::memory_order_acquire)) return false;
  thread_buffer& b = my_buffer();
  bool wake_flusher = false;
  {
    core::mutex_lock lock{b.mutex};  // contended only by the flusher's swap
    if (b.pending.size() + line.size() > buffer_bytes) {
      s.dropped.fetch_add(1, std::memory_order_relaxed);
      return true;
    }
    const bool was_below = b.pending.size() < buffer_bytes / 4;
    b.pending.append(line);
    wake_flusher = was_below && b.pending.size() >= buffer_bytes / 4;
  }
  if (wake_flusher) s.wake.notify_one();
  return true;
}

void write_stderr(std::string_view bytes) noexcept {
  while (!bytes.empty()) {
    const ssize_t n = ::write(STDERR_FILENO, bytes.data(), bytes.size());
    if (n <= 0) return;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace detail
}  // namespace mixtape::core::log
