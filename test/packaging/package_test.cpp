// The Debian package: contents, maintainer scripts, and the unit file it ships.
#define BOOST_TEST_MODULE packaging
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <filesystem>
#include <string>

#include "support/temp_dir.hpp"

namespace {

// Runs a shell command; returns its exit status and standard output.
std::pair<int, std::string> sh(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) return {-1, out};
  char buf[4096];
  while (const std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

struct built_package {
  mixtape::test::temp_dir dir;
  std::string deb;
  built_package() {
    const auto [code, out] = sh("cd '" MIXTAPE_BINARY_DIR "' && '" CPACK_COMMAND "' -G DEB -B '" + dir.path() + "' 2>&1");
    BOOST_TEST_REQUIRE(code == 0, out);
    for (const auto& e : std::filesystem::directory_iterator(dir.path()))
      if (e.path().extension() == ".deb") deb = e.path().string();
    BOOST_TEST_REQUIRE(!deb.empty());
  }
  std::string file(const std::string& path) const {
    return sh("dpkg-deb --fsys-tarfile '" + deb + "' | tar -xO '." + path + "'").second;
  }
};

// Whether `tool` is on PATH; the reason to skip otherwise.
boost::unit_test::precondition::predicate_t installed(std::string tool) {
  return [tool](boost::unit_test::test_unit_id) {
    boost::test_tools::assertion_result r{sh("command -v " + tool).first == 0};
    r.message() << tool << " is not installed here";
    return r;
  };
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(deb, built_package)

BOOST_AUTO_TEST_CASE(package_holds_binary_unit_defaults_and_docs) {
  const auto [code, listing] = sh("dpkg-deb -c '" + deb + "'");
  BOOST_REQUIRE(code == 0);
  for (const char* path : {"./usr/bin/mixtaped", "./usr/lib/systemd/system/mixtaped.service", "./etc/default/mixtaped",
                           "./usr/share/doc/mixtape/README.md", "./usr/share/doc/mixtape/operations.md"})
    BOOST_TEST(listing.find(path) != std::string::npos, path);
  BOOST_TEST(listing.find("./usr/local") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(control_has_scripts_that_create_the_user_and_start_the_service) {
  const auto [code, info] = sh("dpkg-deb -I '" + deb + "'");
  BOOST_REQUIRE(code == 0);
  BOOST_TEST(info.find("Package: mixtape") != std::string::npos);
  BOOST_TEST(info.find("adduser") != std::string::npos);
  const std::string postinst = sh("dpkg-deb --ctrl-tarfile '" + deb + "' | tar -xO ./postinst").second;
  BOOST_TEST(postinst.find("adduser --system --group") != std::string::npos);
  BOOST_TEST(postinst.find("install -d -m 0700 -o mixtape") != std::string::npos);
  BOOST_TEST(postinst.find("systemctl restart mixtaped.service") != std::string::npos);
  BOOST_TEST(sh("dpkg-deb --ctrl-tarfile '" + deb + "' | tar -xO ./conffiles").second == "/etc/default/mixtaped\n");
}

BOOST_AUTO_TEST_CASE(unit_is_a_hardened_notify_service_running_the_packaged_binary) {
  const std::string unit = file("/usr/lib/systemd/system/mixtaped.service");
  for (const char* line : {"Type=notify", "ExecStart=/usr/bin/mixtaped --data-dir /var/lib/mixtape",
                           "ExecReload=/bin/kill -HUP $MAINPID", "StateDirectory=mixtape", "User=mixtape",
                           "ProtectSystem=strict", "NoNewPrivileges=yes", "PrivateTmp=yes", "Restart=on-failure",
                           "WatchdogSec=", "EnvironmentFile=-/etc/default/mixtaped"})
    BOOST_TEST(unit.find(line) != std::string::npos, line);
}

BOOST_AUTO_TEST_CASE(systemd_analyze_accepts_the_unit, *boost::unit_test::precondition(installed("systemd-analyze"))) {
  mixtape::test::temp_dir root;
  const std::string unit_path = root.path() + "/mixtaped.service";
  std::FILE* f = std::fopen(unit_path.c_str(), "w");
  const std::string unit = file("/usr/lib/systemd/system/mixtaped.service");
  std::fwrite(unit.data(), 1, unit.size(), f);
  std::fclose(f);
  // ExecStart must exist for verify: point it at the built binary.
  sh("sed -i 's|/usr/bin/mixtaped|" MIXTAPED_PATH "|' '" + unit_path + "'");
  const auto [code, out] = sh("systemd-analyze verify '" + unit_path + "' 2>&1");
  BOOST_TEST(code == 0, out);
}

BOOST_AUTO_TEST_SUITE_END()
