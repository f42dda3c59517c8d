#pragma once
// Names the calling thread for `top -H`, `ps -L`, perf and gdb (Linux keeps 15 bytes of it).

namespace mixtape::core {

// A hint: a failure changes nothing. `name` is cut to 15 bytes.
void name_this_thread(const char* name) noexcept;

}  // namespace mixtape::core
