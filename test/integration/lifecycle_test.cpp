// The process: command line, first start, restart, signals, the data-dir lock, timeouts.
#define BOOST_TEST_MODULE integration_lifecycle
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "support/fixture.hpp"

using namespace mixtape::test;

BOOST_AUTO_TEST_CASE(help_and_version_exit_zero) {
  const auto help = run_mixtaped({"--help"});
  BOOST_TEST(help.exit_code == 0);
  for (const char* flag : {"--listen", "--data-dir", "--keys", "--threads", "--fsync", "--fsync-interval-ms",
                           "--compact-bytes", "--public-url", "--max-body-bytes", "--repair", "--log-format",
                           "MIXTAPE_LISTEN"})
    BOOST_TEST(help.out.find(flag) != std::string::npos, flag);
  const auto version = run_mixtaped({"--version"});
  BOOST_TEST(version.exit_code == 0);
  BOOST_TEST(version.out.rfind("mixtaped ", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(bad_flags_exit_two_with_a_message) {
  const auto r = run_mixtaped({"--threads", "zero"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("--threads") != std::string::npos);
  BOOST_TEST(run_mixtaped({"--no-such-flag"}).exit_code == 2);
  BOOST_TEST(run_mixtaped({"--fsync", "sometimes"}).exit_code == 2);
}

BOOST_AUTO_TEST_CASE(first_start_prints_a_working_key_and_curl_line) {
  temp_dir dir;
  server_process p{dir.path()};
  BOOST_REQUIRE(p.started());
  const std::string out = p.stdout_text();
  std::smatch m;
  BOOST_REQUIRE(std::regex_search(out, m, std::regex{R"(X-API-Key: (mxt_[A-Za-z0-9_-]+))"}));
  BOOST_TEST(out.find("curl") != std::string::npos);
  BOOST_TEST(out.find("http://127.0.0.1:" + std::to_string(p.port()) + "/v1/music/org_local/collections") !=
             std::string::npos);
  http_client c{p.port()};
  const auto r = c.request("POST", "/v1/music/org_local/collections", R"({"name":"Focus Sessions"})",
                           {{"X-API-Key", m[1]}});
  BOOST_TEST(r.status == 201u);
  BOOST_TEST(std::filesystem::exists(dir.path() + "/keys.json"));
  BOOST_TEST(p.stop(SIGTERM) == 0);
  server_process again{dir.path()};  // the second start keeps the keys file and prints no key
  BOOST_REQUIRE(again.started());
  BOOST_TEST(again.stdout_text().find("mxt_") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_new_data_directory_is_private) {
  temp_dir dir;
  const std::string data = dir.path() + "/var/data";  // neither exists yet
  server_process p{data};
  BOOST_REQUIRE(p.started());
  namespace fs = std::filesystem;
  BOOST_TEST((fs::status(data).permissions() == fs::perms::owner_all));  // 0700
  for (const auto& entry : fs::directory_iterator(data))
    BOOST_TEST(((entry.status().permissions() & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none),
               entry.path());
}

BOOST_AUTO_TEST_CASE(sigterm_exits_zero_and_data_survives_restart) {
  live_server s;
  BOOST_REQUIRE(s.process->started());
  const std::string id = s.create("Keeper");
  const auto patched = s.call("PATCH", s.collections_url() + "/" + id, R"({"description":"kept"})");
  BOOST_TEST(s.restart() == 0);
  BOOST_REQUIRE(s.process->started());
  const auto r = s.call("GET", s.collections_url() + "/" + id);
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.json() == patched.json());
}

// "listening" is logged only once the signals are handled: a SIGTERM sent the moment it
// appears is a clean stop, never the default action (death by signal, exit 143).
BOOST_AUTO_TEST_CASE(sigterm_right_after_listening_is_a_clean_stop) {
  temp_dir dir;
  for (int round = 0; round < 5; ++round) {
    server_process p{dir.path()};
    BOOST_REQUIRE(p.started());
    BOOST_TEST(p.stop(SIGTERM) == 0, "round " << round);
    BOOST_TEST(p.stderr_text().find("stopped") != std::string::npos, "round " << round);
  }
}

BOOST_AUTO_TEST_CASE(second_server_on_the_same_data_dir_fails_fast) {
  live_server s;
  BOOST_REQUIRE(s.process->started());
  const auto r = run_mixtaped({"--listen", "127.0.0.1:0", "--data-dir", s.dir.path()}, std::chrono::seconds(10));
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err.find("in use by another mixtaped") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(slow_headers_are_cut_off_by_the_header_timeout) {
  live_server s{{"--header-timeout", "1"}};
  BOOST_REQUIRE(s.process->started());
  const auto r = raw_exchange(s.process->port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n", std::chrono::seconds(5));
  BOOST_TEST(r.closed_by_server);
  BOOST_TEST(r.elapsed.count() >= 900);
  BOOST_TEST(r.elapsed.count() < 4000);
}

BOOST_AUTO_TEST_CASE(idle_keep_alive_connections_are_closed) {
  live_server s{{"--idle-timeout", "1"}};
  BOOST_REQUIRE(s.process->started());
  const auto r = raw_exchange(s.process->port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", std::chrono::seconds(5));
  BOOST_TEST(r.received.rfind("HTTP/1.1 200", 0) == 0u);
  BOOST_TEST(r.closed_by_server);
  BOOST_TEST(r.elapsed.count() < 4000);
}

BOOST_AUTO_TEST_CASE(keys_add_creates_a_key_the_server_accepts_after_sighup) {
  live_server s;
  BOOST_REQUIRE(s.process->started());
  const auto added = run_mixtaped({"keys", "add", "--keys", s.dir.path() + "/keys.json", "--principal", "usr_dave",
                                   "--org", "org_abc123", "--capability", "USE_MUSIC_GENERATION"});
  BOOST_REQUIRE(added.exit_code == 0);
  std::string key = added.out.substr(0, added.out.find('\n'));
  BOOST_TEST(key.rfind("mxt_", 0) == 0u);
  BOOST_TEST(s.call("POST", s.collections_url(), R"({"name":"d"})", key).status == 401u);
  ::kill(s.process->pid(), SIGHUP);
  // The server logs this once the new keys are in use (app/serve.cpp, reload_keys).
  BOOST_REQUIRE_MESSAGE(s.process->wait_for_stderr("keys reloaded"), s.process->stderr_text());
  BOOST_TEST(s.call("POST", s.collections_url(), R"({"name":"d"})", key).status == 201u);
  BOOST_TEST(s.call("POST", s.collections_url(), R"({"name":"a"})").status == 201u);  // old keys still work
}

BOOST_AUTO_TEST_CASE(a_bad_keys_file_on_sighup_keeps_the_old_keys) {
  live_server s;
  BOOST_REQUIRE(s.process->started());
  std::ofstream(s.dir.path() + "/keys.json") << "{ this is not json";
  ::kill(s.process->pid(), SIGHUP);
  BOOST_REQUIRE_MESSAGE(s.process->wait_for_stderr("keys reload failed"), s.process->stderr_text());
  BOOST_TEST(s.call("POST", s.collections_url(), R"({"name":"a"})").status == 201u);
  BOOST_TEST(s.process->stderr_text().find("keys reload failed") != std::string::npos);
  BOOST_TEST(s.process->stderr_text().find("keys reloaded") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(environment_variables_configure_the_server) {
  temp_dir dir;
  write_test_keys(dir.path() + "/keys.json");
  ::setenv("MIXTAPE_MAX_BODY_BYTES", "2048", 1);
  server_process p{dir.path()};
  ::unsetenv("MIXTAPE_MAX_BODY_BYTES");
  BOOST_REQUIRE(p.started());
  http_client c{p.port()};
  const std::string body = R"({"name":"x","description":")" + std::string(3000, 'a') + "\"}";
  BOOST_TEST(c.request("POST", "/v1/music/org_abc123/collections", body, key_header(alice_key)).status == 413u);
}
