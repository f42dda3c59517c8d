#pragma once
// Internal to lib/http: awaits api::router::handle, whose response may come from the
// journal thread. The completion is always posted back to the session's executor.
#include <memory>
#include <optional>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/executor_work_guard.hpp>

#include "api/router.hpp"

namespace mixtape::http {

template <class CompletionToken>
auto async_handle(api::router& router, const api::request& req, CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, void(api::response)>(
      [&router, &req](auto handler) {
        using handler_type = boost::asio::any_completion_handler<void(api::response)>;
        struct pending {
          handler_type handler;
          // Keeps the session's io_context running while the journal holds the reply.
          boost::asio::executor_work_guard<boost::asio::any_io_executor> work;
        };
        auto ex = boost::asio::get_associated_executor(handler);
        auto state = std::make_shared<pending>(
            pending{handler_type{std::move(handler)}, boost::asio::make_work_guard(ex)});
        router.handle(req, [state](api::response res) {
          auto executor = state->work.get_executor();
          boost::asio::post(executor, [state, res = std::move(res)]() mutable {
            state->work.reset();
            std::move(state->handler)(std::move(res));
          });
        });
      },
      token);
}

}  // namespace mixtape::http
