// A standby's link to its primary, socket-free (replication/standby.hpp): what it decides from
// the primary's handshake, the messages it takes, the acknowledgements it sends.
#include <thread>
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "journal/timeline.hpp"
#include "replication/standby.hpp"
#include "replication/wire.hpp"
#include "store/collection_store.hpp"
#include "support.hpp"
#include "support/fake_journal_file.hpp"
#include "support/wait.hpp"

using namespace mixtape;
using namespace replication_test;
using namespace std::chrono_literals;
using replication::stop_reason;

namespace {

const std::string id_a = "00000000000000aa";
const std::string id_b = "00000000000000bb";

journal::timeline history(const std::string& text) {
  auto t = journal::timeline::decode(text);
  BOOST_REQUIRE(t.ok());
  return std::move(t).value();
}

// A standby holding records 1..held (its writer goes on at held + 1), with `mine` as history.
struct standby {
  explicit standby(std::uint64_t held, journal::timeline mine = history("1:1:" + id_a))
      : w(mixtape::test::make_fake(disk), held + 1, mj::writer_options{}),
        link(dir.path(), std::move(mine), "db-1", "node-s", w, store, status) {}
  ~standby() { w.close(); }

  std::shared_ptr<mixtape::test::fake_disk> disk = std::make_shared<mixtape::test::fake_disk>();
  mixtape::test::temp_dir dir;
  mj::writer w;
  store::collection_store store{4};
  replication::standby_status status;
  replication::standby_link link;
};

// The primary's 101 fields.
struct answer {
  std::map<std::string, std::string> fields{{"X-Mixtape-Node", "node-p"}, {"X-Mixtape-Database", "db-1"},
                                            {"X-Mixtape-History", "1:1:" + id_a}, {"X-Mixtape-Seq", "20"}};
  answer& set(const std::string& name, const std::string& value) {
    fields[name] = value;
    return *this;
  }
  std::function<std::string(std::string_view)> lookup() const {
    return [this](std::string_view name) {
      const auto it = fields.find(std::string{name});
      return it == fields.end() ? std::string{} : it->second;
    };
  }
};

std::string heartbeat(std::uint64_t seq, std::uint64_t ms, std::size_t cut = 0) {
  std::string out(1, replication::wire::heartbeat);
  replication::wire::put_u64(out, seq);
  replication::wire::put_u64(out, ms);
  return out.substr(0, out.size() - cut);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(standby_link)

BOOST_AUTO_TEST_CASE(the_handshake_names_this_node_its_data_and_its_position) {
  standby s{10};
  BOOST_TEST(s.link.target("/base") == "/base/admin/v1/replication?after=10");
  const auto fields = s.link.handshake_fields();
  BOOST_REQUIRE(fields.size() == 3u);
  BOOST_TEST(fields[0].second == "1:1:" + id_a);
  BOOST_TEST(fields[1].second == "db-1");
  BOOST_TEST(fields[2].second == "node-s");
}

BOOST_AUTO_TEST_CASE(accepted_decides_whether_to_follow) {
  {
    standby s{10};
    BOOST_TEST((s.link.accepted(answer{}.set("X-Mixtape-Node", "node-s").lookup()) == stop_reason::itself));
  }
  {
    standby s{10};
    BOOST_TEST((s.link.accepted(answer{}.set("X-Mixtape-Database", "db-2").lookup()) == stop_reason::not_this_data));
    BOOST_TEST((s.link.accepted(answer{}.set("X-Mixtape-History", "1:1:nothex").lookup()) == stop_reason::not_this_data));
  }
  {
    // The primary started epoch 2 at 5: this node's records 5..10 are of another history.
    standby s{10};
    BOOST_TEST((s.link.accepted(answer{}.set("X-Mixtape-History", "1:1:" + id_a + ",2:5:" + id_b).lookup()) ==
                stop_reason::diverged));
    BOOST_TEST(s.link.fork_seq() == 5u);
    BOOST_TEST(s.link.history().encode() == "1:1:" + id_a);  // not adopted
  }
  {
    // The same history, but the primary holds less than this node.
    standby s{10};
    BOOST_TEST((s.link.accepted(answer{}.set("X-Mixtape-Seq", "7").lookup()) == stop_reason::diverged));
    BOOST_TEST(s.link.fork_seq() == 8u);
  }
  {
    // The same history, the primary ahead: follow, nothing to save.
    standby s{10};
    BOOST_TEST((s.link.accepted(answer{}.lookup()) == stop_reason::none));
    BOOST_TEST(s.link.fork_seq() == 21u);  // past the primary's last record
    BOOST_TEST(!std::filesystem::exists(s.dir / "timeline"));
    BOOST_TEST(s.status.primary_seq.load() == 20u);
    BOOST_TEST(s.status.epoch.load() == 1u);
  }
  {
    // The primary started epoch 2 after this node's last record: follow, and take its history.
    standby s{10};
    const std::string theirs = "1:1:" + id_a + ",2:11:" + id_b;
    BOOST_TEST((s.link.accepted(answer{}.set("X-Mixtape-History", theirs).lookup()) == stop_reason::none));
    BOOST_TEST(s.link.history().encode() == theirs);
    auto saved = journal::timeline::load(s.dir.path());
    BOOST_REQUIRE(saved.ok());
    BOOST_TEST(saved->encode() == theirs);
    BOOST_TEST(s.status.epoch.load() == 2u);
  }
  {
    // A node without a history (bootstrapped from a backup) takes the primary's, whatever it says.
    standby s{10, journal::timeline{}};
    const std::string theirs = "3:2:" + id_b;
    BOOST_TEST((s.link.accepted(answer{}.set("X-Mixtape-History", theirs).lookup()) == stop_reason::none));
    BOOST_TEST(s.link.history().encode() == theirs);
    BOOST_TEST(s.link.history().known());
  }
}

BOOST_AUTO_TEST_CASE(records_are_journaled_applied_and_acknowledged) {
  standby s{49, history("1:1:" + id_a)};
  const auto first = s.link.ack();  // what it holds at the start
  BOOST_REQUIRE(first.has_value());
  BOOST_TEST(replication::wire::get_u64(*first, 1).value_or(0) == 49u);
  BOOST_TEST(!s.link.ack().has_value());
  BOOST_TEST(s.link.message(std::string(1, replication::wire::records) + message(50, 53)).ok());
  BOOST_TEST(s.link.last_seq() == 53u);
  BOOST_TEST(s.status.primary_seq.load() == 53u);
  BOOST_REQUIRE(mixtape::test::wait_until([&] { return s.store.applied_seq() == 53; }, 10000ms));
  BOOST_TEST(s.store.version_of(coll, "org_a", "usr_a").value_or(0) == 53u);
  const auto ack = s.link.ack();
  BOOST_REQUIRE(ack.has_value());
  BOOST_TEST(ack->size() == 9u);
  BOOST_TEST((*ack)[0] == replication::wire::ack);
  BOOST_TEST(replication::wire::get_u64(*ack, 1).value_or(0) == 53u);
  BOOST_TEST(!s.link.ack().has_value());  // sent once
  BOOST_TEST(s.link.healthy());
  // A bad message is refused and changes nothing.
  const auto bad = s.link.message(std::string(1, replication::wire::records) + message(55, 55));
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST((bad.error().code == core::errc::corrupt_data));
  BOOST_TEST(s.link.last_seq() == 53u);
}

BOOST_AUTO_TEST_CASE(heartbeats_and_unknown_messages) {
  standby s{10};
  BOOST_TEST(s.link.message(heartbeat(30, 1234)).ok());
  BOOST_TEST(s.status.primary_seq.load() == 30u);
  // It knows of records it lacks: its lag runs from the heartbeat until it applies them.
  s.status.connected.store(true);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the lag being measured
  BOOST_TEST(s.status.lag_ms(10) >= 20);
  BOOST_TEST(s.status.lag_ms(30) == 0);
  BOOST_TEST(s.link.message(heartbeat(25, 1234)).ok());
  BOOST_TEST(s.status.primary_seq.load() == 30u);  // never goes back
  for (const std::string& bad : {heartbeat(31, 1, 1), heartbeat(31, 1) + "x", std::string{"H"}, std::string{},
                                 std::string{"X123"}, std::string{"A"} + heartbeat(1, 1).substr(1, 8)}) {
    const auto st = s.link.message(bad);
    BOOST_TEST_CONTEXT("message of " << bad.size() << " bytes") {
      BOOST_REQUIRE(!st.ok());
      BOOST_TEST((st.error().code == core::errc::corrupt_data));
    }
  }
  BOOST_TEST(s.status.primary_seq.load() == 30u);
  BOOST_TEST(s.link.last_seq() == 10u);
}

BOOST_AUTO_TEST_SUITE_END()
