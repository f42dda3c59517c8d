// libFuzzer target: the keys file, auth::keyset::parse (what keyset::load runs on the file's
// text), plus the presented-key and authorization checks on the same bytes. Properties:
//  - a refusal is corrupt_data with a message;
//  - an accepted keyset is sane: every key has an id, a principal and only valid org ids
//    and capabilities, all without control characters; ids and hashes are distinct;
//  - it round-trips: to_json() parses back to the same entries;
//  - find() returns only the key whose hash is SHA-256 of what was presented, and
//    authorize() allows only such a key, in the organization, with the capability;
//  - presented_key() is the trimmed X-API-Key when there is one, else the token of a
//    "Bearer" Authorization (taking the input's first line as X-API-Key, the rest as
//    Authorization).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "auth/keys.hpp"
#include "check.hpp"
#include "model/validation.hpp"

namespace {

namespace auth = mixtape::auth;

bool no_controls(std::string_view s) {
  return std::none_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

bool text_ok(std::string_view s) { return !s.empty() && no_controls(s); }

bool capability_ok(std::string_view s) {
  return !s.empty() && no_controls(s);  // the file format: any non-empty text
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool same_entries(const auth::keyset& a, const auth::keyset& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto &x = a.entries()[i], &y = b.entries()[i];
    if (x.id != y.id || x.hash != y.hash || x.principal != y.principal || x.organizations != y.organizations ||
        x.capabilities != y.capabilities)
      return false;
  }
  return true;
}

void check_presented(std::string_view input) {
  const auto nl = input.find('\n');
  const std::string_view x_api_key = input.substr(0, nl);
  const std::string_view authorization = nl == std::string_view::npos ? std::string_view{} : input.substr(nl + 1);
  const std::string_view key = auth::presented_key(x_api_key, authorization);
  if (!trim(x_api_key).empty()) {
    FUZZ_CHECK(key == trim(x_api_key), "a non-empty X-API-Key is the key, trimmed");
    return;
  }
  if (key.empty()) return;
  FUZZ_CHECK(key == trim(key), "a bearer token is trimmed");
  const std::string_view value = trim(authorization);
  FUZZ_CHECK(value.size() > 7 && (value[0] | 0x20) == 'b' && (value[1] | 0x20) == 'e' && (value[2] | 0x20) == 'a' &&
                 (value[3] | 0x20) == 'r' && (value[4] | 0x20) == 'e' && (value[5] | 0x20) == 'r' && value[6] == ' ',
             "a key from Authorization comes after \"Bearer \"");
  FUZZ_CHECK(value.ends_with(key) && trim(value.substr(7)) == key, "the bearer token is the rest of the value");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_presented(text);

  auto keys = auth::keyset::parse(text);
  if (!keys) {
    FUZZ_CHECK(keys.error().code == mixtape::core::errc::corrupt_data, "a bad keys file is corrupt_data");
    FUZZ_CHECK(!keys.error().message.empty(), "a bad keys file says why");
    return 0;
  }
  const auth::keyset& ks = keys.value();
  std::set<std::string> ids;
  std::set<auth::digest> hashes;
  for (const auto& e : ks.entries()) {
    FUZZ_CHECK(text_ok(e.id), "a key has an id without control characters");
    FUZZ_CHECK(text_ok(e.principal), "a key has a principal without control characters");
    for (const auto& org : e.organizations) FUZZ_CHECK(mixtape::model::is_org_id(org), "a key's orgs are org ids");
    for (const auto& cap : e.capabilities) FUZZ_CHECK(capability_ok(cap), "a key's capabilities are non-empty text");
    FUZZ_CHECK(ids.insert(e.id).second, "key ids are distinct");
    FUZZ_CHECK(hashes.insert(e.hash).second, "key hashes are distinct");
  }

  auto again = auth::keyset::parse(ks.to_json());
  FUZZ_CHECK(again.ok(), "to_json() of a keyset parses");
  FUZZ_CHECK(same_entries(ks, again.value()), "to_json() round-trips every entry");

  // Lookups with the input's own bytes as the presented key (and a key that is in the set
  // whenever the fuzzer writes an entry whose sha256 is that of "k").
  for (const std::string_view presented : {text, std::string_view("k")}) {
    const auth::key_entry* k = ks.find(presented);
    if (k) FUZZ_CHECK(k->hash == auth::sha256(presented), "find() returns only the key with that hash");
    for (const std::string_view org : {std::string_view("org_a"), std::string_view("org_local")}) {
      const auth::decision d = auth::authorize(ks, presented, org);
      if (d.outcome == auth::verdict::allowed) {
        FUZZ_CHECK(d.key != nullptr && d.key == k, "an allowed request has its key");
        FUZZ_CHECK(d.key->in_organization(org) && d.key->has_capability(auth::music_capability),
                   "an allowed key is in the org and has the capability");
      } else {
        FUZZ_CHECK(!d.reason.empty(), "a refusal says why");
        FUZZ_CHECK((d.outcome == auth::verdict::unauthenticated) == (k == nullptr), "401 exactly for unknown keys");
      }
    }
  }
  return 0;
}
