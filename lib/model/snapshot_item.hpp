#pragma once
// The items of a snapshot body (docs/journal-format.md, "Snapshot body"):
//   item := kind u8 | length u32le | payload (length bytes)
//   kind 1, a collection: id, org, owner, name (strings), description, cover_track_id,
//          cover_image_url (optional strings), created_at, updated_at (i64), created_seq
//          (u64), tracks (u32 count + (track_id string, added_at i64) each)
//   kind 2, a share link (snapshot version 1 only, still read): exactly the payload of a
//          create_share record (model::encode)
//   kind 3, a share link with its state (version 2, written): the create_share payload as
//          a string (u32 length + bytes), then org, owner (strings), created_seq (u64),
//          revoked_at (optional i64)
//   kind 4, a collection with its version: kind 1's fields up to created_seq, then version
//          (u64), then the tracks. Written since snapshot version 2; kind 1 is still read.
//   kind 5, a remembered Idempotency-Key (remembered_write): principal, key (strings),
//          request digest (32 bytes), expires_at (i64), record_type (u8), number (u64),
//          text (string). Version 2.
//   kind 6, an organization not active (org_status): org (string), state (u8, as in the
//          set_org_state record). Version 2, since organizations can be frozen; a body
//          without any is what older servers wrote.
// Encodings of the fields are those of mutation records. Items may come in any order.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/result.hpp"
#include "model/collection.hpp"
#include "model/mutation.hpp"

namespace mixtape::model {

// A share link as a snapshot keeps it: the record that created it, who created it (the
// collection's org and owner then; empty when read from a kind 2 item), the seq of that
// record (orders a collection's links; 0 from a kind 2 item) and when it was revoked.
struct share_state {
  create_share link;
  std::string org, owner;
  std::uint64_t created_seq = 0;
  std::optional<core::unix_seconds> revoked_at;
};

// What an Idempotency-Key's first write left to replay its answer (service/idempotency.cpp
// renders it again from these and the request, which the digest pins).
struct remembered_write {
  idempotency_stamp stamp;       // principal, key, request digest, expiry
  std::uint8_t record_type = 0;  // of the write: create_collection, add_track(s) or create_share
  std::uint64_t number = 0;      // add_tracks: how many it added; create, share: its time
  std::string text;              // create: the collection id; share: the share id
};

// An organization that is frozen or importing (an active one has no item).
struct org_status {
  std::string org;
  org_state state = org_state::active;
};

using snapshot_item = std::variant<collection, share_state, remembered_write, org_status>;

void append_snapshot_item(std::string& out, const collection& c);
// The same item, with the tracks taken from `track_at(i)` for i in 0 .. track_count - 1
// instead of c.tracks (which is ignored): the store writes its own compact track form.
using snapshot_track = std::pair<std::string_view, core::unix_seconds>;  // track_id, added_at
void append_snapshot_item(std::string& out, const collection& c, std::size_t track_count,
                          const std::function<snapshot_track(std::size_t i)>& track_at);
void append_snapshot_item(std::string& out, const share_state& s);
// A kind 2 item, as version 1 snapshots hold them (for tests of reading old snapshots).
void append_v1_share_item(std::string& out, const create_share& s);
void append_snapshot_item(std::string& out, const remembered_write& w);
void append_snapshot_item(std::string& out, const org_status& o);

// Decodes `body` item by item and passes each to `f` with its byte offset in the body.
// A malformed item (unknown kind, bad length, undecodable payload) is corrupt_data with
// "snapshot item at body offset N: <why>". A problem returned by `f` stops the walk.
core::status for_each_snapshot_item(std::string_view body,
                                    const std::function<core::status(snapshot_item&& item, std::size_t offset)>& f);

// The same walk without copying track ids (a store loads millions): a collection comes with
// `tracks` empty and its tracks as views into `body`.
struct collection_view {
  collection fields;
  std::vector<snapshot_track> tracks;
};
using snapshot_item_view = std::variant<collection_view, share_state, remembered_write, org_status>;

// How many collections and track references a body holds, read without decoding the
// tracks (a load sizes its tables with it). Stops at a malformed item: loading reports it.
struct snapshot_counts {
  std::size_t collections = 0;
  std::size_t tracks = 0;
};
snapshot_counts count_snapshot_items(std::string_view body);
core::status for_each_snapshot_view(std::string_view body,
                                    const std::function<core::status(snapshot_item_view&& item, std::size_t offset)>& f);

}  // namespace mixtape::model
