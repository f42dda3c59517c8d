#include "describe.hpp"

#include <boost/json.hpp>

#include <filesystem>

#include "journal/snapshot_file.hpp"
#include "model/snapshot_item.hpp"

namespace mixtape::inspector {
namespace {

namespace json = boost::json;

template <class... Fs>
struct overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
overloaded(Fs...) -> overloaded<Fs...>;

json::value opt(const std::optional<std::string>& v) { return v ? json::value(*v) : json::value(nullptr); }
json::value time(core::unix_seconds t) { return json::value(core::format_utc(t)); }

// An update's nullable field: left out when absent, null when cleared, else the value.
void put(json::object& o, std::string_view key, const model::nullable_update& u) {
  if (u) o[key] = opt(*u);
}

std::string hex(const std::array<unsigned char, 32>& bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

json::object object_of(const model::create_collection& m) {
  return {{"id", m.id}, {"org", m.org}, {"owner", m.owner}, {"name", m.name}, {"description", opt(m.description)},
          {"cover_track_id", opt(m.cover_track_id)}, {"cover_image_url", opt(m.cover_image_url)}, {"at", time(m.at)}};
}

json::object object_of(const model::update_collection& m) {
  json::object o{{"id", m.id}};
  if (m.name) o["name"] = *m.name;
  put(o, "description", m.description);
  put(o, "cover_track_id", m.cover_track_id);
  put(o, "cover_image_url", m.cover_image_url);
  o["at"] = time(m.at);
  return o;
}

json::object object_of(const model::create_share& m) {
  return {{"share_id", m.share_id},
          {"collection_id", m.collection_id},
          {"token_sha256", hex(m.token_sha256)},
          {"visibility", m.visibility == model::share_visibility::public_ ? "public" : "link_only"},
          {"expires_at", m.expires_at ? time(*m.expires_at) : json::value(nullptr)},
          {"at", time(m.at)}};
}

}  // namespace


static json::object object_of(const model::mutation& m);

static json::object object_of(const model::guarded_write& g) {
  json::object o{{"if_match", g.if_match}};
  if (!g.idempotency.key.empty())
    o["idempotency"] = json::object{{"principal", g.idempotency.principal},
                                    {"key", g.idempotency.key},
                                    {"request_sha256", hex(g.idempotency.request_sha256)},
                                    {"expires_at", time(g.idempotency.expires_at)}};
  if (g.inner) {
    o["inner_type"] = model::type_name(model::type_byte(*g.inner));
    o["inner"] = object_of(*g.inner);
  }
  return o;
}

static json::object object_of(const model::mutation& m) {
  return std::visit(
      overloaded{
          [](const model::create_collection& x) { return object_of(x); },
          [](const model::update_collection& x) { return object_of(x); },
          [](const model::delete_collection& x) { return json::object{{"id", x.id}, {"at", time(x.at)}}; },
          [](const model::add_track& x) {
            return json::object{
                {"collection_id", x.collection_id}, {"track_id", x.track_id}, {"at", time(x.at)}, {"limit", x.limit}};
          },
          [](const model::remove_track& x) {
            return json::object{{"collection_id", x.collection_id}, {"track_id", x.track_id}, {"at", time(x.at)}};
          },
          [](const model::reorder_tracks& x) {
            json::array ids(x.ordered_track_ids.begin(), x.ordered_track_ids.end());
            return json::object{{"collection_id", x.collection_id}, {"ordered_track_ids", ids}, {"at", time(x.at)}};
          },
          [](const model::create_share& x) { return object_of(x); },
          [](const model::add_tracks& x) {
            json::array ids(x.track_ids.begin(), x.track_ids.end());
            return json::object{
                {"collection_id", x.collection_id}, {"track_ids", ids}, {"at", time(x.at)}, {"limit", x.limit}};
          },
          [](const model::revoke_share& x) { return json::object{{"share_id", x.share_id}, {"at", time(x.at)}}; },
          [](const model::guarded_write& x) { return object_of(x); },
          [](const model::set_org_state& x) {
            return json::object{{"org", x.org}, {"state", static_cast<int>(x.state)}, {"at", time(x.at)}};
          },
          [](const model::delete_org& x) { return json::object{{"org", x.org}, {"at", time(x.at)}}; },
          [](const model::import_collection& x) {
            return json::object{{"id", x.c.id},         {"org", x.c.org}, {"owner", x.c.owner},
                                {"tracks", x.c.tracks.size()}, {"at", time(x.at)}};
          },
          [](const model::import_share& x) {
            json::object o = object_of(x.link);
            o["org"] = x.org;
            o["owner"] = x.owner;
            o["revoked_at"] = x.revoked_at ? time(*x.revoked_at) : json::value(nullptr);
            o["imported_at"] = time(x.at);
            return o;
          },
      },
      m);
}

std::string describe(const model::mutation& m) { return json::serialize(object_of(m)); }

core::result<std::string> summarize_snapshot(const std::string& path) {
  auto snap = journal::read_snapshot_file(path);
  if (!snap) return std::move(snap).error();
  std::uint64_t collections = 0, tracks = 0, shares = 0, keys = 0, orgs = 0;
  auto st = model::for_each_snapshot_item(snap->body, [&](model::snapshot_item&& item, std::size_t) {
    if (const auto* c = std::get_if<model::collection>(&item)) {
      ++collections;
      tracks += c->tracks.size();
    } else if (std::holds_alternative<model::remembered_write>(item)) {
      ++keys;
    } else if (std::holds_alternative<model::org_status>(item)) {
      ++orgs;
    } else {
      ++shares;
    }
    return core::success();
  });
  if (!st) return core::problem{core::errc::corrupt_data, "", path + ": damaged snapshot: " + st.error().message};
  return "covered_seq=" + std::to_string(snap->covered_seq) + " bytes=" + std::to_string(std::filesystem::file_size(path)) +
         " collections=" + std::to_string(collections) + " tracks=" + std::to_string(tracks) +
         " share_links=" + std::to_string(shares) + " idempotency_keys=" + std::to_string(keys) + " orgs_not_active=" + std::to_string(orgs);
}

}  // namespace mixtape::inspector
