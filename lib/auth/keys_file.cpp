// The keys file on disk: load, `keys add`, and the first-start bootstrap key.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include "auth/keys.hpp"
#include "auth/keys_detail.hpp"
#include "core/identifiers.hpp"
#include "core/fs.hpp"
#include "core/ids.hpp"
#include "core/text.hpp"

namespace mixtape::auth {
namespace {

namespace fs = core::fs;

core::problem io_problem(const std::string& what, std::error_code ec) {
  return {core::errc::io_error, "", what + ": " + ec.message()};
}

// The whole file, or nullopt when it does not exist.
core::result<std::optional<std::string>> read_keys_file(const std::string& path) {
  std::string text;
  bool exists = true;
  if (auto ec = fs::read_whole_file(path, text, fs::if_missing::ignore, exists))
    return io_problem("cannot read keys file " + path, ec);
  if (!exists) return std::optional<std::string>{};
  return std::optional<std::string>(std::move(text));
}

enum class write_outcome { written, already_exists };

// Replaces `path` with `text` atomically (fs::replace_atomically: a crash leaves the old
// file or the new one, never a mix). With `no_replace`, an existing `path` is left alone.
core::result<write_outcome> write_atomically(const std::string& path, std::string_view text, bool no_replace) {
  const auto ec = fs::replace_atomically(path, text, no_replace ? fs::if_exists::fail : fs::if_exists::overwrite);
  if (no_replace && ec == std::errc::file_exists) return write_outcome::already_exists;
  if (ec) return io_problem("cannot write keys file " + path, ec);
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
  if (principal.empty() || core::has_control_chars(principal))
    return core::problem::validation("principal", "principal must be non-empty without control characters");
  const auto has = [&](std::string_view cap) {
    return std::find(capabilities.begin(), capabilities.end(), cap) != capabilities.end();
  };
  const bool admin_only = (has(admin_capability) || has(replication_capability)) && !has(music_capability);
  if (organizations.empty() && !admin_only)
    return core::problem::validation("organizations",
                                     "at least one organization is required (unless the key is only for "
                                     "administration or replication: --capability MIXTAPE_ADMIN or MIXTAPE_REPLICATION)");
  for (const auto& org : organizations)
    if (!core::is_org_id(org))
      return core::problem::validation("organizations", "invalid organization id " + detail::quoted(org) +
                                                            ": must be " + std::string{core::org_id_rule});
  for (const auto& cap : capabilities)
    if (!detail::valid_capability(cap))
      return core::problem::validation("capabilities", "invalid capability " + detail::quoted(cap) +
                                                           ": must be one or more of A-Z 0-9 _");
  return core::success();
}

}  // namespace

core::result<keyset> keyset::load(const std::string& path) {
  auto text = read_keys_file(path);
  if (!text) return std::move(text).error();
  if (!text->has_value())
    return io_problem("cannot read keys file " + path, std::make_error_code(std::errc::no_such_file_or_directory));
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
  auto text = read_keys_file(path);
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
  if (errno != ENOENT) return io_problem("cannot access keys file " + path, {errno, std::system_category()});
  std::string failed;
  if (auto ec = fs::make_directories(fs::parent_directory(path), &failed))
    return io_problem("cannot create directory " + failed, ec);
  created_key made = make_key("usr_local", {"org_local"}, {std::string(music_capability)}, {});
  auto written = write_atomically(path, detail::entries_to_json({made.entry}), true);
  if (!written) return std::move(written).error();
  if (written.value() == write_outcome::already_exists) return std::optional<std::string>{};
  return std::optional<std::string>(std::move(made.key));
}

}  // namespace mixtape::auth
