// Real faults under the real server: EIO from fdatasync and a short write then ENOSPC
// (both injected by fault_shim.c through LD_PRELOAD), and a genuinely full tmpfs when
// mounting one is allowed. Each time: that write gets 503, memory is unchanged, reads go
// on, /readyz is 503, later writes get 503, and a restart keeps everything acknowledged.
#define BOOST_TEST_MODULE crash_faults
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "support/fixture.hpp"

using namespace mixtape::test;

namespace {

// Sets environment variables for the server processes started in its lifetime.
class scoped_env {
 public:
  explicit scoped_env(std::vector<std::pair<std::string, std::string>> vars) : vars_(std::move(vars)) {
    for (const auto& [k, v] : vars_) ::setenv(k.c_str(), v.c_str(), 1);
  }
  ~scoped_env() {
    for (const auto& [k, v] : vars_) ::unsetenv(k.c_str());
  }

 private:
  std::vector<std::pair<std::string, std::string>> vars_;
};

std::vector<std::pair<std::string, std::string>> shim_env(const std::string& op, int error, const std::string& trigger,
                                                          bool short_write = false) {
  return {{"LD_PRELOAD", FAULT_SHIM_PATH},
          {"ASAN_OPTIONS", "verify_asan_link_order=0"},  // sanitizer builds: the shim comes first
          {"MIXTAPE_FAULT_OP", op},
          {"MIXTAPE_FAULT_ERRNO", std::to_string(error)},
          {"MIXTAPE_FAULT_TRIGGER", trigger},
          {"MIXTAPE_FAULT_SHORT", short_write ? "1" : "0"}};
}

// A server (two I/O threads) whose process, and only it, runs with the fault shim.
std::unique_ptr<server_process> start_with_shim(const std::string& data_dir,
                                                const std::vector<std::pair<std::string, std::string>>& shim) {
  scoped_env env{shim};
  return std::make_unique<server_process>(data_dir, std::vector<std::string>{"--threads", "2"});
}

std::string collections_url() { return "/v1/music/" + org + "/collections"; }

std::string create(http_client& c, const std::string& description, unsigned* status = nullptr) {
  const auto r = c.request("POST", collections_url(), R"({"name":"n","description":")" + description + "\"}",
                           key_header(alice_key));
  if (status) *status = r.status;
  return r.status == 201 ? std::string{r.json().at("id").as_string()} : std::string{};
}

std::string description_of(http_client& c, const std::string& id) {
  const auto r = c.request("GET", collections_url() + "/" + id, "", key_header(alice_key));
  BOOST_REQUIRE_MESSAGE(r.status == 200, "collection " << id << " is gone: " << r.status);
  return std::string{r.json().at("description").as_string()};
}

// The poisoned server: the failed write left memory alone, reads go on, writes are refused.
void check_poisoned(http_client& c, const std::vector<std::string>& ids) {
  for (const auto& id : ids) BOOST_TEST(description_of(c, id) == "acked");
  const auto list = c.request("GET", collections_url(), "", key_header(alice_key));
  BOOST_TEST(list.status == 200u);
  BOOST_TEST(list.json().at("items").as_array().size() == ids.size());
  unsigned status = 0;
  create(c, "later", &status);
  BOOST_TEST(status == 503u);
  BOOST_TEST(c.request("GET", "/readyz").status == 503u);
  BOOST_TEST(c.request("GET", "/healthz").status == 200u);
  BOOST_TEST(c.request("GET", "/metrics").body.find("mixtape_journal_healthy 0") != std::string::npos);
}

void touch(const std::string& path) { std::ofstream{path} << "go"; }

// Whether a tmpfs can be mounted here (CAP_SYS_ADMIN): tried on a scratch directory.
boost::test_tools::assertion_result tmpfs_mountable(boost::unit_test::test_unit_id) {
  temp_dir probe;
  if (::mount("tmpfs", probe.path().c_str(), "tmpfs", 0, "size=16k,mode=0700") != 0) {
    boost::test_tools::assertion_result r{false};
    r.message() << "cannot mount a tmpfs here: " << std::strerror(errno);
    return r;
  }
  ::umount2(probe.path().c_str(), MNT_DETACH);
  return true;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_failed_fdatasync_gives_503_keeps_reads_and_loses_nothing_acknowledged) {
  temp_dir dir;
  write_test_keys(dir.path() + "/keys.json");
  const std::string trigger = dir.path() + "/fault-trigger";
  std::vector<std::string> ids;
  {
    const auto p = start_with_shim(dir.path(), shim_env("fdatasync", EIO, trigger));
    BOOST_REQUIRE_MESSAGE(p->started(), p->stderr_text());
    http_client c{p->port()};
    for (int i = 0; i < 5; ++i) ids.push_back(create(c, "acked"));
    touch(trigger);
    const auto failed = c.request("PATCH", collections_url() + "/" + ids[0], R"({"description":"failed"})",
                                  key_header(alice_key));
    BOOST_TEST(failed.status == 503u);
    BOOST_TEST(failed.json().at("error").at("code").as_string() == "SERVICE_UNAVAILABLE");
    check_poisoned(c, ids);
    BOOST_TEST(p->stderr_text().find("journal failed") != std::string::npos);
    BOOST_TEST(p->stop(SIGTERM) == 0);
  }
  server_process again{dir.path(), {"--threads", "2"}};
  BOOST_REQUIRE_MESSAGE(again.started(), again.stderr_text());
  http_client c{again.port()};
  // The unacknowledged patch reached the page cache before its sync failed: after a restart
  // it may or may not be there (docs/journal-format.md). Everything acknowledged is.
  const std::string first = description_of(c, ids[0]);
  BOOST_TEST((first == "acked" || first == "failed"));
  for (std::size_t i = 1; i < ids.size(); ++i) BOOST_TEST(description_of(c, ids[i]) == "acked");
  BOOST_TEST(c.request("GET", "/readyz").status == 200u);
  BOOST_TEST(!create(c, "after restart").empty());
}

BOOST_AUTO_TEST_CASE(a_short_write_then_enospc_gives_503_and_the_torn_record_is_cut_at_restart) {
  temp_dir dir;
  write_test_keys(dir.path() + "/keys.json");
  const std::string trigger = dir.path() + "/fault-trigger";
  std::vector<std::string> ids;
  {
    const auto p = start_with_shim(dir.path(), shim_env("write", ENOSPC, trigger, true));
    BOOST_REQUIRE_MESSAGE(p->started(), p->stderr_text());
    http_client c{p->port()};
    for (int i = 0; i < 3; ++i) ids.push_back(create(c, "acked"));
    touch(trigger);
    unsigned status = 0;
    create(c, "failed", &status);
    BOOST_TEST(status == 503u);
    check_poisoned(c, ids);
    p->kill_hard();
  }
  server_process again{dir.path(), {"--threads", "2"}};
  BOOST_REQUIRE_MESSAGE(again.started(), again.stderr_text());
  BOOST_TEST(again.stderr_text().find("torn journal tail cut off") != std::string::npos);
  http_client c{again.port()};
  for (const auto& id : ids) BOOST_TEST(description_of(c, id) == "acked");
  const auto list = c.request("GET", collections_url(), "", key_header(alice_key));
  BOOST_TEST(list.json().at("items").as_array().size() == ids.size());  // the torn one is gone
}

// A real full disk: a tiny tmpfs (needs CAP_SYS_ADMIN; reported skipped otherwise).
BOOST_AUTO_TEST_CASE(a_full_tmpfs_gives_503_and_a_restart_keeps_everything_acknowledged,
                     *boost::unit_test::precondition(tmpfs_mountable)) {
  temp_dir mnt;
  BOOST_REQUIRE_MESSAGE(::mount("tmpfs", mnt.path().c_str(), "tmpfs", 0, "size=192k,mode=0700") == 0,
                        "mount: " << std::strerror(errno));
  struct unmount {
    std::string path;
    ~unmount() { ::umount2(path.c_str(), MNT_DETACH); }
  } guard{mnt.path()};
  const std::string dir = mnt.path() + "/data";
  std::filesystem::create_directories(dir);
  write_test_keys(dir + "/keys.json");
  const std::string big(8000, 'x');
  std::vector<std::string> ids;
  {
    server_process p{dir, {"--threads", "2"}};
    BOOST_REQUIRE_MESSAGE(p.started(), p.stderr_text());
    http_client c{p.port()};
    unsigned status = 201;
    for (int i = 0; i < 100 && status == 201; ++i) {
      const std::string id = create(c, big, &status);
      if (status == 201) ids.push_back(id);
    }
    BOOST_TEST(status == 503u);
    BOOST_TEST(ids.size() > 5u);
    BOOST_TEST(c.request("GET", "/readyz").status == 503u);
    for (const auto& id : ids) BOOST_TEST(description_of(c, id) == big);
    p.kill_hard();
  }
  server_process again{dir, {"--threads", "2"}};
  BOOST_REQUIRE_MESSAGE(again.started(), again.stderr_text());
  http_client c{again.port()};
  for (const auto& id : ids) BOOST_TEST(description_of(c, id) == big);
}
