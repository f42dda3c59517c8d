// Configuration: defaults, MIXTAPE_* variables, flags (which win), both flag forms,
// range errors that name the flag, and `keys add`.
#define BOOST_TEST_MODULE config
#include <sched.h>

#include <boost/test/unit_test.hpp>

#include <map>

#include "config/config.hpp"

using namespace mixtape;
using namespace mixtape::config;

namespace {

using env_map = std::map<std::string, std::string>;

env_lookup env_of(env_map vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

server_config serve(const std::vector<std::string>& args, env_map vars = {}) {
  auto r = parse_command_line(args, env_of(std::move(vars)));
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string{} : r.error().message));
  BOOST_REQUIRE((r->what == command::kind::serve));
  return r->serve;
}

// The problem of a command line that must fail.
core::problem failure(const std::vector<std::string>& args, env_map vars = {}) {
  auto r = parse_command_line(args, env_of(std::move(vars)));
  BOOST_REQUIRE(!r.ok());
  return r.error();
}

}  // namespace

BOOST_AUTO_TEST_CASE(default_threads_leave_one_core_to_the_journal) {
  BOOST_TEST(server_config::default_threads(1) == 1u);
  BOOST_TEST(server_config::default_threads(2) == 1u);
  BOOST_TEST(server_config::default_threads(8) == 7u);
  BOOST_TEST(server_config::default_threads(0) == 1u);  // an unknown count
  const unsigned cores = server_config::usable_cores();
  BOOST_TEST(cores >= 1u);
  BOOST_TEST(serve({}).io_threads() == server_config::default_threads(cores));
  BOOST_TEST(serve({"--threads", "3"}).io_threads() == 3u);
}

BOOST_AUTO_TEST_CASE(usable_cores_follow_the_affinity_mask) {
  cpu_set_t all;
  CPU_ZERO(&all);
  BOOST_REQUIRE(sched_getaffinity(0, sizeof all, &all) == 0);
  BOOST_TEST(server_config::usable_cores() == static_cast<unsigned>(CPU_COUNT(&all)));
  int first = 0;
  while (!CPU_ISSET(first, &all)) ++first;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  BOOST_REQUIRE(sched_setaffinity(0, sizeof one, &one) == 0);
  const unsigned pinned = server_config::usable_cores();
  BOOST_REQUIRE(sched_setaffinity(0, sizeof all, &all) == 0);
  BOOST_TEST(pinned == 1u);
}

BOOST_AUTO_TEST_CASE(defaults_match_the_spec) {
  const auto c = serve({});
  BOOST_TEST(c.listen_host == "127.0.0.1");
  BOOST_TEST(c.listen_port == 8080);
  BOOST_TEST(c.data_dir == "./data");
  BOOST_TEST(c.keys_path() == "./data/keys.json");
  BOOST_TEST(c.threads == 0u);
  BOOST_TEST((c.fsync == fsync_mode::always));
  BOOST_TEST(c.fsync_interval.count() == 10);
  BOOST_TEST(c.group_commit_wait.count() == 1000);
  BOOST_TEST(c.compact_bytes == 64ull << 20);
  BOOST_TEST(c.public_url.empty());
  BOOST_TEST(c.max_body_bytes == 65536u);
  BOOST_TEST(c.max_header_bytes == 16384u);
  BOOST_TEST(c.max_tracks == 10000u);
  BOOST_TEST(!c.repair);
  BOOST_TEST((c.log == log_format::text));
  BOOST_TEST(c.header_timeout.count() == 10);
  BOOST_TEST(c.body_timeout.count() == 30);
  BOOST_TEST(c.idle_timeout.count() == 60);
  BOOST_TEST(c.drain_timeout.count() == 10);
}

BOOST_AUTO_TEST_CASE(environment_variables_set_every_flag) {
  const auto c = serve({}, {{"MIXTAPE_LISTEN", "0.0.0.0:9000"},
                            {"MIXTAPE_DATA_DIR", "/srv/mixtape"},
                            {"MIXTAPE_THREADS", "4"},
                            {"MIXTAPE_FSYNC", "batch"},
                            {"MIXTAPE_FSYNC_INTERVAL_MS", "25"},
                            {"MIXTAPE_GROUP_COMMIT_WAIT_US", "0"},
                            {"MIXTAPE_COMPACT_BYTES", "1048576"},
                            {"MIXTAPE_PUBLIC_URL", "https://music.example.com/"},
                            {"MIXTAPE_MAX_BODY_BYTES", "2048"},
                            {"MIXTAPE_MAX_HEADER_BYTES", "4096"},
                            {"MIXTAPE_MAX_TRACKS", "3"},
                            {"MIXTAPE_REPAIR", "1"},
                            {"MIXTAPE_LOG_FORMAT", "json"},
                            {"MIXTAPE_HEADER_TIMEOUT", "1"},
                            {"MIXTAPE_BODY_TIMEOUT", "2"},
                            {"MIXTAPE_IDLE_TIMEOUT", "3"},
                            {"MIXTAPE_DRAIN_TIMEOUT", "4"}});
  BOOST_TEST(c.listen_host == "0.0.0.0");
  BOOST_TEST(c.listen_port == 9000);
  BOOST_TEST(c.keys_path() == "/srv/mixtape/keys.json");
  BOOST_TEST(c.threads == 4u);
  BOOST_TEST((c.fsync == fsync_mode::batch));
  BOOST_TEST(c.fsync_interval.count() == 25);
  BOOST_TEST(c.group_commit_wait.count() == 0);
  BOOST_TEST(c.compact_bytes == 1048576u);
  BOOST_TEST(c.public_url == "https://music.example.com");  // trailing '/' dropped
  BOOST_TEST(c.max_body_bytes == 2048u);
  BOOST_TEST(c.max_header_bytes == 4096u);
  BOOST_TEST(c.max_tracks == 3u);
  BOOST_TEST(c.repair);
  BOOST_TEST((c.log == log_format::json));
  BOOST_TEST(c.header_timeout.count() == 1);
  BOOST_TEST(c.body_timeout.count() == 2);
  BOOST_TEST(c.idle_timeout.count() == 3);
  BOOST_TEST(c.drain_timeout.count() == 4);
  BOOST_TEST(serve({}, {{"MIXTAPE_KEYS", "/etc/k.json"}}).keys_path() == "/etc/k.json");
}

BOOST_AUTO_TEST_CASE(flags_win_over_environment_variables) {
  const auto c = serve({"--threads", "8", "--listen", "127.0.0.1:0", "--fsync", "never"},
                       {{"MIXTAPE_THREADS", "4"}, {"MIXTAPE_LISTEN", "0.0.0.0:9000"}, {"MIXTAPE_FSYNC", "batch"},
                        {"MIXTAPE_MAX_TRACKS", "5"}});
  BOOST_TEST(c.threads == 8u);
  BOOST_TEST(c.listen_port == 0);
  BOOST_TEST((c.fsync == fsync_mode::never));
  BOOST_TEST(c.max_tracks == 5u);  // not overridden: the variable stays
  BOOST_TEST(!serve({"--repair=false"}, {{"MIXTAPE_REPAIR", "1"}}).repair);
}

BOOST_AUTO_TEST_CASE(flag_equals_value_form_works) {
  const auto c = serve({"--threads=3", "--listen=[::1]:8443", "--public-url=https://x.example", "--repair",
                        "--max-tracks=7"});
  BOOST_TEST(c.threads == 3u);
  BOOST_TEST(c.listen_host == "::1");
  BOOST_TEST(c.listen_port == 8443);
  BOOST_TEST(c.public_url == "https://x.example");
  BOOST_TEST(c.repair);
  BOOST_TEST(c.max_tracks == 7u);
}

BOOST_AUTO_TEST_CASE(every_numeric_range_error_names_the_flag) {
  struct row {
    std::string flag;
    std::vector<std::string> bad;
    std::string lo, hi;
  };
  const row rows[] = {
      {"--threads", {"0", "257", "-1", "four", "", "4x"}, "1", "256"},
      {"--fsync-interval-ms", {"0", "60001"}, "1", "60000"},
      {"--group-commit-wait-us", {"-1", "100001"}, "0", "100000"},
      {"--compact-bytes", {"4095", "1099511627777"}, "4096", "1099511627776"},
      {"--max-body-bytes", {"1023", "67108865"}, "1024", "67108864"},
      {"--max-header-bytes", {"1023", "1048577"}, "1024", "1048576"},
      {"--max-tracks", {"0", "1000001", "99999999999999999999999"}, "1", "1000000"},
      {"--header-timeout", {"0", "86401"}, "1", "86400"},
      {"--body-timeout", {"0", "86401"}, "1", "86400"},
      {"--idle-timeout", {"0", "86401"}, "1", "86400"},
      {"--drain-timeout", {"0", "86401"}, "1", "86400"},
  };
  for (const auto& [flag, bad, lo, hi] : rows)
    for (const auto& v : bad) {
      BOOST_TEST_CONTEXT(flag << " " << v) {
        const auto p = failure({flag, v});
        BOOST_TEST(p.field == flag);
        BOOST_TEST(p.message == flag + " must be an integer between " + lo + " and " + hi);
        BOOST_TEST(failure({flag + "=" + v}).message == p.message);
      }
    }
  // The bounds themselves are accepted.
  BOOST_TEST(serve({"--threads", "1"}).threads == 1u);
  BOOST_TEST(serve({"--threads", "256"}).threads == 256u);
  BOOST_TEST(serve({"--max-tracks", "1000000"}).max_tracks == 1000000u);
}

BOOST_AUTO_TEST_CASE(other_bad_values_are_clear_messages_naming_the_flag) {
  const std::pair<std::vector<std::string>, std::string> cases[] = {
      {{"--fsync", "sometimes"}, "--fsync"},
      {{"--log-format", "xml"}, "--log-format"},
      {{"--public-url", "ftp://x"}, "--public-url"},
      {{"--public-url", "music.example.com"}, "--public-url"},
      {{"--data-dir", ""}, "--data-dir"},
      {{"--listen", "8080"}, "--listen"},
      {{"--listen", ":8080"}, "--listen"},
      {{"--listen", "127.0.0.1:"}, "--listen"},
      {{"--listen", "127.0.0.1:65536"}, "--listen"},
      {{"--listen", "127.0.0.1:http"}, "--listen"},
      {{"--threads"}, "--threads"},
  };
  for (const auto& [args, flag] : cases) {
    BOOST_TEST_CONTEXT(args.front() << " " << (args.size() > 1 ? args[1] : "")) {
      const auto p = failure(args);
      BOOST_TEST(p.field == flag);
      BOOST_TEST(p.message.find(flag) != std::string::npos, p.message);
      BOOST_TEST(p.message.find('\n') == std::string::npos);
    }
  }
  BOOST_TEST(failure({"--threads"}).message == "--threads needs a value");
  BOOST_TEST(failure({"--no-such-flag", "1"}).message == "unknown option --no-such-flag (see --help)");
  BOOST_TEST(failure({"serve"}).message.find("unexpected argument serve") != std::string::npos);
  BOOST_TEST(failure({"--repair", "true"}).message.find("unexpected argument true") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_environment_values_name_the_variable_and_the_flag) {
  const auto p = failure({}, {{"MIXTAPE_THREADS", "zero"}});
  BOOST_TEST(p.field == "--threads");
  BOOST_TEST(p.message == "MIXTAPE_THREADS: --threads must be an integer between 1 and 256");
  BOOST_TEST(failure({}, {{"MIXTAPE_REPAIR", "maybe"}}).message.find("MIXTAPE_REPAIR") == 0u);
  BOOST_TEST(!serve({}, {{"MIXTAPE_REPAIR", "off"}}).repair);
}

BOOST_AUTO_TEST_CASE(listen_addresses_parse) {
  auto l = parse_listen("0.0.0.0:0");
  BOOST_REQUIRE(l);
  BOOST_TEST(l->first == "0.0.0.0");
  BOOST_TEST(l->second == 0);
  l = parse_listen("[::1]:65535");
  BOOST_REQUIRE(l);
  BOOST_TEST(l->first == "::1");
  BOOST_TEST(l->second == 65535);
  l = parse_listen("localhost:8080");
  BOOST_REQUIRE(l);
  BOOST_TEST(l->first == "localhost");
}

BOOST_AUTO_TEST_CASE(help_and_version_are_commands) {
  BOOST_TEST((parse_command_line({"--help"}, env_of({}))->what == command::kind::help));
  BOOST_TEST((parse_command_line({"-h"}, env_of({}))->what == command::kind::help));
  BOOST_TEST((parse_command_line({"--threads", "2", "--version"}, env_of({}))->what == command::kind::version));
  BOOST_TEST((parse_command_line({"keys", "add", "--help"}, env_of({}))->what == command::kind::help));
  const std::string u = usage();
  for (const char* flag : {"--listen", "--data-dir", "--keys", "--threads", "--fsync", "--fsync-interval-ms",
                           "--compact-bytes", "--public-url", "--max-body-bytes", "--max-header-bytes",
                           "--max-tracks", "--repair", "--log-format", "--header-timeout", "--body-timeout",
                           "--idle-timeout", "--drain-timeout", "MIXTAPE_MAX_TRACKS", "keys add"})
    BOOST_TEST(u.find(flag) != std::string::npos, flag);
}

BOOST_AUTO_TEST_CASE(keys_add_collects_orgs_and_capabilities) {
  auto r = parse_command_line({"keys", "add", "--keys", "/tmp/k.json", "--principal", "usr_dave", "--org",
                               "org_a", "--org=org_b", "--capability", "USE_MUSIC_GENERATION", "--capability=X"},
                              env_of({}));
  BOOST_REQUIRE(r);
  BOOST_TEST((r->what == command::kind::keys_add));
  const auto& k = r->keys_add;
  BOOST_TEST(k.keys_file == "/tmp/k.json");
  BOOST_TEST(k.principal == "usr_dave");
  BOOST_TEST((k.organizations == std::vector<std::string>{"org_a", "org_b"}));
  BOOST_TEST((k.capabilities == std::vector<std::string>{"USE_MUSIC_GENERATION", "X"}));
  r = parse_command_line({"keys", "add", "--principal", "p", "--org", "org_a"},
                         env_of({{"MIXTAPE_KEYS", "/e/k.json"}, {"MIXTAPE_DATA_DIR", "/d"}}));
  BOOST_REQUIRE(r);
  BOOST_TEST(r->keys_add.keys_file == "/e/k.json");
  BOOST_TEST(r->keys_add.data_dir == "/d");
  BOOST_TEST(r->keys_add.capabilities.empty());
}

BOOST_AUTO_TEST_CASE(keys_add_errors_name_what_is_missing) {
  BOOST_TEST(failure({"keys", "add", "--org", "org_a"}).field == "--principal");
  // Whether a key needs an --org depends on its capabilities: auth::add_key decides (an
  // admin-only key needs none), so the command line leaves it to it.
  BOOST_TEST(parse_command_line({"keys", "add", "--principal", "p", "--capability", "MIXTAPE_ADMIN"}, env_of({})).ok());
  BOOST_TEST(failure({"keys", "add", "--principal", "p", "--org"}).message == "--org needs a value");
  BOOST_TEST(failure({"keys", "add", "--principal", "p", "--org", "org_a", "--threads", "2"}).field == "--threads");
  BOOST_TEST(failure({"keys", "remove"}).field == "keys");
  BOOST_TEST(failure({"keys"}).field == "keys");
}

BOOST_AUTO_TEST_CASE(backup_and_restore_commands_parse_and_name_what_is_missing) {
  const auto b = parse_command_line({"backup", "--from", "http://127.0.0.1:8080", "--out", "f.bak"},
                                    env_of({{"MIXTAPE_KEY", "mxt_k"}}));
  BOOST_TEST_REQUIRE(b.ok());
  BOOST_TEST((b->what == command::kind::backup));
  BOOST_TEST(b->backup.key == "mxt_k");
  BOOST_TEST(failure({"backup", "--key", "k", "--out", "f"}).field == "--from");
  BOOST_TEST(failure({"backup", "--from", "http://h:1", "--key", "k"}).field == "--out");
  const auto r = parse_command_line({"restore", "--from-archive", "a", "--data-dir", "d", "--until", "2026-12-07T10:04:59+01:00"},
                                    env_of({}));
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST((r->restore.until_time == std::optional<std::int64_t>{1796634299}));
  BOOST_TEST(failure({"restore", "--data-dir", "d"}).field == "--from");
  BOOST_TEST(failure({"restore", "--from", "f", "--from-archive", "a", "--data-dir", "d"}).field == "--from");
  BOOST_TEST(failure({"restore", "--from", "f"}).field == "--data-dir");
  BOOST_TEST(failure({"restore", "--from", "f", "--data-dir", "d", "--until-seq", "5"}).field == "--until");
  BOOST_TEST(failure({"restore", "--from-archive", "a", "--data-dir", "d", "--until", "yesterday"}).field == "--until");
  BOOST_TEST(failure({"restore", "--from-archive", "a", "--data-dir", "d", "--until", "2026-12-07T10:00:00Z",
                      "--until-seq", "3"}).field == "--until");
}

// A --public-url without a host would make every share URL broken.
BOOST_AUTO_TEST_CASE(public_url_without_a_host_is_refused) {
  BOOST_TEST(!parse_command_line({"--public-url", "http://"}, env_of({})).ok());
  BOOST_TEST(!parse_command_line({"--public-url", "https:///"}, env_of({})).ok());
}

// "Flags win" over the environment: an invalid MIXTAPE_* value whose flag is given is
// never used, so it must not stop the start (MIXTAPE_THREADS=zero mixtaped --threads 4).
BOOST_AUTO_TEST_CASE(an_invalid_variable_overridden_by_its_flag_is_ignored) {
  const auto r = parse_command_line({"--threads", "4"}, env_of({{"MIXTAPE_THREADS", "zero"}}));
  BOOST_TEST((r.ok() && r->serve.threads == 4u));
}

BOOST_AUTO_TEST_CASE(cors_origins_take_a_list_or_a_star_and_refuse_anything_else) {
  BOOST_TEST(serve({}).cors_origins.empty());  // off by default
  const auto c = serve({"--cors-origins", "https://app.example,http://127.0.0.1:5173"});
  BOOST_TEST((c.cors_origins == std::vector<std::string>{"https://app.example", "http://127.0.0.1:5173"}));
  BOOST_TEST((serve({}, {{"MIXTAPE_CORS_ORIGINS", "*"}}).cors_origins == std::vector<std::string>{"*"}));
  for (const std::string bad : {"app.example", "https://app.example/", "https://app.example/path", "https://",
                                "https://a.example,", ",https://a.example", "https://a b", "*,https://a.example"})
    BOOST_TEST(failure({"--cors-origins", bad}).field == "--cors-origins", bad);
}

BOOST_AUTO_TEST_CASE(idempotency_flags_have_the_spec_defaults) {
  const auto d = serve({});
  BOOST_TEST(d.idempotency_ttl.count() == 86400);
  BOOST_TEST(d.idempotency_keys == 100000u);
  const auto c = serve({"--idempotency-ttl", "60", "--idempotency-keys", "10"});
  BOOST_TEST(c.idempotency_ttl.count() == 60);
  BOOST_TEST(c.idempotency_keys == 10u);
  BOOST_TEST(failure({"--idempotency-ttl", "0"}).field == "--idempotency-ttl");
}

BOOST_AUTO_TEST_CASE(cluster_flags_parse_and_name_what_is_missing_or_conflicting) {
  const std::vector<std::string> base{"--cluster-etcd", "http://a:2379,http://b:2379/", "--cluster-name", "prod",
                                      "--node-name", "n1", "--replication-key", "k"};
  const auto c = serve(base);
  BOOST_TEST(c.clustered());
  BOOST_TEST((c.cluster_etcd == std::vector<std::string>{"http://a:2379", "http://b:2379"}));
  BOOST_TEST(c.cluster_ttl.count() == 5);
  BOOST_TEST(c.advertise_url.empty());
  BOOST_TEST(!serve({}).clustered());
  const auto without = [&](const std::string& flag) {
    std::vector<std::string> args;
    for (std::size_t i = 0; i < base.size(); i += 2)
      if (base[i] != flag) args.insert(args.end(), {base[i], base[i + 1]});
    return failure(args).field;
  };
  BOOST_TEST(without("--cluster-name") == "--cluster-name");
  BOOST_TEST(without("--node-name") == "--node-name");
  BOOST_TEST(without("--replication-key") == "--replication-key");
  auto with = base;
  with.insert(with.end(), {"--replicate-from", "http://p:8080"});
  BOOST_TEST(failure(with).field == "--replicate-from");
  BOOST_TEST(failure({"--node-name", "n1"}).field == "--cluster-etcd");  // cluster flags need --cluster-etcd
  for (const std::string& bad : std::vector<std::string>{"Prod", "a b", "", std::string(65, 'a'), "n/1"})
    BOOST_TEST(failure({"--cluster-name", bad}).field == "--cluster-name", bad);
  BOOST_TEST(failure({"--cluster-etcd", "a:2379"}).field == "--cluster-etcd");
  BOOST_TEST(failure({"--cluster-etcd", "http://a:2379,"}).field == "--cluster-etcd");
  BOOST_TEST(failure({"--cluster-ttl", "1"}).field == "--cluster-ttl");
  BOOST_TEST(failure({"--advertise-url", "node1:8080"}).field == "--advertise-url");
  auto wildcard = base;
  wildcard.insert(wildcard.end(), {"--listen", "0.0.0.0:8080"});
  BOOST_TEST(failure(wildcard).field == "--advertise-url");
  wildcard.insert(wildcard.end(), {"--advertise-url", "http://10.0.0.11:8080"});
  BOOST_TEST(serve(wildcard).advertise_url == "http://10.0.0.11:8080");
}

BOOST_AUTO_TEST_CASE(cluster_status_parses_and_names_what_is_missing) {
  const auto r = parse_command_line({"cluster", "status", "--cluster-etcd", "http://a:2379", "--cluster-name", "prod"},
                                    env_of({}));
  BOOST_REQUIRE(r.ok());
  BOOST_TEST((r->what == command::kind::cluster_status));
  BOOST_TEST(r->cluster_status.name == "prod");
  BOOST_TEST(!parse_command_line({"cluster", "status", "--cluster-name", "prod"}, env_of({})).ok());
  BOOST_TEST(!parse_command_line({"cluster", "status", "--cluster-etcd", "http://a:2379"}, env_of({})).ok());
  BOOST_TEST(!parse_command_line({"cluster", "start"}, env_of({})).ok());
}
