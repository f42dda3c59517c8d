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
#include <optional>
#include <unordered_set>
#include <utility>
#include <vector>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/mutex.hpp"
#include "core/secret_file.hpp"
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

// A JSON response body, or the problem to report; with what the HTTP layer sends beside it.
struct reply : core::result<std::string> {
  using core::result<std::string>::result;
  std::uint64_t version = 0;  // the collection's version after the request (its ETag); 0: none
  bool replayed = false;      // the remembered answer to an Idempotency-Key (docs/openapi.yaml)
  unsigned status = 0;        // when replayed: the status first answered
};

// The conditions a write comes with (If-Match, Idempotency-Key: docs/openapi.yaml).
struct conditions {
  // The versions of If-Match (strong tags only); nullopt when absent or "*" (the collection
  // must exist, as for any write). Empty: nothing can match, the write is a 412.
  std::optional<std::vector<std::uint64_t>> if_match;
  std::string_view idempotency_key;  // empty: none
};
// Receives a write's reply exactly once: either before the call returns (validation
// failure, nothing to change) or later on the journal thread. It must not block.
using reply_fn = std::function<void(reply)>;

struct options {
  std::uint32_t max_tracks = 10'000;
  std::string public_url = "http://127.0.0.1:8080";  // base of share URLs, no trailing '/'
  std::function<core::unix_seconds()> now = core::now_seconds;
  std::int64_t idempotency_ttl_seconds = 86'400;  // --idempotency-ttl: how long a key is remembered
  core::secret secret{};  // keys the tokens of shares made with an Idempotency-Key (secret.key)
  // Set: asked before a write is journaled; a problem refuses it (503: too few standbys in
  // sync for --sync-replicas, docs/replication.md).
  std::function<std::optional<core::problem>()> admit{};
};

class collections;

// An Idempotency-Key held in flight by one keyed write (collections::start_keyed): let go by
// release() or when the claim is destroyed, whichever comes first. Move-only: one holder at
// a time.
class key_claim {
 public:
  key_claim() = default;  // holds no key
  key_claim(collections& owner, std::string flight) : owner_(&owner), flight_(std::move(flight)) {}
  key_claim(key_claim&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)), flight_(std::move(other.flight_)) {}
  key_claim& operator=(key_claim&& other) noexcept;
  ~key_claim() { release(); }
  void release();

 private:
  collections* owner_ = nullptr;
  std::string flight_;
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

  // Every write to a collection honours `when.if_match`: a collection at another version is
  // a 412 and nothing changes, checked when the write applies (in journal order).
  void create(const caller& who, std::string_view body, reply_fn done, const conditions& when = {});
  void update(const caller& who, std::string_view id, std::string_view body, reply_fn done,
              const conditions& when = {});
  void remove(const caller& who, std::string_view id, reply_fn done, const conditions& when = {});
  void add_track(const caller& who, std::string_view id, std::string_view body, reply_fn done,
                 const conditions& when = {});
  void remove_track(const caller& who, std::string_view id, std::string_view track_id, reply_fn done,
                    const conditions& when = {});
  void reorder(const caller& who, std::string_view id, std::string_view body, reply_fn done,
               const conditions& when = {});
  void share(const caller& who, std::string_view id, std::string_view body, reply_fn done,
             const conditions& when = {});
  // Revokes a link `who` created; 404 (field share_id) for any other id. Idempotent.
  void revoke_share(const caller& who, std::string_view share_id, reply_fn done);

  // Sets the base of share URLs. Not thread-safe: call before serving.
  void set_public_url(std::string url) { options_.public_url = std::move(url); }

  // False once the journal is poisoned: writes get 503 until restart.
  bool writable() const noexcept;
  // The last record applied: the state every answer from now on reflects at least.
  std::uint64_t applied_seq() const noexcept;

 private:
  // What a write is guarded by: the version it needs (0: any) and its Idempotency-Key
  // (stamp.key empty: none). Either makes it a model::guarded_write.
  struct write_guard {
    std::uint64_t if_match = 0;
    model::idempotency_stamp idempotency;
  };
  // Journals `m`; once durable applies it, lets `claim` go (the store remembers the key by
  // then) and calls done(render(outcome)) on the journal thread, or done(503) when the
  // journal refused it. A successful reply without a version gets the collection's version
  // after the apply. `done` is the use case's one completion, called exactly once.
  void commit(const caller& who, model::mutation m, const write_guard& guard,
              std::function<reply(store::outcome)> render, reply_fn done, key_claim claim = {});
  // The same, and `render` also gets how many tracks the mutation added.
  void commit_counting(const caller& who, model::mutation m, const write_guard& guard,
                       std::function<reply(store::outcome, std::size_t)> render, reply_fn done,
                       key_claim claim = {});

  // --- Idempotency-Key (idempotency.cpp) ---
  // Before a keyed write (`route` names the use case, `id` its collection, if any). Returns
  // true when it answered `done` itself: the replay of the key's first answer, a 422 (a bad
  // key, or the key used with another request), a 409 (the key in flight). Otherwise the
  // write goes on: `stamp` is set and `claim` holds the key in flight; the use case hands
  // the claim to commit(), which lets it go after the write's apply (a retry then finds the
  // remembered entry), or drops it when it answers without a write.
  bool start_keyed(const caller& who, std::string_view route, std::string_view id, std::string_view body,
                   const conditions& when, const reply_fn& done, model::idempotency_stamp& stamp,
                   key_claim& claim);
  // The first answer, rendered again from what was remembered and the (same) request.
  reply replay(const caller& who, const model::remembered_write& w, std::string_view id,
               std::string_view body) const;
  // The token of a share made under `stamp`: an HMAC under the server's secret, so that a
  // replay recomputes it while only its hash is stored.
  std::string keyed_share_token(const model::idempotency_stamp& stamp) const;
  std::string share_url(std::string_view token) const;

  friend class key_claim;  // lets its key go from keys_in_flight_
  mutable core::mutex keyed_mutex_;
  std::unordered_set<std::string> keys_in_flight_ GUARDED_BY(keyed_mutex_);
  // The version a write must find (0: any) given the collection's `current` one, or the 412.
  static core::result<std::uint64_t> expected_version(const conditions& when, std::uint64_t current);
  // `body` as a reply carrying the collection's current version.
  reply with_version(reply r, const caller& who, std::string_view id) const;

  store::collection_store& store_;
  journal::writer& journal_;
  options options_;
};

// Problems shared by the use cases (and the API layer's tests).
core::problem collection_not_found();
core::problem share_not_found();  // field "share_id": the envelope's details name it
core::problem journal_unavailable();
core::problem precondition_failed();
// 503: a write to an organization that is frozen or importing (SPEC §10).
core::problem organization_unavailable(std::string_view org, model::org_state state);

}  // namespace mixtape::service
