#pragma once
// A service over an in-memory journal file whose syncs a test can hold back
// (file->hold_syncs(): writes stay unacknowledged until release_syncs()) or make fail.
// The clock stands at 1000. Destruction releases held syncs, then closes the writer.
#include <memory>

#include "journal/writer.hpp"
#include "service/await_reply.hpp"
#include "service/collections.hpp"
#include "support/fake_journal_file.hpp"

namespace mixtape::test {

struct held_journal_fixture {
  std::shared_ptr<fake_disk> file = std::make_shared<fake_disk>();
  store::collection_store store{8};
  journal::writer writer{make_fake(file), 1, {}};
  service::collections svc{store, writer, service::options{3, "http://h", [] { return core::unix_seconds{1000}; }}};
  service::caller alice{"org_x", "usr_alice"};

  ~held_journal_fixture() {
    file->release_syncs();
    writer.close();
  }
};

}  // namespace mixtape::test
