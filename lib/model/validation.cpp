#include "model/validation.hpp"

#include "model/utf8.hpp"

namespace mixtape::model {
namespace {

using core::detail::is_alnum;

// Controls (C0, DEL, C1) and the Unicode White_Space code points.
bool is_space_or_control(char32_t cp) noexcept {
  if (cp <= 0x20 || (cp >= 0x7F && cp <= 0xA0)) return true;
  if (cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A)) return true;
  return cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000 ||
         cp == 0xFEFF;
}

// RFC 3986 reg-name / IP-literal characters; anything non-ASCII is let through (IDN).
bool is_host_char(char c) noexcept {
  if (static_cast<unsigned char>(c) >= 0x80 || is_alnum(c)) return true;
  switch (c) {
    case '-': case '.': case '_': case '~': case '%': case '!': case '$': case '&':
    case '\'': case '(': case ')': case '*': case '+': case ',': case ';': case '=':
      return true;
    default:
      return false;
  }
}

bool all_digits(std::string_view s) noexcept {
  for (const char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// `authority` is everything between "//" and the first of "/?#". Userinfo is skipped;
// the host must be non-empty and the port, when present, digits only.
bool is_valid_authority(std::string_view authority) noexcept {
  if (const auto at = authority.rfind('@'); at != std::string_view::npos)
    authority.remove_prefix(at + 1);
  std::string_view host = authority, port;
  if (host.starts_with('[')) {
    const auto close = host.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    port = host.substr(close + 1);
    if (!port.empty() && port.front() != ':') return false;
    host = host.substr(1, close - 1);
    for (const char c : host)
      if (!is_host_char(c) && c != ':') return false;
    return all_digits(port.empty() ? port : port.substr(1));
  }
  if (const auto colon = host.find(':'); colon != std::string_view::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  if (host.empty() || !all_digits(port)) return false;
  for (const char c : host)
    if (!is_host_char(c)) return false;
  return true;
}

bool starts_with_ci(std::string_view s, std::string_view lower_prefix) noexcept {
  if (s.size() < lower_prefix.size()) return false;
  for (std::size_t i = 0; i < lower_prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower_prefix[i]) return false;
  }
  return true;
}

}  // namespace

std::optional<std::size_t> utf8_length(std::string_view s) noexcept {
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size(); ++count)
    if (!detail::decode_utf8(s, i)) return std::nullopt;
  return count;
}

bool is_cover_image_url(std::string_view s) noexcept {
  std::size_t scheme_len = 0;
  if (starts_with_ci(s, "https://"))
    scheme_len = 8;
  else if (starts_with_ci(s, "http://"))
    scheme_len = 7;
  else
    return false;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size(); ++chars) {
    const auto cp = detail::decode_utf8(s, i);
    if (!cp || is_space_or_control(*cp) || chars == max_image_url_chars) return false;
  }
  const std::string_view rest = s.substr(scheme_len);
  return is_valid_authority(rest.substr(0, rest.find_first_of("/?#")));
}

}  // namespace mixtape::model
