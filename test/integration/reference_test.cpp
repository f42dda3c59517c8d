// The contract as a document (README.md, "The API as a document"): the binary serves
// docs/openapi.json as built in, and the /docs page with its files (our page and script,
// the vendored Swagger UI), without a key; HEAD answers as GET.
#define BOOST_TEST_MODULE integration_reference
#include <boost/test/unit_test.hpp>

#include <boost/json.hpp>

#include <fstream>
#include <set>
#include <sstream>

#include "support/fixture.hpp"

using namespace mixtape::test;
namespace json = boost::json;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  BOOST_REQUIRE_MESSAGE(in, "cannot read " << path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::string docs_dir = MIXTAPE_DOCS_DIR;

}  // namespace

BOOST_AUTO_TEST_SUITE(reference)

BOOST_AUTO_TEST_CASE(openapi_json_is_the_committed_document_and_needs_no_key) {
  live_server s;
  const auto r = s.client->request("GET", "/openapi.json");
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.header("Content-Type") == "application/json; charset=utf-8");
  BOOST_TEST(r.body == read_file(docs_dir + "/openapi.json"));  // embedded at build time, byte for byte
  const auto doc = r.json().as_object();
  BOOST_TEST(doc.at("openapi").as_string().starts_with("3.1"));
  // Every route of the table is in the document (the reverse is the contract test's job).
  const auto& paths = doc.at("paths").as_object();
  for (const char* p : {"/v1/music/{organization_id}/collections", "/v1/music/{organization_id}/collections/{id}",
                        "/v1/music/{organization_id}/collections/{id}/tracks",
                        "/v1/music/{organization_id}/collections/{id}/tracks/{track_id}",
                        "/v1/music/{organization_id}/collections/{id}/order",
                        "/v1/music/{organization_id}/collections/{id}/share", "/v1/music/shared/{token}", "/healthz",
                        "/readyz", "/metrics", "/openapi.json", "/docs", "/docs/init.js",
                        "/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css"})
    BOOST_TEST(paths.contains(p), p);
}

BOOST_AUTO_TEST_CASE(docs_page_and_its_files_are_served_without_a_key) {
  live_server s;
  const auto page = s.client->request("GET", "/docs");
  BOOST_TEST(page.status == 200u);
  BOOST_TEST(page.header("Content-Type") == "text/html; charset=utf-8");
  BOOST_TEST(page.body == read_file(docs_dir + "/reference/index.html"));
  // The page loads exactly these (served below); no inline script.
  for (const char* ref : {"<link rel=\"stylesheet\" href=\"/docs/swagger-ui.css\">",
                          "<script src=\"/docs/swagger-ui-bundle.js\"></script>", "<script src=\"/docs/init.js\"></script>"})
    BOOST_TEST(page.body.find(ref) != std::string::npos, ref);
  BOOST_TEST(page.body.find("<script>") == std::string::npos);
  struct file {
    const char* target;
    const char* path;
    const char* type;
  };
  for (const auto& f : {file{"/docs/init.js", "/reference/init.js", "text/javascript; charset=utf-8"},
                        file{"/docs/swagger-ui-bundle.js", "/reference/swagger-ui/swagger-ui-bundle.js",
                             "text/javascript; charset=utf-8"},
                        file{"/docs/swagger-ui.css", "/reference/swagger-ui/swagger-ui.css", "text/css; charset=utf-8"}}) {
    const auto r = s.client->request("GET", f.target);
    BOOST_TEST(r.status == 200u, f.target);
    BOOST_TEST(r.header("Content-Type") == f.type, f.target);
    BOOST_TEST((r.body == read_file(docs_dir + f.path)), f.target);  // embedded at build time, byte for byte
    BOOST_TEST(!r.header("X-Request-Id").empty(), f.target);
  }
  // The vendored files ask for no source map (none is served: it would be a 404 in devtools).
  BOOST_TEST(read_file(docs_dir + "/reference/swagger-ui/swagger-ui-bundle.js").find("sourceMappingURL=") == std::string::npos);
  BOOST_TEST(read_file(docs_dir + "/reference/swagger-ui/swagger-ui.css").find("sourceMappingURL=") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(head_answers_as_get_without_a_body_and_other_methods_are_405) {
  live_server s;
  for (const char* target : {"/openapi.json", "/docs", "/docs/init.js", "/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css"}) {
    const auto get = s.client->request("GET", target);
    const auto head = s.client->request("HEAD", target);
    BOOST_TEST(head.status == 200u, target);
    BOOST_TEST(head.body.empty(), target);
    BOOST_TEST(head.header("Content-Length") == std::to_string(get.body.size()), target);
    const auto post = s.client->request("POST", target, "{}");
    BOOST_TEST(post.status == 405u, target);
    BOOST_TEST(post.header("Allow") == "GET, HEAD", target);
  }
}

BOOST_AUTO_TEST_SUITE_END()
