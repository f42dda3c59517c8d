// The store's tracks against the simple model of track_model.hpp under long random
// sequences of add, batch add, remove, reorder and delete, with snapshots cut in the middle
// of writes and loaded into a fresh store that then takes over (a restart). Invariants
// checked: the outcome of every mutation, the whole order (no duplicates, positions dense
// from 0), random pages, track_count and updated_at, and the number of interned ids.
#include <boost/test/unit_test.hpp>

#include <boost/json.hpp>

#include <map>
#include <memory>
#include <random>
#include <set>

#include "store/collection_store.hpp"
#include "store/history.hpp"
#include "store/track_model.hpp"

using namespace mixtape;
using store::outcome;
using store_test::model_tracks;

namespace {

constexpr std::string_view org = "org_x";
constexpr std::string_view owner = "usr_a";

struct model_collection {
  model_tracks tracks;
  core::unix_seconds updated_at = 0;
  std::size_t limit = 0;
};

class random_run {
 public:
  explicit random_run(unsigned seed) : rng_(seed), live_(std::make_unique<store::collection_store>(4)) {
    for (std::size_t i = 0; i < 200; ++i) pool_.push_back("mtrack_" + std::to_string(i));  // kept inline
    for (std::size_t i = 0; i < 100; ++i) pool_.push_back("mtrack_" + std::string(24, 'L') + std::to_string(i));
    for (std::size_t i = 0; i < 50; ++i) pool_.push_back("raw" + std::to_string(i));  // only a journal has these
    const std::size_t limits[] = {8, 40, 200, 1000, 1000, 1000};
    for (std::size_t k = 0; k < std::size(limits); ++k) {
      char id[32];
      std::snprintf(id, sizeof id, "mcoll_%012zx", k + 1);
      ids_.emplace_back(id);
      limits_.push_back(limits[k]);
      create(k);
    }
  }

  // Applies one random mutation to the store and the model; checks the outcome and the
  // collection it touched.
  void step() {
    const std::size_t k = pick(ids_.size());
    auto& m = model_[ids_[k]];
    const unsigned roll = pick(100);
    ++now_;
    model::mutation mut;
    outcome expected;
    if (roll < 40) {
      const std::string& t = any_track();
      mut = model::add_track{ids_[k], t, now_, static_cast<std::uint32_t>(m.limit)};
      expected = m.tracks.add(t, now_, m.limit);
    } else if (roll < 50) {
      std::vector<std::string> batch(1 + pick(100));
      for (auto& t : batch) t = pick(4) ? any_track() : member_or_any(m);
      mut = model::add_tracks{ids_[k], batch, now_, static_cast<std::uint32_t>(m.limit)};
      expected = m.tracks.add_batch(batch, now_, m.limit);
    } else if (roll < 80) {
      const std::string t = member_or_any(m);
      mut = model::remove_track{ids_[k], t, now_};
      expected = m.tracks.remove(t);
    } else if (roll < 98) {
      std::vector<std::string> listed;
      const std::size_t n = pick(3) == 0 ? m.tracks.items.size() + 2 : pick(12);
      for (std::size_t i = 0; i < n; ++i) listed.push_back(member_or_any(m));
      mut = model::reorder_tracks{ids_[k], listed, now_};
      expected = m.tracks.reorder(listed);
      const auto changes = live_->reorder_changes(ids_[k], org, owner, listed);
      BOOST_REQUIRE(changes.has_value() && *changes == (expected == outcome::applied));
    } else {
      mut = model::delete_collection{ids_[k], now_};
      expected = outcome::applied;
    }
    const outcome got = apply(mut);
    BOOST_REQUIRE_MESSAGE(got == expected, "mutation " << seq_ << " on " << ids_[k] << ": outcome "
                                                       << static_cast<int>(got) << ", model says "
                                                       << static_cast<int>(expected));
    if (std::holds_alternative<model::delete_collection>(mut)) create(k);  // at once, empty
    else if (got == outcome::applied) m.updated_at = now_;
    check_collection(*live_, k, model_);
  }

  // Every collection, the interned-id count, and a snapshot of the store loaded into a
  // fresh one, cut while `writes_after_cut` more mutations go on; the fresh store, brought
  // up to date by replaying those, replaces the live one.
  void snapshot_and_restart(std::size_t writes_after_cut) {
    check_all(*live_, model_);
    const std::uint64_t cut = seq_;
    const auto at_cut = model_;
    const std::uint64_t epoch = live_->begin_snapshot(cut);
    std::vector<std::pair<std::uint64_t, model::mutation>> after;
    recording_ = &after;
    for (std::size_t i = 0; i < writes_after_cut; ++i) step();
    recording_ = nullptr;
    const std::string body = store_test::snapshot_body(*live_, epoch);
    auto fresh = std::make_unique<store::collection_store>(8);
    BOOST_REQUIRE(fresh->load_snapshot(body).ok());
    check_all(*fresh, at_cut);
    for (const auto& [seq, mut] : after) fresh->apply(mut, seq);
    check_all(*fresh, model_);
    live_ = std::move(fresh);
  }

  void check_all(const store::collection_store& s, const std::map<std::string, model_collection>& want) {
    for (std::size_t k = 0; k < ids_.size(); ++k) check_collection(s, k, want);
    std::set<std::string> distinct;
    for (const auto& [id, m] : want)
      for (const auto& t : m.tracks.items) distinct.insert(t.first);
    BOOST_TEST(s.distinct_tracks() == distinct.size());
  }

 private:
  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
  const std::string& any_track() { return pool_[pick(pool_.size())]; }
  std::string member_or_any(const model_collection& m) {
    if (m.tracks.items.empty() || pick(4) == 0) return any_track();
    return m.tracks.items[pick(m.tracks.items.size())].first;
  }

  void create(std::size_t k) {
    model::create_collection c;
    c.id = ids_[k];
    c.org = std::string{org};
    c.owner = std::string{owner};
    c.name = "c" + std::to_string(k);
    c.at = now_;
    BOOST_REQUIRE(apply(c) == outcome::applied);
    model_[ids_[k]] = {{}, now_, limits_[k]};
  }

  outcome apply(const model::mutation& mut) {
    ++seq_;
    if (recording_) recording_->emplace_back(seq_, mut);
    return live_->apply(mut, seq_);
  }

  void check_collection(const store::collection_store& s, std::size_t k,
                        const std::map<std::string, model_collection>& want) {
    const auto& m = want.at(ids_[k]);
    bool dense = false;
    const auto all = store_test::page_of(s, ids_[k], org, owner, 0, SIZE_MAX, dense);
    BOOST_REQUIRE_MESSAGE(all == m.tracks.items, ids_[k] << " after mutation " << seq_ << ": store and model differ");
    BOOST_REQUIRE(dense);
    const std::size_t offset = pick(m.tracks.items.size() + 2), limit = 1 + pick(60);
    const auto page = store_test::page_of(s, ids_[k], org, owner, offset, limit, dense);
    BOOST_REQUIRE(dense);
    const std::size_t from = std::min(offset, m.tracks.items.size());
    const std::size_t to = std::min(from + limit, m.tracks.items.size());
    BOOST_REQUIRE(page == decltype(page)(m.tracks.items.begin() + from, m.tracks.items.begin() + to));
    std::string json;
    BOOST_REQUIRE(s.append_json(json, ids_[k], org, owner));
    const auto v = boost::json::parse(json);
    BOOST_REQUIRE(v.at("track_count").as_int64() == static_cast<std::int64_t>(m.tracks.items.size()));
    BOOST_REQUIRE(v.at("updated_at").as_string() == core::format_utc(m.updated_at));
  }

  std::mt19937 rng_;
  std::unique_ptr<store::collection_store> live_;
  std::vector<std::string> pool_, ids_;
  std::vector<std::size_t> limits_;
  std::map<std::string, model_collection> model_;
  std::vector<std::pair<std::uint64_t, model::mutation>>* recording_ = nullptr;  // mutations after a cut
  core::unix_seconds now_ = 1'700'000'000;
  std::uint64_t seq_ = 0;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(track_model)

BOOST_AUTO_TEST_CASE(random_track_operations_match_the_model) {
  for (unsigned seed : {1u, 2u, 3u}) {
    random_run run{seed};
    for (int i = 0; i < 6000; ++i) run.step();
  }
}

BOOST_AUTO_TEST_CASE(random_track_operations_match_the_model_across_snapshots_and_restarts) {
  random_run run{7};
  for (int round = 0; round < 6; ++round) {
    for (int i = 0; i < 2000; ++i) run.step();
    run.snapshot_and_restart(300);
  }
}

BOOST_AUTO_TEST_SUITE_END()
