#pragma once
// The in-memory state: collections in a sharded hash map (one mutex per shard), a
// per-owner index ordered by creation, and the share links by token hash.
//
// Thread-safety: every read is safe from any thread and holds one shard lock for
// microseconds (never across I/O). apply() must be called by one thread at a time —
// the journal's completion thread while serving, or recovery before serving — which
// is what makes the store's state the journal's order of mutations.
// Lock order: owner index, then a shard. apply() never holds two locks at once.
//
// Snapshots (snapshot.cpp) are a consistent cut taken without stopping the world, by
// copy-on-first-write per part (a part is one shard, or the share links): begin_snapshot()
// only starts an epoch; after that, the first apply() that changes a part serializes the
// part (as it was at the cut) before changing it, and a background thread serializes every
// part not yet captured. A write's capture copies the part's entries, and serializing is
// left to that thread; so writes wait for at most one part's copy, and reads for nothing
// but a part's lock.
//
// Tracks: each collection's are a track_list over the store-wide track_ids (4 bytes a
// reference, any operation O(log n) in the collection's size); see those headers.
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.hpp"
#include "model/collection.hpp"
#include "model/mutation.hpp"
#include "model/snapshot_item.hpp"
#include "store/idempotency_table.hpp"
#include "store/owner_index.hpp"
#include "store/track_ids.hpp"
#include "store/track_list.hpp"

namespace mixtape::store {

enum class outcome {
  applied,    // the state changed
  unchanged,  // valid, but nothing to change (e.g. a track already present)
  not_found,  // the collection does not exist (any more)
  full,       // the track limit in the mutation was reached
  precondition_failed,  // a guarded write's If-Match version no longer matched: nothing changed
};

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

struct shared_view {
  share_link link;
  bool collection_exists = false;
  std::string name;
  std::optional<std::string> description;
};

// One track as read: its id, 0-based position and the time it was added.
struct track_view {
  std::string_view track_id;
  std::size_t position = 0;
  core::unix_seconds added_at = 0;
  bool json_safe = false;  // track_id holds no byte a JSON string must escape
};
using track_visitor = std::function<void(const track_view&)>;

// What a track write would find, for the service's checks before it journals one.
struct track_probe {
  std::size_t count = 0;    // tracks held
  std::size_t new_ids = 0;  // of the ids asked about, how many are not members
  std::uint64_t version = 0;  // the collection's version as probed
};

class collection_store {
 public:
  // `shard_count` must be a power of two.
  explicit collection_store(std::size_t shard_count = 256);

  // Applies one mutation (see the class comment for who may call this). `seq` is the
  // mutation's journal sequence number; a create records it to order listings.
  outcome apply(const model::mutation& m, std::uint64_t seq);
  // The same; `tracks_added` is set to how many tracks the mutation appended.
  outcome apply(const model::mutation& m, std::uint64_t seq, std::size_t& tracks_added);

  // Appends the collection's JSON (track_count set) when `id` exists and belongs to
  // (org, owner). Returns whether it did.
  bool append_json(std::string& out, std::string_view id, std::string_view org,
                   std::string_view owner) const;
  // The same, and sets `version` to the collection's version (SPEC §8: the journal sequence
  // of its last change, tracks included; never reused, durable, the same after a restart).
  bool append_json(std::string& out, std::string_view id, std::string_view org, std::string_view owner,
                   std::uint64_t& version) const;
  // The version of `id` when it is visible to (org, owner).
  std::optional<std::uint64_t> version_of(std::string_view id, std::string_view org, std::string_view owner) const;

  // Calls `f(const model::collection&)` under the shard lock when `id` is visible to
  // (org, owner); its `tracks` are left empty (see probe_tracks, visit_tracks). `f` must
  // be short and must not call back into the store.
  bool inspect(std::string_view id, std::string_view org, std::string_view owner,
               const std::function<void(const model::collection&)>& f) const;

  bool contains(std::string_view id) const;
  // Whether `id` may not be given to a new collection: it is live, or a share link names
  // it (a link of a deleted collection must never come to show another one).
  bool id_in_use(std::string_view id) const;

  // Calls `f(json)` with the cached JSON (model::append_json renders it) of each of (org,
  // owner)'s collections on the page, newest first, each under its shard lock. Costs
  // O(log n + limit). `f` must be short and must not call back into the store.
  void visit_page(std::string_view org, std::string_view owner, std::size_t limit, std::size_t offset,
                  const std::function<void(const model::cached_json& json)>& f) const;

  // Calls `f` for the tracks at positions offset .. offset + limit - 1 of `id`, in order,
  // under the shard lock, when `id` is visible to (org, owner); returns whether it was.
  // Costs O((1 + limit) log n). Same rules for `f`.
  bool visit_tracks(std::string_view id, std::string_view org, std::string_view owner, std::size_t offset,
                    std::size_t limit, const track_visitor& f) const;
  // The same, and sets `version` as append_json does, read under the same lock as the tracks.
  bool visit_tracks(std::string_view id, std::string_view org, std::string_view owner, std::size_t offset,
                    std::size_t limit, const track_visitor& f, std::uint64_t& version) const;
  // The track count of `id` and how many of `ids` it lacks; nullopt when not visible.
  std::optional<track_probe> probe_tracks(std::string_view id, std::string_view org, std::string_view owner,
                                          std::span<const std::string> ids) const;
  // Whether reordering `id` by `ids` would change its order; nullopt when not visible.
  std::optional<bool> reorder_changes(std::string_view id, std::string_view org, std::string_view owner,
                                      std::span<const std::string> ids) const;

  // The share link with this token hash, with what it points to; nullopt when unknown.
  // When the collection exists, `tracks` is called for each of its tracks, in order.
  std::optional<shared_view> find_share(const std::array<unsigned char, 32>& token_hash,
                                        const track_visitor& tracks) const;

  // Whether a share link has this id (a new link must take another).
  bool share_id_in_use(std::string_view share_id) const;
  // The link `share_id` when (org, owner) created it, revoked or not; nullopt otherwise.
  std::optional<share_link> find_share_by_id(std::string_view share_id, std::string_view org,
                                             std::string_view owner) const;
  // Calls `f` for each link of collection `id`, revoked ones too, newest first, when `id` is
  // visible to (org, owner); returns whether it was. `f` runs without any lock held.
  bool visit_shares(std::string_view id, std::string_view org, std::string_view owner,
                    const std::function<void(const share_link&)>& f) const;
  // The Idempotency-Key (principal, key) remembered by an earlier write, unless unknown or
  // expired at `now` (see idempotency_table). Any thread.
  std::optional<model::remembered_write> find_remembered(std::string_view principal, std::string_view key,
                                                         core::unix_seconds now) const;
  // How many keys may be remembered (the rest forgotten oldest first). Before serving.
  void set_idempotency_limit(std::size_t max_entries);
  std::size_t remembered_count() const;
  std::uint64_t remembered_forgotten_early() const;

  std::size_t size() const;
  std::size_t share_count() const;
  std::size_t distinct_tracks() const;  // track ids interned (applier thread, or quiescent)

  // Sizes the tables for `collections` in all (recovery: one rehash instead of many), and
  // gives back what a generous reserve() left unused. reserve: any thread (it takes each
  // lock); release_spare_capacity: the applier thread (it also trims the track id index).
  void reserve(std::size_t collections);
  void release_spare_capacity();

  // --- Snapshots (see the class comment) ---
  // Starts a snapshot of the state as of now and returns its epoch (never 0). Applier
  // thread only, between two apply() calls; at most one snapshot at a time. `cut_seq`: the
  // seq of the last mutation applied (creates after it are left out without any copy).
  std::uint64_t begin_snapshot(std::uint64_t cut_seq);
  // How many parts a snapshot has: numbered 0 .. snapshot_parts() - 1.
  std::size_t snapshot_parts() const noexcept { return shard_mask_ + 2; }
  // Appends `part` as it was at begin_snapshot() to `out`, as snapshot items
  // (model/snapshot_item.hpp), and frees the part's copy. Any thread; each part once.
  void collect_snapshot_part(std::uint64_t epoch, std::size_t part, std::string& out);
  // Ends the snapshot, complete or abandoned, and frees any copies left. Any thread.
  void end_snapshot(std::uint64_t epoch);
  // Adds a snapshot body's items to an empty store (recovery, before serving: not
  // thread-safe). Errors: corrupt_data for a malformed body or a duplicate id.
  core::status load_snapshot(std::string_view body);

 private:
  // A collection as held: ~90 bytes plus its JSON and its tracks (there may be millions).
  // The id is the map key (its number), the owner an interned pair, and the cached JSON
  // is the only copy of the text fields (materialize() reads them back for the rarer
  // callers).
  struct collection_head {
    model::cached_json json;
    const owner_index::owner* owner = nullptr;
    core::unix_seconds created_at = 0;
    core::unix_seconds updated_at = 0;
    std::uint64_t created_seq = 0;
    std::uint64_t version = 0;  // seq of the last mutation that changed it (its create at first)
  };
  struct entry {
    collection_head head;
    std::unique_ptr<track_list> tracks;  // null while the collection holds none
    std::size_t track_count() const noexcept { return tracks ? tracks->size() : 0; }
  };
  // A collection as of a snapshot's cut: its tracks copied without index or tree.
  struct captured_entry {
    std::uint64_t id = 0;
    collection_head head;
    std::vector<track_list::item> tracks;
  };
  using entry_map = std::unordered_map<std::uint64_t, entry>;
  struct shard {
    mutable std::mutex mutex;
    entry_map entries;
    std::uint64_t captured_epoch = 0;  // guarded by mutex: `captured` (or the collector) holds
    std::vector<captured_entry> captured;  // this part as of that epoch's cut
  };

  shard& shard_of(std::uint64_t id) const;
  bool contains(std::uint64_t id) const;
  // The entry with this id number, or null; the caller holds s.mutex.
  static const entry* find(const shard& s, std::uint64_t id);
  static entry* find(shard& s, std::uint64_t id);
  // The entry of `id` when it exists and (org, owner) may see it, or null; same lock rule.
  static const entry* find_visible(const shard& s, std::uint64_t id, std::string_view org,
                                   std::string_view owner);
  // Calls f(id number, entry) under the shard lock when `id` is visible to (org, owner);
  // returns whether it was.
  template <class F>
  bool with_visible(std::string_view id, std::string_view org, std::string_view owner, F&& f) const {
    const auto number = model::collection_number(id);
    if (!number) return false;
    const shard& s = shard_of(*number);
    std::lock_guard lock{s.mutex};
    const entry* e = find_visible(s, *number, org, owner);
    if (!e) return false;
    f(*number, *e);
    return true;
  }
  // Calls f for the tracks of `e` at positions offset .. offset + limit - 1 (lock held).
  void visit_range(const entry& e, std::size_t offset, std::size_t limit, const track_visitor& f) const;
  // The collection without its tracks, text fields read back from the JSON.
  static model::collection materialize(std::uint64_t id, const collection_head& h);
  // An entry for a loaded collection (`tracks` in place of c.tracks); nullopt when its
  // tracks repeat an id.
  std::optional<entry> make_entry(const model::collection& c, std::span<const model::snapshot_track> tracks,
                                  const owner_index::owner* owner);
  // Before a part changes (its lock held): copy it for the snapshot in progress, unless
  // there is none or this part is already captured for it. A create needs no capture:
  // entries created after the cut (created_seq > cut) are left out of every copy.
  void capture(shard& s);
  void capture_shares();
  void serialize(const std::vector<captured_entry>& entries, std::string& out) const;
  // The shard's entries as of the snapshot's cut (lock held).
  void copy_at_cut(const shard& s, std::vector<captured_entry>& out) const;
  void serialize_shares(std::string& out) const;

  outcome apply_create(const model::create_collection& m, std::uint64_t seq);
  outcome apply_update(const model::update_collection& m);
  outcome apply_delete(const model::delete_collection& m);
  outcome apply_add_track(const model::add_track& m, std::size_t& added);
  outcome apply_add_tracks(const model::add_tracks& m, std::size_t& added);
  outcome apply_remove_track(const model::remove_track& m);
  outcome apply_reorder(const model::reorder_tracks& m);
  outcome apply_share(const model::create_share& m, std::uint64_t seq);
  outcome apply_revoke(const model::revoke_share& m);
  // Indexes a link (shares_mutex_ held or quiescent); false when its token hash or id is taken.
  bool insert_share(const std::string& hash_key, share_link link, std::uint64_t collection_number);
  // Links loaded without a creator (version 1 snapshots) take their collection's owner.
  void resolve_share_creators();
  // Applies one unguarded mutation; `seq` as in apply().
  outcome apply_one(const model::mutation& m, std::uint64_t seq, std::size_t& tracks_added);
  outcome apply_guarded(const model::guarded_write& g, std::uint64_t seq, std::size_t& tracks_added);
  // Calls change(id number, entry) under the entry's shard lock, after capture() (a change
  // may follow); not_found when there is no such collection.
  outcome change_entry(std::string_view id, const std::function<outcome(std::uint64_t, entry&)>& change);
  // Runs `change` on the collection (text fields materialized) under its shard lock;
  // re-renders its JSON when `change` reports applied.
  outcome modify(std::string_view id, const std::function<outcome(model::collection&)>& change);
  // Runs `change` on the collection's tracks under its shard lock; when it reports
  // applied, sets updated_at to `at` (in the JSON too, in place: no re-render).
  outcome modify_tracks(std::string_view id, core::unix_seconds at, const std::function<outcome(track_list&)>& change);

  std::size_t shard_mask_;
  std::unique_ptr<shard[]> shards_;
  owner_index owners_;
  track_ids track_ids_;  // the texts every shard's track lists refer to
  mutable std::mutex shares_mutex_;
  std::unordered_map<std::string, share_link> shares_;  // raw 32-byte token hash -> link
  std::unordered_map<std::string, std::string> share_hashes_;  // share id -> its token hash key
  std::unordered_map<std::uint64_t, std::vector<std::string>> linked_ids_;  // collection id number -> share ids
  idempotency_table remembered_;  // guarded by shares_mutex_, and in the shares' snapshot part
  std::uint64_t shares_captured_epoch_ = 0;  // guarded by shares_mutex_, as in `shard`
  std::string shares_captured_;              // guarded by shares_mutex_
  std::uint64_t snapshot_cut_seq_ = 0;  // of the snapshot in progress: set before snapshot_epoch_
  std::atomic<std::uint64_t> snapshot_epoch_{0};  // the snapshot in progress; 0: none
  std::uint64_t last_epoch_ = 0;                  // applier thread only
  std::uint64_t applying_seq_ = 0;  // applier thread only: the seq of the mutation being applied
};

}  // namespace mixtape::store
