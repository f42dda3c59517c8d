// Reads that hand out data under a shard lock: listing pages, track lists, shared links.
// Rendering response bodies is the service's (service/views.cpp).
#include <cassert>

#include "store/collection_store.hpp"

namespace mixtape::store {

void collection_store::visit_page(std::string_view org, std::string_view owner, std::size_t limit,
                                  std::size_t offset, const std::function<void(const model::cached_json&)>& f) const {
  owners_.for_page(org, owner, offset, limit, [&](std::uint64_t id) {
    const shard& s = shard_of(id);
    std::lock_guard lock{s.mutex};
    if (const entry* e = find(s, id)) f(e->json);  // absent: deleted while listed, the index follows shortly
  });
}

bool collection_store::visit_tracks(std::string_view id, std::string_view org, std::string_view owner,
                                    const std::function<void(const std::vector<model::track_entry>&)>& f) const {
  return with_visible(id, org, owner, [&](std::uint64_t, const entry& e) { f(e.tracks); });
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
