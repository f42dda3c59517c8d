// Field-level rules of the request bodies (docs/openapi.yaml, the *Request schemas). Fields
// are checked in document order, so the first offending field is the one reported.
#include "model/requests.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <functional>
#include <limits>

#include "model/collection.hpp"
#include "model/validation.hpp"

namespace mixtape::model {
namespace {

namespace json = boost::json;
using core::problem;
using core::result;

constexpr std::string_view name_rule = "name must be between 1 and 512 characters";
constexpr std::string_view batch_shape = " must be an array of 1 to 100 track ids";
static_assert(max_batch_tracks == 100, "batch_shape names the limit");
}  // namespace

std::string track_id_problem(std::string_view field) {
  return std::string{field} + " must be a track id (" + std::string{core::track_id_rule} + ")";
}

namespace {
constexpr std::string_view url_rule =
    "cover_image_url must be an absolute http or https URL of at most 1024 characters";

problem invalid(std::string_view field, std::string_view message) {
  return problem::validation(std::string(field), std::string(message));
}
problem invalid(std::string_view field, std::string_view head, std::string_view tail) {
  std::string m(head);
  m += tail;
  return problem::validation(std::string(field), std::move(m));
}
problem unknown_field(std::string_view key) {
  std::string m = "unknown field ";
  append_json_string(m, key);  // quoted and escaped: the message stays one line
  return problem::validation(std::string(key), std::move(m));
}
problem required(std::string_view field) { return invalid(field, field, " is required"); }

}  // namespace

result<std::string> read_collection_name(const json::value& v) {
  if (!v.is_string()) return invalid("name", "name must be a string");
  const std::string_view s = v.get_string();
  const auto n = utf8_length(s);
  if (!n || *n < 1 || *n > max_name_chars) return invalid("name", name_rule);
  return std::string(s);
}

result<std::optional<std::string>> read_collection_text(std::string_view key, const json::value& v) {
  if (v.is_null()) return std::optional<std::string>{};
  if (!v.is_string()) return invalid(key, key, " must be a string or null");
  const std::string_view s = v.get_string();
  if (key == "cover_track_id" && !is_track_id(s)) return invalid(key, track_id_problem(key));
  if (key == "cover_image_url" && !is_cover_image_url(s)) return invalid(key, url_rule);
  return std::optional<std::string>(std::string(s));
}

// One pass over an open-addressing table of positions (a node set allocated per id cost
// more than the rest of a 10,000-id reorder together).
const std::string_view* first_repeat(const std::vector<std::string_view>& ids) {
  std::vector<std::uint32_t> table(std::bit_ceil(ids.size() * 2 + 2), 0);  // position + 1; 0: empty
  const std::size_t mask = table.size() - 1;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    std::size_t p = std::hash<std::string_view>{}(ids[i]) & mask;
    for (; table[p] != 0; p = (p + 1) & mask)
      if (ids[table[p] - 1] == ids[i]) return &ids[i];
    table[p] = static_cast<std::uint32_t>(i + 1);
  }
  return nullptr;
}

std::string_view share_visibility_name(share_visibility v) noexcept {
  return v == share_visibility::public_ ? "public" : "link_only";
}

result<share_visibility> read_share_visibility(const json::value& v) {
  for (const auto vis : {share_visibility::link_only, share_visibility::public_})
    if (v.is_string() && v.get_string() == share_visibility_name(vis)) return vis;
  return invalid("visibility", "visibility must be \"link_only\" or \"public\"");
}

namespace {

// The fields shared by create and patch, each absent (nullopt) unless the body has it.
struct collection_fields {
  std::optional<std::string> name;
  nullable_update description, cover_track_id, cover_image_url;
};

nullable_update* nullable_slot(collection_fields& f, std::string_view key) {
  if (key == "description") return &f.description;
  if (key == "cover_track_id") return &f.cover_track_id;
  if (key == "cover_image_url") return &f.cover_image_url;
  return nullptr;
}

result<collection_fields> read_collection_fields(std::string_view body) {
  auto obj = parse_strict_object(body);
  if (!obj) return std::move(obj).error();
  collection_fields f;
  for (const auto& kv : obj.value()) {
    const std::string_view key = kv.key();
    if (key == "name") {
      auto name = read_collection_name(kv.value());
      if (!name) return std::move(name).error();
      f.name = std::move(name).value();
    } else if (nullable_update* slot = nullable_slot(f, key)) {
      auto v = read_collection_text(key, kv.value());
      if (!v) return std::move(v).error();
      *slot = std::move(v).value();
    } else {
      return unknown_field(key);
    }
  }
  return f;
}

// In a create, an explicit null is the same as leaving the field out.
std::optional<std::string> flatten(nullable_update&& u) {
  return u ? std::move(*u) : std::nullopt;
}

result<std::string> read_track_id(std::string_view key, const json::value& v) {
  if (!v.is_string()) return invalid(key, key, " must be a string");
  const std::string_view s = v.get_string();
  if (!is_track_id(s)) return invalid(key, track_id_problem(key));
  return std::string(s);
}

// An array of min..max distinct track ids under `key` (ordered_track_ids, track_ids).
result<std::vector<std::string>> read_track_id_list(std::string_view key, const json::value& v, std::size_t min,
                                                    std::size_t max, std::string_view shape) {
  if (!v.is_array() || v.get_array().size() < min || v.get_array().size() > max) return invalid(key, key, shape);
  const json::array& a = v.get_array();
  std::vector<std::string_view> views;  // into `a`, which outlives them
  views.reserve(a.size());
  for (const json::value& e : a) {
    if (!e.is_string() || !is_track_id(e.get_string())) return invalid(key, key, " must contain only track ids");
    views.emplace_back(e.get_string());
  }
  if (const std::string_view* repeat = first_repeat(views)) {
    std::string m{key};
    m += " lists ";
    append_json_string(m, *repeat);
    return invalid(key, m, " more than once");
  }
  return std::vector<std::string>(views.begin(), views.end());
}

// expires_in_days: null (never), or an integer >= 1, clamped to max_share_days. Boost.JSON
// yields uint64 only above INT64_MAX, which clamps like any other large value.
result<std::optional<int>> read_expiry(const json::value& v) {
  constexpr std::string_view key = "expires_in_days";
  if (v.is_null()) return std::optional<int>{};
  if (v.is_uint64()) return std::optional<int>(max_share_days);
  if (!v.is_int64()) return invalid(key, "expires_in_days must be an integer or null");
  const std::int64_t days = v.get_int64();
  if (days < 1) return invalid(key, "expires_in_days must be at least 1");
  return std::optional<int>(static_cast<int>(std::min<std::int64_t>(days, max_share_days)));
}

}  // namespace

result<create_request> parse_create(std::string_view body) {
  auto f = read_collection_fields(body);
  if (!f) return std::move(f).error();
  if (!f->name) return required("name");
  return create_request{std::move(*f->name), flatten(std::move(f->description)),
                        flatten(std::move(f->cover_track_id)),
                        flatten(std::move(f->cover_image_url))};
}

result<patch_request> parse_patch(std::string_view body) {
  auto f = read_collection_fields(body);
  if (!f) return std::move(f).error();
  return patch_request{std::move(f->name), std::move(f->description),
                       std::move(f->cover_track_id), std::move(f->cover_image_url)};
}

result<add_track_request> parse_add_track(std::string_view body) {
  auto obj = parse_strict_object(body);
  if (!obj) return std::move(obj).error();
  std::optional<add_track_request> req;
  for (const auto& kv : obj.value()) {
    const std::string_view key = kv.key();
    if (key != "track_id" && key != "track_ids") return unknown_field(key);
    if (req) return invalid(key, "give exactly one of track_id and track_ids");
    if (key == "track_id") {
      auto id = read_track_id(key, kv.value());
      if (!id) return std::move(id).error();
      req = add_track_request{{std::move(id).value()}, false};
    } else {
      auto ids = read_track_id_list(key, kv.value(), 1, max_batch_tracks, batch_shape);
      if (!ids) return std::move(ids).error();
      req = add_track_request{std::move(ids).value(), true};
    }
  }
  if (!req) return required("track_id");
  return std::move(*req);
}

result<reorder_request> parse_reorder(std::string_view body) {
  auto obj = parse_strict_object(body);
  if (!obj) return std::move(obj).error();
  std::optional<std::vector<std::string>> ids;
  for (const auto& kv : obj.value()) {
    if (kv.key() != "ordered_track_ids") return unknown_field(kv.key());
    constexpr auto any_length = std::numeric_limits<std::size_t>::max();  // the body limit bounds it
    auto list = read_track_id_list(kv.key(), kv.value(), 0, any_length, " must be an array of track ids");
    if (!list) return std::move(list).error();
    ids = std::move(list).value();
  }
  if (!ids) return required("ordered_track_ids");
  return reorder_request{std::move(*ids)};
}

result<share_request> parse_share(std::string_view body) {
  if (body.empty()) return share_request{};
  auto obj = parse_strict_object(body);
  if (!obj) return std::move(obj).error();
  share_request r;
  for (const auto& kv : obj.value()) {
    if (kv.key() == "visibility") {
      auto vis = read_share_visibility(kv.value());
      if (!vis) return std::move(vis).error();
      r.visibility = vis.value();
    } else if (kv.key() == "expires_in_days") {
      auto days = read_expiry(kv.value());
      if (!days) return std::move(days).error();
      r.expires_in_days = days.value();
    } else {
      return unknown_field(kv.key());
    }
  }
  return r;
}

}  // namespace mixtape::model
