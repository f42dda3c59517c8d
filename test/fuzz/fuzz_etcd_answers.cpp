// libFuzzer target: what a node reads from etcd (docs/cluster.md, "The keys"): a range
// answer of the v3 JSON gateway (cluster::range_from_answer), the keys' values in it
// (cluster::view_of and the decode_* functions), base64 — and the decisions made from such
// a view (may_campaign, next_sync_change). Properties:
//  - a refused answer is an error, never a crash; a decoded leader has a name and a URL;
//  - base64: what decodes re-encodes to text that decodes to the same bytes, and any bytes
//    round-trip through encode and decode;
//  - next_sync_change adds only an in-sync standby outside the set, and removes only a
//    member of the set while it is larger than wanted;
//  - a view with a leader never lets a node campaign.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "check.hpp"
#include "cluster/etcd_client.hpp"
#include "cluster/membership.hpp"

namespace cluster = mixtape::cluster;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input{reinterpret_cast<const char*>(data), size};

  const std::string encoded = cluster::base64_encode(input);
  FUZZ_CHECK(cluster::base64_decode(encoded) == std::string{input}, "base64 round trip");
  if (const auto decoded = cluster::base64_decode(input))
    FUZZ_CHECK(cluster::base64_decode(cluster::base64_encode(*decoded)) == decoded, "base64 re-encoding");

  if (const auto l = cluster::decode_leader(input)) FUZZ_CHECK(!l->name.empty() && !l->url.empty(), "leader fields");
  if (const auto m = cluster::decode_member(input)) FUZZ_CHECK(!m->name.empty(), "member name");
  if (const auto s = cluster::decode_sync(input))
    FUZZ_CHECK(cluster::decode_sync(cluster::encode(*s)).has_value(), "sync value round trip");

  const auto range = cluster::range_from_answer(input);
  if (!range) return 0;
  const cluster::cluster_keys keys{"t"};
  const auto view = cluster::view_of(keys, range.value());
  if (view.leader) FUZZ_CHECK(!cluster::may_campaign("n1", ~0ull, 0, view), "no campaign under a leader");
  (void)cluster::may_campaign("n1", 0, 1, view);

  std::vector<std::string> current;
  std::vector<cluster::standby_sync_state> standbys;
  for (const auto& m : view.members) {
    standbys.push_back({m.name, m.seq % 2 == 0});
    if (m.epoch % 2 == 0) current.push_back(m.name);
  }
  const unsigned wanted = static_cast<unsigned>(range->revision % 3);
  const auto change = cluster::next_sync_change(current, wanted, standbys);
  const bool in_current = std::find(current.begin(), current.end(), change.name) != current.end();
  if (change.what == cluster::sync_change::kind::add) {
    FUZZ_CHECK(!in_current, "adds a standby already in the set");
    FUZZ_CHECK(std::any_of(standbys.begin(), standbys.end(),
                           [&](const auto& s) { return s.name == change.name && s.in_sync; }),
               "adds only a standby in sync");
  } else if (change.what == cluster::sync_change::kind::remove) {
    FUZZ_CHECK(in_current && current.size() > wanted, "removes only a member, and only above the wanted size");
  }
  return 0;
}
