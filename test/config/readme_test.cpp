// The README's configuration table and --help are both generated from the one flag table.
#include <boost/test/unit_test.hpp>

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

BOOST_AUTO_TEST_CASE(help_lists_every_flag_with_its_variable_and_default) {
  const std::string u = usage();
  for (const auto& f : server_flags()) {
    BOOST_TEST(u.find(std::string{f.def.name}) != std::string::npos, f.def.name);
    BOOST_TEST(u.find(mixtape::core::env_name(f.def.name)) != std::string::npos, f.def.name);
    BOOST_TEST(u.find("[" + std::string{f.shown_default} + "]") != std::string::npos, f.def.name);
    BOOST_TEST(std::string_view{f.help}.find('|') == std::string_view::npos, f.def.name);
  }
}

BOOST_AUTO_TEST_SUITE_END()
