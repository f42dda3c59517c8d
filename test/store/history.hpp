#pragma once
// Test helpers shared by the store and durability tests: a deterministic pseudo-random
// history of mutations, and a dump of everything a client could observe in a store.
#include <array>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "model/mutation.hpp"
#include "store/collection_store.hpp"

namespace store_test {

using namespace mixtape;

class history {
 public:
  explicit history(unsigned seed) : rng_(seed) {}

  // The next mutation: mostly valid, some for deleted or unknown collections, some no-ops.
  model::mutation next() {
    model::mutation m = next_unguarded();
    ++calls_;
    // Some writes come guarded (journal-format.md §2): by a version, mostly stale (nothing
    // to change), or by an Idempotency-Key that the store remembers when the write succeeds.
    const unsigned roll = pick(20);
    if (roll >= 3 || std::holds_alternative<model::delete_collection>(m)) return m;
    model::guarded_write g;
    if (roll == 0) g.if_match = pick(calls_ + 1) + 1;
    else g.idempotency = {"usr_" + std::to_string(pick(3)), "key" + std::to_string(stamps_.size()), {},
                          now_ + pick(60)};
    if (!g.idempotency.key.empty()) stamps_.push_back(g.idempotency);
    g.inner = std::make_shared<const model::mutation>(std::move(m));
    return g;
  }

  model::mutation next_unguarded() {
    now_ += pick(3);
    const unsigned roll = pick(100);
    if (owner_of_.empty() || roll < 18) return create();
    const std::string id = any_id();
    const std::string track = "mtrack_" + std::to_string(pick(12));
    if (roll < 33) return update(id);
    if (roll < 37) return model::delete_collection{id, now_};
    if (roll < 60) return model::add_track{id, track, now_, 8};
    if (roll < 67) return model::add_tracks{id, {track, "mtrack_" + std::to_string(pick(12)), "mtrack_x"}, now_, 8};
    if (roll < 77) return model::remove_track{id, track, now_};
    if (roll < 87) return model::reorder_tracks{id, {track, "mtrack_" + std::to_string(pick(12))}, now_};
    if (roll < 95 || tokens_.empty()) return share(id);
    return model::revoke_share{"mslink_" + std::to_string(pick(static_cast<unsigned>(tokens_.size()) + 1)), now_};
  }

  // (org, owner) of each collection id ever created.
  const std::map<std::string, std::pair<std::string, std::string>>& owners() const { return owner_of_; }
  const std::vector<std::array<unsigned char, 32>>& tokens() const { return tokens_; }
  const std::vector<model::idempotency_stamp>& stamps() const { return stamps_; }

 private:
  unsigned pick(unsigned n) { return std::uniform_int_distribution<unsigned>(0, n - 1)(rng_); }
  std::string any_id() {
    auto it = owner_of_.begin();
    std::advance(it, pick(static_cast<unsigned>(owner_of_.size())));
    return it->first;
  }
  model::mutation create() {
    char id[32];
    std::snprintf(id, sizeof id, "mcoll_%012x", ++created_);
    model::create_collection c;
    c.id = id;
    c.org = pick(2) ? "org_x" : "org_y";
    c.owner = "usr_" + std::to_string(pick(3));
    c.name = "name " + std::to_string(created_) + " \xc3\xa9\"\\";
    if (pick(2)) c.description = "d" + std::to_string(pick(100));
    if (pick(3) == 0) c.cover_track_id = "mtrack_c" + std::to_string(pick(9));
    c.at = now_;
    owner_of_[c.id] = {c.org, c.owner};
    return c;
  }
  model::mutation update(const std::string& id) {
    model::update_collection u;
    u.id = id;
    if (pick(2)) u.name = "renamed " + std::to_string(pick(5));
    if (pick(2)) u.description = pick(2) ? std::optional<std::string>{} : std::optional<std::string>{"x"};
    if (pick(3) == 0) u.cover_image_url = std::optional<std::string>{"https://img.example/" + std::to_string(pick(4))};
    u.at = now_;
    return u;
  }
  model::mutation share(const std::string& id) {
    model::create_share s;
    s.share_id = "mslink_" + std::to_string(tokens_.size());
    s.collection_id = id;
    for (auto& b : s.token_sha256) b = static_cast<unsigned char>(pick(256));
    s.visibility = pick(2) ? model::share_visibility::public_ : model::share_visibility::link_only;
    if (pick(2)) s.expires_at = now_ + 86400;
    s.at = now_;
    tokens_.push_back(s.token_sha256);
    return s;
  }

  std::mt19937 rng_;
  core::unix_seconds now_ = 1'700'000'000;
  unsigned created_ = 0;
  std::map<std::string, std::pair<std::string, std::string>> owner_of_;
  std::vector<std::array<unsigned char, 32>> tokens_;
  std::vector<model::idempotency_stamp> stamps_;
  unsigned calls_ = 0;
};

// Everything a client could read: each owner's listing, each collection with its tracks,
// each share link with its view, and the counts.
inline std::string dump(const store::collection_store& s, const history& h) {
  std::string out;
  for (const char* org : {"org_x", "org_y"})
    for (int o = 0; o < 3; ++o)
      s.visit_page(org, "usr_" + std::to_string(o), 100, 0, [&](const model::cached_json& json) { (out += json.text) += ','; });
  for (const auto& [id, who] : h.owners()) {
    out += '\n';
    s.append_json(out, id, who.first, who.second);
    out += " v" + std::to_string(s.version_of(id, who.first, who.second).value_or(0));
    s.visit_tracks(id, who.first, who.second, 0, SIZE_MAX, [&](const store::track_view& t) {
      out += " " + std::string{t.track_id} + "@" + std::to_string(t.added_at);
    });
    s.visit_shares(id, who.first, who.second, [&](const store::share_link& link) {
      out += " link " + link.id + " seq " + std::to_string(link.created_seq) + " revoked " +
             std::to_string(link.revoked_at.value_or(-1));
      const auto by_id = s.shares().find_by_id(link.id, who.first, who.second);
      out += by_id && by_id->id == link.id ? " owned" : " not owned";
    });
  }
  for (const auto& token : h.tokens()) {
    std::string tracks;
    const auto v = s.find_share(token, [&](const store::track_view& t) {
      tracks += " " + std::to_string(t.position) + ":" + std::string{t.track_id};
    });
    if (!v) {
      out += "\nno share";
      continue;
    }
    out += "\n" + v->link.id + " " + v->link.collection_id + " " + std::to_string(v->link.created_at) + " " +
           std::to_string(v->link.expires_at.value_or(-1)) + " " + std::to_string(static_cast<int>(v->link.visibility)) +
           " " + std::to_string(v->collection_exists) + " " + v->name + " " + v->description.value_or("-");
    out += tracks;
  }
  for (const auto& stamp : h.stamps()) {
    const auto w = s.remembered().find(stamp.principal, stamp.key, 0);
    out += "\n" + stamp.key + (w ? " " + std::to_string(w->record_type) + " " + std::to_string(w->number) + " " + w->text +
                                        " " + std::to_string(w->stamp.expires_at)
                                  : " -");
  }
  return out + "\n" + std::to_string(s.size()) + " " + std::to_string(s.shares().size()) + " " +
         std::to_string(s.remembered().size());
}

// Takes a whole snapshot of `s` (as the compactor does, on this thread) and returns its body.
inline std::string snapshot_body(store::collection_store& s, std::uint64_t epoch) {
  std::string body;
  for (std::size_t part = 0; part < s.snapshot_parts(); ++part) s.collect_snapshot_part(epoch, part, body);
  s.end_snapshot(epoch);
  return body;
}

}  // namespace store_test
