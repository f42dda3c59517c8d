#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "auth/keys.hpp"
#include "support/temp_dir.hpp"

using namespace mixtape::auth;
using mixtape::core::errc;
using mixtape::core::sha256_hex;

namespace {

using mixtape::test::temp_dir;

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}
void write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }
unsigned mode_of(const std::string& path) {
  struct stat st {};
  BOOST_TEST_REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}
std::size_t files_in(const std::string& dir) {
  return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(dir), {}));
}

const std::string alice_file = R"({"keys": [{"id": "key_alice", "sha256": ")" + sha256_hex("mxt_alice") +
                               R"(", "principal": "usr_alice", "organizations": ["org_abc123"]}]})";

}  // namespace

BOOST_AUTO_TEST_CASE(generate_key_is_mxt_and_43_base64url_chars) {
  const std::string a = generate_key(), b = generate_key();
  BOOST_TEST(a.size() == 47u);
  BOOST_TEST(a.rfind("mxt_", 0) == 0u);
  BOOST_TEST(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 4) ==
             std::string::npos);
  BOOST_TEST(a != b);
}

BOOST_AUTO_TEST_CASE(load_reports_missing_and_corrupt_files_with_the_path) {
  temp_dir dir;
  const auto missing = keyset::load(dir / "nope.json");
  BOOST_TEST_REQUIRE(!missing.ok());
  BOOST_TEST((missing.error().code == errc::io_error));
  BOOST_TEST(missing.error().message == "cannot read keys file " + (dir / "nope.json") + ": No such file or directory");

  write(dir / "bad.json", R"({"keys": 1})");
  const auto bad = keyset::load(dir / "bad.json");
  BOOST_TEST_REQUIRE(!bad.ok());
  BOOST_TEST((bad.error().code == errc::corrupt_data));
  BOOST_TEST(bad.error().message == (dir / "bad.json") + ": \"keys\" must be an array");

  const auto is_dir = keyset::load(dir.path());
  BOOST_TEST_REQUIRE(!is_dir.ok());
  BOOST_TEST((is_dir.error().code == errc::io_error));

  write(dir / "good.json", alice_file);
  BOOST_TEST(keyset::load(dir / "good.json")->find("mxt_alice") != nullptr);
}

BOOST_AUTO_TEST_CASE(add_key_twice_appends_two_working_keys_and_keeps_old_entries) {
  temp_dir dir;
  const std::string path = dir / "keys.json";
  write(path, alice_file);
  const auto first = add_key(path, "usr_bob", {"org_bob", "org_abc123"}, {"USE_MUSIC_GENERATION"});
  const auto second = add_key(path, "usr_carol", {"org_carol"}, {});
  BOOST_TEST_REQUIRE(first.ok());
  BOOST_TEST_REQUIRE(second.ok());
  BOOST_TEST(first->key != second->key);
  BOOST_TEST(first->entry.id != second->entry.id);
  BOOST_TEST(first->entry.id.size() == 16u);
  BOOST_TEST(first->entry.id.rfind("key_", 0) == 0u);

  BOOST_TEST(mode_of(path) == 0600u);
  BOOST_TEST(files_in(dir.path()) == 1u);  // no temp files left behind
  const std::string text = read(path);
  BOOST_TEST(text.find(first->key) == std::string::npos);  // only hashes are stored
  const auto keys = keyset::load(path);
  BOOST_TEST_REQUIRE(keys.ok());
  BOOST_TEST(keys->size() == 3u);
  BOOST_TEST(keys->entries()[0].id == "key_alice");
  BOOST_TEST(keys->find("mxt_alice") != nullptr);
  BOOST_TEST((authorize(keys.value(), first->key, "org_abc123").outcome == verdict::allowed));
  BOOST_TEST(keys->find(second->key)->principal == "usr_carol");
  BOOST_TEST((authorize(keys.value(), second->key, "org_carol").outcome == verdict::forbidden));
}

BOOST_AUTO_TEST_CASE(add_key_creates_a_missing_file) {
  temp_dir dir;
  const std::string path = dir / "keys.json";
  const auto made = add_key(path, "usr_x", {"org_x"}, {"USE_MUSIC_GENERATION"});
  BOOST_TEST_REQUIRE(made.ok());
  BOOST_TEST(mode_of(path) == 0600u);
  BOOST_TEST(keyset::load(path)->find(made->key)->id == made->entry.id);
}

BOOST_AUTO_TEST_CASE(add_key_validates_its_arguments_before_touching_the_file) {
  temp_dir dir;
  const std::string path = dir / "keys.json";
  const auto refused = [&](const std::string& principal, const std::vector<std::string>& orgs,
                           const std::vector<std::string>& caps, const std::string& field) {
    const auto r = add_key(path, principal, orgs, caps);
    BOOST_TEST_REQUIRE(!r.ok());
    BOOST_TEST((r.error().code == errc::validation_failed));
    BOOST_TEST(r.error().field == field);
  };
  refused("", {"org_x"}, {}, "principal");
  refused("usr\x01", {"org_x"}, {}, "principal");
  refused("usr_x", {}, {}, "organizations");
  refused("usr_x", {}, {"USE_MUSIC_GENERATION", "MIXTAPE_ADMIN"}, "organizations");  // music needs an org
  refused("usr_x", {"org_x", "x"}, {}, "organizations");
  refused("usr_x", {"org_x"}, {"use_music"}, "capabilities");
  refused("usr_x", {"org_x"}, {""}, "capabilities");
  BOOST_TEST(!std::filesystem::exists(path));
}

// SPEC §10: an admin key needs no organization; it loads with none.
BOOST_AUTO_TEST_CASE(add_key_makes_an_admin_only_key_without_an_organization) {
  temp_dir dir;
  const std::string path = dir / "keys.json";
  const auto made = add_key(path, "usr_ops", {}, {"MIXTAPE_ADMIN"});
  BOOST_TEST_REQUIRE(made.ok());
  const auto keys = keyset::load(path);
  BOOST_TEST_REQUIRE(keys.ok());
  const auto* entry = keys->find(made->key);
  BOOST_TEST_REQUIRE(entry != nullptr);
  BOOST_TEST(entry->organizations.empty());
  BOOST_TEST((authorize_admin(keys.value(), made->key).outcome == verdict::allowed));
  BOOST_TEST((authorize(keys.value(), made->key, "org_x").outcome == verdict::forbidden));
}

BOOST_AUTO_TEST_CASE(add_key_refuses_a_corrupt_file_and_leaves_it_byte_identical) {
  temp_dir dir;
  const std::string path = dir / "keys.json";
  const std::string corrupt = alice_file.substr(0, alice_file.size() - 3);
  write(path, corrupt);
  const auto r = add_key(path, "usr_x", {"org_x"}, {});
  BOOST_TEST_REQUIRE(!r.ok());
  BOOST_TEST((r.error().code == errc::corrupt_data));
  BOOST_TEST(r.error().message.rfind(path + ": ", 0) == 0u);
  BOOST_TEST(read(path) == corrupt);
  BOOST_TEST(files_in(dir.path()) == 1u);
}

BOOST_AUTO_TEST_CASE(bootstrap_creates_the_file_once) {
  temp_dir dir;
  const std::string path = dir / "etc/mixtape/keys.json";  // parent directories are missing
  const auto made = bootstrap_keys_file(path);
  BOOST_TEST_REQUIRE(made.ok());
  BOOST_TEST_REQUIRE(made->has_value());
  const std::string key = *made.value();
  BOOST_TEST(key.rfind("mxt_", 0) == 0u);
  BOOST_TEST(mode_of(path) == 0600u);

  const auto keys = keyset::load(path);
  BOOST_TEST_REQUIRE(keys.ok());
  BOOST_TEST(keys->size() == 1u);
  const key_entry* e = keys->find(key);
  BOOST_TEST_REQUIRE(e != nullptr);
  BOOST_TEST(e->principal == "usr_local");
  BOOST_TEST((authorize(keys.value(), key, "org_local").outcome == verdict::allowed));

  const std::string before = read(path);
  const auto again = bootstrap_keys_file(path);
  BOOST_TEST_REQUIRE(again.ok());
  BOOST_TEST(!again->has_value());
  BOOST_TEST(read(path) == before);
}

BOOST_AUTO_TEST_CASE(bootstrap_leaves_an_existing_file_alone_even_if_corrupt) {
  temp_dir dir;
  const std::string path = dir / "keys.json";
  write(path, "not json");
  const auto r = bootstrap_keys_file(path);
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST(!r->has_value());
  BOOST_TEST(read(path) == "not json");

  write(dir / "file", "x");  // a parent that is not a directory
  const auto blocked = bootstrap_keys_file(dir / "file/keys.json");
  BOOST_TEST_REQUIRE(!blocked.ok());
  BOOST_TEST((blocked.error().code == errc::io_error));
}

BOOST_AUTO_TEST_CASE(concurrent_bootstraps_hand_out_exactly_one_key) {
  temp_dir dir;
  const std::string path = dir / "keys.json";
  constexpr int n = 8;
  std::vector<mixtape::core::result<std::optional<std::string>>> results(
      n, mixtape::core::problem{errc::internal, "", "not run"});
  std::latch start(n);
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      results[i] = bootstrap_keys_file(path);
    });
  for (auto& t : threads) t.join();

  int created = 0;
  std::string key;
  for (const auto& r : results) {
    BOOST_TEST_REQUIRE(r.ok());
    if (r->has_value()) ++created, key = *r.value();
  }
  BOOST_TEST(created == 1);  // the losers of the race must not overwrite the winner
  BOOST_TEST(keyset::load(path)->find(key) != nullptr);
  BOOST_TEST(files_in(dir.path()) == 1u);
}
