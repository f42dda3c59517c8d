// The seeds' JavaScript fetch examples in a real browser (CORS: README.md, "Browsers,
// concurrent edits and retries"): headless Chromium loads a page from another loopback
// origin (page_server), which runs the create and update examples verbatim against the
// server (their base URL aside) and writes what it saw into the DOM; the test reads it back
// with --dump-dom. A page from an origin that is not in --cors-origins must fail in the
// same browser, and nothing may reach the store.
//
// Chromium missing: the cases are reported skipped, except when MIXTAPE_REQUIRE_BROWSER is
// set (tools/test.sh sets it, after installing chromium): then they fail.
#define BOOST_TEST_MODULE integration_browser
#include <cstdio>
#include <cstdlib>
#include <regex>

#include "collections_support.hpp"
#include "seed_examples.hpp"
#include "support/page_server.hpp"

using namespace mixtape::test;

namespace {

bool have_chromium() { return std::system("command -v chromium >/dev/null 2>&1") == 0; }

boost::unit_test::precondition::predicate_t browser_available() {
  return [](boost::unit_test::test_unit_id) {
    boost::test_tools::assertion_result r{have_chromium() || std::getenv("MIXTAPE_REQUIRE_BROWSER") != nullptr};
    r.message() << "chromium is not installed here (tools/install-deps.sh chromium)";
    return r;
  };
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// The page: the two examples, each in a block of its own, with what a browser lacks around
// them — `process.env` holding the key, console.log captured, and fetch wrapped to record
// each answer's status and exposed headers and to aim the update at the collection created.
std::string page(std::uint16_t api_port, const std::string& key) {
  const std::string base = "http://127.0.0.1:" + std::to_string(api_port);
  const auto adapt = [&](const std::string& example) { return replace_all(example, "https://api.aitronos.com", base); };
  return R"(<!doctype html><html><head><meta charset="utf-8"><title>mixtape</title></head><body>
<pre id="result">pending</pre>
<script type="module">
const process = { env: { FREDDY_API_KEY: ')" + key + R"(' } };
const logged = [];
console.log = (...args) => logged.push(args.join(' '));
const calls = [];
const errors = [];
let createdId = null;
const browserFetch = window.fetch.bind(window);
window.fetch = async (url, options) => {
  const target = createdId ? url.replace('mcoll_4a1f9c7e2b8d', createdId) : url;
  try {
    const response = await browserFetch(target, options);
    calls.push({ method: options.method, status: response.status, etag: response.headers.get('ETag'),
                 request_id: response.headers.get('X-Request-Id') });
    return response;
  } catch (e) {
    calls.push({ method: options.method, error: String(e) });
    throw e;
  }
};
try {
  {
)" + adapt(seed_examples::js_create) + R"(
  }
  createdId = logged[0];
  {
)" + adapt(seed_examples::js_update) + R"(
  }
} catch (e) {
  errors.push(String(e));
}
document.getElementById('result').textContent = JSON.stringify({ logged, calls, errors, done: true });
</script></body></html>
)";
}

// Loads `url` in headless Chromium and returns the DOM once the page is idle: virtual time
// does not advance while fetches are pending, so the budget ends after the page's work.
std::string dump_dom(const std::string& url, const temp_dir& dir) {
  BOOST_REQUIRE_MESSAGE(have_chromium(), "chromium is not installed (tools/install-deps.sh chromium)");
  const std::string command = "timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run "
                              "--disable-extensions --user-data-dir=" + dir.file("profile") +
                              " --virtual-time-budget=30000 --dump-dom '" + url + "' 2>" + dir.file("chromium.log");
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  BOOST_REQUIRE(pipe);
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  BOOST_TEST_REQUIRE(::pclose(pipe) == 0, "chromium failed: " << command);
  return out;
}

// What the page wrote into <pre id="result"> (a text node: only &, < and > are escaped).
json::object page_result(const std::string& dom) {
  const std::string open = "<pre id=\"result\">";
  const auto from = dom.find(open);
  const auto to = dom.find("</pre>", from);
  BOOST_REQUIRE_MESSAGE(from != std::string::npos && to != std::string::npos, "no result in the DOM: " << dom);
  std::string text = dom.substr(from + open.size(), to - from - open.size());
  text = replace_all(replace_all(replace_all(text, "&lt;", "<"), "&gt;", ">"), "&amp;", "&");
  BOOST_TEST_INFO("the page wrote: " << text);
  const auto v = json::parse(text);
  BOOST_REQUIRE(v.is_object() && v.as_object().if_contains("done"));
  return v.as_object();
}

struct browser_page {
  explicit browser_page(const std::vector<std::string>& allowed_extra = {}) {
    std::vector<std::string> args{"--cors-origins", allowed.origin()};
    args.insert(args.end(), allowed_extra.begin(), allowed_extra.end());
    server = std::make_unique<live_server>(args);
    BOOST_REQUIRE(server->process->started());
    const std::string html = page(server->process->port(), alice_key);
    allowed.set_page(html);
    other.set_page(html);
  }
  page_server allowed;  // its origin is in --cors-origins
  page_server other;    // another port: another origin, not allowed
  std::unique_ptr<live_server> server;
  temp_dir browser_dir;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(browser)

// No browser needed: what the page runs is the seeds' code, only the base URL changed.
BOOST_AUTO_TEST_CASE(the_page_runs_the_seed_examples_verbatim_but_for_the_base_url) {
  const std::string html = page(8080, "KEY");
  for (const auto* example : {&seed_examples::js_create, &seed_examples::js_update}) {
    const std::string adapted = replace_all(*example, "https://api.aitronos.com", "http://127.0.0.1:8080");
    BOOST_TEST(adapted != *example);
    BOOST_TEST(html.find(adapted) != std::string::npos);
  }
  BOOST_TEST(html.find("https://api.aitronos.com") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(seed_fetch_examples_work_from_an_allowed_origin, *boost::unit_test::precondition(browser_available())) {
  browser_page b;
  const auto result = page_result(dump_dom(b.allowed.origin() + "/app.html", b.browser_dir));
  BOOST_TEST(result.at("errors").as_array().empty());
  const auto& calls = result.at("calls").as_array();
  BOOST_REQUIRE_EQUAL(calls.size(), 2u);
  const auto& create = calls[0].as_object();
  BOOST_TEST(create.at("status").as_int64() == 201);
  // Exposed to the page by Access-Control-Expose-Headers: otherwise the browser hides them.
  BOOST_TEST(std::regex_match(std::string{create.at("etag").as_string()}, std::regex{"\"[0-9]+\""}));
  BOOST_TEST(!create.at("request_id").as_string().empty());
  BOOST_TEST(calls[1].as_object().at("status").as_int64() == 200);
  const auto& logged = result.at("logged").as_array();
  BOOST_REQUIRE_EQUAL(logged.size(), 2u);
  const std::string id{logged[0].as_string()};
  BOOST_TEST(std::regex_match(id, std::regex{"mcoll_[0-9a-f]{12}"}));
  BOOST_TEST(logged[1].as_string() == "Deep Work");
  // The server holds what the page was told.
  const auto got = b.server->call("GET", b.server->collections_url() + "/" + id);
  BOOST_REQUIRE_EQUAL(got.status, 200u);
  BOOST_TEST(got.json().at("name").as_string() == "Deep Work");
  BOOST_TEST(got.json().at("description").is_null());
}

BOOST_AUTO_TEST_CASE(a_disallowed_origin_fails_in_the_browser_and_changes_nothing,
                     *boost::unit_test::precondition(browser_available())) {
  browser_page b;
  const auto result = page_result(dump_dom(b.other.origin() + "/app.html", b.browser_dir));
  BOOST_REQUIRE_EQUAL(result.at("errors").as_array().size(), 1u);
  BOOST_TEST(std::string{result.at("errors").as_array()[0].as_string()}.find("TypeError") == 0);  // "Failed to fetch"
  const auto& calls = result.at("calls").as_array();
  BOOST_REQUIRE_EQUAL(calls.size(), 1u);
  BOOST_TEST(calls[0].as_object().contains("error"));
  BOOST_TEST(result.at("logged").as_array().empty());
  // The preflight was refused, so the POST never came: nothing was created.
  const auto listed = b.server->call("GET", b.server->collections_url());
  BOOST_REQUIRE_EQUAL(listed.status, 200u);
  BOOST_TEST(listed.json().at("items").as_array().empty());
}

BOOST_AUTO_TEST_SUITE_END()
