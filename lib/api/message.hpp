#pragma once
// The API layer's view of HTTP: plain structs, filled and consumed by lib/http.
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/byte_source.hpp"
#include "core/duplex.hpp"

namespace mixtape::api {

enum class method { get, head, post, put, patch, delete_, options, other };

// A request as read off the wire. The views stay valid until the response is sent.
struct request {
  method verb = method::other;
  std::string_view target;  // origin-form: path and optional ?query
  std::string_view x_api_key;
  std::string_view authorization;
  std::string_view content_type;
  std::string_view request_id;  // the client's X-Request-Id, if any
  std::string_view body;
  bool body_too_large = false;  // the body exceeded the limit and was not read
  std::string_view x_forwarded_for;         // the last X-Forwarded-For field (the nearest proxy's)
  std::array<unsigned char, 16> peer{};     // the TCP peer, IPv4 as ::ffff:a.b.c.d
  std::string_view origin;                  // a browser's Origin (CORS)
  std::string_view cors_request_method;     // Access-Control-Request-Method: a preflight
  std::string_view if_match;                // conditional requests (docs/openapi.yaml: If-Match)
  std::string_view if_none_match;
  std::string_view idempotency_key;
  std::string_view min_seq;          // X-Mixtape-Min-Seq: answer once this record is applied
  bool websocket = false;            // Upgrade: websocket (the replication stream)
  std::string_view mixtape_history;  // the replication handshake's fields (docs/replication.md)
  std::string_view mixtape_database;
  std::string_view mixtape_node;
};

inline constexpr std::string_view json_content_type = "application/json; charset=utf-8";

class upload;

struct response {
  unsigned status = 200;
  std::string body;
  std::string request_id;  // sent as X-Request-Id; equals the error envelope's trace_id
  std::string_view content_type = json_content_type;
  std::string_view allow;   // for 405
  std::string retry_after;  // for 429/503 when set
  // X-RateLimit-Limit / -Remaining / -Reset (and the same as x-ratelimit-*-requests), sent
  // when rate_limit != 0 (a limit applied): per minute, now, epoch seconds when full.
  std::uint32_t rate_limit = 0;
  std::uint32_t rate_remaining = 0;
  std::int64_t rate_reset = 0;
  std::uint64_t etag = 0;   // the collection version sent as ETag: "N"; 0: no ETag
  std::optional<std::uint64_t> seq;  // X-Mixtape-Seq: the state's seq an answer is as of
  // Set: the body is this source's pieces, sent chunked (`body` is unused), and the answer
  // carries Cache-Control: no-store (a backup holds secrets).
  std::shared_ptr<core::byte_source> stream;
  // Set (a route that streams_body, answered before its body): not the answer yet. The HTTP
  // layer feeds it the body as it arrives and sends the answer it gives at the end.
  std::shared_ptr<api::upload> body_sink;
  // Set (status 101): the connection is taken over after this answer — the replication
  // stream's WebSocket (docs/replication.md); the HTTP layer accepts the upgrade and runs it.
  std::shared_ptr<core::duplex> takeover;
  bool replayed = false;    // Idempotent-Replayed: true
  // CORS (api/cors.hpp): `cors_origin` is echoed as Access-Control-Allow-Origin when set
  // (a view of the request's Origin, valid until the response is sent); a preflight also
  // gets the route's methods in `cors_methods`, the others the exposed headers.
  bool vary_origin = false;  // CORS is on: the answer depends on Origin
  std::string_view cors_origin;
  std::string_view cors_methods;  // non-empty: this is a preflight answer
};

// Receives the response exactly once, possibly on another thread than the caller's.
using respond_fn = std::function<void(response)>;

// A request body taken piece by piece as it arrives (a route that streams_body). The HTTP
// layer calls write() for each piece in order, each after the previous one's `next`, then
// finish() once the body is complete, or abandon() when it will not be.
class upload {
 public:
  virtual ~upload() = default;
  // `next` runs exactly once, maybe on another thread: with nullopt when the next piece is
  // welcome, or with the final answer (the rest of the body is then not wanted).
  virtual void write(std::string_view piece, std::function<void(std::optional<response>)> next) = 0;
  // `done` runs exactly once with the final answer.
  virtual void finish(respond_fn done) = 0;
  // The body was cut short (the connection broke, or it was malformed or too large).
  virtual void abandon() = 0;
};

}  // namespace mixtape::api
