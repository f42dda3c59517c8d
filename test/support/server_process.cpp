#include "support/server_process.hpp"
#include "support/files.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <grp.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace mixtape::test {
namespace {

using clock = std::chrono::steady_clock;

// Milliseconds left until `deadline` for poll(2), rounded up (0 once it passed).
int ms_until(clock::time_point deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock::now()).count();
  return left <= 0 ? 0 : left > INT_MAX ? INT_MAX : static_cast<int>(left);
}

// pidfd_open(2) (Linux 5.3): a descriptor that polls readable once `pid` has exited; -1 when
// unavailable. Through syscall(2): glibc 2.36's <sys/pidfd.h> lacks extern "C" for C++.
int pidfd_open(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

int exit_code_of(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

// A file descriptor closed on destruction.
struct owned_fd {
  int fd = -1;
  explicit owned_fd(int f) : fd(f) {}
  ~owned_fd() {
    if (fd >= 0) ::close(fd);
  }
  owned_fd(const owned_fd&) = delete;
  owned_fd& operator=(const owned_fd&) = delete;
};

// Creates (truncates) `out` and `err` and starts `args` with them as stdout and stderr. The
// files exist before the child runs, so that a watch on them misses nothing; everything
// the child needs is prepared before fork() (a multi-threaded parent).
pid_t spawn(const std::vector<std::string>& args, const std::string& out, const std::string& err,
            const process_options& options = {}) {
  const owned_fd o{::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)};
  const owned_fd e{::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)};
  const owned_fd in{::open("/dev/null", O_RDONLY | O_CLOEXEC)};
  if (o.fd < 0 || e.fd < 0 || in.fd < 0) throw std::runtime_error("cannot open the output files of " + args[0]);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (char** v = environ; *v; ++v) envp.push_back(*v);
  for (const auto& v : options.env) envp.push_back(const_cast<char*>(v.c_str()));
  envp.push_back(nullptr);
  const uid_t uid = options.uid;
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::dup2(in.fd, 0);  // dup2 clears O_CLOEXEC on the copies
    ::dup2(o.fd, 1);
    ::dup2(e.fd, 2);
    if (uid != 0 && (::setgroups(0, nullptr) != 0 || ::setgid(uid) != 0 || ::setuid(uid) != 0)) ::_exit(126);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  return pid;
}

// Reaps `pid` if it has exited (WNOHANG); its exit code, or -1 while it runs, -2 when it is
// no child of ours.
int reap_if_exited(pid_t pid) {
  int status = 0;
  pid_t r;
  do r = ::waitpid(pid, &status, WNOHANG);
  while (r < 0 && errno == EINTR);
  if (r == pid) return exit_code_of(status);
  return r < 0 ? -2 : -1;
}

// Whether `pid` has exited, without reaping it.
bool has_exited(pid_t pid) {
  siginfo_t info{};
  if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) return true;  // no such child
  return info.si_pid == pid;
}

enum class text_wait { found, exited, timed_out };

// Waits until `found(contents of path)` holds. Woken by each write to the file (inotify)
// and by the exit of `pid` (a pidfd), so it proceeds the moment the text is there; gives
// up when `pid` exits without it (pid <= 0: not watched) or `deadline` passes. Without
// inotify or pidfds (kernels before 5.3), it falls back to checking every 10 ms.
text_wait wait_for_text(const std::string& path, pid_t pid, clock::time_point deadline,
                        const std::function<bool(const std::string&)>& found) {
  const owned_fd notify{::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)};
  const bool watching = notify.fd >= 0 && ::inotify_add_watch(notify.fd, path.c_str(), IN_MODIFY | IN_CLOSE_WRITE) >= 0;
  const owned_fd exit_fd{pid > 0 ? pidfd_open(pid) : -1};
  const bool event_driven = watching && (pid <= 0 || exit_fd.fd >= 0);
  for (;;) {
    // Read after the watch is in place: a write between the read and poll() still wakes it.
    const bool exited = pid > 0 && has_exited(pid);
    if (found(read_file(path))) return text_wait::found;
    if (exited) return text_wait::exited;  // what it wrote before exiting was read above
    const int left = ms_until(deadline);
    if (left == 0) return text_wait::timed_out;
    pollfd fds[2] = {{notify.fd, POLLIN, 0}, {exit_fd.fd, POLLIN, 0}};
    const int n = event_driven ? ::poll(fds, exit_fd.fd >= 0 ? 2 : 1, left) : ::poll(nullptr, 0, std::min(left, 10));
    if (n < 0 && errno != EINTR) return text_wait::timed_out;
    if (event_driven && (fds[0].revents & POLLIN)) {
      char events[4096];
      while (::read(notify.fd, events, sizeof events) > 0) {
      }
    }
  }
}

}  // namespace

int wait_for_exit(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = clock::now() + timeout;
  const owned_fd exit_fd{pidfd_open(pid)};  // readable once the process has exited
  for (;;) {
    const int code = reap_if_exited(pid);
    if (code != -1) return code;
    const int left = ms_until(deadline);
    if (left == 0) return -1;
    if (exit_fd.fd >= 0) {
      pollfd p{exit_fd.fd, POLLIN, 0};
      ::poll(&p, 1, left);
    } else {
      ::poll(nullptr, 0, std::min(left, 5));  // no pidfd (kernels before 5.3): check every 5 ms
    }
  }
}

std::string mixtaped_path() { return MIXTAPED_PATH; }

server_process::server_process(const std::string& data_dir, std::vector<std::string> extra_args,
                               const process_options& options)
    : out_path_(logs_.path() + "/stdout"), err_path_(logs_.path() + "/stderr") {
  std::vector<std::string> args{mixtaped_path(), "--listen", options.listen, "--data-dir", data_dir};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  pid_ = spawn(args, out_path_, err_path_, options);
  const std::regex listening{R"(listening.{0,8}addr\W{1,3}127\.0\.0\.1:(\d+))"};  // text or JSON logs
  std::smatch m;
  std::string err;
  const auto outcome = wait_for_text(err_path_, pid_, clock::now() + std::chrono::seconds(15), [&](const std::string& text) {
    err = text;
    return std::regex_search(err, m, listening);
  });
  if (outcome == text_wait::found) {
    port_ = static_cast<std::uint16_t>(std::stoi(m[1]));
  } else if (outcome == text_wait::exited) {
    reap_if_exited(pid_);
    pid_ = -1;
  }
}

server_process::~server_process() {
  if (pid_ > 0) kill_hard();
}

int server_process::stop(int signo, std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -2;
  ::kill(pid_, signo);
  return wait_exit(timeout);
}

int server_process::wait_exit(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -2;
  const int code = wait_for_exit(pid_, timeout);
  if (code != -1) pid_ = -1;
  return code;
}

void server_process::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

bool server_process::wait_for_stderr(const std::string& text, std::chrono::milliseconds timeout,
                                     std::size_t count) const {
  const auto outcome = wait_for_text(err_path_, pid_, clock::now() + timeout, [&](const std::string& err) {
    std::size_t seen = 0;
    for (auto at = err.find(text); at != std::string::npos && seen < count; at = err.find(text, at + text.size())) ++seen;
    return seen >= count;
  });
  return outcome == text_wait::found;
}

std::string server_process::stdout_text() const { return read_file(out_path_); }
std::string server_process::stderr_text() const { return read_file(err_path_); }

run_result run_mixtaped(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  temp_dir logs;
  std::vector<std::string> full{mixtaped_path()};
  full.insert(full.end(), args.begin(), args.end());
  const pid_t pid = spawn(full, logs.path() + "/out", logs.path() + "/err");
  int code = wait_for_exit(pid, timeout);
  if (code == -1) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
  return {code, read_file(logs.path() + "/out"), read_file(logs.path() + "/err")};
}

pid_t spawn_mixtaped(const std::vector<std::string>& args, const std::string& out, const std::string& err) {
  std::vector<std::string> full{mixtaped_path()};
  full.insert(full.end(), args.begin(), args.end());
  return spawn(full, out, err);
}

pid_t spawn_process(const std::vector<std::string>& args, const std::string& out, const std::string& err,
                    const process_options& options) {
  return spawn(args, out, err, options);
}

}  // namespace mixtape::test
