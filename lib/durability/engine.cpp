#include "durability/engine.hpp"

#include "core/log.hpp"

namespace mixtape::durability {

engine::engine(const engine_options& options, store::collection_store& store, recovered r)
    : recovered_(std::move(r)), compactor_(options.compaction, store, recovered_.snapshot_seq) {}

core::result<std::unique_ptr<engine>> engine::open(engine_options options, store::collection_store& store) {
  options.compaction.dir = options.dir;
  auto r = recover_data_dir(options.dir, options.repair ? recovery_mode::repair : recovery_mode::strict, store);
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
  std::unique_ptr<engine> e{new engine(options, store, std::move(r).value())};
  options.writer.after_batch = [c = &e->compactor_](std::uint64_t bytes) { c->after_batch(bytes); };
  e->writer_ = std::make_unique<journal::writer>(std::move(file), next_seq, std::move(options.writer));
  e->compactor_.attach(*e->writer_);
  return e;
}

engine::~engine() { close(); }

void engine::close() {
  if (writer_) writer_->close();
  compactor_.stop();
}

}  // namespace mixtape::durability
