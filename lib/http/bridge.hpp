#pragma once
// Internal to lib/http: receives the router's response for a session. Reads are answered
// inline (no hop through the scheduler); writes are answered from the journal thread,
// and then the session is resumed on its own executor.
#include <functional>
#include <memory>
#include <optional>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "api/message.hpp"
#include "core/mutex.hpp"

namespace mixtape::http {

// One value handed from any thread to a session's coroutine: a response (reply_slot), or
// an upload's word on the next piece. One per session, reused. Thread-safe.
template <class T>
class async_slot : public std::enable_shared_from_this<async_slot<T>> {
 public:
  // The callback that delivers the next value.
  std::function<void(T)> receiver() {
    return [self = this->shared_from_this()](T r) { self->deliver(std::move(r)); };
  }

  // The value if it has arrived already.
  std::optional<T> take() {
    core::mutex_lock lock{mutex_};
    return std::exchange(ready_, std::nullopt);
  }

  // The value: at once when it has arrived, else once it does. The slot must outlive the wait.
  boost::asio::awaitable<T> next() {
    if (auto r = take()) co_return std::move(*r);
    co_return co_await async_wait(boost::asio::use_awaitable);
  }

  // Waits for the value (call after take() came back empty).
  template <class CompletionToken>
  auto async_wait(CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, void(T)>(
        [self = this->shared_from_this()](auto handler) {
          auto ex = boost::asio::get_associated_executor(handler);
          core::mutex_lock lock{self->mutex_};
          if (auto r = std::exchange(self->ready_, std::nullopt)) {  // arrived meanwhile
            lock.unlock();
            boost::asio::post(ex, [h = std::move(handler), r = std::move(*r)]() mutable { std::move(h)(std::move(r)); });
            return;
          }
          self->work_.emplace(boost::asio::make_work_guard(ex));  // keeps the io_context running meanwhile
          self->waiter_.emplace(std::move(handler));
        },
        token);
  }

 private:
  void deliver(T r) {
    core::mutex_lock lock{mutex_};
    if (!waiter_) {
      ready_ = std::move(r);
      return;
    }
    auto handler = std::move(*waiter_);
    auto work = std::move(*work_);
    waiter_.reset();
    work_.reset();
    lock.unlock();
    boost::asio::post(work.get_executor(), [h = std::move(handler), r = std::move(r)]() mutable {
      std::move(h)(std::move(r));
    });
  }

  core::mutex mutex_;
  std::optional<T> ready_ GUARDED_BY(mutex_);
  std::optional<boost::asio::any_completion_handler<void(T)>> waiter_ GUARDED_BY(mutex_);
  std::optional<boost::asio::executor_work_guard<boost::asio::any_io_executor>> work_ GUARDED_BY(mutex_);
};

// The router's response for a session's request.
using reply_slot = async_slot<api::response>;
// An upload's answer to a piece: nullopt for the next one, or the final response.
using upload_slot = async_slot<std::optional<api::response>>;

}  // namespace mixtape::http
