#pragma once
// The collection resource and its cached JSON form. Plain data: no locking here;
// the store owns instances and guards them.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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
  std::uint64_t version = 0;         // journal sequence of its last change (the ETag; docs/journal-format.md §2)
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
// "created_at","updated_at"} in that order, strings escaped per RFC 8259. The text's
// capacity is its size (a store holds millions of these).
cached_json render(const collection& c);
cached_json render(std::string_view id, std::string_view name, const std::optional<std::string>& description,
                   const std::optional<std::string>& cover_track_id,
                   const std::optional<std::string>& cover_image_url, core::unix_seconds created_at,
                   core::unix_seconds updated_at);

// Sets the updated_at of a JSON made by render() to `t`, in place: render() puts it last,
// and a timestamp always takes the same 20 characters.
void set_updated_at(cached_json& j, core::unix_seconds t);

// Sets c.name, c.description, c.cover_track_id and c.cover_image_url from a cached JSON
// made by render() (the store keeps no other copy of them). False if `j` is not one.
bool read_text_fields(const cached_json& j, collection& c);

// A collection id "mcoll_" + 12 lowercase hex digits as its 48-bit number, and back.
// nullopt for any other text (such an id names no collection).
std::optional<std::uint64_t> collection_number(std::string_view id) noexcept;
std::string collection_id(std::uint64_t number);

// Appends the cached object to `out`, with `track_count` = *count, or null when count is empty.
void append_json(std::string& out, const cached_json& j, std::optional<std::size_t> count);

// Appends `s` as a JSON string literal (quotes included) to `out`.
using core::append_json_string;

}  // namespace mixtape::model
