#include "model/collection.hpp"

#include <array>
#include <cassert>
#include <charconv>

#include "core/ids.hpp"
#include "model/validation.hpp"

namespace mixtape::model {
namespace {


}  // namespace

cached_json render(const collection& c) {
  return render(c.id, c.name, c.description, c.cover_track_id, c.cover_image_url, c.created_at, c.updated_at);
}

cached_json render(std::string_view id, std::string_view name, const std::optional<std::string>& description,
                   const std::optional<std::string>& cover_track_id,
                   const std::optional<std::string>& cover_image_url, core::unix_seconds created_at,
                   core::unix_seconds updated_at) {
  thread_local std::string out;  // rendered here, then copied at its exact size
  out.clear();
  out += "{\"id\":";
  append_json_string(out, id);
  out += ",\"name\":";
  append_json_string(out, name);
  out += ",\"description\":";
  core::append_json_nullable(out, description);
  out += ",\"cover_track_id\":";
  core::append_json_nullable(out, cover_track_id);
  out += ",\"cover_image_url\":";
  core::append_json_nullable(out, cover_image_url);
  out += ",\"track_count\":";
  const auto count_at = static_cast<std::uint32_t>(out.size());
  out += ",\"created_at\":";
  core::append_json_time(out, created_at);
  out += ",\"updated_at\":";
  core::append_json_time(out, updated_at);
  out += '}';
  return {std::string{out.data(), out.size()}, count_at};
}

void set_updated_at(cached_json& j, core::unix_seconds t) {
  thread_local std::string stamp;
  stamp.clear();
  core::append_utc(stamp, t);
  constexpr std::size_t tail = 2;  // the closing quote and brace after the timestamp
  assert(stamp.size() == 20 && j.text.size() > stamp.size() + tail && j.text.back() == '}');
  j.text.replace(j.text.size() - tail - stamp.size(), stamp.size(), stamp);
}

namespace {

// Reads back what render() wrote, in render()'s order. Strings take any JSON escape
// (render() only makes \" \\ and the control-character ones, but this is the inverse
// of RFC 8259 strings, not of one escaper).
class rendered_reader {
 public:
  explicit rendered_reader(std::string_view text) : text_(text) {}

  bool literal(std::string_view lit) {
    if (text_.substr(pos_, lit.size()) != lit) return false;
    pos_ += lit.size();
    return true;
  }
  bool string(std::string& out) {
    out.clear();
    if (!literal("\"")) return false;
    for (;;) {
      const std::size_t stop = text_.find_first_of("\"\\", pos_);
      if (stop == std::string_view::npos) return false;
      out.append(text_.substr(pos_, stop - pos_));
      pos_ = stop + 1;
      if (text_[stop] == '"') return true;
      if (!escape(out)) return false;
    }
  }
  bool nullable(std::optional<std::string>& out) {
    if (literal("null")) {
      out.reset();
      return true;
    }
    return string(out.emplace());
  }
  std::size_t position() const noexcept { return pos_; }

 private:
  bool escape(std::string& out) {
    if (pos_ >= text_.size()) return false;
    const char e = text_[pos_++];
    switch (e) {
      case '"': case '\\': case '/': out += e; return true;
      case 'b': out += '\b'; return true;
      case 'f': out += '\f'; return true;
      case 'n': out += '\n'; return true;
      case 'r': out += '\r'; return true;
      case 't': out += '\t'; return true;
      case 'u': break;
      default: return false;
    }
    std::uint32_t cp = 0;
    if (!hex4(cp)) return false;
    if (cp >= 0xd800 && cp < 0xdc00) {  // a high surrogate: its low half must follow
      std::uint32_t low = 0;
      if (!literal("\\u") || !hex4(low) || low < 0xdc00 || low > 0xdfff) return false;
      cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
    } else if (cp >= 0xdc00 && cp <= 0xdfff) {
      return false;
    }
    append_utf8(out, cp);
    return true;
  }
  bool hex4(std::uint32_t& v) {
    if (text_.size() - pos_ < 4) return false;
    const char* first = text_.data() + pos_;
    const auto r = std::from_chars(first, first + 4, v, 16);
    if (r.ec != std::errc{} || r.ptr != first + 4) return false;
    pos_ += 4;
    return true;
  }
  static void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xc0 | cp >> 6);
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xe0 | cp >> 12);
      out += static_cast<char>(0x80 | (cp >> 6 & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | cp >> 18);
      out += static_cast<char>(0x80 | (cp >> 12 & 0x3f));
      out += static_cast<char>(0x80 | (cp >> 6 & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

bool read_text_fields(const cached_json& j, collection& c) {
  rendered_reader r{j.text};
  thread_local std::string id;  // read past, into a reused buffer
  return r.literal("{\"id\":") && r.string(id) && r.literal(",\"name\":") && r.string(c.name) &&
         r.literal(",\"description\":") && r.nullable(c.description) && r.literal(",\"cover_track_id\":") &&
         r.nullable(c.cover_track_id) && r.literal(",\"cover_image_url\":") && r.nullable(c.cover_image_url) &&
         r.literal(",\"track_count\":") && r.position() == j.count_at;
}

namespace {
constexpr std::string_view id_prefix = core::collection_prefix;
}  // namespace

std::optional<std::uint64_t> collection_number(std::string_view id) noexcept {
  if (!is_collection_id(id)) return std::nullopt;
  std::uint64_t n = 0;
  std::from_chars(id.data() + id_prefix.size(), id.data() + id.size(), n, 16);  // 12 lowercase hex digits
  return n;
}

std::string collection_id(std::uint64_t number) {
  std::array<unsigned char, 6> bytes;  // the 48 bits, big-endian
  for (std::size_t i = bytes.size(); i > 0; --i, number >>= 8) bytes[i - 1] = static_cast<unsigned char>(number);
  return std::string{id_prefix} + core::to_hex(bytes);
}

void append_json(std::string& out, const cached_json& j, std::optional<std::size_t> count) {
  const std::string_view text = j.text;
  out.append(text.substr(0, j.count_at));
  if (count) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, *count);
    out.append(buf, r.ptr);
  } else {
    out += "null";
  }
  out.append(text.substr(j.count_at));
}

}  // namespace mixtape::model
