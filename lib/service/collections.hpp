#pragma once
// The collection use cases, free of HTTP: validate the input, check existence and
// ownership, write the mutation to the journal, apply it to the store once durable,
// and answer with the response body.
//
// Visibility contract (fsync=always): a mutation is applied to the store on the
// journal's completion thread, after the fdatasync that covers it, in journal order.
// No client — the writer or a reader — sees a mutation before it is durable, and a
// reply is produced right after its own apply, before any later mutation applies.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "journal/writer.hpp"
#include "model/mutation.hpp"
#include "store/collection_store.hpp"

namespace mixtape::service {

// Who is asking: the organization of the request path and the key's principal.
struct caller {
  std::string org;
  std::string principal;
};

// A JSON response body, or the problem to report.
using reply = core::result<std::string>;
// Receives a write's reply exactly once: either before the call returns (validation
// failure, nothing to change) or later on the journal thread. It must not block.
using reply_fn = std::function<void(reply)>;

struct options {
  std::uint32_t max_tracks = 10'000;
  std::string public_url = "http://127.0.0.1:8080";  // base of share URLs, no trailing '/'
  std::function<core::unix_seconds()> now = core::now_seconds;
};

class collections {
 public:
  collections(store::collection_store& store, journal::writer& journal, options opts);

  reply get(const caller& who, std::string_view id) const;
  reply list(const caller& who, std::size_t limit, std::size_t offset) const;
  reply list_tracks(const caller& who, std::string_view id, std::size_t limit, std::size_t offset) const;
  reply resolve_share(std::string_view token) const;
  // {"collection_id","items":[{"id","visibility","expires_at","created_at","revoked_at"}...]}.
  reply list_shares(const caller& who, std::string_view id) const;

  void create(const caller& who, std::string_view body, reply_fn done);
  void update(const caller& who, std::string_view id, std::string_view body, reply_fn done);
  void remove(const caller& who, std::string_view id, reply_fn done);
  void add_track(const caller& who, std::string_view id, std::string_view body, reply_fn done);
  void remove_track(const caller& who, std::string_view id, std::string_view track_id, reply_fn done);
  void reorder(const caller& who, std::string_view id, std::string_view body, reply_fn done);
  void share(const caller& who, std::string_view id, std::string_view body, reply_fn done);
  // Revokes a link `who` created; 404 (field share_id) for any other id. Idempotent.
  void revoke_share(const caller& who, std::string_view share_id, reply_fn done);

  // Sets the base of share URLs. Not thread-safe: call before serving.
  void set_public_url(std::string url) { options_.public_url = std::move(url); }

  // False once the journal is poisoned: writes get 503 until restart.
  bool writable() const noexcept;

 private:
  // Journals `m`; once durable applies it and calls done(respond(outcome)) on the journal
  // thread, or done(503) when the journal refused it.
  void commit(model::mutation m, std::function<reply(store::outcome)> respond, reply_fn done);
  // The same, and `respond` also gets how many tracks the mutation added.
  void commit_counting(model::mutation m, std::function<reply(store::outcome, std::size_t)> respond,
                       reply_fn done);

  store::collection_store& store_;
  journal::writer& journal_;
  options options_;
};

// Problems shared by the use cases (and the API layer's tests).
core::problem collection_not_found();
core::problem share_not_found();  // field "share_id": the envelope's details name it
core::problem journal_unavailable();

}  // namespace mixtape::service
