#pragma once
// Mutations: what one journal record says happened. Each record carries full values
// (never deltas that depend on replay across files), so applying the same sequence
// of mutations to an empty store always yields the same state.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "model/collection.hpp"
#include "model/requests.hpp"

namespace mixtape::model {

struct create_collection {
  std::string id, org, owner, name;
  std::optional<std::string> description, cover_track_id, cover_image_url;
  core::unix_seconds at = 0;
};
struct update_collection {
  std::string id;
  std::optional<std::string> name;
  nullable_update description, cover_track_id, cover_image_url;
  core::unix_seconds at = 0;
};
struct delete_collection {
  std::string id;
  core::unix_seconds at = 0;
};
struct add_track {
  std::string collection_id, track_id;
  core::unix_seconds at = 0;
  std::uint32_t limit = 0;  // the track limit in force when accepted: replay is exact
};
struct remove_track {
  std::string collection_id, track_id;
  core::unix_seconds at = 0;
};
struct reorder_tracks {
  std::string collection_id;
  std::vector<std::string> ordered_track_ids;
  core::unix_seconds at = 0;
};
// Batch add: the ids not yet members are appended in order, or none when they would take
// the collection past `limit`.
struct add_tracks {
  std::string collection_id;
  std::vector<std::string> track_ids;
  core::unix_seconds at = 0;
  std::uint32_t limit = 0;
};
struct create_share {
  std::string share_id, collection_id;
  std::array<unsigned char, 32> token_sha256{};
  share_visibility visibility = share_visibility::link_only;
  std::optional<core::unix_seconds> expires_at;
  core::unix_seconds at = 0;
};

// Revokes a share link: its token then resolves like an unknown one. Revoking a revoked
// link changes nothing (the first revocation time stays).
struct revoke_share {
  std::string share_id;
  core::unix_seconds at = 0;
};

struct guarded_write;

// An organization's state (SPEC §10, docs/operations.md "Moving an organization"): writes to
// a frozen or importing organization do not apply (the service answers 503), on replay too;
// only an importing one admits import_collection and import_share.
enum class org_state : std::uint8_t { active = 0, frozen = 1, importing = 2 };
struct set_org_state {
  std::string org;
  org_state state = org_state::active;
  core::unix_seconds at = 0;
};
// Removes an organization: its collections, their share links and its state. Also the
// rollback of an import that did not finish.
struct delete_org {
  std::string org;
  core::unix_seconds at = 0;
};
// One collection of an import, whole (fields, owner, tracks with added_at; c.created_seq and
// c.version are not stored: the record's seq becomes both). Applies only while c.org is
// importing and c.id is not in use.
struct import_collection {
  collection c;
  core::unix_seconds at = 0;  // when it was imported
};
// One share link of an import: `link` as first made (link.at its creation time), created by
// (org, owner), revoked at `revoked_at`. Applies only while `org` is importing and the link's
// collection is one of org's or none at all (a link outlives its deleted collection).
struct import_share {
  std::string org, owner;
  create_share link;
  std::optional<core::unix_seconds> revoked_at;
  core::unix_seconds at = 0;  // when it was imported
};

using mutation = std::variant<create_collection, update_collection, delete_collection, add_track,
                              remove_track, reorder_tracks, create_share, add_tracks, revoke_share,
                              guarded_write, set_org_state, delete_org, import_collection, import_share>;

// Who may replay a write's answer (docs/openapi.yaml, the Idempotency-Key parameter): the
// principal's key, with a digest of the request it was first sent with, remembered until
// `expires_at`.
struct idempotency_stamp {
  std::string principal, key;  // key empty: the write carries no Idempotency-Key
  std::array<unsigned char, 32> request_sha256{};
  core::unix_seconds expires_at = 0;
};

// A write with conditions (record type 10): `inner` applies only when the collection it
// writes to is at version `if_match` (0: unconditional), so the check runs in journal order,
// at apply time, on replay too. `idempotency` travels with the write so that its answer can
// be replayed after a restart. `inner` is never itself a guarded_write.
struct guarded_write {
  std::uint64_t if_match = 0;
  idempotency_stamp idempotency;
  std::shared_ptr<const mutation> inner;
};

// The collection a write changes: its id for every alternative but create_collection,
// revoke_share, set_org_state and delete_org (a guarded write: its inner write's; an import
// record: the collection it brings or links), empty for those.
std::string_view target_collection(const mutation& m) noexcept;
// Whether `m` is a client's write to collections and links (types 1-10), as opposed to an
// organization record (11-14).
bool is_collection_write(const mutation& m) noexcept;
// The time a write happened (every alternative's `at`; a guarded write's inner one's).
core::unix_seconds time_of(const mutation& m) noexcept;

// The journal record type byte of each mutation (docs/journal-format.md §2, "Record types
// and payloads"). The values are on disk: never renumber one. A new mutation takes the next
// value and goes at the end of `mutation`; mutation.cpp's static_assert ties the variant's
// order to these values, so reordering it fails to compile instead of changing the format.
enum class record_type : std::uint8_t {
  create_collection = 1,
  update_collection = 2,
  delete_collection = 3,
  add_track = 4,
  remove_track = 5,
  reorder_tracks = 6,
  create_share = 7,
  add_tracks = 8,
  revoke_share = 9,
  guarded_write = 10,
  set_org_state = 11,
  delete_org = 12,
  import_collection = 13,
  import_share = 14,
};
constexpr std::uint8_t to_byte(record_type t) noexcept { return static_cast<std::uint8_t>(t); }

// The record type of each alternative of `mutation`.
template <class T>
inline constexpr record_type record_type_of = T::no_record_type;  // only the specializations exist
template <> inline constexpr record_type record_type_of<create_collection> = record_type::create_collection;
template <> inline constexpr record_type record_type_of<update_collection> = record_type::update_collection;
template <> inline constexpr record_type record_type_of<delete_collection> = record_type::delete_collection;
template <> inline constexpr record_type record_type_of<add_track> = record_type::add_track;
template <> inline constexpr record_type record_type_of<remove_track> = record_type::remove_track;
template <> inline constexpr record_type record_type_of<reorder_tracks> = record_type::reorder_tracks;
template <> inline constexpr record_type record_type_of<create_share> = record_type::create_share;
template <> inline constexpr record_type record_type_of<add_tracks> = record_type::add_tracks;
template <> inline constexpr record_type record_type_of<revoke_share> = record_type::revoke_share;
template <> inline constexpr record_type record_type_of<guarded_write> = record_type::guarded_write;
template <> inline constexpr record_type record_type_of<set_org_state> = record_type::set_org_state;
template <> inline constexpr record_type record_type_of<delete_org> = record_type::delete_org;
template <> inline constexpr record_type record_type_of<import_collection> = record_type::import_collection;
template <> inline constexpr record_type record_type_of<import_share> = record_type::import_share;

// The record type of a mutation, and its byte as the journal stores it.
record_type type_of(const mutation& m) noexcept;
inline std::uint8_t type_byte(const mutation& m) noexcept { return to_byte(type_of(m)); }
// The name of a record type byte ("create_collection", ...), "type_<n>" for an unknown one.
std::string type_name(std::uint8_t type);

// Compact little-endian binary encoding (strings: u32 length + bytes; optionals: a
// presence byte). Versioned by the journal file header.
std::string encode(const mutation& m);
// Inverse of encode. Any malformed payload (unknown type, short, trailing bytes,
// oversized lengths) is a problem with code corrupt_data; never reads out of bounds.
core::result<mutation> decode(std::uint8_t type, std::string_view payload);

}  // namespace mixtape::model
