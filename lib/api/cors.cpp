#include "api/cors.hpp"

#include <algorithm>

namespace mixtape::api {

cors_policy::cors_policy(std::vector<std::string> origins) {
  any_ = std::find(origins.begin(), origins.end(), "*") != origins.end();
  if (!any_) origins_ = std::move(origins);
}

bool cors_policy::allows(std::string_view origin) const noexcept {
  if (origin.empty()) return false;
  if (any_) return true;
  return std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
}

}  // namespace mixtape::api
