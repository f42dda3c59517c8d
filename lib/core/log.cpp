#include "core/log.hpp"

#include <atomic>

#include "core/clock.hpp"
#include "core/json_text.hpp"
#include "core/log_buffer.hpp"

namespace mixtape::core::log {
namespace {
std::atomic<format> g_format{format::text};
std::atomic<level> g_min{level::info};

const char* name(level l) {
  switch (l) {
    case level::debug: return "debug";
    case level::info: return "info";
    case level::warn: return "warn";
    case level::error: return "error";
  }
  return "info";
}

bool needs_quotes(std::string_view v) {
  if (v.empty()) return true;
  for (const char c : v)
    if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20) return true;
  return false;
}
}  // namespace

void set_format(format f) noexcept { g_format = f; }
void set_min_level(level l) noexcept { g_min = l; }

void write(level l, std::string_view message, std::initializer_list<field> fields) {
  if (l < g_min.load(std::memory_order_relaxed)) return;
  thread_local std::string line;  // reused: no allocation per line
  line.clear();
  thread_local unix_seconds ts_second = -1;  // the timestamp text, made once a second
  thread_local std::string ts;
  if (const unix_seconds now = now_seconds(); now != ts_second) {
    ts = format_utc(now);
    ts_second = now;
  }
  if (g_format.load(std::memory_order_relaxed) == format::json) {
    line += "{\"ts\":\"";
    line += ts;
    line += "\",\"level\":\"";
    line += name(l);
    line += "\",\"msg\":";
    append_json_string(line, message);
    for (const auto& [k, v] : fields) {
      line += ',';
      append_json_string(line, k);
      line += ':';
      append_json_string(line, v);
    }
    line += '}';
  } else {
    line += ts;
    line += ' ';
    line += name(l);
    line += ' ';
    line.append(message);
    for (const auto& [k, v] : fields) {
      line += ' ';
      line.append(k);
      line += '=';
      if (needs_quotes(v)) append_json_string(line, v);
      else line.append(v);
    }
  }
  line += '\n';
  if (l < level::warn && detail::buffer_line(line)) return;
  detail::write_stderr(line);
}

}  // namespace mixtape::core::log
