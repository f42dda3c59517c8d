#pragma once
// The share links: by token hash (what a shared URL resolves), by share id (revoking,
// ids already taken) and by collection (listing a collection's links). One unit with one
// lock and one snapshot part (snapshot_part.hpp).
//
// Thread-safety: every member may be called from any thread; each holds mutex_ for one
// lookup or change and never calls out while holding it, so it nests under no other lock of
// the store and no other lock nests under it. create() and revoke() are the applier
// thread's (collection_store::apply), and load() recovery's before serving.
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/mutex.hpp"
#include "model/collection.hpp"
#include "model/mutation.hpp"
#include "model/snapshot_item.hpp"
#include "store/outcome.hpp"
#include "store/owner_index.hpp"
#include "store/snapshot_part.hpp"

namespace mixtape::store {

struct share_link {
  std::string id;
  std::string collection_id;
  model::share_visibility visibility = model::share_visibility::link_only;
  std::optional<core::unix_seconds> expires_at;
  core::unix_seconds created_at = 0;
  // Who created it: the collection's (org, owner) when the link was made (interned by the
  // store; null only for a link of a version 1 snapshot whose collection was gone).
  const owner_index::owner* creator = nullptr;
  std::uint64_t created_seq = 0;  // seq of its create_share record (0 from a version 1 snapshot)
  std::optional<core::unix_seconds> revoked_at;
};

class share_links {
 public:
  // `snapshot_epoch`: the store's snapshot in progress (0: none), read before each change.
  explicit share_links(const std::atomic<std::uint64_t>& snapshot_epoch) : snapshot_epoch_(snapshot_epoch) {}

  // Adds the link `m` made at `seq` for the collection numbered `collection` of `creator`;
  // unchanged when its token hash or id is taken.
  outcome create(const model::create_share& m, std::uint64_t seq, std::uint64_t collection,
                 const owner_index::owner* creator) EXCLUDES(mutex_);
  // Revokes `m.share_id` at m.at: not_found when unknown, unchanged when already revoked.
  outcome revoke(const model::revoke_share& m) EXCLUDES(mutex_);

  // The link with this token hash unless unknown or revoked (a revoked one resolves like an
  // unknown one).
  std::optional<share_link> find_live(const std::array<unsigned char, 32>& token_hash) const EXCLUDES(mutex_);
  // The link `share_id` when (org, owner) created it, revoked or not.
  std::optional<share_link> find_by_id(std::string_view share_id, std::string_view org,
                                       std::string_view owner) const EXCLUDES(mutex_);
  // Who created the link `share_id` (null when unknown, or from a version 1 snapshot whose
  // collection was gone).
  const owner_index::owner* creator_of(std::string_view share_id) const EXCLUDES(mutex_);
  // Removes every link that (org, any principal) created (delete_org); returns how many.
  std::size_t remove_of_org(std::string_view org) EXCLUDES(mutex_);
  // Whether a link has this id (a new link must take another).
  bool id_in_use(std::string_view share_id) const EXCLUDES(mutex_);
  // Whether any link, revoked or not, names the collection numbered `collection`.
  bool names_collection(std::uint64_t collection) const EXCLUDES(mutex_);
  // Copies of the links of the collection numbered `collection`, newest first.
  std::vector<share_link> links_of(std::uint64_t collection) const EXCLUDES(mutex_);
  std::size_t size() const EXCLUDES(mutex_);

  // --- Snapshots: the part of collection_store's snapshot that holds the links ---
  void collect_snapshot_part(std::uint64_t epoch, std::string& out) EXCLUDES(mutex_);
  void end_snapshot() EXCLUDES(mutex_);
  // Recovery, before serving: a link of a snapshot. `creator` may be null (version 1
  // snapshots; see resolve_creators). False when its token hash or id is taken.
  bool load(const model::share_state& item, std::uint64_t collection, const owner_index::owner* creator)
      EXCLUDES(mutex_);
  // Recovery, before serving: links loaded without a creator take creator_of(collection
  // number) when it knows one (the collection's owner: the only principal that could have
  // shared it). creator_of runs without this unit's lock held.
  void resolve_creators(const std::function<const owner_index::owner*(std::uint64_t)>& creator_of) EXCLUDES(mutex_);

 private:
  bool insert(const std::string& hash_key, share_link link, std::uint64_t collection) REQUIRES(mutex_);
  void serialize(std::string& out) const REQUIRES(mutex_);

  const std::atomic<std::uint64_t>& snapshot_epoch_;
  mutable core::mutex mutex_;
  std::unordered_map<std::string, share_link> by_hash_ GUARDED_BY(mutex_);  // raw 32-byte token hash -> link
  std::unordered_map<std::string, std::string> hash_of_id_ GUARDED_BY(mutex_);  // share id -> its token hash
  std::unordered_map<std::uint64_t, std::vector<std::string>> ids_of_collection_ GUARDED_BY(mutex_);
  snapshot_part part_ GUARDED_BY(mutex_);
};

}  // namespace mixtape::store
