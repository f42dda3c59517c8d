#pragma once
// Runs the real mixtaped binary for integration and crash tests: listening on
// 127.0.0.1 port 0, output captured to files, stopped with SIGTERM or SIGKILL.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"

namespace mixtape::test {

// How a child is started beyond its arguments.
struct process_options {
  std::string listen = "127.0.0.1:0";  // mixtaped's --listen
  uid_t uid = 0;                       // not 0: the child runs as this uid (and gid), e.g. for
                                       // iptables' owner match; the test must be root
  std::vector<std::string> env;        // NAME=VALUE, added to the environment
};

class server_process {
 public:
  // Starts `mixtaped --listen 127.0.0.1:0 --data-dir DATA_DIR <extra...>` and waits until
  // it logs its address (or exits, or 15 s pass: then started() is false). The wait is
  // woken by each write to its stderr (inotify) and by its exit (a pidfd): no polling.
  server_process(const std::string& data_dir, std::vector<std::string> extra_args = {},
                 const process_options& options = {});
  ~server_process();  // SIGKILL if still running
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  bool started() const { return port_ != 0; }
  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }

  // Sends `signo` and waits for exit; returns the exit code (128+signal if killed),
  // or -1 when it did not exit within `timeout`.
  int stop(int signo, std::chrono::milliseconds timeout = std::chrono::seconds(20));
  void kill_hard();  // SIGKILL and reap
  // Waits for the process to exit by itself; returns as stop() does.
  int wait_exit(std::chrono::milliseconds timeout);

  // Waits until stderr holds `text` (at least `count` times), woken by each write to it:
  // the moment the server logs an event, not after a guessed delay. False when `timeout`
  // passes or the process exits first.
  bool wait_for_stderr(const std::string& text, std::chrono::milliseconds timeout = std::chrono::seconds(10),
                       std::size_t count = 1) const;

  std::string stdout_text() const;
  std::string stderr_text() const;

 private:
  temp_dir logs_;  // first: the paths below live in it
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::string out_path_, err_path_;
};

// The path of the built mixtaped binary.
std::string mixtaped_path();

// Waits for the child `pid` to exit, woken by the exit itself (a pidfd), and reaps it.
// Returns its exit code (128+signal if killed), -1 when `timeout` passed first (it is left
// running), -2 when it is no child of this process.
int wait_for_exit(pid_t pid, std::chrono::milliseconds timeout);

// Runs mixtaped with `args` to completion (no server); returns exit code, captures output.
struct run_result {
  int exit_code;
  std::string out;
  std::string err;
};
run_result run_mixtaped(const std::vector<std::string>& args, std::chrono::milliseconds timeout = std::chrono::seconds(30));
// Starts mixtaped with `args` (output to the files `out` and `err`) and returns its pid at
// once: for a test that kills it midway (wait_for_exit reaps it).
pid_t spawn_mixtaped(const std::vector<std::string>& args, const std::string& out, const std::string& err);
// Starts any program (args[0]: its path) so; its pid.
pid_t spawn_process(const std::vector<std::string>& args, const std::string& out, const std::string& err,
                    const process_options& options = {});

}  // namespace mixtape::test
