#pragma once
// Internal to the model module (not part of its contract): the little-endian field
// encoder and the bounds-checked decoder behind mutation records and snapshot items.
// Field encodings are listed in mutation.cpp's header comment and docs/journal-format.md.
#include <array>
#include <concepts>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "model/collection.hpp"
#include "model/requests.hpp"
#include "model/mutation.hpp"

namespace mixtape::model::detail {

class writer {
 public:
  explicit writer(std::string& out) : out_(out) {}

  template <std::unsigned_integral U>
  void operator()(U v) {
    for (std::size_t i = 0; i < sizeof(U); ++i) out_ += static_cast<char>((v >> (8 * i)) & 0xFF);
  }
  void operator()(std::int64_t v) { (*this)(static_cast<std::uint64_t>(v)); }
  void operator()(share_visibility v) { (*this)(static_cast<std::uint8_t>(v)); }
  void operator()(org_state v) { (*this)(static_cast<std::uint8_t>(v)); }
  void operator()(const std::vector<track_entry>& v) {
    count(v.size());
    for (const auto& t : v) {
      (*this)(t.track_id);
      (*this)(t.added_at);
    }
  }
  void operator()(const std::array<unsigned char, 32>& a) {
    out_.append(reinterpret_cast<const char*>(a.data()), a.size());
  }
  void operator()(std::string_view s) {
    (*this)(checked_u32(s.size()));
    out_ += s;
  }
  void operator()(const std::string& s) { (*this)(std::string_view{s}); }
  // The u32 count that starts a list.
  void count(std::size_t n) { (*this)(checked_u32(n)); }
  void operator()(const std::vector<std::string>& v) {
    (*this)(checked_u32(v.size()));
    for (const auto& s : v) (*this)(s);
  }
  template <class T>
  void operator()(const std::optional<T>& o) {
    (*this)(std::uint8_t{o.has_value()});
    if (o) (*this)(*o);
  }
  void operator()(const nullable_update& u) {
    (*this)(std::uint8_t(!u ? 0 : !*u ? 1 : 2));
    if (u && *u) (*this)(**u);
  }

 private:
  static std::uint32_t checked_u32(std::size_t n) {
    if (n > std::numeric_limits<std::uint32_t>::max())
      throw std::length_error("mutation field too large to encode");
    return static_cast<std::uint32_t>(n);
  }
  std::string& out_;
};

// Reads fields from `in_`. The first failure records a reason and turns every later read
// into a no-op, so a decoder can read all fields and check ok() once. Never reads past
// the end of the input.
class reader {
 public:
  explicit reader(std::string_view in) : in_(in) {}

  bool ok() const noexcept { return error_ == nullptr; }
  const char* error() const noexcept { return error_; }
  bool at_end() const noexcept { return pos_ == in_.size(); }
  std::size_t remaining() const noexcept { return in_.size() - pos_; }

  template <std::unsigned_integral U>
  void operator()(U& v) {
    v = 0;
    if (!take(sizeof(U))) return;
    for (std::size_t i = 0; i < sizeof(U); ++i)
      v |= static_cast<U>(static_cast<U>(static_cast<unsigned char>(in_[pos_ - sizeof(U) + i]))
                          << (8 * i));
  }
  void operator()(std::int64_t& v) {
    std::uint64_t u = 0;
    (*this)(u);
    v = static_cast<std::int64_t>(u);
  }
  void operator()(share_visibility& v) {
    std::uint8_t b = 0;
    (*this)(b);
    if (b > 1) return fail("invalid share visibility");
    v = static_cast<share_visibility>(b);
  }
  void operator()(org_state& v) {
    std::uint8_t b = 0;
    (*this)(b);
    if (b > 2) return fail("invalid organization state");
    v = static_cast<org_state>(b);
  }
  void operator()(std::vector<track_entry>& v) {
    std::uint32_t n = 0;
    track_count(n);
    if (!ok()) return;
    v.resize(n);
    for (auto& t : v) {
      (*this)(t.track_id);
      (*this)(t.added_at);
    }
  }
  void operator()(std::array<unsigned char, 32>& a) {
    if (!take(a.size())) return;
    for (std::size_t i = 0; i < a.size(); ++i)
      a[i] = static_cast<unsigned char>(in_[pos_ - a.size() + i]);
  }
  void operator()(std::string& s) {
    std::uint32_t n = 0;
    (*this)(n);
    if (!take(n)) return;
    s.assign(in_.substr(pos_ - n, n));
  }
  void operator()(std::vector<std::string>& v) {
    std::uint32_t n = 0;
    (*this)(n);
    if (!ok()) return;
    if (n > remaining() / sizeof(std::uint32_t)) return fail("string count exceeds payload");
    v.resize(n);
    for (auto& s : v) (*this)(s);
  }
  // The count that starts a track list; more than the rest of the input could hold fails.
  void track_count(std::uint32_t& n) {
    (*this)(n);
    if (ok() && n > remaining() / (sizeof(std::uint32_t) + sizeof(std::int64_t))) {
      n = 0;
      fail("track count exceeds payload");
    }
  }
  // A track list as (id, added_at) views into the input.
  void tracks(std::vector<std::pair<std::string_view, std::int64_t>>& v) {
    std::uint32_t n = 0;
    track_count(n);
    if (!ok()) return;
    v.resize(n);
    for (auto& [id, added_at] : v) {
      std::uint32_t size = 0;
      (*this)(size);
      if (!take(size)) return;
      id = in_.substr(pos_ - size, size);
      (*this)(added_at);
    }
  }
  template <class T>
  void operator()(std::optional<T>& o) {
    const std::uint8_t tag = read_tag(1);
    o.reset();
    if (tag == 1) (*this)(o.emplace());
  }
  void operator()(nullable_update& u) {
    const std::uint8_t tag = read_tag(2);
    u.reset();
    if (tag >= 1) u.emplace();
    if (tag == 2) (*this)(u->emplace());
  }

 private:
  // Consumes n bytes if that many remain; otherwise records truncation.
  bool take(std::size_t n) {
    if (!ok()) return false;
    if (n > remaining()) {
      fail("truncated record payload");
      return false;
    }
    pos_ += n;
    return true;
  }
  std::uint8_t read_tag(std::uint8_t max) {
    std::uint8_t tag = 0;
    (*this)(tag);
    if (tag > max) {
      fail("invalid presence byte");
      return 0;
    }
    return tag;
  }
  void fail(const char* why) {
    if (ok()) error_ = why;
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  const char* error_ = nullptr;
};

}  // namespace mixtape::model::detail
