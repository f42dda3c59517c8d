#pragma once
// The process's allocator settings. Call first thing in main().

namespace mixtape::app {

// With mimalloc (the default build): ask for 2 MiB pages where the kernel grants them on
// request (transparent huge pages "madvise" or "always"), committed at once. On a VM a
// 4 KiB page fault costs microseconds, and a store of 1M collections touches ~450 MB:
// replaying its journal took 4.8 s with glibc malloc and 1.5 s this way (bench/RESULTS.md).
// A no-op in builds without mimalloc (sanitizer builds).
void tune_allocator() noexcept;

}  // namespace mixtape::app
