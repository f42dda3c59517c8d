#pragma once
// A body produced piece by piece (a backup, an export): the HTTP layer pulls the next piece
// only once the previous one is sent, so what a slow client makes the server hold is one
// piece, whatever the total.
#include <string>

#include "core/result.hpp"

namespace mixtape::core {

class byte_source {
 public:
  virtual ~byte_source() = default;
  // Appends the next piece (at most a few MiB) to `out`. Returns false once there is nothing
  // more (then `out` is unchanged). An error ends the body unfinished: the receiver must be
  // able to tell (a chunked body without its last chunk).
  virtual result<bool> next(std::string& out) = 0;
};

}  // namespace mixtape::core
