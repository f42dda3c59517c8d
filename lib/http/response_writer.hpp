#pragma once
// Internal to lib/http: HTTP/1.1 response heads built into a reused buffer, so that a
// response goes out as one gathered write (head + body) with no per-header allocation.
#include <string>

#include "api/message.hpp"

namespace mixtape::http {

// Writes the status line and headers of `r` (ending with the blank line) into `head`,
// replacing its contents. `keep_alive` false adds "Connection: close"; `http10` with
// keep-alive adds "Connection: keep-alive" as HTTP/1.0 clients need. A streamed body
// (r.stream) is announced chunked, or to an HTTP/1.0 client as ending with the connection
// (then `keep_alive` must be false).
void build_head(std::string& head, const api::response& r, bool keep_alive, bool http10);

}  // namespace mixtape::http
