#include "service/views.hpp"

#include "core/clock.hpp"
#include "model/collection.hpp"

namespace mixtape::service {
namespace {

void append_page_tail(std::string& out, std::size_t limit, std::size_t offset) {
  out += "],\"limit\":";
  out += std::to_string(limit);
  out += ",\"offset\":";
  out += std::to_string(offset);
  out += '}';
}

}  // namespace

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
                        std::string_view org, std::string_view owner, std::size_t limit, std::size_t offset) {
  return store.visit_tracks(id, org, owner, [&](const std::vector<model::track_entry>& tracks) {
    out += "{\"collection_id\":";
    model::append_json_string(out, id);
    out += ",\"items\":[";
    for (std::size_t pos = offset; pos < tracks.size() && pos - offset < limit; ++pos) {
      if (pos != offset) out += ',';
      out += "{\"track_id\":";
      model::append_json_string(out, tracks[pos].track_id);
      out += ",\"position\":";
      out += std::to_string(pos);
      out += ",\"added_at\":\"";
      core::append_utc(out, tracks[pos].added_at);
      out += "\"}";
    }
    append_page_tail(out, limit, offset);
  });
}

}  // namespace mixtape::service
