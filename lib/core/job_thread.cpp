#include "core/job_thread.hpp"

#include "core/thread_name.hpp"

namespace mixtape::core {

job_thread::job_thread(std::string name) : name_(std::move(name)) { thread_ = std::thread([this] { run(); }); }

job_thread::~job_thread() { stop(); }

void job_thread::post(std::function<void()> job) {
  {
    mutex_lock lock{mutex_};
    if (!stopping_) {
      jobs_.push_back(std::move(job));
      cv_.notify_one();
      return;
    }
  }
  job();
}

void job_thread::stop() {
  {
    mutex_lock lock{mutex_};
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void job_thread::run() {
  name_this_thread(name_.c_str());
  mutex_lock lock{mutex_};
  for (;;) {
    while (jobs_.empty() && !stopping_) cv_.wait(mutex_);
    if (jobs_.empty()) return;  // stopping, nothing left
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    job();
    lock.lock();
  }
}

}  // namespace mixtape::core
