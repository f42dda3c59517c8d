#include <boost/test/unit_test.hpp>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "model/org_export.hpp"
#include "model/requests.hpp"
#include "model/test_util.hpp"

using namespace mixtape::model;
using test::rejected;
using test::repeat;
namespace json = boost::json;

namespace {

constexpr mixtape::core::unix_seconds t0 = 1796637899;  // 2026-12-07T10:04:59Z

collection sample_collection() {
  collection c;
  c.id = "mcoll_0123456789ab";
  c.org = "org_acme";
  c.owner = "usr_alice";
  c.name = "Focus \"Deep\" \\ Work\n\t\x01 caf\xc3\xa9 \xf0\x9f\x98\x80";
  c.description = "line one\nline \"two\"\x1f";
  c.cover_track_id = "mtrack_1";
  c.cover_image_url = "https://img.example.com/c.png";
  c.created_at = t0;
  c.updated_at = t0 + 60;
  c.created_seq = 7;
  c.version = 42;
  c.tracks = {{"mtrack_1", t0}, {"mtrack_Ab9", t0 + 1}};
  return c;
}

share_state sample_share() {
  share_state s;
  s.link.share_id = "mslink_7823be710445";
  s.link.collection_id = "mcoll_0123456789ab";
  for (std::size_t i = 0; i < 32; ++i) s.link.token_sha256[i] = static_cast<unsigned char>(i * 8 + 1);
  s.link.visibility = share_visibility::public_;
  s.link.expires_at = t0 + 86400;
  s.link.at = t0;
  s.org = "org_acme";
  s.owner = "usr_alice";
  s.created_seq = 9;
  s.revoked_at = t0 + 3600;
  return s;
}

const std::string sample_token_hex = "0109111921293139414951596169717981899199a1a9b1b9c1c9d1d9e1e9f1f9";

template <class T>
std::string line_of(const T& v) {
  std::string out;
  append_export_line(out, v);
  BOOST_TEST_REQUIRE(out.ends_with('\n'));
  out.pop_back();
  return out;
}

mixtape::core::result<export_line> parse(std::string_view line, export_limits limits = {}) {
  return parse_export_line(line, limits);
}

// Parses `line`, which must be accepted as a T, and renders it again.
template <class T>
T parsed_as(std::string_view line, export_limits limits = {}) {
  auto r = parse(line, limits);
  BOOST_TEST_REQUIRE(r.ok(), "refused: " << (r.ok() ? "" : r.error().field + ": " + r.error().message));
  BOOST_TEST_REQUIRE(std::holds_alternative<T>(r.value()));
  return std::get<T>(std::move(r).value());
}

json::object object_of(std::string_view line) { return json::parse(line).as_object(); }

// `line` with member `key` replaced by the JSON `value` (or removed when `value` is empty).
std::string with(std::string_view line, std::string_view key, std::string_view value) {
  json::object o = object_of(line);
  if (value.empty())
    o.erase(key);
  else
    o[key] = json::parse(value);
  return json::serialize(o);
}

bool nullable(std::string_view key) {
  for (const char* k : {"description", "cover_track_id", "cover_image_url", "expires_at", "revoked_at"})
    if (key == k) return true;
  return false;
}

std::string header_line() { return line_of(export_header{"acme", 123}); }
std::string collection_line() { return line_of(sample_collection()); }
std::string share_line() { return line_of(sample_share()); }
std::string end_line() { return line_of(export_end{3, 2}); }

}  // namespace

BOOST_AUTO_TEST_SUITE(org_export_lines)

BOOST_AUTO_TEST_CASE(header_is_written_exactly_and_reads_back) {
  BOOST_TEST(header_line() == R"({"type":"mixtape-org-export","version":1,"org":"acme","seq":123})");
  const auto h = parsed_as<export_header>(header_line());
  BOOST_TEST(h.org == "acme");
  BOOST_TEST(h.seq == 123u);
  const auto big = parsed_as<export_header>(line_of(export_header{"org \"q\" \xc3\xa9\n", 18446744073709551615u}));
  BOOST_TEST(big.org == "org \"q\" \xc3\xa9\n");
  BOOST_TEST(big.seq == 18446744073709551615u);
}

BOOST_AUTO_TEST_CASE(collection_is_written_exactly) {
  BOOST_TEST(collection_line() ==
             R"({"type":"collection","id":"mcoll_0123456789ab","owner":"usr_alice",)"
             R"("name":"Focus \"Deep\" \\ Work\n\t\u0001 caf)" "\xc3\xa9 \xf0\x9f\x98\x80" R"(",)"
             R"("description":"line one\nline \"two\"\u001f","cover_track_id":"mtrack_1",)"
             R"("cover_image_url":"https://img.example.com/c.png","created_at":"2026-12-07T10:04:59Z",)"
             R"("updated_at":"2026-12-07T10:05:59Z","version":42,"tracks":[)"
             R"({"track_id":"mtrack_1","added_at":"2026-12-07T10:04:59Z"},)"
             R"({"track_id":"mtrack_Ab9","added_at":"2026-12-07T10:05:00Z"}]})");
}

BOOST_AUTO_TEST_CASE(collection_reads_back_without_org_and_created_seq) {
  const collection in = sample_collection();
  const auto c = parsed_as<collection>(collection_line());
  BOOST_TEST(c.id == in.id);
  BOOST_TEST(c.org.empty());
  BOOST_TEST(c.owner == in.owner);
  BOOST_TEST(c.name == in.name);
  BOOST_TEST((c.description == in.description));
  BOOST_TEST((c.cover_track_id == in.cover_track_id));
  BOOST_TEST((c.cover_image_url == in.cover_image_url));
  BOOST_TEST(c.created_at == in.created_at);
  BOOST_TEST(c.updated_at == in.updated_at);
  BOOST_TEST(c.created_seq == 0u);
  BOOST_TEST(c.version == 42u);
  BOOST_TEST_REQUIRE(c.tracks.size() == 2u);
  BOOST_TEST(c.tracks[1].track_id == "mtrack_Ab9");
  BOOST_TEST(c.tracks[1].added_at == t0 + 1);
  BOOST_TEST(line_of(c) == collection_line());
}

BOOST_AUTO_TEST_CASE(nulls_empty_tracks_and_awkward_text_round_trip) {
  collection in = sample_collection();
  in.description.reset();
  in.cover_track_id.reset();
  in.cover_image_url.reset();
  in.tracks.clear();
  in.name = std::string("\0\x7f\xe2\x80\xa8 \\u0041 </script>", 22);
  const std::string line = line_of(in);
  BOOST_TEST(line.find(R"("description":null,"cover_track_id":null,"cover_image_url":null)") != std::string::npos);
  BOOST_TEST(line.ends_with(R"("tracks":[]})"));
  const auto c = parsed_as<collection>(line);
  BOOST_TEST(c.name == in.name);
  BOOST_TEST(!c.description.has_value());
  BOOST_TEST(!c.cover_track_id.has_value());
  BOOST_TEST(!c.cover_image_url.has_value());
  BOOST_TEST(c.tracks.empty());
  BOOST_TEST(line_of(c) == line);

  in.description = "";  // an empty description is a value, not null
  BOOST_TEST(parsed_as<collection>(line_of(in)).description.value() == "");
  in.name = repeat("\xf0\x9f\x8e\xb5", 512);
  BOOST_TEST(parsed_as<collection>(line_of(in)).name == in.name);
}

BOOST_AUTO_TEST_CASE(tracks_given_separately_replace_the_collections_own) {
  collection c = sample_collection();
  const std::vector<snapshot_track> tracks = {{"mtrack_1", t0}, {"mtrack_Ab9", t0 + 1}};
  std::string separate;
  c.tracks = {{"mtrack_ignored", 5}};
  append_export_line(separate, c, tracks);
  BOOST_TEST(separate == collection_line() + "\n");
}

BOOST_AUTO_TEST_CASE(max_tracks_are_accepted_one_more_is_refused) {
  collection c = sample_collection();
  c.tracks.clear();
  for (int i = 0; i < 10'000; ++i) c.tracks.push_back({"mtrack_" + std::to_string(i), t0 + i});
  const std::string line = line_of(c);
  const auto back = parsed_as<collection>(line);
  BOOST_TEST(back.tracks.size() == 10'000u);
  BOOST_TEST(back.tracks[9'999].track_id == "mtrack_9999");
  BOOST_TEST(line_of(back) == line);
  c.tracks.push_back({"mtrack_x", t0});
  BOOST_TEST(rejected(parse(line_of(c)), "tracks", "tracks must be an array of at most 10000 tracks"));
  BOOST_TEST(rejected(parse(collection_line(), export_limits{1}), "tracks"));
  BOOST_TEST(parse(collection_line(), export_limits{2}).ok());
}

BOOST_AUTO_TEST_CASE(share_is_written_exactly_and_reads_back) {
  BOOST_TEST(share_line() ==
             R"({"type":"share","id":"mslink_7823be710445","collection_id":"mcoll_0123456789ab",)"
             R"("token_sha256":")" + sample_token_hex + R"(","visibility":"public",)"
             R"("expires_at":"2026-12-08T10:04:59Z","created_at":"2026-12-07T10:04:59Z",)"
             R"("creator":"usr_alice","revoked_at":"2026-12-07T11:04:59Z"})");
  const share_state in = sample_share();
  const auto s = parsed_as<share_state>(share_line());
  BOOST_TEST(s.link.share_id == in.link.share_id);
  BOOST_TEST(s.link.collection_id == in.link.collection_id);
  BOOST_TEST((s.link.token_sha256 == in.link.token_sha256));
  BOOST_TEST((s.link.visibility == share_visibility::public_));
  BOOST_TEST((s.link.expires_at == in.link.expires_at));
  BOOST_TEST(s.link.at == in.link.at);
  BOOST_TEST(s.owner == "usr_alice");
  BOOST_TEST(s.org.empty());
  BOOST_TEST(s.created_seq == 0u);
  BOOST_TEST((s.revoked_at == in.revoked_at));
}

BOOST_AUTO_TEST_CASE(share_without_expiry_or_revocation_round_trips) {
  share_state in = sample_share();
  in.link.visibility = share_visibility::link_only;
  in.link.expires_at.reset();
  in.revoked_at.reset();
  in.owner = "usr \"\xc3\xa9\"\\";  // quotes, a backslash, UTF-8: escaped and back
  const std::string line = line_of(in);
  BOOST_TEST(line.find(R"("visibility":"link_only","expires_at":null,)") != std::string::npos);
  BOOST_TEST(line.ends_with(R"("revoked_at":null})"));
  const auto s = parsed_as<share_state>(line);
  BOOST_TEST((s.link.visibility == share_visibility::link_only));
  BOOST_TEST(!s.link.expires_at.has_value());
  BOOST_TEST(!s.revoked_at.has_value());
  BOOST_TEST(s.owner == in.owner);
  BOOST_TEST(line_of(s) == line);
}

BOOST_AUTO_TEST_CASE(end_is_written_exactly_and_reads_back) {
  BOOST_TEST(end_line() == R"({"type":"end","collections":3,"shares":2})");
  const auto e = parsed_as<export_end>(end_line());
  BOOST_TEST(e.collections == 3u);
  BOOST_TEST(e.shares == 2u);
  BOOST_TEST(parsed_as<export_end>(R"({"type":"end","collections":0,"shares":0})").collections == 0u);
}

BOOST_AUTO_TEST_CASE(members_may_come_in_any_order_and_times_in_any_rfc3339_form) {
  const auto h = parsed_as<export_header>(R"({"seq":5, "org":"o", "version":1, "type":"mixtape-org-export"})");
  BOOST_TEST(h.seq == 5u);
  const auto c = parsed_as<collection>(
      R"({"tracks":[{"added_at":"2026-12-07T11:04:59.999+01:00","track_id":"mtrack_1"}],"version":0,)"
      R"("updated_at":"2026-12-07t10:04:59z","created_at":"2026-12-07T10:04:59Z","cover_image_url":null,)"
      R"("cover_track_id":null,"description":null,"name":"n","owner":"u","id":"mcoll_0123456789ab",)"
      R"("type":"collection"})");
  BOOST_TEST(c.tracks.at(0).added_at == t0);
  BOOST_TEST(c.updated_at == t0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(org_export_refusals)

BOOST_AUTO_TEST_CASE(a_line_that_is_not_one_json_object_names_the_line) {
  for (const std::string line : {"", " ", "{", R"({"type":"end")", R"({"type":"end"} {})", "[1]", R"("end")",
                                 "null", "{\"type\":\"\xc0\xaf\"}", "{'type':'end'}"})
    BOOST_TEST(rejected(parse(line), "line"), line);
  BOOST_TEST(rejected(parse(end_line() + "\r"), "line"));
  BOOST_TEST(rejected(parse(end_line() + "\n"), "line"));
  BOOST_TEST(rejected(parse(R"({"type":"end",)" "\r\n" R"("collections":1,"shares":2})"), "line"));
  BOOST_TEST(parse(" " + end_line() + "\t").ok());
}

BOOST_AUTO_TEST_CASE(type_must_be_one_of_the_four) {
  for (const char* type : {R"("collections")", R"("Share")", R"("")", "1", "null", R"(["end"])"})
    BOOST_TEST(rejected(parse(with(end_line(), "type", type)), "type"), type);
  BOOST_TEST(rejected(parse(R"({"collections":1,"shares":2})"), "type", "type is required"));
  BOOST_TEST(rejected(parse("{}"), "type"));
}

BOOST_AUTO_TEST_CASE(unknown_members_are_refused) {
  for (const std::string& line : {header_line(), collection_line(), share_line(), end_line()})
    BOOST_TEST(rejected(parse(with(line, "colour", "\"red\"")), "colour", "unknown field \"colour\""), line);
  BOOST_TEST(rejected(parse(with(collection_line(), "org", "\"org_acme\"")), "org"));
  BOOST_TEST(rejected(parse(with(share_line(), "owner", "\"usr_alice\"")), "owner"));
  BOOST_TEST(rejected(parse(with(collection_line(), "tracks",
                                 R"([{"track_id":"mtrack_1","added_at":"2026-12-07T10:04:59Z","position":0}])")),
                      "tracks[0].position"));
}

BOOST_AUTO_TEST_CASE(duplicate_members_are_refused) {
  BOOST_TEST(rejected(parse(R"({"type":"end","collections":1,"shares":2,"shares":2})"), "shares"));
  std::string line = collection_line();
  line.insert(1, R"("name":"x",)");
  BOOST_TEST(rejected(parse(line), "name"));
  const std::string track = R"({"track_id":"mtrack_1",)";
  line = collection_line();
  line.insert(line.find(track) + track.size(), R"("track_id":"mtrack_2",)");
  BOOST_TEST(rejected(parse(line), "track_id", R"(duplicate key "track_id")"));
}

BOOST_AUTO_TEST_CASE(every_missing_member_is_named) {
  for (const std::string& line : {header_line(), collection_line(), share_line(), end_line()})
    for (const auto& kv : object_of(line)) {
      if (kv.key() == "type") continue;
      const std::string key{kv.key()};
      BOOST_TEST(rejected(parse(with(line, key, "")), key, key + " is required"), line << " without " << key);
    }
  for (const char* key : {"track_id", "added_at"}) {
    json::object o = object_of(collection_line());
    o["tracks"].as_array()[1].as_object().erase(key);
    BOOST_TEST(rejected(parse(json::serialize(o)), std::string("tracks[1].") + key), key);
  }
}

BOOST_AUTO_TEST_CASE(every_member_of_the_wrong_type_is_named) {
  for (const std::string& line : {header_line(), collection_line(), share_line(), end_line()})
    for (const auto& kv : object_of(line)) {
      const std::string key{kv.key()};
      for (const char* value : {"true", "{}", "-1", "1.5"})
        BOOST_TEST(rejected(parse(with(line, key, value)), key), line << " with " << key << ":" << value);
      if (key != "tracks") BOOST_TEST(rejected(parse(with(line, key, "[\"a\"]")), key), key);
      if (!kv.value().is_string()) BOOST_TEST(rejected(parse(with(line, key, "\"7\"")), key), key);
      if (!nullable(key)) BOOST_TEST(rejected(parse(with(line, key, "null")), key), key);
    }
  BOOST_TEST(rejected(parse(with(collection_line(), "tracks", R"(["mtrack_1"])")), "tracks[0]"));
  BOOST_TEST(rejected(parse(with(collection_line(), "tracks", R"([{"track_id":1,"added_at":"2026-12-07T10:04:59Z"}])")),
                      "tracks[0].track_id"));
}

BOOST_AUTO_TEST_CASE(bad_ids_are_refused) {
  for (const char* id : {R"("mcoll_0123456789AB")", R"("mcoll_0123456789a")", R"("mcoll_0123456789abc")",
                         R"("mslink_0123456789ab")", R"("")"}) {
    BOOST_TEST(rejected(parse(with(collection_line(), "id", id)), "id",
                        "id must be a collection id (mcoll_ followed by 12 lowercase hex digits)"), id);
    BOOST_TEST(rejected(parse(with(share_line(), "collection_id", id)), "collection_id"), id);
  }
  for (const char* id : {R"("mslink_7823BE710445")", R"("mslink_7823be71044")", R"("shr_7823be710445")",
                         R"("mcoll_7823be710445")"})
    BOOST_TEST(rejected(parse(with(share_line(), "id", id)), "id",
                        "id must be a share id (mslink_ followed by 12 lowercase hex digits)"), id);
  BOOST_TEST(rejected(parse(with(collection_line(), "tracks",
                                 R"([{"track_id":"mtrack_1","added_at":"2026-12-07T10:04:59Z"},)"
                                 R"({"track_id":"mtrack_a-b","added_at":"2026-12-07T10:04:59Z"}])")),
                      "tracks[1].track_id", track_id_problem("tracks[1].track_id")));
}

BOOST_AUTO_TEST_CASE(text_fields_follow_the_create_bodys_rules_and_messages) {
  const auto same_as_create = [](std::string_view key, std::string_view value) {
    const auto line = parse(with(collection_line(), key, value));
    const auto body = parse_create(with(R"({"name":"x"})", key, value));
    BOOST_TEST_REQUIRE(!body.ok());
    return rejected(line, body.error().field, body.error().message) && body.error().field == key;
  };
  BOOST_TEST(same_as_create("name", R"("")"));
  BOOST_TEST(same_as_create("name", "\"" + repeat("a", 513) + "\""));
  BOOST_TEST(same_as_create("name", "null"));
  BOOST_TEST(same_as_create("description", "1"));
  BOOST_TEST(same_as_create("cover_track_id", R"("track_1")"));
  BOOST_TEST(same_as_create("cover_image_url", R"("ftp://img.example.com/c.png")"));
  BOOST_TEST(same_as_create("cover_image_url", R"("https://")"));
  BOOST_TEST(same_as_create("cover_image_url", "\"https://h/" + repeat("a", 1024) + "\""));
}

BOOST_AUTO_TEST_CASE(principals_are_what_the_keys_file_takes) {
  BOOST_TEST(rejected(parse(with(collection_line(), "owner", R"("")")), "owner",
                      "owner must be a non-empty string without control characters"));
  BOOST_TEST(rejected(parse(with(share_line(), "creator", R"("")")), "creator"));
  BOOST_TEST(rejected(parse(with(collection_line(), "owner", R"("usr\u0001x")")), "owner"));
  BOOST_TEST(rejected(parse(with(share_line(), "creator", R"("usr\u007f")")), "creator"));
  BOOST_TEST(parse(with(collection_line(), "owner", "\"" + repeat("u", 5000) + "\"")).ok());
  BOOST_TEST(rejected(parse(with(header_line(), "org", R"("")")), "org"));
}

BOOST_AUTO_TEST_CASE(bad_timestamps_are_refused) {
  for (const char* t : {R"("2026-13-01T00:00:00Z")", R"("2026-02-30T00:00:00Z")", R"("2026-12-07 10:04:59Z")",
                        R"("2026-12-07T10:04:59")", R"("1969-12-31T23:59:59Z")", R"("0000-01-01T00:00:00+01:00")",
                        R"("2026-12-07T10:04:59Z ")", R"("1796637899")"}) {
    BOOST_TEST(rejected(parse(with(collection_line(), "created_at", t)), "created_at"), t);
    BOOST_TEST(rejected(parse(with(collection_line(), "updated_at", t)), "updated_at"), t);
    BOOST_TEST(rejected(parse(with(share_line(), "expires_at", t)), "expires_at"), t);
    BOOST_TEST(rejected(parse(with(share_line(), "revoked_at", t)), "revoked_at"), t);
    BOOST_TEST(rejected(parse(with(collection_line(), "tracks",
                                   std::string(R"([{"track_id":"mtrack_1","added_at":)") + t + "}]")),
                        "tracks[0].added_at"), t);
  }
  BOOST_TEST(parse(with(collection_line(), "created_at", R"("1970-01-01T00:00:00Z")")).ok());
  BOOST_TEST(parse(with(collection_line(), "created_at", R"("9999-12-31T23:59:59Z")")).ok());
  BOOST_TEST(rejected(parse(with(collection_line(), "created_at", R"("9999-12-31T23:59:59-00:01")")), "created_at"));
}

BOOST_AUTO_TEST_CASE(a_repeated_track_id_is_refused_where_it_repeats) {
  const auto r = parse(with(collection_line(), "tracks",
                            R"([{"track_id":"mtrack_1","added_at":"2026-12-07T10:04:59Z"},)"
                            R"({"track_id":"mtrack_2","added_at":"2026-12-07T10:04:59Z"},)"
                            R"({"track_id":"mtrack_1","added_at":"2026-12-07T10:05:00Z"}])"));
  BOOST_TEST_REQUIRE(rejected(r, "tracks[2].track_id"));
  BOOST_TEST(r.error().message.find("repeats \"mtrack_1\"") != std::string::npos, r.error().message);
  BOOST_TEST(parse(with(collection_line(), "tracks",
                        R"([{"track_id":"mtrack_a","added_at":"2026-12-07T10:04:59Z"},)"
                        R"({"track_id":"mtrack_A","added_at":"2026-12-07T10:04:59Z"}])")).ok());
}

BOOST_AUTO_TEST_CASE(a_token_hash_is_64_lowercase_hex_digits) {
  const std::string upper = "0109111921293139414951596169717981899199A1A9B1B9C1C9D1D9E1E9F1F9";
  for (const std::string& hex : {sample_token_hex.substr(2), sample_token_hex + "00", sample_token_hex + "0",
                                 upper, "g" + sample_token_hex.substr(1), sample_token_hex.substr(1) + " ",
                                 std::string()})
    BOOST_TEST(rejected(parse(with(share_line(), "token_sha256", "\"" + hex + "\"")), "token_sha256",
                        "token_sha256 must be 64 lowercase hex digits"), hex);
}

BOOST_AUTO_TEST_CASE(visibility_is_one_of_the_api_names) {
  for (const char* v : {R"("private")", R"("PUBLIC")", R"("link-only")", R"("")"})
    BOOST_TEST(rejected(parse(with(share_line(), "visibility", v)), "visibility",
                        R"(visibility must be "link_only" or "public")"), v);
}

BOOST_AUTO_TEST_CASE(the_header_must_be_version_1) {
  for (const char* v : {"0", "2", R"("1")", "1.0", "-1", "18446744073709551617"})
    BOOST_TEST(rejected(parse(with(header_line(), "version", v)), "version", "version must be 1"), v);
}

BOOST_AUTO_TEST_CASE(counts_and_seqs_are_unsigned_integers) {
  for (const char* v : {"-1", "1.5", "1e3", R"("3")", "null"}) {
    BOOST_TEST(rejected(parse(with(header_line(), "seq", v)), "seq"), v);
    BOOST_TEST(rejected(parse(with(collection_line(), "version", v)), "version"), v);
    BOOST_TEST(rejected(parse(with(end_line(), "collections", v)), "collections"), v);
    BOOST_TEST(rejected(parse(with(end_line(), "shares", v)), "shares"), v);
  }
}

BOOST_AUTO_TEST_SUITE_END()
