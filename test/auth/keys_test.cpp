#define BOOST_TEST_MODULE auth
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <cctype>
#include <string>
#include <thread>
#include <vector>

#include "auth/keys.hpp"
#include "core/ids.hpp"

using namespace mixtape::auth;
using mixtape::core::errc;
using mixtape::core::sha256_hex;

namespace {

const std::string alice_key = "mxt_alice-secret";
const std::string bob_key = "mxt_bob-secret";

std::string entry(const std::string& id, const std::string& key, const std::string& rest) {
  return R"({"id": ")" + id + R"(", "sha256": ")" + sha256_hex(key) + "\", " + rest + "}";
}
std::string alice() {
  return entry("key_alice", alice_key,
               R"("principal": "usr_alice", "organizations": ["org_abc123"], "capabilities": ["USE_MUSIC_GENERATION"])");
}
std::string bob() {
  return entry("key_bob", bob_key, R"("principal": "usr_bob", "organizations": ["org_bob", "org_abc123"])");
}
std::string file_of(const std::vector<std::string>& entries) {
  std::string s = R"({"keys": [)";
  for (std::size_t i = 0; i < entries.size(); ++i) s += (i ? ", " : "") + entries[i];
  return s + "]}";
}

// Parses `text`, expecting corrupt_data whose message mentions `needle`.
void expect_rejected(const std::string& text, const std::string& needle) {
  BOOST_TEST_CONTEXT(text) {
    const auto r = keyset::parse(text);
    BOOST_TEST_REQUIRE(!r.ok());
    BOOST_TEST((r.error().code == errc::corrupt_data));
    BOOST_TEST(r.error().message.find(needle) != std::string::npos, r.error().message);
    BOOST_TEST(r.error().message.find('\n') == std::string::npos);
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(parse_accepts_the_spec_example) {
  const auto r = keyset::parse(file_of({alice()}));
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST(r->size() == 1u);
  const key_entry& e = r->entries()[0];
  BOOST_TEST(e.id == "key_alice");
  BOOST_TEST((e.hash == sha256(alice_key)));
  BOOST_TEST(e.principal == "usr_alice");
  BOOST_TEST(e.organizations == std::vector<std::string>{"org_abc123"});
  BOOST_TEST(e.capabilities == std::vector<std::string>{"USE_MUSIC_GENERATION"});
  BOOST_TEST(e.in_organization("org_abc123"));
  BOOST_TEST(!e.in_organization("org_abc12"));
  BOOST_TEST(e.has_capability(music_capability));
}

BOOST_AUTO_TEST_CASE(parse_accepts_omitted_capabilities_empty_lists_and_long_org_ids) {
  const auto r = keyset::parse(file_of({alice(), bob()}));
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST(r->entries()[1].capabilities.empty());
  BOOST_TEST(keyset::parse(R"({"keys": []})").ok());
  const std::string org64 = "org_" + std::string(64, 'Z');
  const std::string fields =
      R"("principal": "p", "organizations": [")" + org64 + R"(", "org_a_B_9"], "capabilities": [])";
  BOOST_TEST(keyset::parse(file_of({entry("k", "x", fields)})).ok());
}

BOOST_AUTO_TEST_CASE(parse_rejects_malformed_files) {
  expect_rejected("", "not valid JSON");
  expect_rejected(R"({"keys": [])", "not valid JSON");
  expect_rejected(R"([])", "keys file must be a JSON object");
  expect_rejected(R"({})", "exactly one field");
  expect_rejected(R"({"keys": [], "extra": 1})", "exactly one field");
  expect_rejected(R"({"key": []})", "exactly one field");
  expect_rejected(R"({"keys": {}})", "must be an array");
  expect_rejected(R"({"keys": [], "keys": []})", "duplicate key \"keys\"");
  expect_rejected(file_of({alice(), "42"}), "keys[1]: entry must be an object");
}

BOOST_AUTO_TEST_CASE(parse_rejects_malformed_entries) {
  const std::string hash = sha256_hex("k");
  const auto with = [&](const std::string& fields) { return file_of({alice(), "{" + fields + "}"}); };
  const std::string p = R"("principal": "p", )";
  const std::string o = R"("organizations": ["org_x"])";
  const std::string h = R"("sha256": ")" + hash + "\", ";
  expect_rejected(with(R"("id": "k", )" + h + p + o + R"(, "admin": true)"), "keys[1]: unknown field \"admin\"");
  expect_rejected(with(h + p + o), "keys[1]: missing \"id\"");
  expect_rejected(with(R"("id": "", )" + h + p + o), "keys[1]: \"id\" must be a non-empty string");
  expect_rejected(with(R"("id": 7, )" + h + p + o), "keys[1]: \"id\" must be");
  expect_rejected(with(R"("id": "k", )" + p + o), "keys[1] (k): missing \"sha256\"");
  expect_rejected(with(R"("id": "k", "sha256": ")" + hash.substr(1) + "\", " + p + o), "(k): \"sha256\" must be 64 hex");
  expect_rejected(with(R"("id": "k", "sha256": "z)" + hash.substr(1) + "\", " + p + o), "\"sha256\" must be 64 hex");
  expect_rejected(with(R"("id": "k", )" + h + o), "(k): missing \"principal\"");
  expect_rejected(with(R"("id": "k", )" + h + R"("principal": "", )" + o), "\"principal\" must be");
  expect_rejected(with(R"("id": "k", )" + h + R"("principal": "a\nb", )" + o), "\"principal\" must be");
  expect_rejected(with(R"("id": "k", )" + h + p + R"("organizations": "org_x")"), "\"organizations\" must be an array");
  expect_rejected(with(R"("id": "k", )" + h + p + R"("organizations": [1])"), "\"organizations\" must hold only");
  for (const std::string& bad :
       std::vector<std::string>{"abc", "org_", "org_a-b", "ORG_abc", "org_" + std::string(65, 'a')})
    expect_rejected(with(R"("id": "k", )" + h + p + R"("organizations": [")" + bad + "\"]"), bad);
  expect_rejected(with(R"("id": "k", )" + h + p + o + R"(, "capabilities": "X")"), "\"capabilities\" must be an array");
  expect_rejected(with(R"("id": "k", )" + h + p + o + R"(, "capabilities": [null])"), "\"capabilities\" must hold");
  expect_rejected(with(R"("id": "k", )" + h + p + o + R"(, "capabilities": [""])"), "\"capabilities\" must hold");
  expect_rejected(with(R"("id": "k", "id": "k", )" + h + p + o), "duplicate key \"id\"");
}

BOOST_AUTO_TEST_CASE(parse_rejects_duplicate_ids_and_hashes) {
  expect_rejected(file_of({alice(), entry("key_alice", "other", R"("principal": "p", "organizations": [])")}),
                  "keys[1] (key_alice): duplicate id");
  // Same key, hash written in upper case: still the same digest.
  std::string upper = sha256_hex(alice_key);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  expect_rejected(file_of({alice(), R"({"id": "k2", "sha256": ")" + upper +
                                        R"(", "principal": "p", "organizations": []})"}),
                  "keys[1] (k2): duplicate sha256 (same key as key_alice)");
}

BOOST_AUTO_TEST_CASE(find_matches_the_key_only) {
  const auto keys = keyset::parse(file_of({alice(), bob()})).value();
  BOOST_TEST_REQUIRE(keys.find(alice_key) != nullptr);
  BOOST_TEST(keys.find(alice_key)->id == "key_alice");
  BOOST_TEST(keys.find(bob_key)->id == "key_bob");
  BOOST_TEST(keys.find(sha256_hex(alice_key)) == nullptr);
  BOOST_TEST(keys.find(alice_key.substr(0, alice_key.size() - 1)) == nullptr);
  BOOST_TEST(keys.find(alice_key + "x") == nullptr);
  BOOST_TEST(keys.find("") == nullptr);
  BOOST_TEST(keyset{}.find(alice_key) == nullptr);
}

BOOST_AUTO_TEST_CASE(a_key_may_carry_its_own_rate_limit) {
  const std::string base = R"("principal": "p", "organizations": ["org_x"])";
  const auto keys = keyset::parse(file_of({entry("k1", "a", base + R"(, "rate_limit": {"per_minute": 120, "burst": 10})"),
                                           entry("k2", "b", base + R"(, "rate_limit": {"per_minute": 0})"),
                                           entry("k3", "c", base)}));
  BOOST_REQUIRE(keys.ok());
  const auto& e = keys->entries();
  BOOST_REQUIRE(e[0].rate_limit.has_value());
  BOOST_TEST(e[0].rate_limit->per_minute == 120u);
  BOOST_TEST(e[0].rate_limit->burst == 10u);
  BOOST_TEST(!e[1].rate_limit->limited());  // 0: exempt from --rate-limit
  BOOST_TEST(!e[2].rate_limit.has_value());
  const auto again = keyset::parse(keys->to_json());  // `keys add` rewrites the file: limits stay
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(again->entries()[0].rate_limit->burst == 10u);
  BOOST_TEST(again->entries()[1].rate_limit->per_minute == 0u);
  BOOST_TEST(!again->entries()[2].rate_limit.has_value());
  const auto bad = [&](const std::string& limit, const std::string& needle) {
    expect_rejected(file_of({entry("k", "a", base + R"(, "rate_limit": )" + limit)}), needle);
  };
  bad("60", "\"rate_limit\" must be an object");
  bad(R"({"burst": 5})", "missing \"per_minute\"");
  bad(R"({"per_minute": -1})", "\"per_minute\" must be an integer between 0 and 1000000");
  bad(R"({"per_minute": 1.5})", "\"per_minute\" must be an integer");
  bad(R"({"per_minute": 10, "burst": 0})", "\"burst\" must be an integer between 1 and 1000000");
  bad(R"({"per_minute": 10, "window": 5})", "unknown field \"window\"");
}

BOOST_AUTO_TEST_CASE(to_json_round_trips_through_parse) {
  const auto keys = keyset::parse(file_of({alice(), bob()})).value();
  const std::string text = keys.to_json();
  BOOST_TEST(text.find("\n  {\"id\":\"key_bob\"") != std::string::npos, text);
  const auto again = keyset::parse(text);
  BOOST_TEST_REQUIRE(again.ok());
  BOOST_TEST(again->to_json() == text);
  BOOST_TEST(again->size() == 2u);
  BOOST_TEST(again->find(bob_key)->organizations == keys.find(bob_key)->organizations);
  BOOST_TEST(keyset::parse(keyset{}.to_json()).ok());
}

BOOST_AUTO_TEST_CASE(presented_key_prefers_x_api_key_then_bearer) {
  BOOST_TEST(presented_key("k1", "Bearer k2") == "k1");
  BOOST_TEST(presented_key(" \tk1 ", "") == "k1");
  BOOST_TEST(presented_key("", "Bearer k2") == "k2");
  BOOST_TEST(presented_key("  ", "Bearer k2") == "k2");
  BOOST_TEST(presented_key("", "bearer k2") == "k2");
  BOOST_TEST(presented_key("", "BEARER    k2 ") == "k2");
  BOOST_TEST(presented_key("", "Basic xyz") == "");
  BOOST_TEST(presented_key("", "Bearerk2") == "");
  BOOST_TEST(presented_key("", "Bearer ") == "");
  BOOST_TEST(presented_key("", "Bearer") == "");
  BOOST_TEST(presented_key("", "k2") == "");
  BOOST_TEST(presented_key("", "") == "");
}

BOOST_AUTO_TEST_CASE(authorize_refuses_401_then_403_org_then_capability) {
  const auto keys = keyset::parse(file_of({alice(), bob()})).value();
  auto d = authorize(keys, "", "org_abc123");
  BOOST_TEST((d.outcome == verdict::unauthenticated));
  BOOST_TEST(d.reason == "Missing or invalid authorization header");
  BOOST_TEST(d.key == nullptr);
  d = authorize(keys, "mxt_unknown", "org_nowhere");
  BOOST_TEST((d.outcome == verdict::unauthenticated));

  d = authorize(keys, alice_key, "org_bob");  // has the capability, wrong organization
  BOOST_TEST((d.outcome == verdict::forbidden));
  BOOST_TEST(d.reason.find("organization") != std::string_view::npos);
  BOOST_TEST(d.key == nullptr);
  d = authorize(keys, bob_key, "org_other");  // wrong organization and no capability
  BOOST_TEST((d.outcome == verdict::forbidden));
  BOOST_TEST(d.reason.find("organization") != std::string_view::npos);
  d = authorize(keys, bob_key, "org_bob");  // right organization, no capability
  BOOST_TEST((d.outcome == verdict::forbidden));
  BOOST_TEST(d.reason == "Missing USE_MUSIC_GENERATION capability");
  BOOST_TEST(d.reason.find(bob_key) == std::string_view::npos);

  d = authorize(keys, alice_key, "org_abc123");
  BOOST_TEST((d.outcome == verdict::allowed));
  BOOST_TEST(d.key == keys.find(alice_key));
}

BOOST_AUTO_TEST_CASE(key_store_replace_is_visible_and_old_sets_stay_alive) {
  key_store store(keyset::parse(file_of({alice()})).value());
  const auto before = store.current();
  BOOST_TEST(before->find(alice_key) != nullptr);
  store.replace(keyset::parse(file_of({bob()})).value());
  const auto after = store.current();
  BOOST_TEST(after->find(alice_key) == nullptr);
  BOOST_TEST(after->find(bob_key) != nullptr);
  BOOST_TEST(before->find(alice_key) != nullptr);  // a reader's copy is unaffected
}

BOOST_AUTO_TEST_CASE(key_store_survives_concurrent_readers_and_replaces) {
  const auto a = keyset::parse(file_of({alice()})).value();
  const auto b = keyset::parse(file_of({bob()})).value();
  key_store store(a);
  std::atomic<bool> stop = false;
  std::atomic<long> bad = 0;
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t)
    readers.emplace_back([&] {
      while (!stop) {
        const auto keys = store.current();
        if ((keys->find(alice_key) != nullptr) == (keys->find(bob_key) != nullptr)) ++bad;
      }
    });
  for (int i = 0; i < 2000; ++i) store.replace(i % 2 ? a : b);
  stop = true;
  for (auto& r : readers) r.join();
  BOOST_TEST(bad == 0);
}

BOOST_AUTO_TEST_CASE(presented_key_digest_is_sha256_whatever_the_cache_holds) {
  // Fill and cycle the per-thread cache (8 slots) with keys that share prefixes and
  // lengths; every answer must still be the key's own SHA-256.
  std::vector<std::string> keys;
  for (int i = 0; i < 20; ++i) keys.push_back("mxt_shared_prefix_" + std::to_string(i % 10) + std::string(i % 3, 'x'));
  keys.push_back(std::string(64, 'k'));
  keys.push_back(std::string(65, 'k'));  // too long to cache
  keys.push_back("");
  for (int round = 0; round < 3; ++round)
    for (const auto& k : keys) BOOST_TEST(mixtape::core::to_hex(presented_key_digest(k)) == sha256_hex(k), k);
}
