#pragma once
// The organization use cases of SPEC §10 (docs/operations.md "Moving an organization"):
// freeze, unfreeze, delete and import. Each journals organization records
// (model/mutation.hpp, types 11-14) and applies them once durable, as every write; the
// store enforces what they mean at apply time, on replay too (store/org_records.cpp).
//
// An import is all or nothing: set_org_state(importing) first (refused unless the
// organization is empty and not importing), one record per collection and per share link,
// then set_org_state(active). Any failure journals delete_org, which removes what the
// import added; an import cut short by a crash is rolled back the same way when the server
// starts (durability::engine). While importing, the organization's writes get 503 and its
// reads may see part of the import.
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/mutex.hpp"
#include "journal/writer.hpp"
#include "model/mutation.hpp"
#include "service/collections.hpp"
#include "store/collection_store.hpp"

namespace mixtape::service {

struct import_limits {
  std::uint32_t max_tracks = 10'000;          // --max-tracks: a collection may not hold more
  std::size_t max_line_bytes = 8u << 20;      // one line of the body, whole
  std::size_t window_bytes = 8u << 20;        // journaled but not yet applied, at most
};

class org_import;

class organizations {
 public:
  organizations(store::collection_store& store, journal::writer& journal, std::function<core::unix_seconds()> now,
                import_limits limits = {});
  // Set: asked before an operation is journaled; a problem refuses it (503: too few standbys
  // in sync for --sync-replicas). Before serving.
  void set_admission(std::function<std::optional<core::problem>()> admit) { admit_ = std::move(admit); }

  // 200 {"org","state":"frozen"|"active","seq"}. 409 while the organization is importing.
  void set_frozen(std::string_view org, bool frozen, reply_fn done);
  // 200 {"org","state":"deleted","seq"}: its collections and their share links are gone,
  // and it is active again. 409 while it is importing.
  void remove(std::string_view org, reply_fn done);
  // An import into `org`, started: 409 at once when the organization holds collections or
  // is importing (checked again when the start applies).
  core::result<std::shared_ptr<org_import>> start_import(std::string_view org);

 private:
  friend class org_import;
  // Journals `m`; once durable, applies it and calls done(outcome, seq), or done(nullopt, 0)
  // when the journal refused it. `done` runs on the journal thread (or at once).
  void journal(model::mutation m, std::function<void(std::optional<store::outcome>, std::uint64_t)> done);

  store::collection_store& store_;
  journal::writer& journal_;
  std::function<core::unix_seconds()> now_;
  std::function<std::optional<core::problem>()> admit_;
  import_limits limits_;
};

// One import in progress, fed the request body piece by piece (docs/operations.md). The
// HTTP layer calls write() for each piece in order, waiting for its `next` each time, then
// finish() once — or abandon() when the body cannot be read to its end. Thread-safe: the
// callbacks run on the journal thread or at once.
class org_import : public std::enable_shared_from_this<org_import> {
 public:
  // The failure of an import: its problem and the body line it is about (0: none).
  struct failure {
    core::problem problem;
    std::uint64_t line = 0;
  };
  // nullopt: send the next piece. Otherwise the import failed and was rolled back: answer
  // this, and read no more of the body.
  using step_fn = std::function<void(std::optional<failure>)>;
  using result_fn = std::function<void(core::result<std::string>, std::uint64_t line)>;

  org_import(organizations& owner, std::string org);
  void start();

  void write(std::string_view piece, step_fn next);
  // The body ended: `done` gets 201's body {"org","collections","share_links","seq"} once
  // the import is committed, or the failure.
  void finish(result_fn done);
  // The body was cut short: roll back; nobody is told.
  void abandon();

 private:
  struct pending_record {
    model::mutation m;
    std::uint64_t line;
  };
  // Parses the whole lines in buffer_ (the last one too when `at_end`) into records, or
  // sets failed_. Lock held.
  void parse_lines(bool at_end, std::vector<pending_record>& out) REQUIRES(mutex_);
  void parse_line(std::string_view line, std::vector<pending_record>& out) REQUIRES(mutex_);
  void submit(std::vector<pending_record> records);
  void on_started(std::optional<store::outcome> o) EXCLUDES(mutex_);
  void on_applied(std::optional<store::outcome> o, std::uint64_t line, std::size_t bytes, const model::mutation& m);
  // Records the first failure and starts the rollback (once).
  void fail(failure f) REQUIRES(mutex_);
  // A 422 about body line `line`: "line N: why", naming `field`.
  void fail_at(std::uint64_t line, std::string field, std::string why) REQUIRES(mutex_);
  // Moves the import on from its state: parses and journals what is buffered, starts the
  // rollback or the commit, and runs what waits (a parked `next`, the final answer) —
  // everything that journals or calls out, without the lock.
  void progress() EXCLUDES(mutex_);
  void commit();

  organizations& owner_;
  const std::string org_;
  core::mutex mutex_;
  enum class phase { starting, open, committing, done } phase_ GUARDED_BY(mutex_) = phase::starting;
  std::string buffer_ GUARDED_BY(mutex_);  // body bytes not parsed yet: lines, then a partial one
  std::size_t partial_ GUARDED_BY(mutex_) = 0;  // the bytes of buffer_ after its last newline
  std::size_t scanned_ GUARDED_BY(mutex_) = 0;  // buffer_'s first bytes, searched: no newline in them
  std::uint64_t line_ GUARDED_BY(mutex_) = 0;  // lines read so far
  bool header_seen_ GUARDED_BY(mutex_) = false;
  bool end_seen_ GUARDED_BY(mutex_) = false;
  bool body_ended_ GUARDED_BY(mutex_) = false;
  std::uint64_t collections_ GUARDED_BY(mutex_) = 0, shares_ GUARDED_BY(mutex_) = 0;
  std::size_t in_flight_bytes_ GUARDED_BY(mutex_) = 0;
  std::size_t in_flight_ GUARDED_BY(mutex_) = 0;
  std::optional<failure> failed_ GUARDED_BY(mutex_);
  bool rolled_back_ GUARDED_BY(mutex_) = false;  // the delete_org of a failure applied (or was not needed)
  bool rollback_started_ GUARDED_BY(mutex_) = false;
  bool started_applied_ GUARDED_BY(mutex_) = false;  // our set_org_state(importing) applied
  std::uint64_t commit_seq_ GUARDED_BY(mutex_) = 0;
  step_fn next_ GUARDED_BY(mutex_);  // parked until the window drains or the start applies
  result_fn done_ GUARDED_BY(mutex_);
};

}  // namespace mixtape::service
