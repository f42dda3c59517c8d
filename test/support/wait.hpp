#pragma once
// Waiting for a state in a test: proceed as soon as it holds, fail (return false) once a
// bound passes, never hang.
//
// Prefer a notification where the code under test offers one: a condition variable or a
// future, fake_disk::wait (test/support/fake_journal_file.hpp), compactor's
// wait_for_finished, server_process::wait_for_stderr (a log line). wait_until is for the
// states nothing announces (a /metrics value, a file in a directory, /proc): it checks
// `done` every `every` until it holds.
#include <chrono>
#include <thread>

namespace mixtape::test {

// True as soon as `done()` holds; false when `limit` passed first (checked once more at
// the end, so a state reached just in time still counts).
template <class Pred>
[[nodiscard]] bool wait_until(Pred&& done, std::chrono::milliseconds limit,
                              std::chrono::milliseconds every = std::chrono::milliseconds(1)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return done();
    std::this_thread::sleep_for(every);  // the interval between two checks, not a wait for the event
  }
  return true;
}

}  // namespace mixtape::test
