#include "service/views.hpp"

#include <algorithm>

#include "core/clock.hpp"
#include "model/collection.hpp"

namespace mixtape::service {
namespace {

void append_page_tail(std::string& out, std::size_t limit, std::size_t offset) {
  out += "],\"limit\":";
  core::append_json_number(out, limit);
  out += ",\"offset\":";
  core::append_json_number(out, offset);
  out += '}';
}

}  // namespace

void append_track_id(std::string& out, const store::track_view& t) {
  if (!t.json_safe) return model::append_json_string(out, t.track_id);
  out += '"';
  out += t.track_id;
  out += '"';
}

void append_list_body(std::string& out, const store::collection_store& store, std::string_view org,
                      std::string_view owner, std::size_t limit, std::size_t offset) {
  out += "{\"items\":[";
  bool first = true;
  store.visit_page(org, owner, limit, offset, [&](const model::cached_json& json) {
    if (!first) out += ',';
    first = false;
    model::append_json(out, json, std::nullopt);
  });
  append_page_tail(out, limit, offset);
}

bool append_tracks_body(std::string& out, const store::collection_store& store, std::string_view id,
                        std::string_view org, std::string_view owner, std::size_t limit, std::size_t offset,
                        std::uint64_t* version) {
  const std::size_t start = out.size();
  out.reserve(start + 128 + std::min<std::size_t>(limit, 500) * 112);  // an item is ~100 bytes
  out += "{\"collection_id\":";
  model::append_json_string(out, id);
  out += ",\"items\":[";
  core::unix_seconds last_time = -1;  // tracks added together share a time: render it once
  std::string time_text;
  std::uint64_t read_version = 0;
  const bool visible = store.visit_tracks(id, org, owner, offset, limit, [&](const store::track_view& t) {
    if (t.position != offset) out += ',';
    out += "{\"track_id\":";
    append_track_id(out, t);
    out += ",\"position\":";
    core::append_json_number(out, t.position);
    if (t.added_at != last_time) {
      time_text.clear();
      core::append_utc(time_text, t.added_at);
      last_time = t.added_at;
    }
    out += ",\"added_at\":\"";
    out += time_text;
    out += "\"}";
  }, read_version);
  if (version) *version = read_version;
  if (!visible) {
    out.resize(start);
    return false;
  }
  append_page_tail(out, limit, offset);
  return true;
}

}  // namespace mixtape::service
