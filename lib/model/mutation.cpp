// Binary form of a mutation: the fields of its alternative, in declaration order, each as
//   string          u32 length (LE) + bytes
//   optional<T>     u8 presence (0/1) [+ T]
//   nullable_update u8 0 absent / 1 null / 2 value + string
//   vector<string>  u32 count + strings
//   int64 / uint32  fixed-width little-endian
//   token hash      32 raw bytes;  visibility: u8 (0 link_only, 1 public)
// One field list per alternative (`fields`) drives both the encoder and the decoder, so
// the two cannot drift apart.
#include "model/mutation.hpp"

#include <concepts>
#include <limits>
#include <stdexcept>
#include <type_traits>

namespace mixtape::model {
namespace {

template <class M, class T>
concept is = std::same_as<std::remove_const_t<M>, T>;

template <class M, class F> requires is<M, create_collection>
void fields(M& m, F& f) {
  f(m.id);
  f(m.org);
  f(m.owner);
  f(m.name);
  f(m.description);
  f(m.cover_track_id);
  f(m.cover_image_url);
  f(m.at);
}
template <class M, class F> requires is<M, update_collection>
void fields(M& m, F& f) {
  f(m.id);
  f(m.name);
  f(m.description);
  f(m.cover_track_id);
  f(m.cover_image_url);
  f(m.at);
}
template <class M, class F> requires is<M, delete_collection>
void fields(M& m, F& f) {
  f(m.id);
  f(m.at);
}
template <class M, class F> requires is<M, add_track>
void fields(M& m, F& f) {
  f(m.collection_id);
  f(m.track_id);
  f(m.at);
  f(m.limit);
}
template <class M, class F> requires is<M, remove_track>
void fields(M& m, F& f) {
  f(m.collection_id);
  f(m.track_id);
  f(m.at);
}
template <class M, class F> requires is<M, reorder_tracks>
void fields(M& m, F& f) {
  f(m.collection_id);
  f(m.ordered_track_ids);
  f(m.at);
}
template <class M, class F> requires is<M, create_share>
void fields(M& m, F& f) {
  f(m.share_id);
  f(m.collection_id);
  f(m.token_sha256);
  f(m.visibility);
  f(m.expires_at);
  f(m.at);
}

class writer {
 public:
  explicit writer(std::string& out) : out_(out) {}

  template <std::unsigned_integral U>
  void operator()(U v) {
    for (std::size_t i = 0; i < sizeof(U); ++i) out_ += static_cast<char>((v >> (8 * i)) & 0xFF);
  }
  void operator()(std::int64_t v) { (*this)(static_cast<std::uint64_t>(v)); }
  void operator()(share_visibility v) { (*this)(static_cast<std::uint8_t>(v)); }
  void operator()(const std::array<unsigned char, 32>& a) {
    out_.append(reinterpret_cast<const char*>(a.data()), a.size());
  }
  void operator()(const std::string& s) {
    (*this)(checked_u32(s.size()));
    out_ += s;
  }
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

core::problem corrupt(std::string message) {
  return core::problem{core::errc::corrupt_data, "", std::move(message)};
}

template <class M>
core::result<mutation> decode_as(std::string_view payload) {
  M m;
  reader r(payload);
  fields(m, r);
  if (!r.ok()) return corrupt(r.error());
  if (!r.at_end()) return corrupt("trailing bytes after record payload");
  return mutation{std::move(m)};
}

}  // namespace

std::uint8_t record_type(const mutation& m) noexcept {
  return static_cast<std::uint8_t>(m.index() + 1);
}

std::string encode(const mutation& m) {
  std::string out;
  writer w(out);
  std::visit([&](const auto& alt) { fields(alt, w); }, m);
  return out;
}

static_assert(std::variant_size_v<mutation> == 7, "decode() must list every alternative");

core::result<mutation> decode(std::uint8_t type, std::string_view payload) {
  switch (type) {
    case 1: return decode_as<create_collection>(payload);
    case 2: return decode_as<update_collection>(payload);
    case 3: return decode_as<delete_collection>(payload);
    case 4: return decode_as<add_track>(payload);
    case 5: return decode_as<remove_track>(payload);
    case 6: return decode_as<reorder_tracks>(payload);
    case 7: return decode_as<create_share>(payload);
    default: return corrupt("unknown record type " + std::to_string(type));
  }
}

}  // namespace mixtape::model
