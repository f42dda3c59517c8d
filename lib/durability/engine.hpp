#pragma once
// The durable state of a data directory while serving: recovery at start, the journal
// writer, compaction and (with an archive directory) continuous archiving, wired together.
// app/serve.cpp uses this and nothing below it.
#include <cstdint>
#include <memory>
#include <string>

#include "core/result.hpp"
#include "durability/archiver.hpp"
#include "durability/compactor.hpp"
#include "durability/recovery.hpp"
#include "journal/writer.hpp"
#include "store/collection_store.hpp"

namespace mixtape::durability {

struct engine_options {
  std::string dir;
  bool repair = false;
  journal::writer_options writer;  // its after_batch hook is taken over by compaction
  compactor_options compaction;    // its `dir` is set to `dir`; its archiving hooks are the engine's
  archiver_options archive;        // archive_dir empty: no archiving; its data_dir is set to `dir`
  // A standby journals only its primary's records: an import a crash cut short is left for
  // the primary's own rollback (its delete_org arrives like any record).
  bool roll_back_imports = true;
};

class engine {
 public:
  // Recovers `dir` into `store` (empty; it must outlive the engine), opens the newest
  // journal for appending and starts the writer (rolling back any organization import a
  // crash cut short: service/organizations.hpp), the compaction thread and, with an archive
  // directory, the archiver (recovery then leaves redundant files for the compactor to delete
  // once archived). The caller holds the data-dir lock. Errors are recovery's (see
  // recover_data_dir) or io_error.
  static core::result<std::unique_ptr<engine>> open(engine_options options, store::collection_store& store);
  ~engine();  // close()
  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  journal::writer& writer() noexcept { return *writer_; }
  compactor& compaction() noexcept { return compactor_; }
  const recovered& recovery() const noexcept { return recovered_; }
  // nullptr without an archive directory.
  archiver* archiving() noexcept { return archiver_.get(); }

  // Journals and applies the rollback of every organization import left unfinished (its
  // organization still importing), waiting for each: at open, and when a standby that did not
  // roll back its primary's unfinished import is promoted. Not from a journal completion.
  core::status roll_back_unfinished_imports();

  // With archiving, first closes the current journal file so that the archiver copies its
  // records too (as PostgreSQL switches WAL files at shutdown). Then closes the writer
  // (commits and syncs what is queued), lets the archiver make its last pass and stops it,
  // then stops compaction. Idempotent; not from a journal completion.
  void close();

 private:
  engine(const engine_options& options, store::collection_store& store, recovered r, std::unique_ptr<archiver> a);

  store::collection_store& store_;
  recovered recovered_;
  // Destroyed after the compactor and the writer, whose hooks call it.
  std::unique_ptr<archiver> archiver_;
  compactor compactor_;  // before writer_: the writer's hook calls it, so it lives longer
  std::unique_ptr<journal::writer> writer_;
  bool closed_ = false;
};

}  // namespace mixtape::durability
