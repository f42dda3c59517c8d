#define BOOST_TEST_MODULE cluster
// The cluster's keys and rules (cluster/membership.hpp), without etcd: the JSON values and
// their refusals, view_of's sorting of one range read, may_campaign, next_sync_change.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <limits>

#include "cluster/membership.hpp"

using namespace mixtape::cluster;

namespace {

const cluster_keys keys{"c1"};

key_value kv(std::string key, std::string value, std::int64_t create_revision = 1) {
  return key_value{std::move(key), std::move(value), create_revision, create_revision + 5, 0};
}

member_value member(std::string name, std::uint64_t seq) {
  return member_value{std::move(name), "http://" + name + ":8080", "standby", 3, seq, 0};
}

cluster_view view_with_members(std::vector<member_value> members) {
  cluster_view v;
  v.members = std::move(members);
  return v;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(values)

BOOST_AUTO_TEST_CASE(leader_round_trip) {
  const auto back = decode_leader(encode(leader_value{"node-a", "http://10.0.0.1:8080"}));
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST(back->name == "node-a");
  BOOST_TEST(back->url == "http://10.0.0.1:8080");
}

BOOST_AUTO_TEST_CASE(sync_round_trip) {
  const auto big = std::numeric_limits<std::uint64_t>::max();
  auto back = decode_sync(encode(sync_value{"node-a", big, {"node-b", "node-c"}}));
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST(back->leader == "node-a");
  BOOST_TEST(back->epoch == big);
  BOOST_TEST(back->members == (std::vector<std::string>{"node-b", "node-c"}));
  // An empty set (a new leader's) is a valid value.
  back = decode_sync(encode(sync_value{"node-a", 7, {}}));
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST(back->epoch == 7u);
  BOOST_TEST(back->members.empty());
}

BOOST_AUTO_TEST_CASE(member_round_trip) {
  const member_value m{"node-b", "http://10.0.0.2:8080", "primary", 12, std::uint64_t{1} << 40, -5};
  const auto back = decode_member(encode(m));
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST(back->name == m.name);
  BOOST_TEST(back->url == m.url);
  BOOST_TEST(back->role == m.role);
  BOOST_TEST(back->epoch == m.epoch);
  BOOST_TEST(back->seq == m.seq);
  BOOST_TEST(back->lag_ms == m.lag_ms);
}

BOOST_AUTO_TEST_CASE(malformed_values_are_refused) {
  for (const char* bad : {"", "not json", "{", "[]", "\"node-a\"", "42", "null"}) {
    BOOST_TEST_CONTEXT(bad) {
      BOOST_TEST(!decode_leader(bad).has_value());
      BOOST_TEST(!decode_sync(bad).has_value());
      BOOST_TEST(!decode_member(bad).has_value());
    }
  }
  BOOST_TEST(!decode_leader(R"({"name":"a"})").has_value());           // no url
  BOOST_TEST(!decode_leader(R"({"url":"http://a:1"})").has_value());   // no name
  BOOST_TEST(!decode_leader(R"({"name":7,"url":"http://a:1"})").has_value());
  BOOST_TEST(!decode_sync(R"({"leader":"a","epoch":1})").has_value());  // no members
  BOOST_TEST(!decode_sync(R"({"leader":"a","epoch":1,"members":"b"})").has_value());
  BOOST_TEST(!decode_member(R"({"url":"http://a:1","seq":3})").has_value());  // no name
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(view)

BOOST_AUTO_TEST_CASE(view_of_sorts_the_keys_and_ignores_the_others) {
  etcd_client::range_result range;
  range.revision = 99;
  range.kvs = {
      kv(keys.leader(), encode(leader_value{"node-a", "http://a:1"}), 41),
      kv(keys.sync(), encode(sync_value{"node-a", 5, {"node-b"}})),
      kv(keys.initialize(), "node-a"),
      kv(keys.member("node-a"), encode(member("node-a", 10))),
      kv(keys.member("node-b"), encode(member("node-b", 8))),
      kv(keys.member("node-x"), "not json"),                                    // unreadable: left out
      kv("/mixtape/c1/leaderless", encode(leader_value{"node-z", "http://z:1"})),  // unrelated
      kv("/mixtape/c2/leader", encode(leader_value{"node-y", "http://y:1"}), 7),   // another cluster
      kv("/mixtape/c1/members", encode(member("node-w", 1))),                   // not under members/
  };
  const auto v = view_of(keys, range);
  BOOST_TEST(v.revision == 99);
  BOOST_REQUIRE(v.leader.has_value());
  BOOST_TEST(v.leader->name == "node-a");
  BOOST_TEST(v.leader_revision == 41);
  BOOST_REQUIRE(v.sync.has_value());
  BOOST_TEST(v.sync->members == std::vector<std::string>{"node-b"});
  BOOST_REQUIRE(v.founder.has_value());
  BOOST_TEST(*v.founder == "node-a");
  BOOST_REQUIRE(v.members.size() == 2u);
  BOOST_TEST(v.members[0].name == "node-a");
  BOOST_TEST(v.members[0].seq == 10u);
  BOOST_TEST(v.members[1].name == "node-b");
}

BOOST_AUTO_TEST_CASE(an_empty_range_is_an_empty_view) {
  const auto v = view_of(keys, {});
  BOOST_TEST(!v.leader.has_value());
  BOOST_TEST(v.leader_revision == 0);
  BOOST_TEST(!v.sync.has_value());
  BOOST_TEST(!v.founder.has_value());
  BOOST_TEST(v.members.empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(campaign)

BOOST_AUTO_TEST_CASE(nobody_campaigns_while_there_is_a_leader) {
  auto v = view_with_members({member("node-a", 1)});
  v.leader = leader_value{"node-a", "http://a:1"};
  for (unsigned n : {0u, 1u}) {
    std::string why;
    BOOST_TEST(!may_campaign("node-b", 100, n, v, &why));
    BOOST_TEST(why.find("node-a") != std::string::npos, why);
  }
}

BOOST_AUTO_TEST_CASE(with_sync_replicas_only_the_last_leader_and_its_sync_set_may) {
  auto v = view_with_members({member("node-a", 50), member("node-b", 40), member("node-c", 60)});
  v.sync = sync_value{"node-a", 4, {"node-b"}};
  BOOST_TEST(may_campaign("node-a", 50, 1, v));
  BOOST_TEST(may_campaign("node-b", 40, 1, v));  // though node-c reports more
  std::string why;
  BOOST_TEST(!may_campaign("node-c", 60, 1, v, &why));
  BOOST_TEST(why.find("sync set") != std::string::npos, why);
  BOOST_TEST(why.find("node-a") != std::string::npos, why);
}

BOOST_AUTO_TEST_CASE(without_sync_replicas_only_a_node_holding_the_most_may) {
  auto v = view_with_members({member("node-a", 50), member("node-b", 40), member("node-c", 50)});
  v.sync = sync_value{"node-a", 4, {"node-b"}};  // ignored with sync_replicas 0
  std::string why;
  BOOST_TEST(!may_campaign("node-b", 40, 0, v, &why));
  BOOST_TEST(why.find("node-a") != std::string::npos, why);
  BOOST_TEST(why.find("50") != std::string::npos, why);
  BOOST_TEST(may_campaign("node-a", 50, 0, v));  // a tie is enough
  BOOST_TEST(may_campaign("node-c", 50, 0, v));
  // Its own (older) member key does not hold it back.
  BOOST_TEST(may_campaign("node-a", 50, 0, view_with_members({member("node-a", 70), member("node-b", 40)})));
}

BOOST_AUTO_TEST_CASE(with_sync_replicas_but_no_sync_key_the_most_up_to_date_may) {
  const auto v = view_with_members({member("node-a", 50), member("node-b", 40)});
  std::string why;
  BOOST_TEST(!may_campaign("node-b", 40, 1, v, &why));
  BOOST_TEST(why.find("node-a") != std::string::npos, why);
  BOOST_TEST(may_campaign("node-a", 50, 1, v));
  BOOST_TEST(may_campaign("node-new", 0, 1, cluster_view{}));  // a cluster's first node
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(sync_set)

using kind = sync_change::kind;

BOOST_AUTO_TEST_CASE(an_empty_set_takes_an_in_sync_standby) {
  const auto c = next_sync_change({}, 1, {{"node-b", false}, {"node-c", true}});
  BOOST_TEST((c.what == kind::add));
  BOOST_TEST(c.name == "node-c");
}

BOOST_AUTO_TEST_CASE(a_lagging_member_leaves_only_once_a_replacement_has_joined) {
  const std::vector<standby_sync_state> standbys{{"node-b", false}, {"node-c", true}};
  // With only N members it stays (it holds every acknowledged write); an in-sync one joins.
  auto c = next_sync_change({"node-b"}, 1, standbys);
  BOOST_TEST((c.what == kind::add));
  BOOST_TEST(c.name == "node-c");
  // With N+1 the lagging one leaves.
  c = next_sync_change({"node-b", "node-c"}, 1, standbys);
  BOOST_TEST((c.what == kind::remove));
  BOOST_TEST(c.name == "node-b");
  // Then nothing more.
  BOOST_TEST((next_sync_change({"node-c"}, 1, standbys).what == kind::none));
}

BOOST_AUTO_TEST_CASE(nothing_changes_when_the_set_is_full_and_in_sync) {
  const std::vector<standby_sync_state> standbys{{"node-b", true}, {"node-c", true}, {"node-d", true}};
  BOOST_TEST((next_sync_change({"node-b", "node-c"}, 2, standbys).what == kind::none));
  BOOST_TEST((next_sync_change({"node-b"}, 1, standbys).what == kind::none));
}

BOOST_AUTO_TEST_CASE(an_out_of_sync_standby_never_joins) {
  const std::vector<standby_sync_state> standbys{{"node-b", false}, {"node-c", false}};
  BOOST_TEST((next_sync_change({}, 1, standbys).what == kind::none));
  BOOST_TEST((next_sync_change({"node-b"}, 1, standbys).what == kind::none));  // lagging, no replacement: stays
  BOOST_TEST((next_sync_change({}, 2, {{"node-b", true}, {"node-c", false}}).name == "node-b"));
  BOOST_TEST((next_sync_change({"node-b"}, 2, {{"node-b", true}, {"node-c", false}}).what == kind::none));
}

BOOST_AUTO_TEST_CASE(a_member_without_a_stream_counts_as_lagging) {
  auto c = next_sync_change({"node-gone"}, 1, {{"node-c", true}});
  BOOST_TEST((c.what == kind::add));
  BOOST_TEST(c.name == "node-c");
  c = next_sync_change({"node-gone", "node-c"}, 1, {{"node-c", true}});
  BOOST_TEST((c.what == kind::remove));
  BOOST_TEST(c.name == "node-gone");
}

BOOST_AUTO_TEST_SUITE_END()
