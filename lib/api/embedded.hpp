#pragma once
// Files compiled into the binary (cmake/embed.cmake, run by lib/api/CMakeLists.txt):
// the OpenAPI document served at /openapi.json and the reference page served at /docs.
#include <string_view>

namespace mixtape::api::embedded {

extern const std::string_view openapi_json;  // docs/openapi.json (generated from docs/openapi.yaml)
extern const std::string_view docs_html;     // docs/reference/index.html
extern const std::string_view docs_js;       // docs/reference/reference.js

}  // namespace mixtape::api::embedded
