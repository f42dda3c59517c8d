#pragma once
// Small response bodies shared by the use cases (internal to the service module).
#include <string>
#include <string_view>

#include "model/collection.hpp"
#include "store/collection_store.hpp"

namespace mixtape::service::detail {

// {"success":true,"id":ID,"detail":DETAIL}
inline std::string success_body(std::string_view id, std::string_view detail) {
  std::string out = "{\"success\":true,\"id\":";
  model::append_json_string(out, id);
  out += ",\"detail\":";
  model::append_json_string(out, detail);
  out += '}';
  return out;
}

// {"success":true,"id":ID,"detail":"Tracks added to collection.","added":N}
inline std::string tracks_added_body(std::string_view id, std::size_t added) {
  std::string out = success_body(id, "Tracks added to collection.");
  out.pop_back();
  out += ",\"added\":";
  out += std::to_string(added);
  out += '}';
  return out;
}

// The answer to a share's creation, in the field order of docs/openapi.yaml's ShareCreated:
// id, token, url, target_type, visibility, expires_at, created_at (tracks_and_shares.cpp).
std::string share_created_body(const store::share_link& link, std::string_view token, std::string_view url);

}  // namespace mixtape::service::detail
