// The keys file on disk: load, `keys add`, and the first-start bootstrap key.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <system_error>

#include "auth/keys.hpp"
#include "auth/keys_detail.hpp"
#include "core/ids.hpp"

namespace mixtape::auth {
namespace {

core::problem io_problem(std::string what, int err) {
  return {core::errc::io_error, "", what + ": " + std::generic_category().message(err)};
}

// The whole file, or nullopt when it does not exist.
core::result<std::optional<std::string>> read_whole_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>{};
    return io_problem("cannot read keys file " + path, errno);
  }
  std::string text;
  char buf[8192];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return io_problem("cannot read keys file " + path, err);
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return std::optional<std::string>(std::move(text));
}

std::string parent_dir(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// mkdir -p: creates the missing directories of `dir` with mode 0700.
core::status make_directories(const std::string& dir) {
  for (std::size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos < dir.size() && dir[pos] != '/') continue;
    const std::string prefix = dir.substr(0, pos);
    if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST)
      return io_problem("cannot create directory " + prefix, errno);
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return io_problem("cannot create directory " + dir, errno);
  if (!S_ISDIR(st.st_mode)) return io_problem("cannot create directory " + dir, ENOTDIR);
  return core::success();
}

// A temporary file beside the target; unlinked on destruction unless committed.
struct temp_file {
  std::string path;
  int fd = -1;
  bool committed = false;
  ~temp_file() {
    if (fd >= 0) ::close(fd);
    if (!committed && !path.empty()) ::unlink(path.c_str());
  }
};

// 0 when all of `text` is written, else the errno.
int write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

core::status sync_directory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_problem("cannot sync directory " + dir, errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return io_problem("cannot sync directory " + dir, err);
  return core::success();
}

// Moves `from` to `to`; with `no_replace`, fails with EEXIST when `to` exists.
int move_into_place(const std::string& from, const std::string& to, bool no_replace) {
  if (!no_replace) return ::rename(from.c_str(), to.c_str());
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) return -1;
  // The filesystem lacks RENAME_NOREPLACE: link(2) refuses an existing target too.
  if (::link(from.c_str(), to.c_str()) != 0) return -1;
  ::unlink(from.c_str());
  return 0;
}

enum class write_outcome { written, already_exists };

// Replaces `path` with `text` atomically: a 0600 temp file in the same directory,
// write, fsync, rename, fsync of the directory. A crash leaves the old file or the new
// one, never a mix. With `no_replace`, an existing `path` is left alone.
core::result<write_outcome> write_atomically(const std::string& path, std::string_view text,
                                             bool no_replace) {
  const std::string what = "cannot write keys file " + path;
  temp_file tmp;
  std::string name = path + ".tmp.XXXXXX";
  tmp.fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (tmp.fd < 0) return io_problem(what, errno);
  tmp.path = name;
  if (::fchmod(tmp.fd, 0600) != 0) return io_problem(what, errno);
  if (const int err = write_all(tmp.fd, text); err != 0) return io_problem(what, err);
  if (::fsync(tmp.fd) != 0) return io_problem(what, errno);
  const int rc = ::close(tmp.fd);
  tmp.fd = -1;
  if (rc != 0) return io_problem(what, errno);
  if (move_into_place(tmp.path, path, no_replace) != 0) {
    if (no_replace && errno == EEXIST) return write_outcome::already_exists;
    return io_problem(what, errno);
  }
  tmp.committed = true;
  if (auto s = sync_directory(parent_dir(path)); !s) return std::move(s).error();
  return write_outcome::written;
}

// A new key and its entry; the id is "key_" + 12 random hex digits not in `taken`.
created_key make_key(const std::string& principal, const std::vector<std::string>& organizations,
                     const std::vector<std::string>& capabilities,
                     const std::vector<key_entry>& taken) {
  created_key made;
  made.key = generate_key();
  made.entry.hash = sha256(made.key);
  made.entry.principal = principal;
  made.entry.organizations = organizations;
  made.entry.capabilities = capabilities;
  const auto id_taken = [&](const std::string& id) {
    for (const auto& e : taken)
      if (e.id == id) return true;
    return false;
  };
  do made.entry.id = "key_" + core::random_hex(6);
  while (id_taken(made.entry.id));
  return made;
}

core::status validate_new_key(const std::string& principal, const std::vector<std::string>& organizations,
                              const std::vector<std::string>& capabilities) {
  if (principal.empty() || detail::has_control_chars(principal))
    return core::problem::validation("principal", "principal must be non-empty without control characters");
  if (organizations.empty())
    return core::problem::validation("organizations", "at least one organization is required");
  for (const auto& org : organizations)
    if (!detail::valid_org_id(org))
      return core::problem::validation("organizations", "invalid organization id " + detail::quoted(org) +
                                                            ": must be org_ and 1 to 64 of A-Z a-z 0-9 _");
  for (const auto& cap : capabilities)
    if (!detail::valid_capability(cap))
      return core::problem::validation("capabilities", "invalid capability " + detail::quoted(cap) +
                                                           ": must be one or more of A-Z 0-9 _");
  return core::success();
}

}  // namespace

core::result<keyset> keyset::load(const std::string& path) {
  auto text = read_whole_file(path);
  if (!text) return std::move(text).error();
  if (!text->has_value()) return io_problem("cannot read keys file " + path, ENOENT);
  auto keys = parse(*text.value());
  if (!keys) return detail::corrupt(path + ": " + keys.error().message);
  return keys;
}

std::string generate_key() { return "mxt_" + core::random_base64url(32); }

core::result<created_key> add_key(const std::string& path, const std::string& principal,
                                  const std::vector<std::string>& organizations,
                                  const std::vector<std::string>& capabilities) {
  if (auto valid = validate_new_key(principal, organizations, capabilities); !valid)
    return std::move(valid).error();
  auto text = read_whole_file(path);
  if (!text) return std::move(text).error();
  std::vector<key_entry> entries;
  if (text->has_value()) {  // an existing file must parse: a corrupt one is never overwritten
    auto existing = keyset::parse(*text.value());
    if (!existing) return detail::corrupt(path + ": " + existing.error().message);
    entries = existing->entries();
  }
  created_key made = make_key(principal, organizations, capabilities, entries);
  entries.push_back(made.entry);
  const std::string next = detail::entries_to_json(entries);
  if (auto check = keyset::parse(next); !check)  // e.g. a (astronomically unlikely) repeated hash
    return core::problem{core::errc::internal, "", "new keys file does not validate: " + check.error().message};
  auto written = write_atomically(path, next, false);
  if (!written) return std::move(written).error();
  return made;
}

core::result<std::optional<std::string>> bootstrap_keys_file(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) return std::optional<std::string>{};
  if (errno != ENOENT) return io_problem("cannot access keys file " + path, errno);
  if (auto dir = make_directories(parent_dir(path)); !dir) return std::move(dir).error();
  created_key made = make_key("usr_local", {"org_local"}, {std::string(music_capability)}, {});
  auto written = write_atomically(path, detail::entries_to_json({made.entry}), true);
  if (!written) return std::move(written).error();
  if (written.value() == write_outcome::already_exists) return std::optional<std::string>{};
  return std::optional<std::string>(std::move(made.key));
}

}  // namespace mixtape::auth
