#pragma once
// A vector of trivially copyable T that never reallocates once it holds more than one
// page: its first `Page` elements live in an ordinary vector (so a short list costs what it
// holds), the rest in pages of `Page` elements. Growth copies nothing beyond the first page
// and leaves no freed blocks of odd sizes behind: every page is the same size, so the
// allocator reuses what one list gives back for the next (with a large-page allocator
// that never returns memory to the OS, doubling vectors left ~20 % of a track-heavy
// store's RSS as freed blocks). Not thread-safe.
#include <cstddef>
#include <memory>
#include <type_traits>
#include <vector>

namespace mixtape::store {

template <class T, std::size_t Page>
class paged_vector {
  static_assert(std::is_trivially_copyable_v<T> && (Page & (Page - 1)) == 0);

 public:
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

  T& operator[](std::size_t i) noexcept { return i < Page ? first_[i] : pages_[i / Page - 1][i % Page]; }
  const T& operator[](std::size_t i) const noexcept {
    return i < Page ? first_[i] : pages_[i / Page - 1][i % Page];
  }
  T& back() noexcept { return (*this)[size_ - 1]; }
  const T& back() const noexcept { return (*this)[size_ - 1]; }

  void push_back(const T& x) {
    if (size_ < Page) {
      first_.push_back(x);
    } else {
      if (size_ % Page == 0 && size_ / Page > pages_.size()) pages_.push_back(std::make_unique_for_overwrite<T[]>(Page));
      pages_[size_ / Page - 1][size_ % Page] = x;
    }
    ++size_;
  }
  void pop_back() noexcept { truncate(size_ - 1); }
  // Keeps the first n elements (n <= size()) and frees the pages past them.
  void truncate(std::size_t n) noexcept {
    size_ = n;
    if (n < Page) first_.resize(n);
    pages_.resize(n <= Page ? 0 : (n - 1) / Page);
  }
  void clear() noexcept {
    truncate(0);
    first_.shrink_to_fit();
  }
  // Room for n elements in the first page, where it is a plain vector.
  void reserve(std::size_t n) { first_.reserve(n < Page ? n : Page); }
  void shrink_to_fit() { first_.shrink_to_fit(); }
  std::size_t bytes() const noexcept {
    return first_.capacity() * sizeof(T) + pages_.size() * Page * sizeof(T) +
           pages_.capacity() * sizeof(std::unique_ptr<T[]>);
  }

 private:
  std::vector<T> first_;
  std::vector<std::unique_ptr<T[]>> pages_;  // page k holds elements (k + 1) * Page ...
  std::size_t size_ = 0;
};

}  // namespace mixtape::store
