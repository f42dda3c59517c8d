// The /docs page: starts Swagger UI (docs/reference/swagger-ui/, vendored) on this server's
// /openapi.json. Its own file, not an inline script, so a Content-Security-Policy without
// 'unsafe-inline' can serve the page.
'use strict';

document.body.style.margin = '0';

// The document names the default --listen address as its server; "Try it out" must talk to
// the server that serves this page, whatever its address, so that comes first (the
// document's servers stay selectable).
async function load() {
  const res = await fetch('/openapi.json', { headers: { Accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET /openapi.json: ${res.status}`);
  const doc = await res.json();
  const here = window.location.origin;
  const others = (doc.servers || []).filter((s) => s.url.replace(/\/+$/, '') !== here);
  doc.servers = [{ url: here, description: 'this server (the one serving this page)' }, ...others];
  return doc;
}

load().then((spec) => {
  window.ui = SwaggerUIBundle({
    spec,
    dom_id: '#swagger-ui',
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    validatorUrl: null,           // else the document is sent to an online validator
    deepLinking: true,            // #/tag/operationId links
    tryItOutEnabled: true,        // every operation's form is ready to send
    displayOperationId: true,
    displayRequestDuration: true,
    filter: true,                 // a box that filters the operations by tag
    docExpansion: 'list',
    defaultModelsExpandDepth: 0,  // the schemas section starts folded
    showExtensions: true,
    showCommonExtensions: true,
    // The key entered in Authorize stays in this page's memory: not written to localStorage.
    persistAuthorization: false,
  });
}).catch((e) => {
  const box = document.getElementById('swagger-ui');
  box.textContent = `Could not load the API document: ${e.message}. It is at /openapi.json.`;
});
