#pragma once
// Files compiled into the binary (cmake/embed.cmake, run by lib/api/CMakeLists.txt; the
// assembler copies each in with .incbin): the OpenAPI document served at /openapi.json and the
// reference page served at /docs — our own page and init script around Swagger UI, vendored
// in docs/reference/swagger-ui/ (tools/vendor-swagger-ui.sh), so it works offline.
#include <string_view>

namespace mixtape::api::embedded {

extern const std::string_view openapi_json;          // docs/openapi.json (generated from docs/openapi.yaml)
extern const std::string_view docs_html;             // docs/reference/index.html      at /docs
extern const std::string_view docs_init_js;          // docs/reference/init.js         at /docs/init.js
extern const std::string_view swagger_ui_bundle_js;  // docs/reference/swagger-ui/swagger-ui-bundle.js
extern const std::string_view swagger_ui_css;        // docs/reference/swagger-ui/swagger-ui.css

}  // namespace mixtape::api::embedded
