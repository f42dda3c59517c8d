#include "service/organizations.hpp"

#include "model/collection.hpp"
#include "model/org_export.hpp"

namespace mixtape::service {
namespace {

core::problem conflict(std::string message) { return {core::errc::conflict, "", std::move(message)}; }
core::problem unprocessable(std::string field, std::string message) {
  return core::problem::validation(std::move(field), std::move(message));
}

std::string state_body(std::string_view org, std::string_view state, std::uint64_t seq) {
  std::string out = "{\"org\":";
  model::append_json_string(out, org);
  out += ",\"state\":\"";
  out += state;
  out += "\",\"seq\":" + std::to_string(seq) + "}";
  return out;
}

core::problem importing(std::string_view org) {
  return conflict("organization '" + std::string{org} + "' is being imported; wait for the import to end");
}

}  // namespace

organizations::organizations(store::collection_store& store, journal::writer& journal,
                             std::function<core::unix_seconds()> now, import_limits limits)
    : store_(store), journal_(journal), now_(std::move(now)), limits_(limits) {}

void organizations::journal(model::mutation m, std::function<void(std::optional<store::outcome>, std::uint64_t)> done) {
  const auto type = model::type_byte(m);
  std::string payload = model::encode(m);
  journal_.submit(type, std::move(payload),
                  [this, m = std::move(m), done = std::move(done)](std::error_code ec, std::uint64_t seq) {
                    if (ec) return done(std::nullopt, 0);
                    done(store_.apply(m, seq), seq);
                  });
}

void organizations::set_frozen(std::string_view org, bool frozen, reply_fn done) {
  if (!journal_.healthy()) return done(journal_unavailable());
  if (admit_)
    if (auto refused = admit_()) return done(std::move(*refused));
  if (store_.orgs().state_of(org) == model::org_state::importing) return done(importing(org));
  const auto state = frozen ? model::org_state::frozen : model::org_state::active;
  journal(model::set_org_state{std::string{org}, state, now_()},
          [this, org = std::string{org}, frozen, done = std::move(done)](std::optional<store::outcome> o, std::uint64_t seq) {
            if (!o) return done(journal_unavailable());
            // An import that began after the check above: a freeze is refused, an unfreeze
            // ended it (its next record is blocked, and it rolls back).
            if (store_.orgs().state_of(org) == model::org_state::importing) return done(importing(org));
            done(reply{state_body(org, frozen ? "frozen" : "active", seq)});
          });
}

void organizations::remove(std::string_view org, reply_fn done) {
  if (!journal_.healthy()) return done(journal_unavailable());
  if (admit_)
    if (auto refused = admit_()) return done(std::move(*refused));
  if (store_.orgs().state_of(org) == model::org_state::importing) return done(importing(org));
  journal(model::delete_org{std::string{org}, now_()},
          [org = std::string{org}, done = std::move(done)](std::optional<store::outcome> o, std::uint64_t seq) {
            if (!o) return done(journal_unavailable());
            done(reply{state_body(org, "deleted", seq)});
          });
}

core::result<std::shared_ptr<org_import>> organizations::start_import(std::string_view org) {
  if (!journal_.healthy()) return journal_unavailable();
  if (admit_)
    if (auto refused = admit_()) return std::move(*refused);
  if (store_.orgs().state_of(org) == model::org_state::importing) return importing(org);
  if (const auto n = store_.collections_of_org(org); n > 0)
    return conflict("organization '" + std::string{org} + "' already holds " + std::to_string(n) +
                    (n == 1 ? " collection" : " collections") +
                    "; import into an empty organization (DELETE /admin/v1/orgs/{org} empties one)");
  auto i = std::make_shared<org_import>(*this, std::string{org});
  i->start();
  return i;
}

// --- One import ---

org_import::org_import(organizations& owner, std::string org) : owner_(owner), org_(std::move(org)) {}

void org_import::start() {
  owner_.journal(model::set_org_state{org_, model::org_state::importing, owner_.now_()},
                 [self = shared_from_this()](std::optional<store::outcome> o, std::uint64_t) {
                   self->on_started(o);
                   self->progress();
                 });
}

void org_import::on_started(std::optional<store::outcome> o) {
  core::mutex_lock lock{mutex_};
  if (o == store::outcome::applied) {
    started_applied_ = true;
    phase_ = phase::open;
    return;
  }
  rollback_started_ = rolled_back_ = true;  // nothing of ours applied: nothing to roll back
  if (!o) fail({journal_unavailable(), 0});
  else fail({conflict("organization '" + org_ + "' took collections, or another import, before this import began"), 0});
}

void org_import::write(std::string_view piece, step_fn next) {
  {
    core::mutex_lock lock{mutex_};
    next_ = std::move(next);
    if (!failed_) {
      buffer_ += piece;
      const auto newline = piece.rfind('\n');  // (not buffer_'s: a long line would be scanned again per piece)
      partial_ = newline == std::string_view::npos ? partial_ + piece.size() : piece.size() - newline - 1;
      if (partial_ > owner_.limits_.max_line_bytes)
        fail({unprocessable("line", "line " + std::to_string(line_ + 1) + " is longer than " +
                                        std::to_string(owner_.limits_.max_line_bytes) + " bytes"),
              line_ + 1});
    }
  }
  progress();
}

void org_import::finish(result_fn done) {
  {
    core::mutex_lock lock{mutex_};
    done_ = std::move(done);
    body_ended_ = true;
  }
  progress();
}

void org_import::abandon() {
  {
    core::mutex_lock lock{mutex_};
    next_ = nullptr;
    done_ = nullptr;
    if (!failed_ && phase_ != phase::done) fail({unprocessable("body", "the request body was cut short"), 0});
  }
  progress();
}

void org_import::fail(failure f) {
  if (!failed_) failed_ = std::move(f);
}

void org_import::fail_at(std::uint64_t line, std::string field, std::string why) {
  fail({unprocessable(std::move(field), "line " + std::to_string(line) + ": " + why), line});
}

void org_import::parse_line(std::string_view line, std::vector<pending_record>& out) {
  const std::uint64_t n = ++line_;
  if (line.empty()) return;  // a blank line carries nothing
  if (end_seen_) return fail_at(n, "type", "a line after the end line");
  auto parsed = model::parse_export_line(line, model::export_limits{owner_.limits_.max_tracks});
  if (!parsed) return fail_at(n, parsed.error().field, parsed.error().message);
  auto& v = parsed.value();
  const bool header = std::holds_alternative<model::export_header>(v);
  if (header != !header_seen_)
    return fail_at(n, "type", header_seen_ ? "a second header line" : "the first line must be the export's header");
  header_seen_ = true;
  if (auto* c = std::get_if<model::collection>(&v)) {
    c->org = org_;
    ++collections_;
    out.push_back({model::import_collection{std::move(*c), owner_.now_()}, n});
  } else if (auto* s = std::get_if<model::share_state>(&v)) {
    ++shares_;
    out.push_back({model::import_share{org_, std::move(s->owner), std::move(s->link), s->revoked_at, owner_.now_()}, n});
  } else if (auto* e = std::get_if<model::export_end>(&v)) {
    if (e->collections != collections_)
      return fail_at(n, "collections", "the end line counts " + std::to_string(e->collections) + " collections, the body held " +
                                    std::to_string(collections_));
    if (e->shares != shares_)
      return fail_at(n, "shares", "the end line counts " + std::to_string(e->shares) + " share links, the body held " +
                               std::to_string(shares_));
    end_seen_ = true;
  }
}

void org_import::parse_lines(bool at_end, std::vector<pending_record>& out) {
  std::size_t from = 0;
  for (;;) {
    const auto newline = buffer_.find('\n', std::max(from, scanned_));
    if (newline == std::string::npos) break;
    parse_line(std::string_view{buffer_}.substr(from, newline - from), out);
    from = newline + 1;
    scanned_ = 0;
    if (failed_) return;
  }
  buffer_.erase(0, from);
  scanned_ = buffer_.size();  // no newline in what is left: the next search starts after it
  if (at_end && !buffer_.empty()) {  // a last line without its newline
    parse_line(buffer_, out);
    buffer_.clear();
  }
}

void org_import::submit(std::vector<pending_record> records) {
  for (auto& r : records) {
    const std::uint64_t line = r.line;
    auto m = std::make_shared<const model::mutation>(std::move(r.m));
    const auto type = model::type_byte(*m);
    std::string payload = model::encode(*m);
    const std::size_t size = payload.size();
    {
      core::mutex_lock lock{mutex_};
      ++in_flight_;
      in_flight_bytes_ += size;
    }
    owner_.journal_.submit(type, std::move(payload),
                           [self = shared_from_this(), m, line, size](std::error_code ec, std::uint64_t seq) {
                             std::optional<store::outcome> o;
                             if (!ec) o = self->owner_.store_.apply(*m, seq);
                             self->on_applied(o, line, size, *m);
                           });
  }
}

void org_import::on_applied(std::optional<store::outcome> o, std::uint64_t line, std::size_t bytes,
                            const model::mutation& m) {
  {
    core::mutex_lock lock{mutex_};
    --in_flight_;
    in_flight_bytes_ -= bytes;
    if (!o) {
      fail({journal_unavailable(), line});
    } else if (*o == store::outcome::blocked) {
      fail({conflict("the import into '" + org_ + "' was interrupted: the organization is no longer importing"), line});
    } else if (*o != store::outcome::applied) {
      if (const auto* c = std::get_if<model::import_collection>(&m))
        fail_at(line, "id", "collection id " + c->c.id + " is already in use on this server, or repeats in the import");
      else if (*o == store::outcome::not_found)
        fail_at(line, "collection_id", "the share link's collection belongs to another organization on this server");
      else
        fail_at(line, "id", "the share link's id or token hash is already in use on this server, or repeats in the import");
    }
  }
  progress();
}

void org_import::commit() {
  owner_.journal(model::set_org_state{org_, model::org_state::active, owner_.now_()},
                 [self = shared_from_this()](std::optional<store::outcome> o, std::uint64_t seq) {
                   {
                     core::mutex_lock lock{self->mutex_};
                     if (!o) self->fail({journal_unavailable(), 0});
                     else if (*o != store::outcome::applied)
                       self->fail({conflict("the import into '" + self->org_ + "' was interrupted before its commit"), 0});
                     else self->commit_seq_ = seq;
                     self->phase_ = phase::done;
                   }
                   self->progress();
                 });
}

// The one place that moves the import on. Work that journals or calls out runs unlocked.
void org_import::progress() {
  core::mutex_lock lock{mutex_};
  for (;;) {
    std::vector<pending_record> records;
    if (phase_ == phase::open && !failed_) parse_lines(body_ended_, records);
    if (!records.empty()) {
      lock.unlock();
      submit(std::move(records));
      lock.lock();
      continue;
    }
    if (failed_ && !rollback_started_) {
      rollback_started_ = true;
      lock.unlock();
      owner_.journal(model::delete_org{org_, owner_.now_()},
                     [self = shared_from_this()](std::optional<store::outcome>, std::uint64_t) {
                       {
                         core::mutex_lock relock{self->mutex_};
                         self->rolled_back_ = true;  // or left for the next start, when the journal refused it
                       }
                       self->progress();
                     });
      lock.lock();
      continue;
    }
    if (!failed_ && phase_ == phase::open && body_ended_ && in_flight_ == 0) {
      if (!end_seen_) {
        fail({unprocessable("line", header_seen_ ? "the body ended before its end line (cut short?)"
                                                 : "the body holds no export: no header line"),
              line_});
        continue;
      }
      phase_ = phase::committing;
      lock.unlock();
      commit();
      lock.lock();
      continue;
    }
    break;
  }
  // What waits on the state: at most one callback each, run unlocked.
  step_fn next;
  result_fn done;
  std::optional<failure> failure_to_tell;
  std::optional<std::string> success;
  if (failed_ && rolled_back_ && in_flight_ == 0) {
    failure_to_tell = failed_;
    next = std::exchange(next_, nullptr);
    done = std::exchange(done_, nullptr);
  } else if (!failed_ && phase_ == phase::done && done_) {
    std::string body = "{\"org\":";
    model::append_json_string(body, org_);
    body += ",\"collections\":" + std::to_string(collections_) + ",\"share_links\":" + std::to_string(shares_) +
            ",\"seq\":" + std::to_string(commit_seq_) + "}";
    success = std::move(body);
    done = std::exchange(done_, nullptr);
  } else if (!failed_ && phase_ == phase::open && next_ && in_flight_bytes_ <= owner_.limits_.window_bytes) {
    next = std::exchange(next_, nullptr);
  }
  lock.unlock();
  if (failure_to_tell) {
    if (next) next(failure_to_tell);
    if (done) done(failure_to_tell->problem, failure_to_tell->line);
  } else if (success) {
    done(std::move(*success), 0);
  } else if (next) {
    next(std::nullopt);
  }
}

}  // namespace mixtape::service
