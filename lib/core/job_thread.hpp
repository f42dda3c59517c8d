#pragma once
// A thread of its own for slow jobs that must not hold an I/O thread (an export waits for a
// snapshot): jobs run one after another, in the order posted.
//
// Thread-safety: post() and stop() from any thread. stop() runs what is still queued, then
// joins; a job posted after it runs at once on the caller's thread, so a job always runs.
#include <deque>
#include <functional>
#include <string>
#include <thread>

#include "core/mutex.hpp"

namespace mixtape::core {

class job_thread {
 public:
  explicit job_thread(std::string name);
  ~job_thread();  // stop()
  job_thread(const job_thread&) = delete;
  job_thread& operator=(const job_thread&) = delete;

  void post(std::function<void()> job) EXCLUDES(mutex_);
  void stop() EXCLUDES(mutex_);

 private:
  void run() EXCLUDES(mutex_);

  const std::string name_;
  mutex mutex_;
  condition_variable cv_;
  std::deque<std::function<void()>> jobs_ GUARDED_BY(mutex_);
  bool stopping_ GUARDED_BY(mutex_) = false;
  std::thread thread_;
};

}  // namespace mixtape::core
