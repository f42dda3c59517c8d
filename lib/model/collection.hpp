#pragma once
// The collection resource and its cached JSON form. Plain data: no locking here;
// the store owns instances and guards them.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/json_text.hpp"

namespace mixtape::model {

struct track_entry {
  std::string track_id;
  core::unix_seconds added_at = 0;
};

struct collection {
  std::string id;     // "mcoll_" + 12 hex
  std::string org;    // owning organization
  std::string owner;  // owning principal
  std::string name;
  std::optional<std::string> description;
  std::optional<std::string> cover_track_id;
  std::optional<std::string> cover_image_url;
  core::unix_seconds created_at = 0;
  core::unix_seconds updated_at = 0;
  std::uint64_t created_seq = 0;     // journal sequence of the create: orders listings
  std::vector<track_entry> tracks;   // position == index
};

// The public JSON object of a collection, rendered once per change. `text` is the whole
// object except the track_count value, which belongs at byte offset `count_at`
// (so one cached string serves both the detail view and the list view, where it is null).
struct cached_json {
  std::string text;
  std::uint32_t count_at = 0;
};

// Renders {"id","name","description","cover_track_id","cover_image_url","track_count",
// "created_at","updated_at"} in that order, strings escaped per RFC 8259.
cached_json render(const collection& c);

// Appends the cached object to `out`, with `track_count` = *count, or null when count is empty.
void append_json(std::string& out, const cached_json& j, std::optional<std::size_t> count);

// Appends `s` as a JSON string literal (quotes included) to `out`.
using core::append_json_string;

}  // namespace mixtape::model
