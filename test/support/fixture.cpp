#include "support/fixture.hpp"

#include <signal.h>

#include <fstream>

#include "core/sha256.hpp"

namespace mixtape::test {

void write_test_keys(const std::string& path) {
  auto entry = [](const std::string& id, const std::string& key, const std::string& principal,
                  const std::string& org_id, bool capability) {
    return R"({"id":")" + id + R"(","sha256":")" + core::sha256_hex(key) + R"(","principal":")" + principal +
           R"(","organizations":[")" + org_id + R"("],"capabilities":[)" +
           (capability ? R"("USE_MUSIC_GENERATION")" : "") + "]}";
  };
  std::ofstream out(path);
  out << R"({"keys":[)" << entry("key_alice", alice_key, "usr_alice", org, true) << ','
      << entry("key_bob", bob_key, "usr_bob", org, true) << ','
      << entry("key_carol", carol_key, "usr_carol", "org_other", true) << ','
      << entry("key_nocap", nocap_key, "usr_nocap", org, false) << ','
      << R"({"id":"key_admin","sha256":")" << core::sha256_hex(admin_key)
      << R"(","principal":"usr_ops","organizations":[],"capabilities":["MIXTAPE_ADMIN"]},)"
      << R"({"id":"key_standby","sha256":")" << core::sha256_hex(replication_key)
      << R"(","principal":"usr_standby","organizations":[],"capabilities":["MIXTAPE_REPLICATION"]})" << "]}\n";
}

header_list key_header(const std::string& key) { return {{"X-API-Key", key}}; }

live_server::live_server(std::vector<std::string> extra_args) {
  write_test_keys(dir.path() + "/keys.json");
  process = std::make_unique<server_process>(dir.path(), std::move(extra_args));
  if (process->started()) client = std::make_unique<http_client>(process->port());
}

int live_server::restart(std::vector<std::string> extra_args) {
  client.reset();
  const int code = process->stop(SIGTERM);
  process = std::make_unique<server_process>(dir.path(), std::move(extra_args));
  if (process->started()) client = std::make_unique<http_client>(process->port());
  return code;
}

http_reply live_server::call(const std::string& method, const std::string& target, const std::string& body,
                             const std::string& key) {
  return client->request(method, target, body, key.empty() ? header_list{} : key_header(key));
}

std::string live_server::create(const std::string& name, const std::string& key) {
  const auto r = call("POST", collections_url(), R"({"name":")" + name + R"("})", key);
  if (r.status != 201) return {};
  return std::string{r.json().at("id").as_string()};
}

}  // namespace mixtape::test
