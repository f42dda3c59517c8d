// Read views that render multi-item bodies: listings, track pages, shared links.
#include <cassert>

#include "store/collection_store.hpp"

namespace mixtape::store {
namespace {
void append_page_tail(std::string& out, std::size_t limit, std::size_t offset) {
  out += "],\"limit\":";
  out += std::to_string(limit);
  out += ",\"offset\":";
  out += std::to_string(offset);
  out += '}';
}
}  // namespace

void collection_store::append_list(std::string& out, std::string_view org, std::string_view owner,
                                   std::size_t limit, std::size_t offset) const {
  out += "{\"items\":[";
  bool first = true;
  owners_.for_page(org, owner, offset, limit, [&](std::uint64_t id) {
    const shard& s = shard_of(id);
    std::lock_guard lock{s.mutex};
    const entry* e = find(s, id);
    if (!e) return;  // deleted while listed: the index follows shortly
    if (!first) out += ',';
    first = false;
    model::append_json(out, e->json, std::nullopt);
  });
  append_page_tail(out, limit, offset);
}

bool collection_store::append_tracks(std::string& out, std::string_view id, std::string_view org,
                                     std::string_view owner, std::size_t limit, std::size_t offset) const {
  const auto number = model::collection_number(id);
  if (!number) return false;
  const shard& s = shard_of(*number);
  std::lock_guard lock{s.mutex};
  const entry* e = find_visible(s, *number, org, owner);
  if (!e) return false;
  const auto& tracks = e->tracks;
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
  return true;
}

std::optional<shared_view> collection_store::find_share(const std::array<unsigned char, 32>& token_hash) const {
  shared_view view;
  {
    std::lock_guard lock{shares_mutex_};
    const auto it = shares_.find(std::string{reinterpret_cast<const char*>(token_hash.data()), token_hash.size()});
    if (it == shares_.end()) return std::nullopt;
    view.link = it->second;
  }
  const auto number = model::collection_number(view.link.collection_id);
  if (!number) return view;
  const shard& s = shard_of(*number);
  std::lock_guard lock{s.mutex};
  const entry* e = find(s, *number);
  if (!e) return view;
  model::collection c;
  [[maybe_unused]] const bool read = model::read_text_fields(e->json, c);
  assert(read);  // the store rendered it
  view.collection_exists = true;
  view.name = std::move(c.name);
  view.description = std::move(c.description);
  view.track_ids.reserve(e->tracks.size());
  for (const auto& t : e->tracks) view.track_ids.push_back(t.track_id);
  return view;
}

}  // namespace mixtape::store
