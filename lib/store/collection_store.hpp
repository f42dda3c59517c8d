#pragma once
// The in-memory state: collections in a sharded hash map (one mutex per shard) with a
// per-owner index ordered by creation, and beside them two units of their own, the share
// links (share_links.hpp) and the remembered Idempotency-Keys (remembered_keys.hpp).
// This class applies mutations to all three in journal order and snapshots all three.
//
// Thread-safety: every read is safe from any thread and holds one lock for microseconds
// (never across I/O). apply() must be called by one thread at a time — the journal's
// completion thread while serving, or recovery before serving — which is what makes the
// store's state the journal's order of mutations. No lock is taken while another is held,
// except a shard's under the owner index's (owner_index.hpp): a read that needs a shard
// and a unit (find_share, visit_shares, id_in_use) takes one after the other.
//
// Snapshots (snapshot.cpp) are a consistent cut taken without stopping the world, by
// copy-on-first-write per part (a part is one shard, the share links, or the remembered
// keys): begin_snapshot() only starts an epoch; after that, the first apply() that changes
// a part copies the part (as it was at the cut) before changing it, and a background
// thread serializes every part not yet captured. A shard's capture copies its entries,
// and serializing is left to that thread; so writes wait for at most one part's copy, and
// reads for nothing but a part's lock.
//
// Tracks: each collection's are a track_list over the store-wide track_ids (4 bytes a
// reference, any operation O(log n) in the collection's size); see those headers.
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/mutex.hpp"
#include "core/result.hpp"
#include "model/collection.hpp"
#include "model/mutation.hpp"
#include "model/snapshot_item.hpp"
#include "store/outcome.hpp"
#include "store/org_states.hpp"
#include "store/owner_index.hpp"
#include "store/remembered_keys.hpp"
#include "store/share_links.hpp"
#include "store/track_ids.hpp"
#include "store/track_list.hpp"

namespace mixtape::store {

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
  // The last record applied (or that the loaded state covers): the state holds every record
  // <= it. Stored after the apply, so a reader that sees it sees the record's effect.
  // Thread-safe. set_applied_seq: the applier only, after loading a snapshot or a replay.
  std::uint64_t applied_seq() const noexcept { return applied_seq_.load(std::memory_order_acquire); }
  void set_applied_seq(std::uint64_t seq) noexcept { applied_seq_.store(seq, std::memory_order_release); }

  // Appends the collection's JSON (track_count set) when `id` exists and belongs to
  // (org, owner). Returns whether it did.
  bool append_json(std::string& out, std::string_view id, std::string_view org,
                   std::string_view owner) const;
  // The same, and sets `version` to the collection's version (docs/openapi.yaml, ETag: the
  // journal sequence of its last change, tracks included; never reused, durable, the same
  // after a restart).
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

  // The share link with this token hash, unless unknown or revoked, with what it points
  // to. When the collection exists, `tracks` is called for each of its tracks, in order.
  std::optional<shared_view> find_share(const std::array<unsigned char, 32>& token_hash,
                                        const track_visitor& tracks) const;
  // Calls `f` for each link of collection `id`, revoked ones too, newest first, when `id` is
  // visible to (org, owner); returns whether it was. `f` runs without any lock held.
  bool visit_shares(std::string_view id, std::string_view org, std::string_view owner,
                    const std::function<void(const share_link&)>& f) const;

  // How many collections `org` holds (all principals).
  std::size_t collections_of_org(std::string_view org) const { return owners_.count_of_org(org); }
  // The organizations frozen or importing (SPEC §10).
  const org_states& orgs() const noexcept { return orgs_; }

  // The share links and the remembered keys, for what needs no collection.
  const share_links& shares() const noexcept { return shares_; }
  const remembered_keys& remembered() const noexcept { return remembered_; }
  remembered_keys& remembered() noexcept { return remembered_; }  // set_limit() before serving

  std::size_t size() const;
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
  // How many parts a snapshot has: numbered 0 .. snapshot_parts() - 1 (the shards, then
  // the share links, the remembered keys, the organization states).
  std::size_t snapshot_parts() const noexcept { return shard_mask_ + 4; }
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
    mutable core::mutex mutex;
    entry_map entries GUARDED_BY(mutex);
    std::uint64_t captured_epoch GUARDED_BY(mutex) = 0;  // `captured` (or the collector) holds
    std::vector<captured_entry> captured GUARDED_BY(mutex);  // this part as of that epoch's cut
  };

  shard& shard_of(std::uint64_t id) const;
  bool contains(std::uint64_t id) const;
  // The entry with this id number, or null.
  static const entry* find(const shard& s, std::uint64_t id) REQUIRES(s.mutex);
  static entry* find(shard& s, std::uint64_t id) REQUIRES(s.mutex);
  // The entry of `id` when it exists and (org, owner) may see it, or null.
  static const entry* find_visible(const shard& s, std::uint64_t id, std::string_view org,
                                   std::string_view owner) REQUIRES(s.mutex);
  // Calls f(id number, entry) under the shard lock when `id` is visible to (org, owner);
  // returns whether it was.
  template <class F>
  bool with_visible(std::string_view id, std::string_view org, std::string_view owner, F&& f) const {
    const auto number = model::collection_number(id);
    if (!number) return false;
    const shard& s = shard_of(*number);
    core::mutex_lock lock{s.mutex};
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
  // Before a shard changes: copy it for the snapshot in progress, unless there is none or
  // this shard is already captured for it. A create needs no capture: entries created
  // after the cut (created_seq > cut) are left out of every copy.
  void capture(shard& s) REQUIRES(s.mutex);
  void serialize(const std::vector<captured_entry>& entries, std::string& out) const;
  // The shard's entries as of the snapshot's cut.
  void copy_at_cut(const shard& s, std::vector<captured_entry>& out) const REQUIRES(s.mutex);

  outcome apply_create(const model::create_collection& m, std::uint64_t seq);
  outcome apply_update(const model::update_collection& m);
  outcome apply_delete(const model::delete_collection& m);
  outcome apply_add_track(const model::add_track& m, std::size_t& added);
  outcome apply_add_tracks(const model::add_tracks& m, std::size_t& added);
  outcome apply_remove_track(const model::remove_track& m);
  outcome apply_reorder(const model::reorder_tracks& m);
  outcome apply_share(const model::create_share& m, std::uint64_t seq);
  // The organization records (org_records.cpp).
  outcome apply_org_state(const model::set_org_state& m);
  outcome apply_delete_org(const model::delete_org& m);
  outcome apply_import(const model::import_collection& m, std::uint64_t seq);
  outcome apply_import(const model::import_share& m, std::uint64_t seq);
  // Whether `m`, a write to a collection, goes to an organization that is not active.
  bool blocked(const model::mutation& m) const;
  // The owner of the collection numbered `number`, or null when there is none.
  const owner_index::owner* owner_of(std::uint64_t number) const;
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
  std::uint64_t snapshot_cut_seq_ = 0;  // of the snapshot in progress: set before snapshot_epoch_
  std::atomic<std::uint64_t> snapshot_epoch_{0};  // the snapshot in progress; 0: none
  share_links shares_{snapshot_epoch_};
  remembered_keys remembered_{snapshot_epoch_};
  org_states orgs_{snapshot_epoch_};
  std::uint64_t last_epoch_ = 0;                  // applier thread only
  std::uint64_t applying_seq_ = 0;  // applier thread only: the seq of the mutation being applied
  std::atomic<std::uint64_t> applied_seq_{0};
};

}  // namespace mixtape::store
