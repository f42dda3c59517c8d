#include "core/clock.hpp"

#include <algorithm>

#include <chrono>

namespace mixtape::core {
namespace chr = std::chrono;

unix_seconds now_seconds() noexcept {
  return chr::duration_cast<chr::seconds>(chr::system_clock::now().time_since_epoch()).count();
}

namespace {
void append_digits(std::string& out, long value, int width) {
  char buf[8];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(buf, static_cast<std::size_t>(width));
}

std::optional<int> read_digits(std::string_view s, std::size_t pos, std::size_t n) {
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// The calendar fields of `t`. Outside years 1970-9999 the text forms have no room (and the
// calendar arithmetic would overflow for extreme values read from a file): the nearest
// bound is shown.
struct civil_time {
  chr::year_month_day ymd;
  chr::weekday weekday;
  chr::hh_mm_ss<chr::seconds> hms;
};

civil_time civil(unix_seconds t) {
  constexpr unix_seconds latest = 253'402'300'799;  // 9999-12-31T23:59:59Z
  t = std::clamp<unix_seconds>(t, 0, latest);
  const chr::sys_seconds tp{chr::seconds{t}};
  const auto day = chr::floor<chr::days>(tp);
  return {chr::year_month_day{day}, chr::weekday{day}, chr::hh_mm_ss<chr::seconds>{tp - day}};
}

void append_clock(std::string& out, const chr::hh_mm_ss<chr::seconds>& hms) {
  append_digits(out, hms.hours().count(), 2);
  out += ':';
  append_digits(out, hms.minutes().count(), 2);
  out += ':';
  append_digits(out, static_cast<long>(hms.seconds().count()), 2);
}
}  // namespace

void append_utc(std::string& out, unix_seconds t) {
  const auto [ymd, weekday, hms] = civil(t);
  append_digits(out, static_cast<int>(ymd.year()), 4);
  out += '-';
  append_digits(out, static_cast<unsigned>(ymd.month()), 2);
  out += '-';
  append_digits(out, static_cast<unsigned>(ymd.day()), 2);
  out += 'T';
  append_clock(out, hms);
  out += 'Z';
}

void append_http_date(std::string& out, unix_seconds t) {
  static constexpr std::string_view days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto [ymd, weekday, hms] = civil(t);
  out += days[weekday.c_encoding()];
  out += ", ";
  append_digits(out, static_cast<unsigned>(ymd.day()), 2);
  out += ' ';
  out += months[static_cast<unsigned>(ymd.month()) - 1];
  out += ' ';
  append_digits(out, static_cast<int>(ymd.year()), 4);
  out += ' ';
  append_clock(out, hms);
  out += " GMT";
}

std::string format_utc(unix_seconds t) {
  std::string s;
  s.reserve(20);
  append_utc(s, t);
  return s;
}

std::optional<unix_seconds> parse_utc(std::string_view s) {
  if (s.size() != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':' || s[19] != 'Z')
    return std::nullopt;
  auto y = read_digits(s, 0, 4), mo = read_digits(s, 5, 2), d = read_digits(s, 8, 2);
  auto h = read_digits(s, 11, 2), mi = read_digits(s, 14, 2), se = read_digits(s, 17, 2);
  if (!y || !mo || !d || !h || !mi || !se || *h > 23 || *mi > 59 || *se > 59) return std::nullopt;
  const chr::year_month_day ymd{chr::year{*y}, chr::month{static_cast<unsigned>(*mo)},
                                chr::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  const chr::sys_seconds tp = chr::sys_days{ymd} + chr::hours{*h} + chr::minutes{*mi} + chr::seconds{*se};
  return tp.time_since_epoch().count();
}

std::optional<unix_seconds> parse_rfc3339(std::string_view s) {
  // date-time = full-date "T" partial-time time-offset (RFC 3339 §5.6)
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' ||
      s[16] != ':')
    return std::nullopt;
  auto y = read_digits(s, 0, 4), mo = read_digits(s, 5, 2), d = read_digits(s, 8, 2);
  auto h = read_digits(s, 11, 2), mi = read_digits(s, 14, 2), se = read_digits(s, 17, 2);
  if (!y || !mo || !d || !h || !mi || !se || *h > 23 || *mi > 59 || *se > 60) return std::nullopt;
  std::size_t pos = 19;
  if (s[pos] == '.') {  // time-secfrac = "." 1*DIGIT: below a second, dropped
    const std::size_t digits_from = ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == digits_from) return std::nullopt;
  }
  if (pos >= s.size()) return std::nullopt;
  int offset_minutes = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    if (s.size() - pos != 6 || s[pos + 3] != ':') return std::nullopt;
    auto oh = read_digits(s, pos + 1, 2), om = read_digits(s, pos + 4, 2);
    if (!oh || !om || *oh > 23 || *om > 59) return std::nullopt;
    offset_minutes = (s[pos] == '-' ? -1 : 1) * (*oh * 60 + *om);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  const chr::year_month_day ymd{chr::year{*y}, chr::month{static_cast<unsigned>(*mo)},
                                chr::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  const chr::sys_seconds local = chr::sys_days{ymd} + chr::hours{*h} + chr::minutes{*mi} +
                                 chr::seconds{std::min(*se, 59)};
  return (local - chr::minutes{offset_minutes}).time_since_epoch().count();
}

}  // namespace mixtape::core
