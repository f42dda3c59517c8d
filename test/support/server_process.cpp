#include "support/server_process.hpp"
#include "support/files.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace mixtape::test {
namespace {


pid_t spawn(const std::vector<std::string>& args, const std::string& out, const std::string& err) {
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int in = ::open("/dev/null", O_RDONLY);
    ::dup2(in, 0);
    ::dup2(o, 1);
    ::dup2(e, 2);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

// Polls waitpid until exit or timeout; -1 on timeout.
int wait_for(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (r < 0) return -2;
    if (std::chrono::steady_clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

std::string mixtaped_path() { return MIXTAPED_PATH; }

server_process::server_process(const std::string& data_dir, std::vector<std::string> extra_args)
    : out_path_(logs_.path() + "/stdout"), err_path_(logs_.path() + "/stderr") {
  std::vector<std::string> args{mixtaped_path(), "--listen", "127.0.0.1:0", "--data-dir", data_dir};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  pid_ = spawn(args, out_path_, err_path_);
  const std::regex listening{R"(listening.{0,8}addr\W{1,3}127\.0\.0\.1:(\d+))"};  // text or JSON logs
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch m;
    const std::string err = read_file(err_path_);
    if (std::regex_search(err, m, listening)) {
      port_ = static_cast<std::uint16_t>(std::stoi(m[1]));
      return;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
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
  const int code = wait_for(pid_, timeout);
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

std::string server_process::stdout_text() const { return read_file(out_path_); }
std::string server_process::stderr_text() const { return read_file(err_path_); }

run_result run_mixtaped(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  temp_dir logs;
  std::vector<std::string> full{mixtaped_path()};
  full.insert(full.end(), args.begin(), args.end());
  const pid_t pid = spawn(full, logs.path() + "/out", logs.path() + "/err");
  int code = wait_for(pid, timeout);
  if (code == -1) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
  return {code, read_file(logs.path() + "/out"), read_file(logs.path() + "/err")};
}

}  // namespace mixtape::test
