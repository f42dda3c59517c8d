// Binary form of a mutation: the fields of its alternative, in declaration order, each as
//   string          u32 length (LE) + bytes
//   optional<T>     u8 presence (0/1) [+ T]
//   nullable_update u8 0 absent / 1 null / 2 value + string
//   vector<string>  u32 count + strings
//   int64 / uint32  fixed-width little-endian
//   token hash      32 raw bytes;  visibility: u8 (0 link_only, 1 public)
//   org_state       u8 (0 active, 1 frozen, 2 importing)
//   track list      u32 count + (track_id string, added_at int64) each
// One field list per alternative (`fields`) drives both the encoder and the decoder, so
// the two cannot drift apart.
#include "model/mutation.hpp"

#include <concepts>
#include <type_traits>
#include <utility>

#include "model/binary_codec.hpp"

namespace mixtape::model {
namespace {

using detail::reader;
using detail::writer;

template <class M, class T>
concept is = std::same_as<std::remove_const_t<M>, T>;

template <class M, class F> requires is<M, create_collection>
void fields(M& m, F& f) {
  f(m.id);
  f(m.org);
  f(m.owner);
  f(m.name);
  f(m.description);
  f(m.cover_track_id);
  f(m.cover_image_url);
  f(m.at);
}
template <class M, class F> requires is<M, update_collection>
void fields(M& m, F& f) {
  f(m.id);
  f(m.name);
  f(m.description);
  f(m.cover_track_id);
  f(m.cover_image_url);
  f(m.at);
}
template <class M, class F> requires is<M, delete_collection>
void fields(M& m, F& f) {
  f(m.id);
  f(m.at);
}
template <class M, class F> requires is<M, add_track>
void fields(M& m, F& f) {
  f(m.collection_id);
  f(m.track_id);
  f(m.at);
  f(m.limit);
}
template <class M, class F> requires is<M, remove_track>
void fields(M& m, F& f) {
  f(m.collection_id);
  f(m.track_id);
  f(m.at);
}
template <class M, class F> requires is<M, reorder_tracks>
void fields(M& m, F& f) {
  f(m.collection_id);
  f(m.ordered_track_ids);
  f(m.at);
}
template <class M, class F> requires is<M, create_share>
void fields(M& m, F& f) {
  f(m.share_id);
  f(m.collection_id);
  f(m.token_sha256);
  f(m.visibility);
  f(m.expires_at);
  f(m.at);
}

template <class M, class F> requires is<M, add_tracks>
void fields(M& m, F& f) {
  f(m.collection_id);
  f(m.track_ids);
  f(m.at);
  f(m.limit);
}

template <class M, class F> requires is<M, revoke_share>
void fields(M& m, F& f) {
  f(m.share_id);
  f(m.at);
}

template <class M, class F> requires is<M, set_org_state>
void fields(M& m, F& f) {
  f(m.org);
  f(m.state);
  f(m.at);
}

template <class M, class F> requires is<M, delete_org>
void fields(M& m, F& f) {
  f(m.org);
  f(m.at);
}

template <class M, class F> requires is<M, import_collection>
void fields(M& m, F& f) {
  f(m.c.id);
  f(m.c.org);
  f(m.c.owner);
  f(m.c.name);
  f(m.c.description);
  f(m.c.cover_track_id);
  f(m.c.cover_image_url);
  f(m.c.created_at);
  f(m.c.updated_at);
  f(m.c.tracks);
  f(m.at);
}

template <class M, class F> requires is<M, import_share>
void fields(M& m, F& f) {
  f(m.org);
  f(m.owner);
  fields(m.link, f);
  f(m.revoked_at);
  f(m.at);
}

// guarded_write: if_match u64, principal, key (strings), request digest (32 bytes),
// expires_at i64, then the inner record: type u8 and payload (a string).
template <class M, class F> requires is<M, guarded_write>
void stamp_fields(M& m, F& f) {
  f(m.if_match);
  f(m.idempotency.principal);
  f(m.idempotency.key);
  f(m.idempotency.request_sha256);
  f(m.idempotency.expires_at);
}

core::result<mutation> decode_guarded(std::string_view payload);

core::problem corrupt(std::string message) {
  return core::problem{core::errc::corrupt_data, "", std::move(message)};
}

template <class M>
core::result<mutation> decode_as(std::string_view payload) {
  M m;
  reader r(payload);
  fields(m, r);
  if (!r.ok()) return corrupt(r.error());
  if (!r.at_end()) return corrupt("trailing bytes after record payload");
  return mutation{std::move(m)};
}

core::result<mutation> decode_guarded(std::string_view payload) {
  guarded_write g;
  reader r(payload);
  stamp_fields(g, r);
  std::uint8_t inner_type = 0;
  std::string inner;
  r(inner_type);
  r(inner);
  if (!r.ok()) return corrupt(r.error());
  if (!r.at_end()) return corrupt("trailing bytes after record payload");
  if (inner_type == to_byte(record_type::guarded_write)) return corrupt("a guarded write inside a guarded write");
  auto m = decode(inner_type, inner);
  if (!m) return std::move(m).error();
  g.inner = std::make_shared<const mutation>(std::move(m).value());
  return mutation{std::move(g)};
}

}  // namespace

template <std::size_t... I>
constexpr bool types_follow_the_variant(std::index_sequence<I...>) {
  return ((to_byte(record_type_of<std::variant_alternative_t<I, mutation>>) == I + 1) && ...);
}
static_assert(types_follow_the_variant(std::make_index_sequence<std::variant_size_v<mutation>>{}),
              "the alternatives of `mutation` must be in record_type order: the values are on disk");

record_type type_of(const mutation& m) noexcept {
  return std::visit([](const auto& alt) { return record_type_of<std::decay_t<decltype(alt)>>; }, m);
}

std::string type_name(std::uint8_t type) {
  switch (static_cast<record_type>(type)) {
    case record_type::create_collection: return "create_collection";
    case record_type::update_collection: return "update_collection";
    case record_type::delete_collection: return "delete_collection";
    case record_type::add_track: return "add_track";
    case record_type::remove_track: return "remove_track";
    case record_type::reorder_tracks: return "reorder_tracks";
    case record_type::create_share: return "create_share";
    case record_type::add_tracks: return "add_tracks";
    case record_type::revoke_share: return "revoke_share";
    case record_type::guarded_write: return "guarded_write";
    case record_type::set_org_state: return "set_org_state";
    case record_type::delete_org: return "delete_org";
    case record_type::import_collection: return "import_collection";
    case record_type::import_share: return "import_share";
  }
  return "type_" + std::to_string(type);
}

std::string encode(const mutation& m) {
  std::string out;
  writer w(out);
  if (const auto* g = std::get_if<guarded_write>(&m)) {
    stamp_fields(*g, w);
    w(type_byte(*g->inner));
    w(encode(*g->inner));
    return out;
  }
  std::visit(
      [&](const auto& alt) {
        if constexpr (!std::is_same_v<std::decay_t<decltype(alt)>, guarded_write>) fields(alt, w);
      },
      m);
  return out;
}

bool is_collection_write(const mutation& m) noexcept { return to_byte(type_of(m)) <= to_byte(record_type::guarded_write); }

core::unix_seconds time_of(const mutation& m) noexcept {
  return std::visit(
      [](const auto& alt) -> core::unix_seconds {
        if constexpr (std::is_same_v<std::decay_t<decltype(alt)>, guarded_write>) return alt.inner ? time_of(*alt.inner) : 0;
        else return alt.at;
      },
      m);
}

std::string_view target_collection(const mutation& m) noexcept {
  return std::visit(
      [](const auto& alt) -> std::string_view {
        using T = std::decay_t<decltype(alt)>;
        if constexpr (std::is_same_v<T, create_collection> || std::is_same_v<T, revoke_share> ||
                      std::is_same_v<T, set_org_state> || std::is_same_v<T, delete_org>)
          return {};
        else if constexpr (std::is_same_v<T, guarded_write>) return alt.inner ? target_collection(*alt.inner) : "";
        else if constexpr (std::is_same_v<T, import_collection>) return alt.c.id;
        else if constexpr (std::is_same_v<T, import_share>) return alt.link.collection_id;
        else if constexpr (requires { alt.collection_id; }) return alt.collection_id;
        else return alt.id;
      },
      m);
}

static_assert(std::variant_size_v<mutation> == 14, "decode() and type_name() must list every alternative");

core::result<mutation> decode(std::uint8_t type, std::string_view payload) {
  switch (static_cast<record_type>(type)) {
    case record_type::create_collection: return decode_as<create_collection>(payload);
    case record_type::update_collection: return decode_as<update_collection>(payload);
    case record_type::delete_collection: return decode_as<delete_collection>(payload);
    case record_type::add_track: return decode_as<add_track>(payload);
    case record_type::remove_track: return decode_as<remove_track>(payload);
    case record_type::reorder_tracks: return decode_as<reorder_tracks>(payload);
    case record_type::create_share: return decode_as<create_share>(payload);
    case record_type::add_tracks: return decode_as<add_tracks>(payload);
    case record_type::revoke_share: return decode_as<revoke_share>(payload);
    case record_type::guarded_write: return decode_guarded(payload);
    case record_type::set_org_state: return decode_as<set_org_state>(payload);
    case record_type::delete_org: return decode_as<delete_org>(payload);
    case record_type::import_collection: return decode_as<import_collection>(payload);
    case record_type::import_share: return decode_as<import_share>(payload);
  }
  return corrupt("unknown record type " + std::to_string(type));
}

}  // namespace mixtape::model
