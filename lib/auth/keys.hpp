#pragma once
// API keys (docs/openapi.yaml, securitySchemes; docs/operations.md, "Keys and rotation"): a
// JSON keys file holding SHA-256 hashes, never keys, and the checks a request passes: 401 (no
// or unknown key), then 403 (organization, capability).
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/mutex.hpp"
#include "core/rate_limit.hpp"
#include "core/sha256.hpp"
#include "core/result.hpp"

namespace mixtape::auth {

using core::digest;
using core::digests_equal;
using core::parse_digest_hex;
using core::sha256;

inline constexpr std::string_view music_capability = "USE_MUSIC_GENERATION";
// Opens /admin/v1/... (docs/operations.md, "Administration"); needs no organization.
inline constexpr std::string_view admin_capability = "MIXTAPE_ADMIN";
// A standby's key (docs/replication.md): the replication stream and the backup it bootstraps from.
inline constexpr std::string_view replication_capability = "MIXTAPE_REPLICATION";

struct key_entry {
  std::string id;  // e.g. "key_alice"
  digest hash{};   // SHA-256 of the key
  std::string principal;
  std::vector<std::string> organizations;
  std::vector<std::string> capabilities;
  // "rate_limit": {"per_minute": N, "burst": B} in the file: this key's bucket instead of
  // --rate-limit/--rate-burst (per_minute 0: no limit for this key).
  std::optional<core::rate_limit> rate_limit;

  bool in_organization(std::string_view org) const noexcept;
  bool has_capability(std::string_view cap) const noexcept;
};

// An immutable set of keys. Thread-safe for concurrent readers.
class keyset {
 public:
  keyset() = default;
  // Parses the keys file format {"keys":[{"id","sha256","principal","organizations",
  // "capabilities", optional "rate_limit"}...]}. Unknown fields are rejected, as are duplicate ids or hashes,
  // a sha256 that is not 64 hex digits, and organizations that are not org ids.
  static core::result<keyset> parse(std::string_view json_text);
  static core::result<keyset> load(const std::string& path);

  // The entry whose hash is SHA-256(presented), or nullptr. The key is hashed once;
  // the candidate's digest is compared in constant time.
  const key_entry* find(std::string_view presented) const noexcept;
  std::size_t size() const noexcept { return entries_.size(); }
  const std::vector<key_entry>& entries() const noexcept { return entries_; }

  // The keys-file JSON of these entries (pretty enough to edit by hand).
  std::string to_json() const;

 private:
  std::vector<key_entry> entries_;
  struct bytes_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::size_t, bytes_hash, std::equal_to<>> by_hash_;  // raw digest -> index
};

// SHA-256 of a presented key, memoized per thread for the last few keys seen. A lookup
// compares the key with every cached key over their full padded length, so its time
// does not depend on how much of a cached key was guessed right.
digest presented_key_digest(std::string_view key) noexcept;

// The key a request presents: the X-API-Key value if non-empty, else the token of
// "Authorization: Bearer <token>" (scheme case-insensitive). Empty when neither.
std::string_view presented_key(std::string_view x_api_key, std::string_view authorization) noexcept;

enum class verdict { allowed, unauthenticated, forbidden };
struct decision {
  verdict outcome = verdict::unauthenticated;
  const key_entry* key = nullptr;  // set when allowed (points into the keyset)
  std::string_view reason;         // the envelope's system_message when refused
};
// 401 when `presented` is empty or unknown; 403 when the key is not in `org` or lacks
// USE_MUSIC_GENERATION; allowed otherwise.
decision authorize(const keyset& keys, std::string_view presented, std::string_view org) noexcept;
// 401 as above; 403 when the key lacks MIXTAPE_ADMIN (and `also`, when given: either one
// will do); allowed otherwise (no organization).
decision authorize_admin(const keyset& keys, std::string_view presented, std::string_view also = {}) noexcept;
// 401 as above; 403 when the key lacks MIXTAPE_REPLICATION: the replication stream.
decision authorize_replication(const keyset& keys, std::string_view presented) noexcept;

// A fresh random key: "mxt_" + base64url of 32 random bytes.
std::string generate_key();

struct created_key {
  std::string key;  // shown once, never stored
  key_entry entry;
};
// Appends a new random key for `principal` to the keys file at `path` (created if
// missing), replacing the file atomically (temp file, fsync, rename, fsync dir; mode 0600).
core::result<created_key> add_key(const std::string& path, const std::string& principal,
                                  const std::vector<std::string>& organizations,
                                  const std::vector<std::string>& capabilities);

// When `path` does not exist: creates it holding one key (principal usr_local,
// organization org_local, capability USE_MUSIC_GENERATION) and returns that key.
// When it exists: returns nullopt and leaves it alone.
core::result<std::optional<std::string>> bootstrap_keys_file(const std::string& path);

// Holds the current keyset for hot reload (SIGHUP). Thread-safe.
class key_store {
 public:
  explicit key_store(keyset initial);
  std::shared_ptr<const keyset> current() const;
  // The current keys without a lock: a per-thread snapshot, refreshed after replace().
  // The reference stays valid until this thread calls for_this_thread() again.
  const keyset& for_this_thread() const;
  void replace(keyset next);

 private:
  std::atomic<std::uint64_t> generation_{0};
  mutable core::mutex mutex_;
  std::shared_ptr<const keyset> current_ GUARDED_BY(mutex_);
};

}  // namespace mixtape::auth
