#include "core/json_text.hpp"

#include <array>
#include <charconv>

namespace mixtape::core {
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

bool needs_json_escape(std::string_view s) noexcept {
  for (const char c : s)
    if (escape_table[static_cast<unsigned char>(c)] != 0) return true;
  return false;
}

void append_json_number(std::string& out, std::uint64_t n) {
  char digits[20];
  const auto r = std::to_chars(digits, digits + sizeof digits, n);
  out.append(digits, r.ptr);
}

void append_json_nullable(std::string& out, const std::optional<std::string>& s) {
  if (s) append_json_string(out, *s);
  else out += "null";
}

void append_json_time(std::string& out, unix_seconds t) {
  out += '"';
  append_utc(out, t);
  out += '"';
}

void append_json_time(std::string& out, const std::optional<unix_seconds>& t) {
  if (t) append_json_time(out, *t);
  else out += "null";
}

}  // namespace mixtape::core
