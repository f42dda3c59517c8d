#pragma once
// One-line structured logging to stderr (journald keeps it under systemd).
// Thread-safe: each line is written with a single write(2), or buffered (log_buffer.hpp).
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace mixtape::core::log {

enum class level { debug, info, warn, error };
enum class format { text, json };

// Process-wide settings; set once at start-up before threads run.
void set_format(format f) noexcept;
void set_min_level(level l) noexcept;

using field = std::pair<std::string_view, std::string_view>;

// text:  2026-06-28T10:30:00Z info  server listening addr=127.0.0.1:8080
// json:  {"ts":"...","level":"info","msg":"server listening","addr":"127.0.0.1:8080"}
void write(level l, std::string_view message, std::initializer_list<field> fields = {});

inline void info(std::string_view m, std::initializer_list<field> f = {}) { write(level::info, m, f); }
inline void warn(std::string_view m, std::initializer_list<field> f = {}) { write(level::warn, m, f); }
inline void error(std::string_view m, std::initializer_list<field> f = {}) { write(level::error, m, f); }

}  // namespace mixtape::core::log
