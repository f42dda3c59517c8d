#pragma once
// The durable state of a data directory while serving: recovery at start, the journal
// writer, and compaction, wired together. app/serve.cpp uses this and nothing below it.
#include <cstdint>
#include <memory>
#include <string>

#include "core/result.hpp"
#include "durability/compactor.hpp"
#include "durability/recovery.hpp"
#include "journal/writer.hpp"
#include "store/collection_store.hpp"

namespace mixtape::durability {

struct engine_options {
  std::string dir;
  bool repair = false;
  journal::writer_options writer;  // its after_batch hook is taken over by compaction
  compactor_options compaction;    // its `dir` is set to `dir`
};

class engine {
 public:
  // Recovers `dir` into `store` (empty; it must outlive the engine), opens the newest
  // journal for appending and starts the writer and the compaction thread. The caller
  // holds the data-dir lock. Errors are recovery's (see recover_data_dir) or io_error.
  static core::result<std::unique_ptr<engine>> open(engine_options options, store::collection_store& store);
  ~engine();  // close()
  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  journal::writer& writer() noexcept { return *writer_; }
  compactor& compaction() noexcept { return compactor_; }
  const recovered& recovery() const noexcept { return recovered_; }

  // Closes the writer (commits and syncs what is queued), then stops compaction.
  // Idempotent; not from a journal completion.
  void close();

 private:
  engine(const engine_options& options, store::collection_store& store, recovered r);

  recovered recovered_;
  compactor compactor_;  // before writer_: the writer's hook calls it, so it lives longer
  std::unique_ptr<journal::writer> writer_;
};

}  // namespace mixtape::durability
