#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <fstream>
#include <sstream>
#include <string>

#include "core/fs.hpp"
#include "support/temp_dir.hpp"

namespace fs = mixtape::core::fs;
using mixtape::test::temp_dir;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void put(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

unsigned mode_of(const std::string& path) {
  struct stat st {};
  BOOST_TEST_REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

std::size_t entries_in(const std::string& dir) {
  return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(dir), {}));
}

bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

// `path` opened for writing, created or emptied.
fs::unique_fd open_truncated(const std::string& path) {
  std::error_code ec;
  fs::unique_fd fd = fs::open(path, O_WRONLY | O_CREAT | O_TRUNC, ec);
  BOOST_TEST_REQUIRE(!ec);
  return fd;
}

constexpr int no_seccomp = 100;

// Runs `f` in a child process in which renameat2(2) fails with ENOSYS (a seccomp filter),
// as on a file system or kernel without RENAME_NOREPLACE. Returns f's result, no_seccomp
// when the filter cannot be installed here, -1 when the child died.
int without_renameat2(const std::function<int()>& f) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_renameat2, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    sock_fprog prog{static_cast<unsigned short>(sizeof filter / sizeof filter[0]), filter};
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
      ::_exit(no_seccomp);
    ::_exit(f());
  }
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(core_fs)

BOOST_AUTO_TEST_CASE(unique_fd_owns_closes_and_moves) {
  temp_dir dir;
  std::error_code ec;
  int raw = -1;
  {
    fs::unique_fd fd = fs::open(dir.path() + "/f", O_WRONLY | O_CREAT, ec);
    BOOST_TEST_REQUIRE(!ec);
    BOOST_TEST_REQUIRE(static_cast<bool>(fd));
    raw = fd.get();
    BOOST_TEST((::fcntl(raw, F_GETFD) & FD_CLOEXEC) != 0);  // O_CLOEXEC is always added
    fs::unique_fd moved = std::move(fd);
    BOOST_TEST(!fd);
    BOOST_TEST(moved.get() == raw);
    BOOST_TEST(is_open(raw));
  }
  BOOST_TEST(!is_open(raw));  // the destructor closed it

  fs::unique_fd fd = fs::open(dir.path() + "/f", O_RDONLY, ec);
  BOOST_TEST_REQUIRE(!ec);
  raw = fd.get();
  BOOST_TEST(!fd.close());
  BOOST_TEST(!fd);
  BOOST_TEST(!is_open(raw));

  const fs::unique_fd missing = fs::open(dir.path() + "/missing", O_RDONLY, ec);
  BOOST_TEST(!missing);
  BOOST_TEST((ec == std::errc::no_such_file_or_directory));
  BOOST_TEST((ec.category() == std::system_category()));
}

BOOST_AUTO_TEST_CASE(write_all_writes_everything_to_a_pipe_and_to_a_file) {
  int p[2];
  BOOST_TEST_REQUIRE(::pipe2(p, O_CLOEXEC) == 0);
  fs::unique_fd read_end{p[0]}, write_end{p[1]};
  std::size_t written = 0;
  BOOST_TEST(!fs::write_all(write_end.get(), "through a pipe", written));
  BOOST_TEST(written == 14u);
  write_end.reset();
  std::string got(64, '\0');
  const ssize_t n = ::read(read_end.get(), got.data(), got.size());
  BOOST_TEST_REQUIRE(n == 14);
  got.resize(static_cast<std::size_t>(n));
  BOOST_TEST(got == "through a pipe");

  temp_dir dir;
  const std::string path = dir.path() + "/out";
  std::error_code ec;
  fs::unique_fd fd = open_truncated(path);
  const std::string big(1 << 20, 'x');
  BOOST_TEST(!fs::write_all(fd.get(), big, written));
  BOOST_TEST(written == big.size());
  BOOST_TEST(!fs::write_all(fd.get(), ""));
  BOOST_TEST(!fs::sync_file(fd.get()));
  BOOST_TEST(!fd.close());
  BOOST_TEST(slurp(path) == big);
  BOOST_TEST(mode_of(path) == 0600u);
}

BOOST_AUTO_TEST_CASE(pwrite_all_writes_at_its_offset_and_leaves_the_file_position) {
  temp_dir dir;
  const std::string path = dir.path() + "/at";
  std::error_code ec;
  fs::unique_fd fd = open_truncated(path);
  std::size_t written = 0;
  BOOST_TEST(!fs::pwrite_all(fd.get(), std::string(8, '.'), 0, written));
  BOOST_TEST(!fs::pwrite_all(fd.get(), "mid", 2, written));
  BOOST_TEST(written == 3u);
  BOOST_TEST(!fs::pwrite_all(fd.get(), "end", 10, written));  // past the end: a hole of zeros
  BOOST_TEST(!fs::write_all(fd.get(), "W"));                   // the position is still 0
  BOOST_TEST(slurp(path) == std::string("W.mid...") + std::string(2, '\0') + "end");
  int p[2];
  BOOST_TEST_REQUIRE(::pipe2(p, O_CLOEXEC) == 0);
  fs::unique_fd read_end{p[0]}, write_end{p[1]};
  BOOST_TEST((fs::pwrite_all(write_end.get(), "x", 0, written) == std::errc::invalid_seek));
  BOOST_TEST(written == 0u);
}

BOOST_AUTO_TEST_CASE(a_write_that_cannot_happen_is_an_error_not_a_hang) {
  temp_dir dir;
  const std::string path = dir.path() + "/ro";
  put(path, "old");
  std::error_code ec;
  fs::unique_fd fd = fs::open(path, O_RDONLY, ec);
  BOOST_TEST_REQUIRE(!ec);
  std::size_t written = 99;
  BOOST_TEST((fs::write_all(fd.get(), "new bytes", written) == std::errc::bad_file_descriptor));
  BOOST_TEST(written == 0u);
  BOOST_TEST(slurp(path) == "old");
}

// RLIMIT_FSIZE (`ulimit -f`): write(2) accepts what fits, then fails with EFBIG (SIGXFSZ
// ignored). The bytes that did reach the file are reported together with the error.
BOOST_AUTO_TEST_CASE(a_short_write_at_the_file_size_limit_is_reported_with_the_bytes_written) {
  temp_dir dir;
  const std::string path = dir.path() + "/limited";
  std::error_code ec;
  fs::unique_fd fd = open_truncated(path);

  rlimit saved {};
  BOOST_TEST_REQUIRE(::getrlimit(RLIMIT_FSIZE, &saved) == 0);
  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit limited = saved;
  limited.rlim_cur = 10;
  BOOST_TEST_REQUIRE(::setrlimit(RLIMIT_FSIZE, &limited) == 0);
  std::size_t written = 0;
  const auto result = fs::write_all(fd.get(), std::string(100, 'y'), written);
  ::setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, old_handler);

  BOOST_TEST((result == std::errc::file_too_large));
  BOOST_TEST(written == 10u);
  BOOST_TEST(slurp(path) == std::string(10, 'y'));
}

namespace {

int zero_writes_calls = 0;
ssize_t write_returning_zero(int, const void*, std::size_t) {
  ++zero_writes_calls;
  return 0;
}

int dribble_calls = 0;
std::string dribbled;
// Interrupted on its first call, then accepts at most 3 bytes per call.
ssize_t write_dribbling(int, const void* buf, std::size_t count) {
  if (dribble_calls++ == 0) {
    errno = EINTR;
    return -1;
  }
  const std::size_t n = count < 3 ? count : 3;
  dribbled.append(static_cast<const char*>(buf), n);
  return static_cast<ssize_t>(n);
}

}  // namespace

BOOST_AUTO_TEST_CASE(write_all_gives_up_on_a_write_returning_zero_and_retries_eintr_and_short_writes) {
  std::size_t written = 99;
  BOOST_TEST((fs::detail::write_all_with(write_returning_zero, 5, "abc", written) == std::errc::io_error));
  BOOST_TEST(written == 0u);
  BOOST_TEST(zero_writes_calls == 1);  // no second try: that is the endless loop

  BOOST_TEST(!fs::detail::write_all_with(write_dribbling, 5, "0123456789", written));
  BOOST_TEST(written == 10u);
  BOOST_TEST(dribbled == "0123456789");
  BOOST_TEST(dribble_calls == 5);  // EINTR, then 3 + 3 + 3 + 1
}

BOOST_AUTO_TEST_CASE(read_whole_file_reads_and_reports_a_missing_file_either_way) {
  temp_dir dir;
  const std::string path = dir.path() + "/present";
  const std::string content = std::string(200000, 'a') + "end";
  put(path, content);
  std::string out = "stale";
  BOOST_TEST(!fs::read_whole_file(path, out));
  BOOST_TEST(out == content);

  const std::string missing = dir.path() + "/missing";
  out = "stale";
  BOOST_TEST((fs::read_whole_file(missing, out) == std::errc::no_such_file_or_directory));

  bool exists = true;
  out = "stale";
  BOOST_TEST(!fs::read_whole_file(missing, out, fs::if_missing::ignore, exists));
  BOOST_TEST(!exists);
  BOOST_TEST(out.empty());

  BOOST_TEST(!fs::read_whole_file(path, out, fs::if_missing::ignore, exists));
  BOOST_TEST(exists);
  BOOST_TEST(out == content);

  // Only a missing file is "missing": reading a directory is still an error.
  BOOST_TEST((fs::read_whole_file(dir.path(), out, fs::if_missing::ignore, exists) == std::errc::is_a_directory));
}

BOOST_AUTO_TEST_CASE(replace_atomically_replaces_and_no_replace_refuses_an_existing_file) {
  temp_dir dir;
  const std::string path = dir.path() + "/keys.json";
  BOOST_TEST(!fs::replace_atomically(path, "first"));
  BOOST_TEST(slurp(path) == "first");
  BOOST_TEST(mode_of(path) == 0600u);

  BOOST_TEST(!fs::replace_atomically(path, "second", fs::if_exists::overwrite));
  BOOST_TEST(slurp(path) == "second");
  BOOST_TEST(mode_of(path) == 0600u);

  BOOST_TEST((fs::replace_atomically(path, "third", fs::if_exists::fail) == std::errc::file_exists));
  BOOST_TEST(slurp(path) == "second");
  BOOST_TEST(entries_in(dir.path()) == 1u);  // no temp file left behind, either way

  const std::string fresh = dir.path() + "/fresh";
  BOOST_TEST(!fs::replace_atomically(fresh, "", fs::if_exists::fail));
  BOOST_TEST(std::filesystem::exists(fresh));
  BOOST_TEST(slurp(fresh).empty());
  BOOST_TEST(entries_in(dir.path()) == 2u);

  // A failure before the rename (no such directory) leaves nothing.
  BOOST_TEST((fs::replace_atomically(dir.path() + "/no/such", "x") == std::errc::no_such_file_or_directory));
}

BOOST_AUTO_TEST_CASE(rename_no_replace_refuses_an_existing_target_and_moves_otherwise) {
  temp_dir dir;
  const std::string from = dir.path() + "/from", to = dir.path() + "/to";
  put(from, "new");
  put(to, "old");
  BOOST_TEST((fs::rename_no_replace(from, to) == std::errc::file_exists));
  BOOST_TEST(slurp(from) == "new");
  BOOST_TEST(slurp(to) == "old");

  BOOST_TEST(!fs::remove(to));
  BOOST_TEST(!fs::rename_no_replace(from, to));
  BOOST_TEST(!std::filesystem::exists(from));
  BOOST_TEST(slurp(to) == "new");
  BOOST_TEST((fs::rename_no_replace(from, to) == std::errc::no_such_file_or_directory));

  // The plain rename replaces.
  put(from, "newer");
  BOOST_TEST(!fs::rename(from, to));
  BOOST_TEST(slurp(to) == "newer");
  BOOST_TEST(!fs::sync_directory(dir.path()));
  BOOST_TEST((fs::sync_directory(dir.path() + "/missing") == std::errc::no_such_file_or_directory));
}

// The fallback where RENAME_NOREPLACE is missing (link + unlink) refuses an existing
// target just the same, and otherwise moves the file.
BOOST_AUTO_TEST_CASE(rename_no_replace_without_renameat2_falls_back_to_link_and_unlink) {
  temp_dir dir;
  const std::string from = dir.path() + "/from", to = dir.path() + "/to", keys = dir.path() + "/keys";
  put(from, "new");
  put(to, "old");
  put(keys, "kept");
  const int rc = without_renameat2([&] {
    const int direct = ::syscall(SYS_renameat2, AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), 1 /* NOREPLACE */);
    if (direct != -1 || errno != ENOSYS) return 1;  // the filter works
    if (fs::rename_no_replace(from, to) != std::errc::file_exists) return 2;
    if (slurp(from) != "new" || slurp(to) != "old") return 3;
    if (fs::remove(to)) return 4;
    if (fs::rename_no_replace(from, to)) return 5;
    if (std::filesystem::exists(from) || slurp(to) != "new") return 6;
    if (fs::replace_atomically(keys, "replaced", fs::if_exists::fail) != std::errc::file_exists) return 7;
    if (slurp(keys) != "kept") return 8;
    if (fs::replace_atomically(dir.path() + "/fresh", "made", fs::if_exists::fail)) return 9;
    if (slurp(dir.path() + "/fresh") != "made") return 10;
    return 0;
  });
  if (rc == no_seccomp) {
    BOOST_TEST_MESSAGE("seccomp unavailable: fallback not exercised");
    return;
  }
  BOOST_TEST(rc == 0);
  BOOST_TEST(entries_in(dir.path()) == 3u);  // to, keys, fresh: no temp file or second name left
}

BOOST_AUTO_TEST_CASE(mapped_file_maps_empty_and_non_empty_files_and_moves_without_remapping) {
  temp_dir dir;
  const std::string empty = dir.path() + "/empty", full = dir.path() + "/full";
  put(empty, "");
  const std::string content = std::string(100000, 'm') + "tail";
  put(full, content);

  fs::mapped_file e;
  BOOST_TEST(!e.open(empty));
  BOOST_TEST(e.bytes().empty());

  fs::mapped_file m;
  BOOST_TEST(!m.open(full));
  BOOST_TEST(m.bytes() == content);
  const char* at = m.bytes().data();
  fs::mapped_file moved = std::move(m);
  BOOST_TEST(m.bytes().empty());
  BOOST_TEST(moved.bytes().data() == at);  // views into the mapping stay valid across a move
  BOOST_TEST(moved.bytes() == content);
  moved = std::move(e);
  BOOST_TEST(moved.bytes().empty());

  fs::mapped_file missing;
  BOOST_TEST((missing.open(dir.path() + "/missing") == std::errc::no_such_file_or_directory));
  BOOST_TEST(missing.bytes().empty());
}

BOOST_AUTO_TEST_CASE(write_file_synced_truncates_or_refuses_and_truncate_file_synced_cuts) {
  temp_dir dir;
  const std::string path = dir.path() + "/f";
  BOOST_TEST(!fs::write_file_synced(path, "0123456789", fs::if_exists::fail));
  BOOST_TEST(mode_of(path) == 0600u);
  BOOST_TEST((fs::write_file_synced(path, "other", fs::if_exists::fail) == std::errc::file_exists));
  BOOST_TEST(slurp(path) == "0123456789");
  BOOST_TEST(!fs::write_file_synced(path, "abc", fs::if_exists::overwrite));
  BOOST_TEST(slurp(path) == "abc");
  BOOST_TEST(!fs::truncate_file_synced(path, 1));
  BOOST_TEST(slurp(path) == "a");
  BOOST_TEST((fs::truncate_file_synced(dir.path() + "/missing", 0) == std::errc::no_such_file_or_directory));
}

BOOST_AUTO_TEST_CASE(remove_parent_directory_and_make_directories) {
  temp_dir dir;
  const std::string path = dir.path() + "/f";
  put(path, "x");
  BOOST_TEST(!fs::remove(path));
  BOOST_TEST((fs::remove(path) == std::errc::no_such_file_or_directory));
  BOOST_TEST(!fs::remove(path, fs::if_missing::ignore));

  BOOST_TEST(fs::parent_directory("a/b/c") == "a/b");
  BOOST_TEST(fs::parent_directory("/top") == "/");
  BOOST_TEST(fs::parent_directory("bare") == ".");

  const std::string nested = dir.path() + "/x/y/z";
  BOOST_TEST(!fs::make_directories(nested));
  BOOST_TEST(std::filesystem::is_directory(nested));
  BOOST_TEST((mode_of(dir.path() + "/x") & 0077u) == 0u);  // 0700 before the umask
  BOOST_TEST(!fs::make_directories(nested));  // already there: fine

  put(dir.path() + "/file", "");
  std::string failed;
  BOOST_TEST((fs::make_directories(dir.path() + "/file/sub", &failed) == std::errc::not_a_directory));
  BOOST_TEST(failed == dir.path() + "/file/sub");
  BOOST_TEST((fs::make_directories(dir.path() + "/file", &failed) == std::errc::not_a_directory));
  BOOST_TEST(failed == dir.path() + "/file");
}

BOOST_AUTO_TEST_SUITE_END()
