#include "model/collection.hpp"

#include <array>
#include <charconv>

namespace mixtape::model {
namespace {

// escape_table[b]: 0 when byte b is copied as is, else the character after the backslash
// ('u' for the \u00XX form). Matches boost::json::serialize, so every JSON the server
// writes escapes alike.
constexpr std::array<char, 256> make_escape_table() {
  std::array<char, 256> t{};
  for (int b = 0; b < 0x20; ++b) t[static_cast<std::size_t>(b)] = 'u';
  t['\b'] = 'b';
  t['\f'] = 'f';
  t['\n'] = 'n';
  t['\r'] = 'r';
  t['\t'] = 't';
  t['"'] = '"';
  t['\\'] = '\\';
  return t;
}
constexpr std::array<char, 256> escape_table = make_escape_table();

std::size_t size_of(const std::optional<std::string>& s) noexcept { return s ? s->size() : 0; }

void append_nullable(std::string& out, const std::optional<std::string>& s) {
  if (s)
    append_json_string(out, *s);
  else
    out += "null";
}

void append_timestamp(std::string& out, core::unix_seconds t) {
  out += '"';
  core::append_utc(out, t);
  out += '"';
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  std::size_t run = 0;  // start of the pending run of bytes copied verbatim
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    const char e = escape_table[b];
    if (e == 0) continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    const char esc[6] = {'\\', e, '0', '0', hex[b >> 4], hex[b & 0xF]};
    out.append(esc, e == 'u' ? 6 : 2);
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

cached_json render(const collection& c) {
  cached_json j;
  std::string& out = j.text;
  out.reserve(160 + c.id.size() + c.name.size() + size_of(c.description) +
              size_of(c.cover_track_id) + size_of(c.cover_image_url));
  out += "{\"id\":";
  append_json_string(out, c.id);
  out += ",\"name\":";
  append_json_string(out, c.name);
  out += ",\"description\":";
  append_nullable(out, c.description);
  out += ",\"cover_track_id\":";
  append_nullable(out, c.cover_track_id);
  out += ",\"cover_image_url\":";
  append_nullable(out, c.cover_image_url);
  out += ",\"track_count\":";
  j.count_at = static_cast<std::uint32_t>(out.size());
  out += ",\"created_at\":";
  append_timestamp(out, c.created_at);
  out += ",\"updated_at\":";
  append_timestamp(out, c.updated_at);
  out += '}';
  return j;
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
