#pragma once
// The API reference's examples, verbatim from seeds/create-collection.md and
// seeds/update-collection.md: run by seeds_test (curl, node) and browser_test (Chromium).
#include <string>

namespace mixtape::test::seed_examples {

inline const std::string curl_create = R"(curl -X POST "https://api.aitronos.com/v1/music/org_abc123/collections" \
  -H "X-API-Key: $FREDDY_API_KEY" \
  -H "Content-Type: application/json" \
  -d '{
    "name": "Focus Sessions",
    "description": "Instrumental tracks for deep work"
  }')";

inline const std::string curl_update = R"(curl -X PATCH "https://api.aitronos.com/v1/music/org_abc123/collections/mcoll_4a1f9c7e2b8d" \
  -H "X-API-Key: $FREDDY_API_KEY" \
  -H "Content-Type: application/json" \
  -d '{ "name": "Deep Work", "description": null }')";

inline const std::string js_create = R"(const apiKey = process.env.FREDDY_API_KEY;

const response = await fetch('https://api.aitronos.com/v1/music/org_abc123/collections', {
  method: 'POST',
  headers: {
    'X-API-Key': apiKey,
    'Content-Type': 'application/json',
  },
  body: JSON.stringify({
    name: 'Focus Sessions',
    description: 'Instrumental tracks for deep work',
  }),
});

const collection = await response.json();
console.log(collection.id);
)";

inline const std::string js_update = R"(const apiKey = process.env.FREDDY_API_KEY;

const response = await fetch('https://api.aitronos.com/v1/music/org_abc123/collections/mcoll_4a1f9c7e2b8d', {
  method: 'PATCH',
  headers: {
    'X-API-Key': apiKey,
    'Content-Type': 'application/json',
  },
  body: JSON.stringify({ name: 'Deep Work', description: null }),
});

const collection = await response.json();
console.log(collection.name);
)";

}  // namespace mixtape::test::seed_examples
