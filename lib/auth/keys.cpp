// Key lookup and the request checks: presented key -> entry -> 401/403/allowed.
#include "auth/keys.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <utility>

namespace mixtape::auth {

bool key_entry::in_organization(std::string_view org) const noexcept {
  return std::find(organizations.begin(), organizations.end(), org) != organizations.end();
}

bool key_entry::has_capability(std::string_view cap) const noexcept {
  return std::find(capabilities.begin(), capabilities.end(), cap) != capabilities.end();
}

const key_entry* keyset::find(std::string_view presented) const noexcept {
  if (presented.empty()) return nullptr;
  const digest wanted = presented_key_digest(presented);
  // The map lookup compares digests, never the secret itself; the final check is
  // constant time so a match is confirmed without an early-exit comparison.
  const auto it = by_hash_.find(std::string_view(reinterpret_cast<const char*>(wanted.data()), wanted.size()));
  if (it == by_hash_.end()) return nullptr;
  const key_entry& candidate = entries_[it->second];
  return digests_equal(candidate.hash, wanted) ? &candidate : nullptr;
}

std::string_view presented_key(std::string_view x_api_key, std::string_view authorization) noexcept {
  if (const auto key = core::trim_blanks(x_api_key); !key.empty()) return key;
  const auto value = core::trim_blanks(authorization);
  constexpr std::string_view scheme = "bearer";
  // "Bearer", at least one space, then the token (trimmed; empty means no key).
  if (value.size() <= scheme.size() || !core::iequals_ascii(value.substr(0, scheme.size()), scheme) ||
      value[scheme.size()] != ' ')
    return {};
  return core::trim_blanks(value.substr(scheme.size()));
}

decision authorize(const keyset& keys, std::string_view presented, std::string_view org) noexcept {
  const key_entry* key = keys.find(presented);
  if (key == nullptr) return {verdict::unauthenticated, nullptr, "Missing or invalid authorization header"};
  if (!key->in_organization(org))
    return {verdict::forbidden, nullptr, "API key is not a member of the requested organization"};
  if (!key->has_capability(music_capability))
    return {verdict::forbidden, nullptr, "Missing USE_MUSIC_GENERATION capability"};
  return {verdict::allowed, key, {}};
}

decision authorize_admin(const keyset& keys, std::string_view presented, std::string_view also) noexcept {
  const key_entry* key = keys.find(presented);
  if (key == nullptr) return {verdict::unauthenticated, nullptr, "Missing or invalid authorization header"};
  if (!key->has_capability(admin_capability) && (also.empty() || !key->has_capability(also)))
    return {verdict::forbidden, nullptr, "Missing MIXTAPE_ADMIN capability"};
  return {verdict::allowed, key, {}};
}

decision authorize_replication(const keyset& keys, std::string_view presented) noexcept {
  const key_entry* key = keys.find(presented);
  if (key == nullptr) return {verdict::unauthenticated, nullptr, "Missing or invalid authorization header"};
  if (!key->has_capability(replication_capability))
    return {verdict::forbidden, nullptr, "Missing MIXTAPE_REPLICATION capability"};
  return {verdict::allowed, key, {}};
}

key_store::key_store(keyset initial) : current_(std::make_shared<const keyset>(std::move(initial))) {}

std::shared_ptr<const keyset> key_store::current() const {
  core::mutex_lock lock{mutex_};
  return current_;
}

const keyset& key_store::for_this_thread() const {
  // One cached snapshot per thread: refreshed only when replace() bumped the generation
  // (or another key_store is asked), so the common case is one atomic load, no lock.
  struct cached {
    const key_store* owner = nullptr;
    std::uint64_t generation = 0;
    std::shared_ptr<const keyset> keys;
  };
  thread_local cached slot;
  const auto generation = generation_.load(std::memory_order_acquire);
  if (slot.owner != this || slot.generation != generation || !slot.keys) {
    slot.keys = current();
    slot.owner = this;
    slot.generation = generation;
  }
  return *slot.keys;
}

void key_store::replace(keyset next) {
  auto fresh = std::make_shared<const keyset>(std::move(next));
  {
    core::mutex_lock lock{mutex_};
    current_.swap(fresh);
    generation_.fetch_add(1, std::memory_order_release);
  }
  // `fresh` now holds the old set; readers that copied it keep it alive, and the last
  // one frees it outside the lock.
}

}  // namespace mixtape::auth
