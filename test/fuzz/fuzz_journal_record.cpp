// libFuzzer target: the journal record decoder, model::decode(type, payload). The first
// byte is the record type, the rest the payload. Properties:
//  - decode either fails with corrupt_data and a message, or yields the alternative the
//    type names (type_byte(m) == type) whose encode() is exactly the payload: the
//    encoding is canonical, so a decoded record re-encodes byte for byte;
//  - the store applies any decoded record (to a store holding one collection, whose id the
//    seeds use) without failing, and its state then survives a snapshot round trip: the
//    body loads into an empty store whose own snapshot has the same items;
//  - the collection's cached JSON stays JSON (when the record's texts are UTF-8).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/json.hpp>

#include "check.hpp"
#include "model/mutation.hpp"
#include "model/validation.hpp"
#include "store/collection_store.hpp"
#include "store_state.hpp"

namespace {

namespace model = mixtape::model;
using mixtape::store::collection_store;

constexpr std::string_view base_id = "mcoll_0123456789ab";
constexpr std::string_view base_org = "org_a";
constexpr std::string_view base_owner = "usr_a";

// Every text of a record, to know whether its JSON must parse (JSON text is UTF-8).
bool texts_are_utf8(const model::mutation& m) {
  if (const auto* g = std::get_if<model::guarded_write>(&m))
    return model::utf8_length(g->idempotency.principal) && model::utf8_length(g->idempotency.key) &&
           (!g->inner || texts_are_utf8(*g->inner));
  std::vector<std::string_view> t;
  const auto add = [&](const std::optional<std::string>& o) {
    if (o) t.push_back(*o);
  };
  const auto add_update = [&](const model::nullable_update& u) {
    if (u) add(*u);
  };
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, model::create_collection>) {
          t.insert(t.end(), {x.id, x.org, x.owner, x.name});
          add(x.description), add(x.cover_track_id), add(x.cover_image_url);
        } else if constexpr (std::is_same_v<T, model::update_collection>) {
          t.push_back(x.id);
          add(x.name), add_update(x.description), add_update(x.cover_track_id), add_update(x.cover_image_url);
        } else if constexpr (std::is_same_v<T, model::add_track> || std::is_same_v<T, model::remove_track>) {
          t.insert(t.end(), {x.collection_id, x.track_id});
        } else if constexpr (std::is_same_v<T, model::reorder_tracks>) {
          t.push_back(x.collection_id);
          t.insert(t.end(), x.ordered_track_ids.begin(), x.ordered_track_ids.end());
        } else if constexpr (std::is_same_v<T, model::add_tracks>) {
          t.push_back(x.collection_id);
          t.insert(t.end(), x.track_ids.begin(), x.track_ids.end());
        } else if constexpr (std::is_same_v<T, model::create_share>) {
          t.insert(t.end(), {x.share_id, x.collection_id});
        }
      },
      m);
  for (const auto s : t)
    if (!model::utf8_length(s)) return false;
  return true;
}

void check_json(const collection_store& s, std::string_view id, std::string_view org, std::string_view owner) {
  std::string out;
  if (!s.append_json(out, id, org, owner)) return;
  boost::json::error_code ec;
  const auto v = boost::json::parse(out, ec);
  FUZZ_CHECK(!ec && v.is_object(), "a collection's JSON is a JSON object");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t type = data[0];
  const std::string_view payload(reinterpret_cast<const char*>(data) + 1, size - 1);

  auto decoded = model::decode(type, payload);
  if (!decoded) {
    FUZZ_CHECK(decoded.error().code == mixtape::core::errc::corrupt_data, "a bad record is corrupt_data");
    FUZZ_CHECK(!decoded.error().message.empty(), "a bad record says why");
    return 0;
  }
  const model::mutation& m = decoded.value();
  FUZZ_CHECK(model::type_byte(m) == type, "a record decodes as the alternative its type names");
  const std::string again = model::encode(m);
  FUZZ_CHECK(again == payload, "a decoded record re-encodes to the same bytes");
  auto twice = model::decode(type, again);
  FUZZ_CHECK(twice.ok() && model::encode(twice.value()) == again, "the re-encoded record decodes again");

  // Apply it where it can find a collection to change.
  collection_store live{2};
  live.apply(model::create_collection{std::string(base_id), std::string(base_org), std::string(base_owner), "base",
                                      "a description", std::nullopt, std::nullopt, 100},
             1);
  for (const char* t : {"mtrack_1", "mtrack_2", "mtrack_3"})
    live.apply(model::add_track{std::string(base_id), t, 101, 10}, 2);
  (void)live.apply(m, 5);

  const bool utf8 = texts_are_utf8(m);
  if (utf8) {
    check_json(live, base_id, base_org, base_owner);
    if (const auto* c = std::get_if<model::create_collection>(&m)) check_json(live, c->id, c->org, c->owner);
  }

  const std::string body = mixtape::fuzz::snapshot_body(live, 5);
  collection_store loaded{4};
  const auto st = loaded.load_snapshot(body);
  FUZZ_CHECK(st.ok(), "a store's own snapshot loads");
  FUZZ_CHECK(loaded.size() == live.size() && loaded.shares().size() == live.shares().size(),
             "a loaded snapshot has what the store had");
  FUZZ_CHECK(mixtape::fuzz::state_of(loaded, 5) == mixtape::fuzz::sorted_items(body),
             "a loaded snapshot snapshots to the same items");
  return 0;
}
