// The README's configuration table and --help are both generated from the one flag table.
#include <boost/test/unit_test.hpp>

#include <functional>
#include <map>
#include <sstream>

#include "config/flags.hpp"
#include "support/files.hpp"

using namespace mixtape::config;

BOOST_AUTO_TEST_SUITE(flag_table)

BOOST_AUTO_TEST_CASE(the_readme_table_is_the_flag_table) {
  const std::string readme = mixtape::test::read_file(MIXTAPE_SOURCE_DIR "/README.md");
  const std::string header = "| flag | variable | default | meaning |\n";
  const auto start = readme.find(header);
  BOOST_REQUIRE(start != std::string::npos);
  std::istringstream lines(readme.substr(start));
  std::string table, line;
  while (std::getline(lines, line) && line.rfind("|", 0) == 0) table += line + "\n";
  BOOST_TEST(table == flags_markdown(), "README.md's table must read:\n" << flags_markdown());
}

// The default --help shows for a flag is the default server_config holds: a shown default
// that is a value parses, through the flag's own parser, to exactly the default config; the
// few that are words instead are listed here with the default they describe. A default
// changed in config.hpp and not in flags.cpp (or the reverse) fails here.
BOOST_AUTO_TEST_CASE(every_shown_default_is_the_configs_default) {
  const server_config defaults;
  const std::map<std::string_view, std::function<bool(const server_config&)>> described = {
      {"--keys", [](const server_config& c) { return c.keys_file.empty() && c.keys_path() == "./data/keys.json"; }},
      {"--threads", [](const server_config& c) { return c.threads == 0; }},
      {"--public-url", [](const server_config& c) { return c.public_url.empty(); }},
      {"--repair", [](const server_config& c) { return !c.repair; }},  // a switch: "off"
      {"--rate-burst", [](const server_config& c) { return c.key_rate.burst == 0; }},  // "= --rate-limit"
      {"--trusted-proxies", [](const server_config& c) { return c.trusted_proxies.empty(); }},
      {"--cors-origins", [](const server_config& c) { return c.cors_origins.empty(); }},
      {"--archive-dir", [](const server_config& c) { return c.archive_dir.empty(); }},
      {"--replicate-from", [](const server_config& c) { return c.replicate_from.empty(); }},
      {"--replication-key", [](const server_config& c) { return c.replication_key.empty(); }},
      {"--cluster-etcd", [](const server_config& c) { return c.cluster_etcd.empty(); }},
      {"--cluster-name", [](const server_config& c) { return c.cluster_name.empty(); }},
      {"--node-name", [](const server_config& c) { return c.node_name.empty(); }},
      {"--advertise-url", [](const server_config& c) { return c.advertise_url.empty(); }},
  };
  for (const auto& f : server_flags()) {
    BOOST_TEST_CONTEXT(f.def.name << " [" << f.shown_default << "]") {
      if (const auto it = described.find(f.def.name); it != described.end()) {
        BOOST_TEST(it->second(defaults));
        continue;
      }
      server_config parsed;
      BOOST_TEST_REQUIRE(f.apply(parsed, std::string{f.def.name}, std::string{f.shown_default}).ok());
      BOOST_TEST((parsed == defaults));
    }
  }
}

BOOST_AUTO_TEST_CASE(help_shows_each_flag_with_its_own_variable_and_default) {
  const std::string u = usage();
  for (const auto& f : server_flags()) {
    BOOST_TEST_CONTEXT(f.def.name) {
      const auto at = u.find("  " + std::string{f.def.name});
      BOOST_TEST_REQUIRE(at != std::string::npos);
      const auto next = u.find("\n  --", at);  // the entry ends where the next flag's starts
      const std::string line = u.substr(at, next == std::string::npos ? std::string::npos : next - at);
      BOOST_TEST(line.find(mixtape::core::env_name(f.def.name)) != std::string::npos, line);
      BOOST_TEST(line.find("[" + std::string{f.shown_default} + "]") != std::string::npos, line);
      BOOST_TEST(std::string_view{f.help}.find('|') == std::string_view::npos);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
