#pragma once
// Runs a write use case and blocks until its reply arrives (from the journal thread or
// inline). `start` receives the reply_fn to pass to the use case.
#include <future>

#include "service/collections.hpp"

namespace mixtape::test {

template <class F>
service::reply await_reply(F&& start) {
  std::promise<service::reply> p;
  auto f = p.get_future();
  start([&p](service::reply r) { p.set_value(std::move(r)); });
  return f.get();
}

}  // namespace mixtape::test
