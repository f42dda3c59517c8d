// Reads that hand out data under a shard lock: listing pages, track lists, shared links.
// Rendering response bodies is the service's (service/views.cpp).
#include <cassert>

#include "store/collection_store.hpp"

namespace mixtape::store {

void collection_store::visit_page(std::string_view org, std::string_view owner, std::size_t limit,
                                  std::size_t offset, const std::function<void(const model::cached_json&)>& f) const {
  owners_.for_page(org, owner, offset, limit, [&](std::uint64_t id) {
    const shard& s = shard_of(id);
    core::mutex_lock lock{s.mutex};
    if (const entry* e = find(s, id)) f(e->head.json);  // absent: deleted while listed, the index follows shortly
  });
}

bool collection_store::visit_tracks(std::string_view id, std::string_view org, std::string_view owner,
                                    std::size_t offset, std::size_t limit, const track_visitor& f) const {
  return with_visible(id, org, owner, [&](std::uint64_t, const entry& e) { visit_range(e, offset, limit, f); });
}

bool collection_store::visit_tracks(std::string_view id, std::string_view org, std::string_view owner,
                                    std::size_t offset, std::size_t limit, const track_visitor& f,
                                    std::uint64_t& version) const {
  return with_visible(id, org, owner, [&](std::uint64_t, const entry& e) {
    version = e.head.version;
    visit_range(e, offset, limit, f);
  });
}

void collection_store::visit_range(const entry& e, std::size_t offset, std::size_t limit,
                                   const track_visitor& f) const {
  if (!e.tracks) return;
  track_ids::text_buffer scratch;
  e.tracks->for_range(offset, limit, [&](const track_list::item& t, std::size_t position) {
    f({track_ids_.text(t.track, scratch), position, t.added_at, track_ids_.json_safe(t.track)});
  });
}

std::optional<track_probe> collection_store::probe_tracks(std::string_view id, std::string_view org,
                                                          std::string_view owner,
                                                          std::span<const std::string> ids) const {
  std::optional<track_probe> probe;
  with_visible(id, org, owner, [&](std::uint64_t, const entry& e) {
    probe.emplace();
    probe->count = e.track_count();
    probe->version = e.head.version;
    probe->new_ids = e.tracks ? e.tracks->count_new(track_ids_, ids) : track_list{}.count_new(track_ids_, ids);
  });
  return probe;
}

std::optional<bool> collection_store::reorder_changes(std::string_view id, std::string_view org,
                                                      std::string_view owner,
                                                      std::span<const std::string> ids) const {
  std::optional<bool> changes;
  with_visible(id, org, owner, [&](std::uint64_t, const entry& e) {
    changes = e.tracks && e.tracks->reorder_changes(track_ids_, ids);
  });
  return changes;
}

std::optional<shared_view> collection_store::find_share(const std::array<unsigned char, 32>& token_hash,
                                                        const track_visitor& tracks) const {
  auto link = shares_.find_live(token_hash);
  if (!link) return std::nullopt;
  shared_view view;
  view.link = std::move(*link);
  const auto number = model::collection_number(view.link.collection_id);
  if (!number) return view;
  const shard& s = shard_of(*number);
  core::mutex_lock lock{s.mutex};
  const entry* e = find(s, *number);
  if (!e) return view;
  model::collection c;
  [[maybe_unused]] const bool read = model::read_text_fields(e->head.json, c);
  assert(read);  // the store rendered it
  view.collection_exists = true;
  view.name = std::move(c.name);
  view.description = std::move(c.description);
  visit_range(*e, 0, e->track_count(), tracks);
  return view;
}

bool collection_store::visit_shares(std::string_view id, std::string_view org, std::string_view owner,
                                    const std::function<void(const share_link&)>& f) const {
  std::uint64_t number = 0;
  if (!with_visible(id, org, owner, [&](std::uint64_t n, const entry&) { number = n; })) return false;
  for (const share_link& link : shares_.links_of(number)) f(link);  // copies: no lock held while f runs
  return true;
}

}  // namespace mixtape::store
