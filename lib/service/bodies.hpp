#pragma once
// Small response bodies shared by the use cases (internal to the service module).
#include <string>
#include <string_view>

#include "model/collection.hpp"

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

}  // namespace mixtape::service::detail
