// Snapshots of the store: round trip, the consistent cut (copy-on-first-write), loading.
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <set>
#include <thread>

#include "model/snapshot_item.hpp"
#include "store/history.hpp"

using namespace mixtape;
using namespace store_test;

namespace {

void apply_history(store::collection_store& s, history& h, std::uint64_t& seq, int n) {
  for (int i = 0; i < n; ++i) s.apply(h.next(), ++seq);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_snapshot_loaded_into_an_empty_store_reproduces_every_view) {
  store::collection_store live{8};
  history h{1};
  std::uint64_t seq = 0;
  apply_history(live, h, seq, 2000);
  BOOST_REQUIRE(live.size() > 20u);
  BOOST_REQUIRE(live.shares().size() > 10u);
  const std::string body = snapshot_body(live, live.begin_snapshot(seq));
  store::collection_store loaded{16};  // the shard count is not part of the format
  BOOST_REQUIRE(loaded.load_snapshot(body).ok());
  BOOST_TEST(dump(loaded, h) == dump(live, h));
  // Both go on identically: the owner index and created_seq came back too.
  history h2 = h;
  std::uint64_t seq2 = seq;
  apply_history(live, h, seq, 500);
  apply_history(loaded, h2, seq2, 500);
  BOOST_TEST(dump(loaded, h) == dump(live, h));
}

BOOST_AUTO_TEST_CASE(a_snapshot_is_the_state_at_its_start_whatever_changes_after) {
  store::collection_store live{8};
  history h{2};
  std::uint64_t seq = 0;
  apply_history(live, h, seq, 1500);
  const history h_cut = h;
  const std::string at_cut = dump(live, h);
  const std::uint64_t epoch = live.begin_snapshot(seq);
  std::string body;
  for (std::size_t part = 0; part < live.snapshot_parts(); ++part) {
    apply_history(live, h, seq, 40);  // changes before and after each part is collected
    live.collect_snapshot_part(epoch, part, body);
  }
  live.end_snapshot(epoch);
  store::collection_store loaded{8};
  BOOST_REQUIRE(loaded.load_snapshot(body).ok());
  BOOST_TEST(dump(loaded, h_cut) == at_cut);
  BOOST_TEST(dump(loaded, h) != dump(live, h));
}

// The applier and the collector run on different threads, as in the server.
BOOST_AUTO_TEST_CASE(a_snapshot_collected_while_another_thread_applies_is_the_cut) {
  for (int round = 0; round < 5; ++round) {
    store::collection_store live{64};
    history h{100u + static_cast<unsigned>(round)};
    std::uint64_t seq = 0;
    apply_history(live, h, seq, 3000);
    const std::string at_cut = dump(live, h);
    const std::uint64_t epoch = live.begin_snapshot(seq);
    std::atomic<bool> done{false};
    history h_applier = h;
    std::thread applier([&] {
      std::uint64_t s = seq;
      while (!done) apply_history(live, h_applier, s, 10);
    });
    std::string body;
    for (std::size_t part = 0; part < live.snapshot_parts(); ++part) live.collect_snapshot_part(epoch, part, body);
    live.end_snapshot(epoch);
    done = true;
    applier.join();
    store::collection_store loaded{8};
    BOOST_REQUIRE(loaded.load_snapshot(body).ok());
    BOOST_TEST(dump(loaded, h) == at_cut);
  }
}

BOOST_AUTO_TEST_CASE(an_abandoned_snapshot_frees_its_copies_and_a_new_one_works) {
  store::collection_store live{4};
  history h{3};
  std::uint64_t seq = 0;
  apply_history(live, h, seq, 300);
  const std::uint64_t first = live.begin_snapshot(seq);
  apply_history(live, h, seq, 300);  // captures parts
  live.end_snapshot(first);
  apply_history(live, h, seq, 100);
  const std::string now = dump(live, h);
  const std::uint64_t second = live.begin_snapshot(seq);
  BOOST_TEST(second != first);
  const std::string body = snapshot_body(live, second);
  store::collection_store loaded{4};
  BOOST_REQUIRE(loaded.load_snapshot(body).ok());
  BOOST_TEST(dump(loaded, h) == now);
}

BOOST_AUTO_TEST_CASE(a_malformed_snapshot_body_is_refused_with_its_offset) {
  store::collection_store live{4};
  history h{4};
  std::uint64_t seq = 0;
  apply_history(live, h, seq, 200);
  const std::string body = snapshot_body(live, live.begin_snapshot(seq));
  std::set<std::size_t> boundaries;
  BOOST_REQUIRE(model::for_each_snapshot_item(body, [&](model::snapshot_item&&, std::size_t at) {
                  boundaries.insert(at);
                  return core::success();
                }).ok());
  for (std::size_t len = 1; len < body.size(); len += 7) {
    if (boundaries.contains(len)) continue;  // a shorter but well-formed body
    store::collection_store s{4};
    const auto st = s.load_snapshot(body.substr(0, len));
    BOOST_REQUIRE(!st.ok());
    BOOST_TEST((st.error().code == core::errc::corrupt_data));
    BOOST_TEST(st.error().message.find("snapshot item at body offset") == 0u);
  }
  std::string unknown = body;
  unknown[0] = 9;
  store::collection_store s1{4};
  BOOST_TEST(s1.load_snapshot(unknown).error().message == "snapshot item at body offset 0: unknown item kind 9");
  store::collection_store s2{4};
  const auto twice = s2.load_snapshot(body + body);
  BOOST_REQUIRE(!twice.ok());
  BOOST_TEST(twice.error().message.find("duplicate") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(snapshot_items_round_trip_every_field) {
  model::collection c;
  c.id = "mcoll_0123456789ab";
  c.org = "org_x";
  c.owner = "usr_a";
  c.name = "n";
  c.cover_image_url = "https://x/y.png";
  c.created_at = -5;
  c.updated_at = 99;
  c.created_seq = 1ull << 40;
  c.tracks = {{"mtrack_a", 7}, {"mtrack_b", -1}};
  model::share_state sh{{"mslink_1", c.id, {}, model::share_visibility::public_, 123, 45}, "org_x", "usr_a", 77, 99};
  sh.link.token_sha256[31] = 0xff;
  std::string body;
  model::append_snapshot_item(body, c);
  model::append_snapshot_item(body, sh);
  std::vector<model::snapshot_item> items;
  std::vector<std::size_t> offsets;
  BOOST_REQUIRE(model::for_each_snapshot_item(body, [&](model::snapshot_item&& i, std::size_t at) {
                  items.push_back(std::move(i));
                  offsets.push_back(at);
                  return core::success();
                }).ok());
  BOOST_REQUIRE(items.size() == 2u);
  const auto& c2 = std::get<model::collection>(items[0]);
  BOOST_TEST(c2.id == c.id);
  BOOST_TEST(!c2.description.has_value());
  BOOST_TEST(*c2.cover_image_url == *c.cover_image_url);
  BOOST_TEST(c2.created_at == -5);
  BOOST_TEST(c2.created_seq == c.created_seq);
  BOOST_REQUIRE(c2.tracks.size() == 2u);
  BOOST_TEST(c2.tracks[1].added_at == -1);
  const auto& sh2 = std::get<model::share_state>(items[1]);
  BOOST_TEST((sh2.link.token_sha256 == sh.link.token_sha256));
  BOOST_TEST(*sh2.link.expires_at == 123);
  BOOST_TEST(sh2.org == "org_x");
  BOOST_TEST(sh2.owner == "usr_a");
  BOOST_TEST(sh2.created_seq == 77u);
  BOOST_TEST(*sh2.revoked_at == 99);
  BOOST_TEST(offsets[0] == 0u);
}

BOOST_AUTO_TEST_CASE(snapshot_items_are_counted_without_decoding_tracks) {
  model::collection a, b;
  a.id = "mcoll_000000000001";
  a.tracks = {{"mtrack_a", 1}, {"mtrack_b", 2}};
  b.id = "mcoll_000000000002";
  b.tracks = {{"mtrack_c", 3}};
  std::string body;
  model::append_snapshot_item(body, a);
  model::append_v1_share_item(body, model::create_share{"mslink_1", a.id, {}, model::share_visibility::public_, {}, 4});
  model::append_snapshot_item(body, b);
  const auto counts = model::count_snapshot_items(body);
  BOOST_TEST(counts.collections == 2u);
  BOOST_TEST(counts.tracks == 3u);
  // A count the payload cannot hold (a crafted body) stops the count: nothing is sized by it.
  std::string crafted;
  model::append_snapshot_item(crafted, b);
  const std::size_t count_at = crafted.size() - (4 + 8 + 8) - 4;  // before one track: length, "mtrack_c", time
  crafted[count_at + 3] = '\x7f';                                  // the count's high byte
  const auto bounded = model::count_snapshot_items(crafted);
  BOOST_TEST(bounded.collections == 0u);
  BOOST_TEST(bounded.tracks == 0u);
}
