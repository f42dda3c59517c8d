#include <boost/test/unit_test.hpp>

#include <map>

#include "options.hpp"

using namespace mixtape::bench;

namespace {

env_lookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

mixtape::core::result<options> parse(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  return parse_args(args, env_of(std::move(env)));
}

// Parses with a key, so that only the flags under test can fail.
mixtape::core::result<options> parse_keyed(std::vector<std::string> args) {
  args.insert(args.begin(), {"--key", "k"});
  return parse(std::move(args));
}

std::string error_of(const mixtape::core::result<options>& r) { return r ? std::string{} : r.error().message; }

}  // namespace

BOOST_AUTO_TEST_SUITE(options_suite)

BOOST_AUTO_TEST_CASE(defaults_follow_the_contract) {
  const auto r = parse({}, {{"MIXTAPE_KEY", "secret"}});
  BOOST_TEST_REQUIRE(r.ok(), error_of(r));
  BOOST_TEST(r->key == "secret");
  BOOST_TEST(r->server.host == "127.0.0.1");
  BOOST_TEST(r->server.port == 8080);
  BOOST_TEST(r->org == "org_local");
  BOOST_TEST(r->connections == 64u);
  BOOST_TEST(r->threads == 1u);
  BOOST_TEST(r->duration_s == 10.0);
  BOOST_TEST(r->warmup_s == 2.0);
  BOOST_TEST(!r->rate.has_value());
  BOOST_TEST(r->prepare == 1000u);
  BOOST_TEST((r->what == scenario::get));
  BOOST_TEST(!r->json);
  BOOST_TEST(r->tracks == 0u);
  BOOST_TEST(!r->page_offset.has_value());
}

BOOST_AUTO_TEST_CASE(flags_are_read_in_both_forms) {
  const auto r = parse({"--url=http://localhost:9000", "--key", "flagkey", "--org", "org_abc123", "--scenario",
                        "update", "--connections", "8", "--threads=2", "--duration", "1.5", "--warmup", "0",
                        "--rate", "2500", "--prepare", "10", "--timeout", "3", "--json"},
                       {{"MIXTAPE_KEY", "envkey"}});
  BOOST_TEST_REQUIRE(r.ok(), error_of(r));
  BOOST_TEST(r->key == "flagkey");  // the flag wins over MIXTAPE_KEY
  BOOST_TEST(r->server.host == "localhost");
  BOOST_TEST(r->server.port == 9000);
  BOOST_TEST(r->server.host_header == "localhost:9000");
  BOOST_TEST(r->org == "org_abc123");
  BOOST_TEST((r->what == scenario::update));
  BOOST_TEST(r->connections == 8u);
  BOOST_TEST(r->threads == 2u);
  BOOST_TEST(r->duration_s == 1.5);
  BOOST_TEST(r->warmup_s == 0.0);
  BOOST_TEST_REQUIRE(r->rate.has_value());
  BOOST_TEST(*r->rate == 2500.0);
  BOOST_TEST(r->prepare == 10u);
  BOOST_TEST(r->timeout_s == 3.0);
  BOOST_TEST(r->json);
}

BOOST_AUTO_TEST_CASE(help_needs_nothing_else) {
  const auto r = parse({"--connections", "3", "--help"});
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST(r->help);
  BOOST_TEST(usage().find("--rate") != std::string::npos);
  BOOST_TEST(usage().find("--mix") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_key_is_required) {
  const auto r = parse({"--scenario", "get"});
  BOOST_TEST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().field == "--key");
}

BOOST_AUTO_TEST_CASE(bad_values_are_refused_naming_the_flag) {
  const std::vector<std::vector<std::string>> cases{
      {"--connections", "0"}, {"--connections", "abc"}, {"--duration", "0"}, {"--duration", "-1"},
      {"--duration", "1s"},   {"--warmup", "-0.5"},     {"--rate", "0"},     {"--threads", "0"},
      {"--scenario", "delete"}, {"--org", "acme"},      {"--org", "org_"},   {"--prepare", "-3"},
      {"--timeout", "0"},     {"--bogus", "1"},         {"--connections"},   {"stray"},
      {"--tracks", "100001"}, {"--tracks", "-1"},       {"--tracks", "x"},   {"--page-offset", "-1"},
      {"--page-offset", "1.5"}, {"--scenario", "add_track"}};
  for (const auto& c : cases) {
    const auto r = parse_keyed(c);
    BOOST_TEST_CONTEXT(c.front()) {
      BOOST_TEST_REQUIRE(!r.ok());
      BOOST_TEST(r.error().field == c.front());
      BOOST_TEST(!r.error().message.empty());
    }
  }
}

BOOST_AUTO_TEST_CASE(a_key_that_cannot_go_in_a_header_is_refused) {
  for (const char* key : {"two words", "line\r\nX-Evil: 1", "tab\there"}) {
    const auto r = parse({"--key", key});
    BOOST_TEST_REQUIRE(!r.ok(), key);
    BOOST_TEST(r.error().field == "--key");
  }
}

BOOST_AUTO_TEST_CASE(more_threads_than_connections_is_refused) {
  const auto r = parse_keyed({"--connections", "2", "--threads", "3"});
  BOOST_TEST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().field == "--threads");
}

BOOST_AUTO_TEST_CASE(reads_need_prepared_collections) {
  BOOST_TEST(!parse_keyed({"--scenario", "get", "--prepare", "0"}).ok());
  BOOST_TEST(!parse_keyed({"--scenario", "update", "--prepare", "0"}).ok());
  BOOST_TEST(parse_keyed({"--scenario", "create", "--prepare", "0"}).ok());
  BOOST_TEST(parse_keyed({"--mix", "create=1,list=1", "--prepare", "0"}).ok());
}

BOOST_AUTO_TEST_CASE(loopback_urls_are_accepted) {
  for (const char* url : {"http://127.0.0.1:8080", "http://127.0.0.1:8080/", "http://127.1.2.3:1", "http://localhost",
                          "http://LOCALHOST:80", "http://[::1]:8080"}) {
    const auto t = parse_url(url);
    BOOST_TEST(t.ok(), url << ": " << (t ? "" : t.error().message));
  }
  const auto v6 = parse_url("http://[::1]:8080");
  BOOST_TEST_REQUIRE(v6.ok());
  BOOST_TEST(v6->host == "::1");
  BOOST_TEST(v6->host_header == "[::1]:8080");
  BOOST_TEST(parse_url("http://localhost")->port == 80);
}

BOOST_AUTO_TEST_CASE(non_loopback_and_malformed_urls_are_refused) {
  for (const char* url : {"http://10.0.0.1:8080", "http://192.168.1.1", "http://example.com:8080", "http://0.0.0.0:8080",
                          "http://[::]:8080", "http://[::ffff:8.8.8.8]:80", "http://128.0.0.1", "https://127.0.0.1",
                          "127.0.0.1:8080", "http://127.0.0.1:8080/v1", "http://127.0.0.1:0", "http://127.0.0.1:99999",
                          "http://user@127.0.0.1", "http://:8080", "http://[::1"}) {
    BOOST_TEST(!parse_url(url).ok(), url);
  }
  const auto r = parse_keyed({"--url", "http://93.184.216.34:80"});
  BOOST_TEST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().message.find("loopback") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(mix_ratios_are_parsed) {
  const auto m = parse_mix("get=80,create=10,update=10,list=0");
  BOOST_TEST_REQUIRE(m.ok());
  BOOST_TEST(m->of(operation::get) == 80u);
  BOOST_TEST(m->of(operation::create) == 10u);
  BOOST_TEST(m->of(operation::update) == 10u);
  BOOST_TEST(m->of(operation::list) == 0u);
  const auto partial = parse_mix("list=3,get=1");
  BOOST_TEST_REQUIRE(partial.ok());
  BOOST_TEST(partial->of(operation::list) == 3u);
  BOOST_TEST(partial->of(operation::create) == 0u);
  BOOST_TEST(partial->total() == 4u);
}

BOOST_AUTO_TEST_CASE(bad_mix_ratios_are_refused) {
  for (const char* text : {"", "get", "get=", "get=-1", "get=x", "read=5", "get=1,get=2", "get=0,list=0",
                           "get=1,,list=1", "get=2000000"})
    BOOST_TEST(!parse_mix(text).ok(), "'" << text << "'");
}

BOOST_AUTO_TEST_CASE(mix_implies_mixed_and_conflicts_with_another_scenario) {
  const auto r = parse_keyed({"--mix", "get=1,list=1"});
  BOOST_TEST_REQUIRE(r.ok(), error_of(r));
  BOOST_TEST((r->what == scenario::mixed));
  BOOST_TEST(r->uses(operation::list));
  BOOST_TEST(!r->uses(operation::create));
  BOOST_TEST(!parse_keyed({"--scenario", "get", "--mix", "get=1"}).ok());
}

BOOST_AUTO_TEST_CASE(every_scenario_and_operation_has_its_command_line_name) {
  const std::vector<std::string> names{"get",          "create", "update",  "list",   "add-track",
                                       "remove-track", "tracks", "reorder", "resolve"};
  BOOST_TEST_REQUIRE(names.size() == operation_count);
  for (std::size_t i = 0; i < names.size(); ++i) {
    BOOST_TEST(name_of(static_cast<operation>(i)) == names[i]);
    const auto r = parse_keyed({"--scenario", names[i], "--tracks", "3"});
    BOOST_TEST_CONTEXT(names[i]) {
      if (names[i] == "create") {  // --tracks fills prepared collections: create has none
        BOOST_TEST(!r.ok());
        continue;
      }
      BOOST_TEST_REQUIRE(r.ok(), error_of(r));
      BOOST_TEST(name_of(r->what) == names[i]);
      for (std::size_t j = 0; j < operation_count; ++j) BOOST_TEST(r->uses(static_cast<operation>(j)) == (i == j));
    }
  }
  BOOST_TEST(parse_keyed({"--scenario", "mixed"}).ok());
}

BOOST_AUTO_TEST_CASE(tracks_and_page_offset_are_read) {
  const auto r = parse_keyed({"--scenario", "tracks", "--prepare", "4", "--tracks", "100000", "--page-offset=9800"});
  BOOST_TEST_REQUIRE(r.ok(), error_of(r));
  BOOST_TEST(r->tracks == 100'000u);
  BOOST_TEST_REQUIRE(r->page_offset.has_value());
  BOOST_TEST(*r->page_offset == 9800u);
  BOOST_TEST(r->needs_collections());
  const auto mixed = parse_keyed({"--mix", "get=1,tracks=1", "--tracks", "10", "--page-offset", "0"});
  BOOST_TEST_REQUIRE(mixed.ok(), error_of(mixed));
  BOOST_TEST(*mixed->page_offset == 0u);
}

BOOST_AUTO_TEST_CASE(track_operations_need_what_they_work_on) {
  struct refused {
    std::vector<std::string> args;
    std::string field, says;
  };
  const std::vector<refused> cases{
      {{"--scenario", "remove-track"}, "--tracks", "remove-track"},
      {{"--scenario", "reorder", "--tracks", "0"}, "--tracks", "reorder"},
      {{"--mix", "get=5,remove-track=1"}, "--tracks", "remove-track"},
      {{"--scenario", "list", "--tracks", "5", "--prepare", "0"}, "--tracks", "--prepare"},
      {{"--scenario", "create", "--tracks", "5"}, "--tracks", "create"},
      {{"--scenario", "add-track", "--prepare", "0"}, "--prepare", "add-track"},
      {{"--scenario", "tracks", "--prepare", "0"}, "--prepare", "tracks"},
      {{"--scenario", "resolve", "--prepare", "0"}, "--prepare", "resolve"},
      {{"--scenario", "reorder", "--tracks", "3", "--prepare", "0"}, "--prepare", "reorder"},
      {{"--scenario", "get", "--page-offset", "200"}, "--page-offset", "tracks"},
      {{"--mix", "get=1,tracks=0", "--page-offset", "200"}, "--page-offset", "tracks"}};
  for (const auto& c : cases) {
    const auto r = parse_keyed(c.args);
    BOOST_TEST_CONTEXT(c.args[1] << " " << (c.args.size() > 2 ? c.args[2] : "")) {
      BOOST_TEST_REQUIRE(!r.ok());
      BOOST_TEST(r.error().field == c.field);
      BOOST_TEST(r.error().message.find(c.says) != std::string::npos, r.error().message);
    }
  }
  // Allowed: add-track, tracks and resolve without prepared tracks (empty collections, offset 0).
  for (const char* s : {"add-track", "tracks", "resolve"}) BOOST_TEST(parse_keyed({"--scenario", s}).ok(), s);
  BOOST_TEST(parse_keyed({"--scenario", "remove-track", "--tracks", "1", "--prepare", "1"}).ok());
  BOOST_TEST(parse_keyed({"--mix", "create=1,reorder=1", "--tracks", "2"}).ok());
}

BOOST_AUTO_TEST_CASE(the_new_operations_take_mix_weights_by_name) {
  const auto m = parse_mix("add-track=1,remove-track=2,tracks=3,reorder=4,resolve=5");
  BOOST_TEST_REQUIRE(m.ok(), (m ? "" : m.error().message));
  BOOST_TEST(m->of(operation::add_track) == 1u);
  BOOST_TEST(m->of(operation::remove_track) == 2u);
  BOOST_TEST(m->of(operation::tracks) == 3u);
  BOOST_TEST(m->of(operation::reorder) == 4u);
  BOOST_TEST(m->of(operation::resolve) == 5u);
  BOOST_TEST(m->of(operation::get) == 0u);
  BOOST_TEST(m->total() == 15u);
  for (const char* text : {"add_track=1", "remove=1", "tracks=1,tracks=2"}) BOOST_TEST(!parse_mix(text).ok(), text);
  BOOST_TEST(parse_mix("resolve=x").error().message.find("weights") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(usage_documents_the_track_flags_and_scenarios) {
  for (const char* word : {"--tracks", "--page-offset", "add-track", "remove-track", "reorder", "resolve",
                           "/v1/music/shared/TOKEN", "--max-tracks", "rate-limit"})
    BOOST_TEST(usage().find(word) != std::string::npos, word);
}

BOOST_AUTO_TEST_CASE(source_addresses_spread_connections_over_loopback_addresses) {
  BOOST_TEST(parse_keyed({}).value().source_addresses == 0u);  // off
  const auto r = parse_keyed({"--source-addresses", "16"});
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r.value().source_addresses == 16u);
  BOOST_TEST(!parse_keyed({"--source-addresses", "0"}).ok());
  BOOST_TEST(!parse_keyed({"--source-addresses", "x"}).ok());
}

BOOST_AUTO_TEST_SUITE_END()
