#pragma once
// result<T>: either a value or a core::problem. A small stand-in for std::expected (C++23).
#include <cassert>
#include <utility>
#include <variant>

#include "core/error.hpp"

namespace mixtape::core {

template <class T>
class [[nodiscard]] result {
 public:
  result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  result(problem p) : v_(std::in_place_index<1>, std::move(p)) {}

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const problem& error() const& { assert(!ok()); return std::get<1>(v_); }
  problem&& error() && { assert(!ok()); return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, problem> v_;
};

// For operations that return nothing on success.
struct unit {};
using status = result<unit>;
inline status success() { return unit{}; }

}  // namespace mixtape::core
