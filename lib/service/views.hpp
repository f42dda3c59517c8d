#pragma once
// Response bodies that gather many items: the listing page and the tracks page
// (docs/openapi.yaml).
#include <cstddef>
#include <string>
#include <string_view>

#include "store/collection_store.hpp"

namespace mixtape::service {

// A track id as a JSON string literal.
void append_track_id(std::string& out, const store::track_view& t);

// {"items":[collection...],"limit":L,"offset":O}: (org, owner)'s collections, newest first,
// track_count null.
void append_list_body(std::string& out, const store::collection_store& store, std::string_view org,
                      std::string_view owner, std::size_t limit, std::size_t offset);

// {"collection_id":ID,"items":[{"track_id","position","added_at"}...],"limit":L,"offset":O};
// false (nothing appended) when the collection is not visible to (org, owner). `version`, when
// given, is set to the collection's version as of the tracks read.
bool append_tracks_body(std::string& out, const store::collection_store& store, std::string_view id,
                        std::string_view org, std::string_view owner, std::size_t limit, std::size_t offset,
                        std::uint64_t* version = nullptr);

}  // namespace mixtape::service
