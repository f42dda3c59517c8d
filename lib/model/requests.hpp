#pragma once
// Strict parsing of request bodies (docs/openapi.yaml, the *Request schemas and the 422
// ValidationFailed response): a body must be one JSON object with no duplicate keys and no
// unknown fields; every field has its type and range checked. Every failure is a
// core::problem with code validation_failed, `field` set to the offending field ("body"
// when the body as a whole is wrong) and a one-line message such as "name must be between 1
// and 512 characters".
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/result.hpp"

namespace mixtape::model {

// Parses `body` as a single JSON object, rejecting invalid JSON/UTF-8, trailing
// data, non-objects, duplicate keys at any depth, and nesting deeper than 32.
// `what` names the document in messages ("request body is not valid JSON ...").
// "<field> must be a track id (mtrack_ followed by 1 to 64 letters or digits)": the one
// wording of that error, for bodies and paths alike.
std::string track_id_problem(std::string_view field);

core::result<boost::json::object> parse_strict_object(std::string_view body,
                                                      std::string_view what = "request body");

// A nullable field in a PATCH: absent (nullopt), explicit null (optional holding nullopt),
// or a value.
using nullable_update = std::optional<std::optional<std::string>>;

struct create_request {
  std::string name;                            // required, 1..512 code points
  std::optional<std::string> description;      // null or absent: none
  std::optional<std::string> cover_track_id;   // is_track_id
  std::optional<std::string> cover_image_url;  // is_cover_image_url
};
core::result<create_request> parse_create(std::string_view body);

struct patch_request {
  std::optional<std::string> name;  // null is a 422
  nullable_update description;
  nullable_update cover_track_id;
  nullable_update cover_image_url;
};
core::result<patch_request> parse_patch(std::string_view body);

// POST .../tracks: {"track_id": ID} or {"track_ids": [ID, ...]} (exactly one of the two).
inline constexpr std::size_t max_batch_tracks = 100;
struct add_track_request {
  std::vector<std::string> track_ids;  // each is_track_id; "track_ids": 1..100, distinct
  bool batch = false;                  // the body used "track_ids" (its reply differs)
};
core::result<add_track_request> parse_add_track(std::string_view body);

struct reorder_request {
  std::vector<std::string> ordered_track_ids;  // required array; each is_track_id, no repeats
};
core::result<reorder_request> parse_reorder(std::string_view body);

enum class share_visibility : unsigned char { link_only = 0, public_ = 1 };
inline constexpr int max_share_days = 90;

struct share_request {
  share_visibility visibility = share_visibility::link_only;
  std::optional<int> expires_in_days;  // >= 1; values over 90 clamped to 90; null/absent: never
};
// An empty body (size 0) is the same as {}.
core::result<share_request> parse_share(std::string_view body);

// Readers of single members, shared with the organization export (model/org_export.hpp):
// both refuse a value with the same field and message.
// "name": a string of 1..512 code points.
core::result<std::string> read_collection_name(const boost::json::value& v);
// `key` is "description" (any string), "cover_track_id" (is_track_id) or "cover_image_url"
// (is_cover_image_url); null is nullopt.
core::result<std::optional<std::string>> read_collection_text(std::string_view key, const boost::json::value& v);
// "visibility": one of the names share_visibility_name gives ("link_only", "public").
core::result<share_visibility> read_share_visibility(const boost::json::value& v);
std::string_view share_visibility_name(share_visibility v) noexcept;
// The first of `ids` equal to an earlier one; nullptr when they are distinct.
const std::string_view* first_repeat(const std::vector<std::string_view>& ids);

}  // namespace mixtape::model
