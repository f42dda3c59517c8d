// Problems are reported in this order: the line (not one JSON object, a '\r' or '\n' in it),
// "type", an unknown member, a missing member, then the members' values in the order the
// line format lists them.
#include "model/org_export.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <tuple>
#include <vector>

#include <boost/json/object.hpp>

#include "core/identifiers.hpp"
#include "core/ids.hpp"
#include "core/sha256.hpp"
#include "core/text.hpp"
#include "model/requests.hpp"
#include "model/validation.hpp"

namespace mixtape::model {
namespace {

namespace json = boost::json;
using core::problem;
using core::result;

constexpr std::string_view header_type = "mixtape-org-export";
constexpr core::unix_seconds latest_time = 253'402'300'799;  // 9999-12-31T23:59:59Z, append_utc's last

// --- writing

void append_key(std::string& out, std::string_view key) {
  out += ",\"";
  out += key;
  out += "\":";
}

// `track_at(i)` gives the i-th of `count` tracks as a snapshot_track.
template <class TrackAt>
void append_collection(std::string& out, const collection& c, std::size_t count, TrackAt&& track_at) {
  out += "{\"type\":\"collection\"";
  append_key(out, "id");
  append_json_string(out, c.id);
  append_key(out, "owner");
  append_json_string(out, c.owner);
  append_key(out, "name");
  append_json_string(out, c.name);
  append_key(out, "description");
  core::append_json_nullable(out, c.description);
  append_key(out, "cover_track_id");
  core::append_json_nullable(out, c.cover_track_id);
  append_key(out, "cover_image_url");
  core::append_json_nullable(out, c.cover_image_url);
  append_key(out, "created_at");
  core::append_json_time(out, c.created_at);
  append_key(out, "updated_at");
  core::append_json_time(out, c.updated_at);
  append_key(out, "version");
  core::append_json_number(out, c.version);
  append_key(out, "tracks");
  out += '[';
  for (std::size_t i = 0; i < count; ++i) {
    const snapshot_track t = track_at(i);
    out += i == 0 ? "{\"track_id\":" : ",{\"track_id\":";
    append_json_string(out, t.first);
    append_key(out, "added_at");
    core::append_json_time(out, t.second);
    out += '}';
  }
  out += "]}\n";
}

// --- reading

problem invalid(std::string field, std::string message) {
  return problem::validation(std::move(field), std::move(message));
}
std::string cat(std::string_view a, std::string_view b) {
  std::string s{a};
  s += b;
  return s;
}

// The members of `obj`, in the order of `names`. `obj` must have exactly these: a problem
// names the first member that is not one of them, else the first of them it lacks, by
// `field(key)`.
template <std::size_t N, class FieldName>
result<std::array<const json::value*, N>> members(const json::object& obj, const std::array<std::string_view, N>& names,
                                                  FieldName&& field) {
  std::array<const json::value*, N> found{};
  for (const auto& kv : obj) {
    const auto at = std::find(names.begin(), names.end(), std::string_view{kv.key()});
    if (at == names.end()) {
      std::string f = field(kv.key());
      std::string m = "unknown field ";
      append_json_string(m, f);  // quoted and escaped: the message stays one line
      return invalid(std::move(f), std::move(m));
    }
    found[static_cast<std::size_t>(at - names.begin())] = &kv.value();
  }
  for (std::size_t i = 0; i < N; ++i)
    if (found[i] == nullptr) {
      std::string f = field(names[i]);
      std::string m = cat(f, " is required");
      return invalid(std::move(f), std::move(m));
    }
  return found;
}
std::string same_name(std::string_view key) { return std::string{key}; }

result<std::uint64_t> read_unsigned(std::string_view field, const json::value& v) {
  // Boost.JSON gives int64 up to INT64_MAX, uint64 above; parse_strict_object saturates
  // a literal beyond 64 bits to UINT64_MAX.
  if (v.is_uint64()) return v.get_uint64();
  if (v.is_int64() && v.get_int64() >= 0) return static_cast<std::uint64_t>(v.get_int64());
  return invalid(std::string{field}, cat(field, " must be an unsigned integer"));
}

// An RFC 3339 date-time that append_utc writes back as it was read: 1970 to 9999.
std::optional<core::unix_seconds> time_of(const json::value& v) {
  if (!v.is_string()) return std::nullopt;
  const auto t = core::parse_rfc3339(v.get_string());
  if (!t || *t < 0 || *t > latest_time) return std::nullopt;
  return t;
}
problem bad_time(std::string field) {
  std::string m = cat(field, " must be an RFC 3339 date-time from 1970 to 9999, such as \"2026-12-07T10:04:59Z\"");
  return invalid(std::move(field), std::move(m));
}

result<core::unix_seconds> read_time(std::string_view field, const json::value& v) {
  const auto t = time_of(v);
  if (!t) return bad_time(std::string{field});
  return *t;
}

result<std::optional<core::unix_seconds>> read_nullable_time(std::string_view field, const json::value& v) {
  if (v.is_null()) return std::optional<core::unix_seconds>{};
  auto t = read_time(field, v);
  if (!t) return std::move(t).error();
  return std::optional<core::unix_seconds>{t.value()};
}

// owner, creator: a principal's name as the keys file takes one (non-empty, no control
// characters), so that whatever a server exported it imports again.
result<std::string> read_principal(std::string_view field, const json::value& v) {
  if (!v.is_string() || v.get_string().empty() || core::has_control_chars(v.get_string()))
    return invalid(std::string{field}, cat(field, " must be a non-empty string without control characters"));
  return std::string{std::string_view{v.get_string()}};
}

result<std::string> read_collection_id(std::string_view field, const json::value& v) {
  if (!v.is_string() || !collection_number(v.get_string()))
    return invalid(std::string{field}, cat(field, " must be a collection id (mcoll_ followed by 12 lowercase hex digits)"));
  return std::string{std::string_view{v.get_string()}};
}

// --- the four kinds of line

constexpr std::array<std::string_view, 4> header_members = {"type", "version", "org", "seq"};

result<export_line> read_header(const json::object& obj) {
  auto m = members(obj, header_members, same_name);
  if (!m) return std::move(m).error();
  const auto& [type, version, org, seq] = m.value();
  const auto v = read_unsigned("version", *version);
  static_assert(export_format_version == 1, "the message names the version");
  if (!v || v.value() != export_format_version) return invalid("version", "version must be 1");
  export_header h;
  if (!org->is_string() || org->get_string().empty()) return invalid("org", "org must be a non-empty string");
  h.org = std::string_view{org->get_string()};
  auto s = read_unsigned("seq", *seq);
  if (!s) return std::move(s).error();
  h.seq = s.value();
  return export_line{std::move(h)};
}

constexpr std::array<std::string_view, 11> collection_members = {
    "type", "id", "owner", "name", "description", "cover_track_id", "cover_image_url",
    "created_at", "updated_at", "version", "tracks"};
constexpr std::array<std::string_view, 2> track_members = {"track_id", "added_at"};

std::string element(std::size_t i) { return "tracks[" + std::to_string(i) + "]"; }

result<std::vector<track_entry>> read_tracks(const json::value& v, std::uint32_t max_tracks) {
  const json::array* a = v.if_array();
  if (a == nullptr || a->size() > max_tracks)
    return invalid("tracks", "tracks must be an array of at most " + std::to_string(max_tracks) + " tracks");
  std::vector<track_entry> tracks;
  std::vector<std::string_view> ids;  // into `a`
  tracks.reserve(a->size());
  ids.reserve(a->size());
  for (std::size_t i = 0; i < a->size(); ++i) {
    const json::object* o = (*a)[i].if_object();
    if (o == nullptr) return invalid(element(i), element(i) + " must be an object with track_id and added_at");
    auto m = members(*o, track_members, [i](std::string_view key) { return element(i) + "." + std::string{key}; });
    if (!m) return std::move(m).error();
    const auto& [track_id, added_at] = m.value();
    if (!track_id->is_string() || !is_track_id(track_id->get_string())) {
      std::string f = element(i) + ".track_id";
      return invalid(f, track_id_problem(f));
    }
    const auto t = time_of(*added_at);
    if (!t) return bad_time(element(i) + ".added_at");
    ids.emplace_back(track_id->get_string());
    tracks.push_back({std::string{ids.back()}, *t});
  }
  if (const std::string_view* repeat = first_repeat(ids)) {
    std::string f = element(static_cast<std::size_t>(repeat - ids.data())) + ".track_id";
    std::string m = f;
    m += " repeats ";
    append_json_string(m, *repeat);
    m += ", listed earlier in the collection";
    return invalid(std::move(f), std::move(m));
  }
  return tracks;
}

result<export_line> read_collection(const json::object& obj, const export_limits& limits) {
  auto m = members(obj, collection_members, same_name);
  if (!m) return std::move(m).error();
  const auto& [type, id, owner, name, description, cover_track_id, cover_image_url, created_at, updated_at,
               version, tracks] = m.value();
  collection c;
  auto cid = read_collection_id("id", *id);
  if (!cid) return std::move(cid).error();
  c.id = std::move(cid).value();
  auto who = read_principal("owner", *owner);
  if (!who) return std::move(who).error();
  c.owner = std::move(who).value();
  auto n = read_collection_name(*name);
  if (!n) return std::move(n).error();
  c.name = std::move(n).value();
  for (const auto& [key, value, slot] : {std::tuple{"description", description, &c.description},
                                         std::tuple{"cover_track_id", cover_track_id, &c.cover_track_id},
                                         std::tuple{"cover_image_url", cover_image_url, &c.cover_image_url}}) {
    auto text = read_collection_text(key, *value);
    if (!text) return std::move(text).error();
    *slot = std::move(text).value();
  }
  auto created = read_time("created_at", *created_at);
  if (!created) return std::move(created).error();
  c.created_at = created.value();
  auto updated = read_time("updated_at", *updated_at);
  if (!updated) return std::move(updated).error();
  c.updated_at = updated.value();
  auto ver = read_unsigned("version", *version);
  if (!ver) return std::move(ver).error();
  c.version = ver.value();
  auto t = read_tracks(*tracks, limits.max_tracks);
  if (!t) return std::move(t).error();
  c.tracks = std::move(t).value();
  return export_line{std::move(c)};
}

constexpr std::array<std::string_view, 9> share_members = {
    "type", "id", "collection_id", "token_sha256", "visibility", "expires_at", "created_at", "creator",
    "revoked_at"};

result<export_line> read_share(const json::object& obj) {
  auto m = members(obj, share_members, same_name);
  if (!m) return std::move(m).error();
  const auto& [type, id, collection_id, token, visibility, expires_at, created_at, creator, revoked_at] = m.value();
  share_state s;
  if (!id->is_string() || !is_share_id(id->get_string()))
    return invalid("id", "id must be a share id (mslink_ followed by 12 lowercase hex digits)");
  s.link.share_id = std::string_view{id->get_string()};
  auto cid = read_collection_id("collection_id", *collection_id);
  if (!cid) return std::move(cid).error();
  s.link.collection_id = std::move(cid).value();
  const bool lower_hex = token->is_string() &&
                         std::all_of(token->get_string().begin(), token->get_string().end(), core::detail::is_lower_hex);
  if (!lower_hex || !core::parse_digest_hex(token->get_string(), s.link.token_sha256))
    return invalid("token_sha256", "token_sha256 must be 64 lowercase hex digits");
  auto vis = read_share_visibility(*visibility);
  if (!vis) return std::move(vis).error();
  s.link.visibility = vis.value();
  auto expires = read_nullable_time("expires_at", *expires_at);
  if (!expires) return std::move(expires).error();
  s.link.expires_at = expires.value();
  auto created = read_time("created_at", *created_at);
  if (!created) return std::move(created).error();
  s.link.at = created.value();
  auto who = read_principal("creator", *creator);
  if (!who) return std::move(who).error();
  s.owner = std::move(who).value();
  auto revoked = read_nullable_time("revoked_at", *revoked_at);
  if (!revoked) return std::move(revoked).error();
  s.revoked_at = revoked.value();
  return export_line{std::move(s)};
}

constexpr std::array<std::string_view, 3> end_members = {"type", "collections", "shares"};

result<export_line> read_end(const json::object& obj) {
  auto m = members(obj, end_members, same_name);
  if (!m) return std::move(m).error();
  const auto& [type, collections, shares] = m.value();
  auto c = read_unsigned("collections", *collections);
  if (!c) return std::move(c).error();
  auto s = read_unsigned("shares", *shares);
  if (!s) return std::move(s).error();
  return export_line{export_end{c.value(), s.value()}};
}

}  // namespace

void append_export_line(std::string& out, const export_header& h) {
  out += "{\"type\":\"";
  out += header_type;
  out += '"';
  append_key(out, "version");
  core::append_json_number(out, export_format_version);
  append_key(out, "org");
  append_json_string(out, h.org);
  append_key(out, "seq");
  core::append_json_number(out, h.seq);
  out += "}\n";
}

void append_export_line(std::string& out, const collection& c) {
  append_collection(out, c, c.tracks.size(), [&](std::size_t i) {
    return snapshot_track{c.tracks[i].track_id, c.tracks[i].added_at};
  });
}

void append_export_line(std::string& out, const collection& c, std::span<const snapshot_track> tracks) {
  append_collection(out, c, tracks.size(), [&](std::size_t i) { return tracks[i]; });
}

void append_export_line(std::string& out, const share_state& s) {
  out += "{\"type\":\"share\"";
  append_key(out, "id");
  append_json_string(out, s.link.share_id);
  append_key(out, "collection_id");
  append_json_string(out, s.link.collection_id);
  append_key(out, "token_sha256");
  out += '"';
  out += core::to_hex(s.link.token_sha256);
  out += '"';
  append_key(out, "visibility");
  append_json_string(out, share_visibility_name(s.link.visibility));
  append_key(out, "expires_at");
  core::append_json_time(out, s.link.expires_at);
  append_key(out, "created_at");
  core::append_json_time(out, s.link.at);
  append_key(out, "creator");
  append_json_string(out, s.owner);
  append_key(out, "revoked_at");
  core::append_json_time(out, s.revoked_at);
  out += "}\n";
}

void append_export_line(std::string& out, const export_end& e) {
  out += "{\"type\":\"end\"";
  append_key(out, "collections");
  core::append_json_number(out, e.collections);
  append_key(out, "shares");
  core::append_json_number(out, e.shares);
  out += "}\n";
}

result<export_line> parse_export_line(std::string_view line, const export_limits& limits) {
  if (line.find_first_of("\r\n") != std::string_view::npos)
    return invalid("line", "line must not contain a carriage return or line feed");
  auto obj = parse_strict_object(line, "line");
  if (!obj) {
    problem p = std::move(obj).error();
    if (!p.message.starts_with("duplicate key ")) p.field = "line";  // not one JSON object
    return p;
  }
  const json::value* type = obj->if_contains("type");
  if (type == nullptr) return invalid("type", "type is required");
  const std::string_view t = type->is_string() ? std::string_view{type->get_string()} : std::string_view{};
  if (t == header_type) return read_header(obj.value());
  if (t == "collection") return read_collection(obj.value(), limits);
  if (t == "share") return read_share(obj.value());
  if (t == "end") return read_end(obj.value());
  return invalid("type", R"(type must be "mixtape-org-export", "collection", "share" or "end")");
}

}  // namespace mixtape::model
