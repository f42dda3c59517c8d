#include "model/snapshot_item.hpp"

#include <type_traits>

#include "model/binary_codec.hpp"

namespace mixtape::model {
namespace {

constexpr std::uint8_t kind_collection = 1;
constexpr std::uint8_t kind_share_v1 = 2;
constexpr std::uint8_t kind_share = 3;
constexpr std::uint8_t kind_versioned_collection = 4;  // kind 1 and the version: written since snapshot version 2
constexpr std::uint8_t kind_remembered_write = 5;
constexpr std::uint8_t kind_org_status = 6;

template <class W, class F>
void remembered_fields(W& w, F& f) {
  f(w.stamp.principal);
  f(w.stamp.key);
  f(w.stamp.request_sha256);
  f(w.stamp.expires_at);
  f(w.record_type);
  f(w.number);
  f(w.text);
}
constexpr std::size_t item_prefix = 1 + 4;  // kind + length

// Every field but the tracks, which come last.
template <class C, class F>
void collection_head(C& c, F& f) {
  f(c.id);
  f(c.org);
  f(c.owner);
  f(c.name);
  f(c.description);
  f(c.cover_track_id);
  f(c.cover_image_url);
  f(c.created_at);
  f(c.updated_at);
  f(c.created_seq);
}

bool is_collection(std::uint8_t kind) { return kind == kind_collection || kind == kind_versioned_collection; }

// The fields before the tracks of a collection item of `kind`. A kind-1 item (an older
// snapshot) has no version: its collection keeps its creation's, a number as durable.
template <class C, class F>
void collection_fields(std::uint8_t kind, C& c, F& f) {
  collection_head(c, f);
  if (kind == kind_versioned_collection) f(c.version);
  else if constexpr (!std::is_const_v<C>) c.version = c.created_seq;
}

// Appends kind | length | payload, where `fill` writes the payload at the end of `out`.
template <class Fill>
void append_item(std::string& out, std::uint8_t kind, Fill&& fill) {
  out.push_back(static_cast<char>(kind));
  const std::size_t length_at = out.size();
  out.append(4, '\0');
  fill();
  const std::size_t n = out.size() - length_at - 4;
  if (n > std::numeric_limits<std::uint32_t>::max()) throw std::length_error("snapshot item too large");
  for (int i = 0; i < 4; ++i) out[length_at + i] = static_cast<char>((n >> (8 * i)) & 0xff);
}

// The fields of a kind 3 item after the create_share ones.
template <class S, class F>
void share_extra(S& s, F& f) {
  f(s.org);
  f(s.owner);
  f(s.created_seq);
  f(s.revoked_at);
}

core::problem bad_item(std::size_t offset, std::string_view why) {
  return {core::errc::corrupt_data, "",
          "snapshot item at body offset " + std::to_string(offset) + ": " + std::string{why}};
}

core::result<snapshot_item_view> decode_item(std::uint8_t kind, std::string_view payload, std::size_t offset) {
  if (kind == kind_share_v1) {
    auto m = decode(to_byte(record_type::create_share), payload);
    if (!m) return bad_item(offset, m.error().message);
    return snapshot_item_view{share_state{std::get<create_share>(std::move(m).value()), {}, {}, 0, std::nullopt}};
  }
  if (kind == kind_share) {
    share_state s;
    std::string record;
    detail::reader r{payload};
    r(record);
    share_extra(s, r);
    if (!r.ok()) return bad_item(offset, r.error());
    if (!r.at_end()) return bad_item(offset, "trailing bytes after the share link");
    auto m = decode(to_byte(record_type::create_share), record);
    if (!m) return bad_item(offset, m.error().message);
    s.link = std::get<create_share>(std::move(m).value());
    return snapshot_item_view{std::move(s)};
  }
  if (kind == kind_remembered_write) {
    remembered_write w;
    detail::reader r{payload};
    remembered_fields(w, r);
    if (!r.ok()) return bad_item(offset, r.error());
    if (!r.at_end()) return bad_item(offset, "trailing bytes after the remembered write");
    return snapshot_item_view{std::move(w)};
  }
  if (kind == kind_org_status) {
    org_status o;
    detail::reader r{payload};
    r(o.org);
    r(o.state);
    if (!r.ok()) return bad_item(offset, r.error());
    if (!r.at_end()) return bad_item(offset, "trailing bytes after the organization state");
    return snapshot_item_view{std::move(o)};
  }
  if (!is_collection(kind)) return bad_item(offset, "unknown item kind " + std::to_string(kind));
  collection_view c;
  detail::reader r{payload};
  collection_fields(kind, c.fields, r);
  r.tracks(c.tracks);
  if (!r.ok()) return bad_item(offset, r.error());
  if (!r.at_end()) return bad_item(offset, "trailing bytes after the collection");
  return snapshot_item_view{std::move(c)};
}

}  // namespace

void append_snapshot_item(std::string& out, const collection& c) {
  append_snapshot_item(out, c, c.tracks.size(),
                       [&](std::size_t i) { return snapshot_track{c.tracks[i].track_id, c.tracks[i].added_at}; });
}

void append_snapshot_item(std::string& out, const collection& c, std::size_t track_count,
                          const std::function<snapshot_track(std::size_t)>& track_at) {
  append_item(out, kind_versioned_collection, [&] {
    detail::writer w{out};
    collection_fields(kind_versioned_collection, c, w);
    w.count(track_count);
    for (std::size_t i = 0; i < track_count; ++i) {
      const auto [id, added_at] = track_at(i);
      w(id);
      w(added_at);
    }
  });
}

void append_snapshot_item(std::string& out, const share_state& s) {
  append_item(out, kind_share, [&] {
    detail::writer w{out};
    w(encode(mutation{s.link}));
    share_extra(s, w);
  });
}

void append_v1_share_item(std::string& out, const create_share& s) {
  append_item(out, kind_share_v1, [&] { out += encode(mutation{s}); });
}

void append_snapshot_item(std::string& out, const remembered_write& w) {
  append_item(out, kind_remembered_write, [&] {
    detail::writer wr{out};
    remembered_fields(w, wr);
  });
}

void append_snapshot_item(std::string& out, const org_status& o) {
  append_item(out, kind_org_status, [&] {
    detail::writer w{out};
    w(o.org);
    w(o.state);
  });
}

snapshot_counts count_snapshot_items(std::string_view body) {
  snapshot_counts counts;
  collection head;  // decoded into again and again: its strings keep their capacity
  for (std::size_t pos = 0; body.size() - pos >= item_prefix;) {
    std::uint32_t length = 0;
    for (int i = 3; i >= 0; --i) length = (length << 8) | static_cast<unsigned char>(body[pos + 1 + i]);
    if (length > body.size() - pos - item_prefix) break;
    if (const auto kind = static_cast<std::uint8_t>(body[pos]); is_collection(kind)) {
      detail::reader r{body.substr(pos + item_prefix, length)};
      collection_fields(kind, head, r);
      std::uint32_t tracks = 0;
      r.track_count(tracks);
      if (!r.ok()) break;
      ++counts.collections;
      counts.tracks += tracks;
    }
    pos += item_prefix + length;
  }
  return counts;
}

core::status for_each_snapshot_view(std::string_view body,
                                    const std::function<core::status(snapshot_item_view&&, std::size_t)>& f) {
  std::size_t pos = 0;
  while (pos < body.size()) {
    if (body.size() - pos < item_prefix) return bad_item(pos, "truncated item header");
    std::uint32_t length = 0;
    for (int i = 3; i >= 0; --i) length = (length << 8) | static_cast<unsigned char>(body[pos + 1 + i]);
    if (length > body.size() - pos - item_prefix) return bad_item(pos, "item length beyond the body");
    auto item = decode_item(static_cast<std::uint8_t>(body[pos]), body.substr(pos + item_prefix, length), pos);
    if (!item) return std::move(item).error();
    if (auto st = f(std::move(item).value(), pos); !st) return st;
    pos += item_prefix + length;
  }
  return core::success();
}

core::status for_each_snapshot_item(std::string_view body,
                                    const std::function<core::status(snapshot_item&&, std::size_t)>& f) {
  return for_each_snapshot_view(body, [&](snapshot_item_view&& item, std::size_t offset) {
    if (auto* share = std::get_if<share_state>(&item)) return f(snapshot_item{std::move(*share)}, offset);
    if (auto* w = std::get_if<remembered_write>(&item)) return f(snapshot_item{std::move(*w)}, offset);
    if (auto* o = std::get_if<org_status>(&item)) return f(snapshot_item{std::move(*o)}, offset);
    auto& view = std::get<collection_view>(item);
    view.fields.tracks.reserve(view.tracks.size());
    for (const auto& [id, added_at] : view.tracks) view.fields.tracks.push_back({std::string{id}, added_at});
    return f(snapshot_item{std::move(view.fields)}, offset);
  });
}

}  // namespace mixtape::model
