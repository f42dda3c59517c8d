// Continuous archiving with the real server, and a point-in-time restore from its archive:
// the collection deleted by mistake comes back with a restore to just before the delete.
#define BOOST_TEST_MODULE integration_archive
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <filesystem>
#include <map>

#include "core/clock.hpp"
#include "durability/archive_restore.hpp"
#include "support/fixture.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

using namespace mixtape::test;
using namespace std::chrono_literals;
namespace durability = mixtape::durability;

namespace {

// The value of an unlabelled metric in a /metrics body; -1 when absent.
long long metric(const std::string& body, const std::string& name) {
  const auto at = body.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stoll(body.substr(at + name.size() + 2));
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_collection_deleted_by_mistake_comes_back_with_a_restore_to_just_before_the_delete) {
  temp_dir archive_root;
  const std::string archive = archive_root / "archive";
  live_server s{{"--archive-dir", archive, "--archive-interval", "1", "--compact-bytes", "4096"}};
  BOOST_REQUIRE(s.process->started());

  // Enough writes for compactions (and so for deletions from the data directory) to happen.
  std::vector<std::string> ids;
  for (int i = 0; i < 80 && !(ids.size() >= 20 && s.process->wait_for_stderr("compaction done", 0ms, 2)); ++i) {
    ids.push_back(s.create(std::string(200, 'c') + std::to_string(i)));
    BOOST_REQUIRE(!ids.back().empty());
  }
  BOOST_REQUIRE(s.process->wait_for_stderr("compaction done", 10s, 2));
  std::map<std::string, std::string> etags;
  for (const auto& id : ids) etags[id] = s.call("GET", s.collections_url() + "/" + id).header("ETag");
  const std::string victim = ids[ids.size() / 2];

  // The delete happens in a later second than every write before it.
  const auto before_delete = mixtape::core::now_seconds();
  BOOST_REQUIRE(wait_until([&] { return mixtape::core::now_seconds() > before_delete; }, 3s));
  BOOST_REQUIRE(s.call("DELETE", s.collections_url() + "/" + victim).status == 200u);
  const std::string later = s.create("made after the delete");
  BOOST_REQUIRE(!later.empty());
  BOOST_TEST(s.call("GET", s.collections_url() + "/" + victim).status == 404u);

  // The interval closes the file holding the delete; then the archive holds every record.
  const auto records = metric(s.call("GET", "/metrics", "", "").body, "mixtape_journal_records_total");
  BOOST_REQUIRE(records == static_cast<long long>(ids.size() + 2));
  BOOST_REQUIRE(wait_until([&] { return metric(s.call("GET", "/metrics", "", "").body, "mixtape_archived_seq") >= records; },
                           20s, 50ms));
  const auto m = s.call("GET", "/metrics", "", "").body;
  BOOST_TEST(metric(m, "mixtape_archived_files_total") >= 3);
  BOOST_TEST(metric(m, "mixtape_archive_failures_total") == 0);
  BOOST_TEST(metric(m, "mixtape_compactions_total") >= 2);
  BOOST_TEST(std::filesystem::exists(archive + "/secret.key"));

  // Restore to the second before the delete, into a new directory, and serve it.
  temp_dir restored_root;
  const std::string restored = restored_root / "data";
  // Through the command, as an operator runs it (docs/operations.md).
  const auto r = run_mixtaped({"restore", "--from-archive", archive, "--data-dir", restored, "--until",
                               mixtape::core::format_utc(before_delete)});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  BOOST_TEST(r.out.find("restored seq " + std::to_string(ids.size()) + " ") == 0u, r.out);  // every create, not the delete
  // The same point by seq, through the library, from a snapshot.
  temp_dir by_seq;
  const auto lib = durability::restore_from_archive(archive, by_seq / "data", durability::restore_target::until_seq(ids.size()));
  BOOST_REQUIRE_MESSAGE(lib.ok(), (lib.ok() ? "" : lib.error().message));
  BOOST_TEST(lib->last_time.value_or(before_delete + 1) <= before_delete);
  BOOST_TEST(lib->snapshot_seq > 0u);
  write_test_keys(restored + "/keys.json");
  server_process back{restored};
  BOOST_REQUIRE(back.started());
  http_client c{back.port()};
  const auto got = c.request("GET", s.collections_url() + "/" + victim, "", key_header(alice_key));
  BOOST_TEST(got.status == 200u);
  BOOST_TEST(got.header("ETag") == etags[victim]);
  for (const auto& id : {ids.front(), ids.back()})
    BOOST_TEST(c.request("GET", s.collections_url() + "/" + id, "", key_header(alice_key)).header("ETag") == etags[id]);
  BOOST_TEST(c.request("GET", s.collections_url() + "/" + later, "", key_header(alice_key)).status == 404u);
  BOOST_TEST(back.stderr_text().find("warn") == std::string::npos, back.stderr_text());
  BOOST_TEST(back.stop(SIGTERM) == 0);
}
