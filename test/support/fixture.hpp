#pragma once
// A running server with a known keys file, for integration tests.
#include <memory>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace mixtape::test {

// Keys written by write_test_keys(): alice and bob in org_abc123 with the capability,
// carol in org_other, nocap in org_abc123 without USE_MUSIC_GENERATION, admin (below).
inline const std::string alice_key = "mxt_test_alice_0123456789";
inline const std::string bob_key = "mxt_test_bob_0123456789";
inline const std::string carol_key = "mxt_test_carol_0123456789";
inline const std::string nocap_key = "mxt_test_nocap_0123456789";
// usr_ops: MIXTAPE_ADMIN only, no organization.
inline const std::string admin_key = "mxt_test_admin_0123456789";
// usr_standby: MIXTAPE_REPLICATION only (a standby's key, docs/replication.md).
inline const std::string replication_key = "mxt_test_repl_0123456789";
inline const std::string org = "org_abc123";

void write_test_keys(const std::string& path);

header_list key_header(const std::string& key);

struct live_server {
  explicit live_server(std::vector<std::string> extra_args = {});
  // Stops (SIGTERM) and starts the server again on the same data directory.
  int restart(std::vector<std::string> extra_args = {});

  temp_dir dir;
  std::unique_ptr<server_process> process;
  std::unique_ptr<http_client> client;

  // Authenticated as alice unless `key` is given.
  http_reply call(const std::string& method, const std::string& target, const std::string& body = {},
                  const std::string& key = alice_key);
  std::string collections_url() const { return "/v1/music/" + org + "/collections"; }
  // Creates a collection as `key`; returns its id (empty on failure).
  std::string create(const std::string& name, const std::string& key = alice_key);
};

}  // namespace mixtape::test
