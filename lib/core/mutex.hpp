#pragma once
// Mutexes the thread-safety analysis understands (core/thread_annotations.hpp): thin
// wrappers of std::mutex / std::shared_mutex annotated as capabilities, their RAII guards,
// and a condition variable that waits on a core::mutex. Same behaviour and cost as the std
// types (every member is inline and forwards); only the compile-time checking is new.
//
//   core::mutex mutex_;
//   core::condition_variable cv_;
//   bool ready_ GUARDED_BY(mutex_) = false;
//
//   void wait_ready() {
//     core::mutex_lock lock{mutex_};
//     while (!ready_) cv_.wait(mutex_);  // an explicit loop, not a predicate: see below
//   }
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <shared_mutex>

#include "core/thread_annotations.hpp"

namespace mixtape::core {

class condition_variable;

// std::mutex as a capability. Not recursive; unlock() only by the thread that locked.
class CAPABILITY("mutex") mutex {
 public:
  mutex() = default;
  mutex(const mutex&) = delete;
  mutex& operator=(const mutex&) = delete;

  void lock() ACQUIRE() { m_.lock(); }
  void unlock() RELEASE() { m_.unlock(); }
  bool try_lock() TRY_ACQUIRE(true) { return m_.try_lock(); }
  // Tells the analysis this mutex is held here (code it cannot follow, e.g. a lambda run
  // under the lock). Checks nothing at run time: std::mutex does not know its owner.
  void assert_held() const ASSERT_CAPABILITY(this) {}

 private:
  friend class condition_variable;  // waits on m_ itself
  std::mutex m_;
};

// Holds a core::mutex from construction to destruction, like std::unique_lock: unlock()
// and lock() in between release and retake it (the destructor unlocks only if held).
class SCOPED_CAPABILITY mutex_lock {
 public:
  explicit mutex_lock(mutex& m) ACQUIRE(m) : m_(m) { m_.lock(); }
  ~mutex_lock() RELEASE() {
    if (held_) m_.unlock();
  }
  mutex_lock(const mutex_lock&) = delete;
  mutex_lock& operator=(const mutex_lock&) = delete;

  void unlock() RELEASE() {
    m_.unlock();
    held_ = false;
  }
  void lock() ACQUIRE() {
    m_.lock();
    held_ = true;
  }

 private:
  mutex& m_;
  bool held_ = true;
};

// std::condition_variable for a core::mutex. Every wait REQUIRES the mutex: the caller
// holds it (normally through a mutex_lock), the wait releases it while blocked and holds
// it again when it returns, as std::condition_variable::wait does with a unique_lock.
// There are no predicate overloads on purpose: a predicate lambda is analysed as a
// function of its own, which would not know the mutex is held, so callers write the loop
// `while (!ready) cv.wait(m);` in the function that holds the lock, where reads of
// guarded data are checked. Wakeups may be spurious, as with std::condition_variable.
class condition_variable {
 public:
  void notify_one() noexcept { cv_.notify_one(); }
  void notify_all() noexcept { cv_.notify_all(); }

  void wait(mutex& m) REQUIRES(m) {
    adopted a{m};
    cv_.wait(a.lock);
  }
  template <class Clock, class Duration>
  std::cv_status wait_until(mutex& m, const std::chrono::time_point<Clock, Duration>& t) REQUIRES(m) {
    adopted a{m};
    return cv_.wait_until(a.lock, t);
  }
  template <class Rep, class Period>
  std::cv_status wait_for(mutex& m, const std::chrono::duration<Rep, Period>& d) REQUIRES(m) {
    adopted a{m};
    return cv_.wait_for(a.lock, d);
  }

 private:
  // The caller's lock, lent to std::condition_variable for one wait and handed back held
  // (release(), not unlock(), at the end: also when the wait throws, which reacquires).
  struct adopted {
    explicit adopted(mutex& m) : lock(m.m_, std::adopt_lock) {}
    ~adopted() { lock.release(); }
    adopted(const adopted&) = delete;
    adopted& operator=(const adopted&) = delete;
    std::unique_lock<std::mutex> lock;
  };
  std::condition_variable cv_;
};

// std::shared_mutex as a capability: lock() for writers, lock_shared() for readers.
// Data GUARDED_BY it may be read under either and written only under lock().
class CAPABILITY("shared_mutex") shared_mutex {
 public:
  shared_mutex() = default;
  shared_mutex(const shared_mutex&) = delete;
  shared_mutex& operator=(const shared_mutex&) = delete;

  void lock() ACQUIRE() { m_.lock(); }
  void unlock() RELEASE() { m_.unlock(); }
  bool try_lock() TRY_ACQUIRE(true) { return m_.try_lock(); }
  void lock_shared() ACQUIRE_SHARED() { m_.lock_shared(); }
  void unlock_shared() RELEASE_SHARED() { m_.unlock_shared(); }
  bool try_lock_shared() TRY_ACQUIRE_SHARED(true) { return m_.try_lock_shared(); }
  // As mutex::assert_held: for the analysis only.
  void assert_held() const ASSERT_CAPABILITY(this) {}
  void assert_shared_held() const ASSERT_SHARED_CAPABILITY(this) {}

 private:
  std::shared_mutex m_;
};

// Holds a core::shared_mutex exclusively for its lifetime (std::unique_lock / lock_guard).
class SCOPED_CAPABILITY writer_lock {
 public:
  explicit writer_lock(shared_mutex& m) ACQUIRE(m) : m_(m) { m_.lock(); }
  ~writer_lock() RELEASE() { m_.unlock(); }
  writer_lock(const writer_lock&) = delete;
  writer_lock& operator=(const writer_lock&) = delete;

 private:
  shared_mutex& m_;
};

// Holds a core::shared_mutex shared for its lifetime (std::shared_lock).
class SCOPED_CAPABILITY reader_lock {
 public:
  explicit reader_lock(shared_mutex& m) ACQUIRE_SHARED(m) : m_(m) { m_.lock_shared(); }
  ~reader_lock() RELEASE() { m_.unlock_shared(); }
  reader_lock(const reader_lock&) = delete;
  reader_lock& operator=(const reader_lock&) = delete;

 private:
  shared_mutex& m_;
};

}  // namespace mixtape::core
