#pragma once
// Buffered log lines (the access log's path): while buffering is on, each thread's debug
// and info lines go to its own bounded buffer (1 MiB), which a flusher thread writes to
// stderr every 100 ms, sooner when a buffer is a quarter full, and at stop. A thread that logs
// never waits for the destination: when its buffer is full the line is dropped and counted.
// Warnings and errors are still written at once, so across threads they may come out ahead
// of info lines logged just before them (lines carry their time; one thread's lines keep
// their order).
#include <cstdint>
#include <string_view>

namespace mixtape::core::log {

// Starts the flusher. Call once at start-up; a second call does nothing.
void start_buffering();
// Writes every buffer out and stops the flusher; later lines are written at once.
void stop_buffering();
// Lines dropped because their thread's buffer was full, since start.
std::uint64_t dropped_lines() noexcept;

namespace detail {
// Takes `line` (newline included) when buffering is on, buffered or dropped; false when it
// is off (the caller writes it itself).
bool buffer_line(std::string_view line);
// Writes all of `bytes` to stderr, retrying short writes; gives up on an error.
void write_stderr(std::string_view bytes) noexcept;
}  // namespace detail

}  // namespace mixtape::core::log
