#include "durability/engine.hpp"

#include <future>

#include "core/clock.hpp"
#include "core/log.hpp"
#include "journal/format.hpp"

namespace mixtape::durability {

namespace {

// How long close() waits for the rotation that closes the last journal file.
constexpr std::chrono::seconds last_rotation_wait{10};

// The compactor's side of archiving: files stay until archived, and rotations and snapshots
// wake the archiver.
compactor_options with_archiving(compactor_options o, archiver* a) {
  if (a == nullptr) return o;
  o.archived = [a](const std::string& path) { return a->archived(path); };
  o.after_rotation = [a] { a->after_rotation(); };
  o.after_snapshot = [a] { a->wake(); };
  return o;
}

// An import a crash cut short left its organization importing: journal and apply its
// rollback (delete_org) before serving, so that an import is all or nothing across kill -9.
core::status roll_back_imports(store::collection_store& store, journal::writer& w) {
  for (const auto& org : store.orgs().in_state(model::org_state::importing)) {
    const model::mutation m = model::delete_org{org, core::now_seconds()};
    std::promise<std::error_code> applied;
    w.submit(model::type_byte(m), model::encode(m), [&](std::error_code ec, std::uint64_t seq) {
      if (!ec) store.apply(m, seq);
      applied.set_value(ec);
    });
    if (const auto ec = applied.get_future().get())
      return core::problem{core::errc::io_error, "", "cannot roll back the unfinished import of '" + org + "': " + ec.message()};
    core::log::warn("an import cut short was rolled back: the organization is empty", {{"org", org}});
  }
  return core::success();
}

}  // namespace

engine::engine(const engine_options& options, store::collection_store& store, recovered r, std::unique_ptr<archiver> a)
    : store_(store),
      recovered_(std::move(r)),
      archiver_(std::move(a)),
      compactor_(with_archiving(options.compaction, archiver_.get()), store, recovered_.snapshot_seq) {}

core::result<std::unique_ptr<engine>> engine::open(engine_options options, store::collection_store& store) {
  options.compaction.dir = options.dir;
  options.archive.data_dir = options.dir;
  const bool archiving = !options.archive.archive_dir.empty();
  auto r = recover_data_dir(options.dir, options.repair ? recovery_mode::repair : recovery_mode::strict, store,
                            archiving ? redundant_files::keep : redundant_files::remove);
  if (!r) return std::move(r).error();
  core::log::info("journal recovered",
                  {{"dir", options.dir},
                   {"snapshot_seq", std::to_string(r->snapshot_seq)},
                   {"journal_records", std::to_string(r->journal_records)},
                   {"last_seq", std::to_string(r->last_seq)},
                   {"collections", std::to_string(store.size())},
                   {"distinct_tracks", std::to_string(store.distinct_tracks())},
                   {"snapshot_ms", std::to_string(r->snapshot_time.count())},
                   {"replay_ms", std::to_string(r->replay_time.count())},
                   {"journal", r->journal_path}});
  std::error_code ec;
  auto file = options.compaction.open_journal(r->journal_path, ec);
  if (!file) return core::problem{core::errc::io_error, "", r->journal_path + ": cannot open: " + ec.message()};
  const std::uint64_t next_seq = r->last_seq + 1;
  std::unique_ptr<archiver> a;
  if (archiving) a = std::make_unique<archiver>(options.archive, file->size() > journal::header_size);
  std::unique_ptr<engine> e{new engine(options, store, std::move(r).value(), std::move(a))};
  options.writer.after_batch = [c = &e->compactor_, a = e->archiver_.get()](std::uint64_t bytes) {
    if (a) a->after_batch();
    c->after_batch(bytes);
  };
  e->writer_ = std::make_unique<journal::writer>(std::move(file), next_seq, std::move(options.writer));
  e->compactor_.attach(*e->writer_);
  store.set_applied_seq(e->recovered_.last_seq);
  if (options.roll_back_imports)
    if (auto st = roll_back_imports(store, *e->writer_); !st) return std::move(st).error();
  if (e->archiver_) {
    e->archiver_->start({[c = &e->compactor_] { return c->rotate_file(); }, [c = &e->compactor_] { c->sweep(); }});
    core::log::info("archiving", {{"archive_dir", options.archive.archive_dir},
                                  {"interval_ms", std::to_string(options.archive.interval.count())}});
  }
  return e;
}

engine::~engine() { close(); }

core::status engine::roll_back_unfinished_imports() { return roll_back_imports(store_, *writer_); }

void engine::close() {
  if (closed_) return;
  closed_ = true;
  if (archiver_ && writer_ && writer_->healthy() && !archiver_->close_current_file(last_rotation_wait))
    core::log::warn("the last journal file was not closed for archiving; it is archived after the next start");
  if (writer_) writer_->close();
  if (archiver_) archiver_->stop();
  compactor_.stop();
}

}  // namespace mixtape::durability
