#include "core/log.hpp"

#include <unistd.h>

#include <atomic>

#include "core/clock.hpp"
#include "core/json_text.hpp"

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
  std::string line;
  line.reserve(128);
  const auto ts = format_utc(now_seconds());
  if (g_format.load(std::memory_order_relaxed) == format::json) {
    line += "{\"ts\":\"" + ts + "\",\"level\":\"" + name(l) + "\",\"msg\":";
    append_json_string(line, message);
    for (const auto& [k, v] : fields) {
      line += ',';
      append_json_string(line, k);
      line += ':';
      append_json_string(line, v);
    }
    line += '}';
  } else {
    line += ts + ' ' + name(l) + ' ';
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
  std::size_t off = 0;
  while (off < line.size()) {
    const ssize_t n = ::write(STDERR_FILENO, line.data() + off, line.size() - off);
    if (n <= 0) break;
    off += static_cast<std::size_t>(n);
  }
}

}  // namespace mixtape::core::log
