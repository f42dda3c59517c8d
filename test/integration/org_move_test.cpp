// Moving an organization (docs/operations.md, "Moving an organization"): freeze, export,
// import into another server, delete at the source — with every read the same on the
// target, nothing written while frozen, an import all or nothing (a bad line, a cut-short
// body, a kill -9 in the middle), and the refusals.
#define BOOST_TEST_MODULE integration_org_move
#include <boost/json.hpp>

#include <string>

#include "collections_support.hpp"
#include "realistic_state.hpp"
#include "support/raw_connection.hpp"
#include "support/wait.hpp"

using namespace mixtape::test;

namespace {

const std::string orgs_url = "/admin/v1/orgs/" + org;

header_list admin() { return key_header(admin_key); }

http_reply admin_call(live_server& s, const std::string& method, const std::string& target, const std::string& body = {}) {
  return s.client->request(method, target, body, admin());
}

http_reply export_of(live_server& s) { return admin_call(s, "GET", orgs_url + "/export"); }

http_reply import_into(live_server& s, const std::string& body) {
  return admin_call(s, "POST", orgs_url + "/import", body);
}

std::vector<std::string> lines_of(const std::string& body) {
  std::vector<std::string> out;
  for (std::size_t at = 0; at < body.size();) {
    const auto nl = body.find('\n', at);
    out.push_back(body.substr(at, nl - at));
    if (nl == std::string::npos) break;
    at = nl + 1;
  }
  return out;
}

std::size_t listed(live_server& s, const std::string& key = alice_key) {
  const auto r = s.call("GET", s.collections_url() + "?limit=100", "", key);
  BOOST_REQUIRE_MESSAGE(r.status == 200u, r.status << " " << r.body);
  return r.json().at("items").as_array().size();
}

// A 422 naming `field` on body line `line`.
void check_line_422(const http_reply& r, std::string_view field, std::uint64_t line) {
  const auto e = check_envelope(r, 422, "VALIDATION_ERROR");
  BOOST_TEST(field_of(e) == field, r.body);
  BOOST_TEST(e.at("details").at("line").as_int64() == static_cast<std::int64_t>(line), r.body);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(org_move)

BOOST_AUTO_TEST_CASE(a_frozen_org_moves_to_another_server_with_every_read_the_same) {
  live_server source{{"--compact-bytes", "4096"}};
  live_server target;
  BOOST_REQUIRE(source.process->started() && target.process->started());
  const state st = build_state(source);
  BOOST_REQUIRE(source.call("POST", "/v1/music/org_other/collections", R"({"name":"Carol's"})", carol_key).status == 201u);

  // Frozen: writes to the org get 503 with Retry-After, reads go on, other orgs write.
  BOOST_REQUIRE_EQUAL(admin_call(source, "POST", orgs_url + "/freeze").status, 200u);
  const auto before = observe(source, st, {.etags = false, .replays = false});
  const auto refused = source.call("POST", source.collections_url(), R"({"name":"late"})");
  check_envelope(refused, 503, "SERVICE_UNAVAILABLE");
  BOOST_TEST(std::stoi(refused.header("Retry-After")) >= 1);
  check_envelope(add_track(source, st.ids[0], "mtrack_late"), 503, "SERVICE_UNAVAILABLE");
  check_envelope(source.call("DELETE", coll_url(source, st.ids[1])), 503, "SERVICE_UNAVAILABLE");
  BOOST_TEST(source.call("POST", "/v1/music/org_other/collections", R"({"name":"Carol 2"})", carol_key).status == 201u);
  BOOST_TEST(source.call("GET", coll_url(source, st.ids[0])).status == 200u);

  const auto exported = export_of(source);
  BOOST_REQUIRE_MESSAGE(exported.status == 200u, exported.body);
  BOOST_TEST(exported.header("Content-Type") == "application/x-ndjson");
  BOOST_TEST(!exported.header("X-Mixtape-Seq").empty());
  const auto lines = lines_of(exported.body);
  BOOST_TEST(lines.front().find("\"seq\":" + exported.header("X-Mixtape-Seq")) != std::string::npos, lines.front());
  BOOST_TEST(exported.body.find("Carol") == std::string::npos);  // another org's

  const auto imported = import_into(target, exported.body);
  BOOST_REQUIRE_MESSAGE(imported.status == 201u, imported.body);
  BOOST_TEST(imported.json().at("collections").as_int64() == 7);  // 8 made, 1 deleted
  BOOST_TEST(imported.json().at("share_links").as_int64() == 7);  // one of a deleted collection
  BOOST_TEST(observe(target, st, {.etags = false, .replays = false}) == before);
  // The target's versions are its own, and its writes take them on.
  const auto got = target.call("GET", coll_url(target, st.ids[0]));
  BOOST_TEST(!got.header("ETag").empty());
  BOOST_TEST(add_track(target, st.ids[0], "mtrack_aftermove").status == 200u);

  // The source lets the org go: its collections and links are gone, and it writes again.
  BOOST_REQUIRE_EQUAL(admin_call(source, "DELETE", orgs_url).status, 200u);
  BOOST_TEST(listed(source) == 0u);
  BOOST_TEST(resolve(source, st.tokens[0]).status == 404u);
  BOOST_TEST(source.call("POST", source.collections_url(), R"({"name":"after"})").status == 201u);
  BOOST_TEST(source.call("GET", "/v1/music/org_other/collections", "", carol_key).json().at("items").as_array().size() == 2u);

  // The moved org survives the target's restart (and the state its records rebuilt).
  BOOST_REQUIRE_EQUAL(target.restart(), 0);
  BOOST_REQUIRE(target.process->started());
  BOOST_TEST(resolve(target, st.tokens[0]).status == 200u);
  BOOST_TEST(track_ids(target, st.ids[0]).back() == "mtrack_aftermove");
}

BOOST_AUTO_TEST_CASE(an_import_is_refused_whole_naming_the_first_bad_line_and_field) {
  live_server source;
  live_server target;
  BOOST_REQUIRE(source.process->started() && target.process->started());
  const state st = build_state(source);
  const auto body = export_of(source).body;
  auto lines = lines_of(body);
  BOOST_REQUIRE(lines.size() > 5u);

  const auto with_line = [&](std::size_t i, const std::string& text) {
    auto copy = lines;
    copy[i] = text;
    std::string out;
    for (const auto& l : copy) out += l + "\n";
    return out;
  };
  // A collection with a bad timestamp on line 3, after two good lines: nothing stays.
  std::string bad = lines[2];
  bad.replace(bad.find("\"created_at\":\"") + 14, 4, "20x6");
  check_line_422(import_into(target, with_line(2, bad)), "created_at", 3);
  check_line_422(import_into(target, with_line(1, "not json")), "line", 2);
  check_line_422(import_into(target, with_line(0, lines[1])), "type", 1);  // no header first
  check_line_422(import_into(target, body.substr(0, body.rfind("{\"type\":\"end\""))), "line", lines.size() - 1);
  BOOST_TEST(listed(target) == 0u);
  BOOST_TEST(resolve(target, st.tokens[0]).status == 404u);

  // A collection id the target already uses elsewhere: 422 on that line, and nothing stays.
  const auto first_id = st.ids[0];
  // (make the target hold it in another org by importing that org first)
  std::string other = body;
  other.replace(other.find("\"org\":\"" + org + "\""), 7 + org.size() + 1, "\"org\":\"org_other\"");
  BOOST_REQUIRE_EQUAL(admin_call(target, "POST", "/admin/v1/orgs/org_other/import", other).status, 201u);
  const auto clash = import_into(target, body);
  check_envelope(clash, 422, "VALIDATION_ERROR");
  BOOST_TEST(field_of(check_envelope(clash, 422, "VALIDATION_ERROR")) == "id");
  BOOST_TEST(listed(target) == 0u);

  // Not empty: 409; wrong keys: 401, 403.
  live_server third;
  BOOST_REQUIRE(third.process->started());
  BOOST_REQUIRE(third.create("there") != "");
  check_envelope(import_into(third, body), 409, "CONFLICT");
  check_envelope(third.client->request("POST", orgs_url + "/import", body, {}), 401, "AUTHENTICATION_REQUIRED");
  check_envelope(third.call("POST", orgs_url + "/import", body), 403, "INSUFFICIENT_PERMISSIONS");
  check_envelope(third.call("GET", orgs_url + "/export"), 403, "INSUFFICIENT_PERMISSIONS");
  check_envelope(third.call("POST", orgs_url + "/freeze"), 403, "INSUFFICIENT_PERMISSIONS");
  check_envelope(third.call("DELETE", orgs_url), 403, "INSUFFICIENT_PERMISSIONS");
  check_422(admin_call(third, "POST", "/admin/v1/orgs/not-an-org/freeze"), "org");  // what no key could name
  check_422(admin_call(third, "GET", "/admin/v1/orgs/org_" + std::string(65, 'x') + "/export"), "org");
  // A body over --max-import-bytes: 413, nothing stays.
  live_server small{{"--max-import-bytes", "1024"}};
  BOOST_REQUIRE(small.process->started());
  check_envelope(import_into(small, body), 413, "PAYLOAD_TOO_LARGE");
  BOOST_TEST(listed(small) == 0u);
}

BOOST_AUTO_TEST_CASE(a_kill_9_in_the_middle_of_an_import_leaves_nothing_and_the_import_can_run_again) {
  live_server source;
  BOOST_REQUIRE(source.process->started());
  for (int i = 0; i < 30; ++i) BOOST_REQUIRE(source.create("c" + std::to_string(i)) != "");
  const auto body = export_of(source).body;
  const auto lines = lines_of(body);

  live_server target;
  BOOST_REQUIRE(target.process->started());
  raw_connection upload{target.process->port()};
  BOOST_REQUIRE(upload.send("POST " + orgs_url + "/import HTTP/1.1\r\nHost: t\r\nX-API-Key: " + admin_key +
                            "\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n"));
  std::string first;  // the header and 20 collections: the end line never comes
  for (std::size_t i = 0; i < 21; ++i) first += lines[i] + "\n";
  char size[16];
  std::snprintf(size, sizeof size, "%zx\r\n", first.size());
  BOOST_REQUIRE(upload.send(size + first + "\r\n"));
  // The import is under way once its collections show (reads may see part of an import).
  BOOST_REQUIRE(wait_until([&] { return listed(target) == 20u; }, std::chrono::seconds(10)));
  check_envelope(target.call("POST", target.collections_url(), R"({"name":"meanwhile"})"), 503, "SERVICE_UNAVAILABLE");
  target.process->kill_hard();

  target.process = std::make_unique<server_process>(target.dir.path());
  BOOST_REQUIRE(target.process->started());
  target.client = std::make_unique<http_client>(target.process->port());
  BOOST_TEST(target.process->wait_for_stderr("an import cut short was rolled back"));
  BOOST_TEST(listed(target) == 0u);
  BOOST_TEST(target.create("writable again") != "");  // the org is no longer importing
  BOOST_REQUIRE_EQUAL(admin_call(target, "DELETE", orgs_url).status, 200u);
  const auto again = import_into(target, body);
  BOOST_REQUIRE_MESSAGE(again.status == 201u, again.body);
  BOOST_TEST(listed(target) == 30u);
}

BOOST_AUTO_TEST_CASE(expect_100_continue_gets_the_refusal_before_the_body_and_100_before_an_import) {
  live_server source;
  BOOST_REQUIRE(source.process->started());
  BOOST_REQUIRE(source.create("one") != "");
  const auto body = export_of(source).body;
  live_server target;
  BOOST_REQUIRE(target.process->started());
  const auto head = [&](const std::string& key) {
    return "POST " + orgs_url + "/import HTTP/1.1\r\nHost: t\r\nX-API-Key: " + key + "\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\nExpect: 100-continue\r\n\r\n";
  };
  {  // a key without MIXTAPE_ADMIN: 403 at once, no 100, and the connection closes
    raw_connection c{target.process->port()};
    BOOST_REQUIRE(c.send(head(alice_key)));
    const auto refused = c.read_reply();
    BOOST_REQUIRE(refused.has_value());
    BOOST_TEST(refused->status == 403u);
    BOOST_TEST(c.closed_by_server());
  }
  raw_connection c{target.process->port()};
  BOOST_REQUIRE(c.send(head(admin_key)));
  const auto go_on = c.read_reply(true);  // 100 Continue has no body
  BOOST_REQUIRE(go_on.has_value());
  BOOST_TEST(go_on->status == 100u);
  BOOST_REQUIRE(c.send(body));
  const auto done = c.read_reply();
  BOOST_REQUIRE(done.has_value());
  BOOST_TEST(done->status == 201u, done->body);
  BOOST_TEST(listed(target) == 1u);
}

BOOST_AUTO_TEST_CASE(an_export_of_an_org_taking_writes_is_as_of_its_seq) {
  live_server s;
  BOOST_REQUIRE(s.process->started());
  const std::string id = s.create("busy");
  std::atomic<bool> stop{false};
  std::atomic<int> adds{0};
  std::thread writer{[&] {
    http_client c{s.process->port()};
    for (int i = 0; !stop.load(); ++i)
      if (c.request("POST", coll_url(s, id) + "/tracks", R"({"track_id":"mtrack_w)" + std::to_string(i) + "\"}",
                    key_header(alice_key)).status == 200u)
        adds.fetch_add(1);
  }};
  BOOST_REQUIRE(wait_until([&] { return adds.load() >= 20; }, std::chrono::seconds(10)));
  const int acknowledged_before = adds.load();
  const auto e = export_of(s);
  stop = true;
  writer.join();
  BOOST_REQUIRE_EQUAL(e.status, 200u);
  // The collection line holds a prefix of the adds, all those acknowledged before the export.
  const auto line = json::parse(lines_of(e.body)[1]);
  const auto& tracks = line.at("tracks").as_array();
  BOOST_TEST(tracks.size() >= static_cast<std::size_t>(acknowledged_before));
  for (std::size_t i = 0; i < tracks.size(); ++i)
    BOOST_TEST(tracks[i].at("track_id").as_string() == "mtrack_w" + std::to_string(i));
  BOOST_TEST(line.at("version").as_int64() <= std::stoll(e.header("X-Mixtape-Seq")));
}

BOOST_AUTO_TEST_SUITE_END()
