// Contract test: every exchange the integration suite recorded (test/support/http_client.cpp,
// MIXTAPE_EXCHANGE_LOG_DIR) must be described by the OpenAPI document.
//   node validate-exchanges.mjs docs/openapi.json EXCHANGE_DIR
//   node validate-exchanges.mjs --self-test docs/openapi.json EXCHANGE_DIR
// Fails on: a path or method the document lacks (unless the server answered 404
// ROUTE_NOT_FOUND or 405 with the route's real Allow), a status the operation does not list,
// a response header it does not declare (or a declared one with a wrong value, or a required
// one missing), a content type it does not declare, a body its schema refuses. A request the
// server accepted (2xx) must itself be valid: its path, query and header parameters and body.
// --self-test breaks the document on purpose in several ways, one at a time, and succeeds
// only when each is caught: the check can fail.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';

const args = process.argv.slice(2);
const selfTest = args[0] === '--self-test';
const [docPath, dir] = selfTest ? args.slice(1) : args;
if (!docPath || !dir) {
  console.error('usage: validate-exchanges.mjs [--self-test] openapi.json EXCHANGE_DIR');
  process.exit(2);
}

const exchanges = [];
const covered = new Set();  // "method template" of the operations the exchanges reached
for (const name of readdirSync(dir).filter((n) => n.endsWith('.jsonl')).sort())
  for (const line of readFileSync(join(dir, name), 'utf8').split('\n'))
    if (line.trim()) exchanges.push(JSON.parse(line));
if (exchanges.length === 0) {
  console.error(`no exchanges recorded in ${dir}: did the integration tests run with MIXTAPE_EXCHANGE_LOG_DIR?`);
  process.exit(1);
}

const original = JSON.parse(readFileSync(docPath, 'utf8'));
if (!selfTest) process.exit(report(check(original)));

// Each of these breaks the document in one way the recorded traffic contradicts; each alone
// must make the check fail.
const breakages = {
  'Collection loses its updated_at field': (d) => { delete d.components.schemas.Collection.properties.updated_at; },
  'X-Request-Id at most 3 characters': (d) => { d.components.headers['X-Request-Id'].schema.maxLength = 3; },
  'create collection without its 422': (d) => { delete d.paths['/v1/music/{organization_id}/collections'].post.responses['422']; },
  'no /healthz': (d) => { delete d.paths['/healthz']; },
  'the error envelope without trace_id': (d) => { delete d.components.schemas.Error.properties.error.properties.trace_id; },
};
let missed = 0;
for (const [name, breakIt] of Object.entries(breakages)) {
  const broken = structuredClone(original);
  breakIt(broken);
  const failures = check(broken);
  if (failures.length === 0) missed++;
  console.log(`self-test: ${name}: ${failures.length ? `caught (${failures.length} failures, e.g. ${failures[0].slice(0, 200)})` : 'NOT CAUGHT'}`);
}
process.exit(missed ? 1 : 0);

// Returns the failures (strings) of all exchanges against `doc`.
function check(doc) {
  // Schemas keep their `#/components/...` references: compile them against the document itself.
  const ajv = new Ajv2020({ strict: false, validateSchema: false, allErrors: false });
  ajv.addKeyword('example');
  const rooted = JSON.parse(JSON.stringify(doc).replaceAll('"$ref":"#/', '"$ref":"openapi#/'));
  ajv.addSchema(rooted, 'openapi');
  const compiled = new Map();
  // A validator for the schema at JSON pointer `pointer` of the document.
  const validator = (pointer) => {
    if (!compiled.has(pointer))
      compiled.set(pointer, ajv.compile({ $ref: 'openapi#' + pointer.split('/').map(encodeURIComponent).join('/') }));
    return compiled.get(pointer);
  };
  const resolve = (value, pointer) => {
    while (value && typeof value.$ref === 'string') {
      pointer = value.$ref.slice(1);
      value = pointer.split('/').slice(1).map(unescape).reduce((o, p) => o[p], doc);
    }
    return [value, pointer];
  };
  const templates = Object.keys(doc.paths).map((t) => ({
    template: t,
    literals: t.split('/').filter((s) => s && !s.startsWith('{')).length,
    regex: new RegExp('^' + t.split('/').map((s) => (s.startsWith('{') ? '([^/]+)' : escapeRegex(s))).join('/') + '$'),
    names: [...t.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]),
  }));
  const failures = [];
  for (const x of exchanges) {
    const problem = checkExchange(doc, x, templates, validator, resolve);
    if (problem) failures.push(`${x.method} ${x.target.slice(0, 120)} -> ${x.status}: ${problem}`);
  }
  return failures;
}

function checkExchange(doc, x, templates, validator, resolve) {
  const target = x.target.replace(/^https?:\/\/[^/]*/i, '');
  const qmark = target.indexOf('?');
  const path = qmark < 0 ? target : target.slice(0, qmark);
  const query = qmark < 0 ? '' : target.slice(qmark + 1);
  const headers = new Map(x.response_headers.map(([k, v]) => [k.toLowerCase(), v]));
  const method = x.method.toLowerCase();
  const matches = templates.map((t) => [t, t.regex.exec(path)]).filter(([, m]) => m);
  matches.sort((a, b) => b[0].literals - a[0].literals);  // a literal segment wins over a parameter
  // An answer no operation describes (no route, no such method): the envelope, with its id.
  const envelope = (code) => {
    const id = validator('/components/headers/X-Request-Id/schema');
    if (!id(headers.get('x-request-id'))) return `X-Request-Id "${headers.get('x-request-id')}" ${ajvText(id)}`;
    const body = tryJson(x.response_body);
    const v = validator('/components/schemas/Error');
    if (!v(body)) return `not the error envelope: ${ajvText(v)}`;
    if (body.error.code !== code) return `expected ${code}, got ${body.error.code}`;
    if (body.error.trace_id !== headers.get('x-request-id')) return 'trace_id differs from X-Request-Id';
    return null;
  };
  if (matches.length === 0) {
    if (x.status === 404) return envelope('ROUTE_NOT_FOUND');
    return `path not in the document`;
  }
  const [t, m] = matches[0];
  const item = doc.paths[t.template];
  const itemPointer = '/paths/' + escape(t.template);
  let opMethod = method;
  if (method === 'head' && !item.head && item.get) opMethod = 'get';  // HEAD answers as GET
  const op = item[opMethod];
  if (!op) {
    if (x.status !== 405) return `method not in the document for ${t.template}`;
    const documented = Object.keys(item).filter((k) => ['get', 'post', 'put', 'patch', 'delete', 'head'].includes(k));
    if (documented.includes('get') && !documented.includes('head')) documented.push('head');
    const allow = (headers.get('allow') || '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
    if (allow.sort().join() !== documented.sort().join())
      return `Allow "${headers.get('allow')}" is not the documented methods (${documented.join(', ')})`;
    return envelope('METHOD_NOT_ALLOWED');
  }
  const opPointer = `${itemPointer}/${opMethod}`;
  covered.add(`${opMethod} ${t.template}`);
  const status = String(x.status);
  const key = op.responses[status] ? status : op.responses[status[0] + 'XX'] ? status[0] + 'XX' : op.responses.default ? 'default' : null;
  if (!key) return `status ${status} not documented for ${opMethod.toUpperCase()} ${t.template}`;
  const [response, responsePointer] = resolve(op.responses[key], `${opPointer}/responses/${key}`);

  // Headers: every one sent must be declared (but the framing ones), and valid.
  const framing = new Set(['content-type', 'content-length', 'connection', 'keep-alive', 'date', 'transfer-encoding']);
  const declared = new Map(Object.keys(response.headers || {}).map((h) => [h.toLowerCase(), h]));
  for (const [name, value] of headers) {
    if (framing.has(name)) continue;
    if (!declared.has(name)) return `response header ${name} not documented`;
    const [header, headerPointer] = resolve(response.headers[declared.get(name)], `${responsePointer}/headers/${escape(declared.get(name))}`);
    if (header.schema) {
      const v = validator(headerPointer + '/schema');
      if (!v(value)) return `header ${name}: "${value}" ${ajvText(v)}`;
    }
  }
  for (const [lower, name] of declared) {
    const [header] = resolve(response.headers[name], '');
    if (header.required && !headers.has(lower)) return `required header ${name} missing`;
  }

  // Body: the declared content type and schema; nothing when none is declared.
  const content = response.content || {};
  const sentType = (headers.get('content-type') || '').toLowerCase().replace(/\s+/g, '');
  const mediaKey = Object.keys(content).find((k) => {
    const declaredType = k.toLowerCase().replace(/\s+/g, '');
    return declaredType === sentType || (!declaredType.includes(';') && sentType.split(';')[0] === declaredType);
  });
  if (Object.keys(content).length === 0) {
    if (x.response_body.length) return 'a body where the document declares none';
  } else if (!mediaKey) {
    return `content type "${headers.get('content-type')}" not documented (${Object.keys(content).join(', ')})`;
  } else if (method === 'head') {
    if (x.response_body.length) return 'a body in the answer to HEAD';
  } else if (content[mediaKey].schema) {
    const body = mediaKey.includes('json') ? tryJson(x.response_body) : x.response_body;
    if (body === undefined) return 'the body is not JSON';
    const v = validator(`${responsePointer}/content/${escape(mediaKey)}/schema`);
    if (!v(body)) return `body ${ajvText(v)}: ${x.response_body.slice(0, 200)}`;
    if (body && body.success === false && body.error && body.error.trace_id !== headers.get('x-request-id'))
      return `trace_id ${body.error.trace_id} differs from X-Request-Id ${headers.get('x-request-id')}`;
  }

  // A request the server accepted must be one the document allows.
  if (x.status < 200 || x.status > 299) return null;
  const params = [...(item.parameters || []).map((p, i) => resolve(p, `${itemPointer}/parameters/${i}`)),
    ...(op.parameters || []).map((p, i) => resolve(p, `${opPointer}/parameters/${i}`))];
  const queryValues = new URLSearchParams(query);
  const requestHeaders = new Map(x.request_headers.map(([k, v]) => [k.toLowerCase(), v]));
  for (const [p, pointer] of params) {
    let value;
    if (p.in === 'path') value = decodeSegment(m[t.names.indexOf(p.name) + 1]);
    else if (p.in === 'query') value = queryValues.get(p.name) ?? undefined;
    else if (p.in === 'header') value = requestHeaders.get(p.name.toLowerCase());
    if (value === undefined) {
      if (p.required) return `accepted without the required ${p.in} parameter ${p.name}`;
      continue;
    }
    const schema = resolve(p.schema, pointer + '/schema')[0];
    if (schema && schema.type === 'integer' && /^-?[0-9]+$/.test(value)) value = Number(value);
    const v = validator(pointer + '/schema');
    if (!v(value)) return `accepted the ${p.in} parameter ${p.name}="${String(value).slice(0, 80)}", which ${ajvText(v)}`;
  }
  // Other query parameters are ignored by the server, as info.description says.
  if (op.requestBody) {
    const [body, bodyPointer] = resolve(op.requestBody, `${opPointer}/requestBody`);
    if (!x.request_body.length) return body.required ? 'accepted without the required body' : null;
    const v = validator(`${bodyPointer}/content/application~1json/schema`);
    const value = tryJson(x.request_body);
    if (!v(value)) return `accepted a body the document refuses (${ajvText(v)}): ${x.request_body.slice(0, 200)}`;
  } else if (x.request_body.length) {
    return 'accepted a body where the document declares none';
  }
  return null;
}

function report(failures) {
  if (failures.length === 0) {
    console.log(`${exchanges.length} exchanges match the document`);
    const unused = [];
    for (const [path, item] of Object.entries(original.paths))
      for (const m of ['get', 'post', 'put', 'patch', 'delete', 'options'])
        if (item[m] && !covered.has(`${m} ${path}`)) unused.push(`${m.toUpperCase()} ${path}`);
    if (unused.length) console.log(`operations no integration test exercised: ${unused.join(', ')}`);
    return 0;
  }
  console.error(`${failures.length} of ${exchanges.length} exchanges do not match the document; the first ones:`);
  const seen = new Set();
  for (const f of failures) {
    const kind = f.split(' -> ').slice(1).join(' -> ').split(':').slice(0, 2).join(':');  // one line per kind of problem
    if (seen.has(kind)) continue;
    seen.add(kind);
    console.error('  ' + f);
    if (seen.size === 20) break;
  }
  return 1;
}

// The server matches raw segments; a percent-escape that does not decode stays as sent.
function decodeSegment(s) {
  try { return decodeURIComponent(s); } catch (_) { return s; }
}
function tryJson(text) {
  try { return JSON.parse(text); } catch (_) { return undefined; }
}
function ajvText(v) {
  return (v.errors || []).slice(0, 3).map((e) => `${e.instancePath || '(root)'} ${e.message}${e.params && e.params.additionalProperty ? ' ' + e.params.additionalProperty : ''}`).join('; ');
}
function escape(s) { return s.replace(/~/g, '~0').replace(/\//g, '~1'); }
function unescape(s) { return s.replace(/~1/g, '/').replace(/~0/g, '~'); }
function escapeRegex(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }
