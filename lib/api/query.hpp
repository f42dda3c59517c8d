#pragma once
// Paging parameters from a query string (docs/openapi.yaml: each list operation's `limit`,
// parameters/Offset): limit and offset.
#include <cstddef>
#include <string_view>

#include "core/result.hpp"

namespace mixtape::api {

struct page {
  std::size_t limit;
  std::size_t offset;
};

// Reads `limit` (1..max_limit, default default_limit) and `offset` (>= 0, default 0) from
// `query` (the part after '?', may be empty). Other parameters are ignored. A value
// that is not a plain decimal integer in range, or a repeated parameter, is a 422 with
// field "limit" or "offset". An offset too large for size_t becomes SIZE_MAX (past the end).
core::result<page> parse_page(std::string_view query, std::size_t default_limit, std::size_t max_limit);

}  // namespace mixtape::api
