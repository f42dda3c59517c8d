// The API reference's own examples (seeds/create-collection.md, seeds/update-collection.md)
// run unchanged against the server apart from the base URL (and the example collection
// id, which the server assigns): the cURL commands through /bin/sh, and the JavaScript
// fetch examples through node (global fetch, Node 18+). Reported skipped (a precondition)
// when the tool is missing.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>

#include "collections_support.hpp"
#include "seed_examples.hpp"

using namespace mixtape::test;
using namespace mixtape::test::seed_examples;

namespace {

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// The example adapted to this server: its base URL, and `id` for the example's id.
std::string adapt(const std::string& example, const live_server& s, const std::string& id = {}) {
  std::string out = replace_all(example, "https://api.aitronos.com", "http://127.0.0.1:" + std::to_string(s.process->port()));
  return id.empty() ? out : replace_all(out, "mcoll_4a1f9c7e2b8d", id);
}

// Runs `command` through /bin/sh with FREDDY_API_KEY set; returns its stdout.
std::string run(const std::string& command) {
  const std::string full = "export FREDDY_API_KEY='" + alice_key + "'; " + command;
  std::string out;
  FILE* pipe = ::popen(full.c_str(), "r");
  BOOST_REQUIRE(pipe);
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  BOOST_TEST(::pclose(pipe) == 0, command);
  return out;
}

// Whether `tool` is on PATH; the reason to skip otherwise.
boost::unit_test::precondition::predicate_t have(std::string tool) {
  return [tool](boost::unit_test::test_unit_id) {
    boost::test_tools::assertion_result r{std::system(("command -v " + tool + " >/dev/null 2>&1").c_str()) == 0};
    r.message() << tool << " is not installed here";
    return r;
  };
}

// A curl example with -s and the status code written on a last line of its own.
std::pair<unsigned, json::value> run_curl(const std::string& example) {
  const std::string out = run(example + R"( -s -w '\n%{http_code}')");
  const auto nl = out.rfind('\n');
  BOOST_REQUIRE(nl != std::string::npos);
  return {static_cast<unsigned>(std::stoul(out.substr(nl + 1))), json::parse(out.substr(0, nl))};
}

std::string run_node(const live_server& s, const std::string& code) {
  const std::string path = s.dir.path() + "/example.mjs";
  std::ofstream(path) << code;
  std::string out = run("node " + path);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

void check_created(const json::value& c) {
  BOOST_TEST(std::regex_match(std::string{c.at("id").as_string()}, std::regex{"mcoll_[0-9a-f]{12}"}));
  BOOST_TEST(c.at("name").as_string() == "Focus Sessions");
  BOOST_TEST(c.at("description").as_string() == "Instrumental tracks for deep work");
  BOOST_TEST(c.at("cover_track_id").is_null());
  BOOST_TEST(c.at("cover_image_url").is_null());
  BOOST_TEST(c.at("track_count").as_int64() == 0);
  BOOST_TEST(c.at("created_at") == c.at("updated_at"));
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(seeds, live_server)

BOOST_AUTO_TEST_CASE(the_curl_examples_work_unchanged_but_for_the_base_url, *boost::unit_test::precondition(have("curl"))) {
  BOOST_REQUIRE(process->started());
  const auto [created_status, created] = run_curl(adapt(curl_create, *this));
  BOOST_TEST(created_status == 201u);
  check_created(created);
  const std::string id{created.at("id").as_string()};
  const auto [updated_status, updated] = run_curl(adapt(curl_update, *this, id));
  BOOST_TEST(updated_status == 200u);
  BOOST_TEST(updated.at("id").as_string() == id);
  BOOST_TEST(updated.at("name").as_string() == "Deep Work");
  BOOST_TEST(updated.at("description").is_null());
  BOOST_TEST(updated.at("track_count").as_int64() == 0);
  BOOST_TEST(call("GET", coll_url(*this, id)).json() == updated);
}

BOOST_AUTO_TEST_CASE(the_javascript_fetch_examples_work_unchanged_but_for_the_base_url,
                     *boost::unit_test::precondition(have("node"))) {
  const std::string id = run_node(*this, adapt(js_create, *this));
  const auto got = call("GET", coll_url(*this, id));
  BOOST_REQUIRE_MESSAGE(got.status == 200u, "node printed: " << id);
  check_created(got.json());
  BOOST_TEST(run_node(*this, adapt(js_update, *this, id)) == "Deep Work");
  const auto after = call("GET", coll_url(*this, id)).json();
  BOOST_TEST(after.at("name").as_string() == "Deep Work");
  BOOST_TEST(after.at("description").is_null());
}

BOOST_AUTO_TEST_SUITE_END()
