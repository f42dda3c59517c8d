// The /docs page: renders /openapi.json (every operation, its parameters, body, responses and
// their schemas) and lets the reader send each request to this server ("Try it").
// Plain DOM, no libraries, nothing fetched from other hosts. Text from the document is only
// ever set with textContent, never as HTML.
'use strict';

const methods = ['get', 'head', 'post', 'put', 'patch', 'delete', 'options'];

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

// `#/components/schemas/X` -> the object it points at.
function resolve(doc, value) {
  let seen = 0;
  while (value && typeof value.$ref === 'string' && seen++ < 16) {
    const parts = value.$ref.replace(/^#\//, '').split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    value = parts.reduce((o, p) => (o ? o[p] : undefined), doc);
  }
  return value;
}

function refName(value) {
  return value && typeof value.$ref === 'string' ? value.$ref.split('/').pop() : null;
}

function typeText(doc, schema) {
  const s = resolve(doc, schema) || {};
  const name = refName(schema);
  let t = s.const !== undefined ? JSON.stringify(s.const) : Array.isArray(s.type) ? s.type.join(' | ') : s.type;
  if (s.enum) t = s.enum.map((e) => JSON.stringify(e)).join(' | ');
  if (!t && (s.oneOf || s.anyOf)) t = (s.oneOf || s.anyOf).map((x) => typeText(doc, x)).join(' | ');
  if (!t && s.allOf) t = s.allOf.map((x) => typeText(doc, x)).filter(Boolean).join(' & ');
  if (t === 'array' && s.items) t = 'array of ' + typeText(doc, s.items);
  const limits = [];
  if (s.pattern) limits.push('pattern ' + s.pattern);
  if (s.minimum !== undefined) limits.push('≥ ' + s.minimum);
  if (s.maximum !== undefined) limits.push('≤ ' + s.maximum);
  if (s.minLength !== undefined || s.maxLength !== undefined)
    limits.push(`length ${s.minLength ?? 0}..${s.maxLength ?? '∞'}`);
  if (s.minItems !== undefined || s.maxItems !== undefined) limits.push(`items ${s.minItems ?? 0}..${s.maxItems ?? '∞'}`);
  if (s.default !== undefined) limits.push('default ' + JSON.stringify(s.default));
  return [name, t, limits.length ? '(' + limits.join(', ') + ')' : ''].filter(Boolean).join(' ');
}

// A schema as a tree of its properties, expanded `depth` levels.
function schemaTree(doc, schema, depth) {
  const s = resolve(doc, schema) || {};
  const box = el('div', { class: 'schema' });
  box.append(el('span', { class: 'type' }, typeText(doc, schema)));
  if (s.description) box.append(el('span', { class: 'muted' }, ' — ' + s.description));
  if (depth <= 0) return box;
  const variants = s.oneOf || s.anyOf || s.allOf;
  if (variants) for (const v of variants) box.append(schemaTree(doc, v, depth - 1));
  const target = s.type === 'array' || (Array.isArray(s.type) && s.type.includes('array')) ? resolve(doc, s.items) : s;
  if (target && target.properties) {
    const required = new Set(target.required || []);
    for (const [name, prop] of Object.entries(target.properties)) {
      const row = el('div', {}, el('b', {}, name), required.has(name) ? el('span', { class: 'req' }, ' *') : null, ': ');
      row.append(schemaTree(doc, prop, depth - 1));
      box.append(row);
    }
    if (target.additionalProperties === false) box.append(el('div', { class: 'muted' }, 'no other fields'));
  }
  return box;
}

function parameterTable(doc, params) {
  if (!params.length) return null;
  const table = el('table', {}, el('tr', {}, el('th', {}, 'name'), el('th', {}, 'in'), el('th', {}, 'type'), el('th', {}, 'description')));
  for (const p of params)
    table.append(el('tr', {}, el('td', {}, el('code', {}, p.name), p.required ? el('span', { class: 'req' }, ' *') : null),
      el('td', {}, p.in), el('td', {}, typeText(doc, p.schema)), el('td', {}, p.description || '')));
  return table;
}

function exampleOf(doc, media) {
  if (!media) return undefined;
  if (media.example !== undefined) return media.example;
  const first = media.examples && Object.values(media.examples)[0];
  return first ? resolve(doc, first).value : undefined;
}

// The "Try it" form: one input per parameter, the body, and the answer.
function tryIt(doc, path, method, params, body) {
  const inputs = new Map();
  const form = el('div', { class: 'try' }, el('b', {}, 'Try it'));
  for (const p of params) {
    const input = el('input', { 'data-param': p.name, placeholder: p.in + (p.required ? ', required' : '') });
    if (p.example !== undefined) input.value = p.example;
    inputs.set(p, input);
    form.append(el('label', {}, el('code', {}, p.name), input));
  }
  let bodyInput = null;
  if (body) {
    const example = exampleOf(doc, body.content && body.content['application/json']);
    bodyInput = el('textarea', { 'aria-label': 'request body' });
    bodyInput.value = example === undefined ? '' : JSON.stringify(example, null, 2);
    form.append(el('label', {}, 'body (application/json)', bodyInput));
  }
  const out = el('pre', { class: 'answer', hidden: '' });
  const send = async () => {
    let url = path;
    const query = new URLSearchParams();
    const headers = {};
    for (const [p, input] of inputs) {
      if (!input.value) continue;
      if (p.in === 'path') url = url.replace('{' + p.name + '}', encodeURIComponent(input.value));
      else if (p.in === 'query') query.set(p.name, input.value);
      else if (p.in === 'header') headers[p.name] = input.value;
    }
    const key = document.getElementById('api-key').value;
    if (key) headers['X-API-Key'] = key;
    const init = { method: method.toUpperCase(), headers };
    if (bodyInput && bodyInput.value.trim()) {
      init.body = bodyInput.value;
      headers['Content-Type'] = 'application/json';
    }
    out.hidden = false;
    out.textContent = 'sending…';
    try {
      const qs = query.toString();
      const res = await fetch(url + (qs ? '?' + qs : ''), init);
      const lines = [`${res.status} ${res.statusText}`];
      res.headers.forEach((v, k) => lines.push(`${k}: ${v}`));
      let text = await res.text();
      try { text = JSON.stringify(JSON.parse(text), null, 2); } catch (_) { /* not JSON: shown as is */ }
      out.textContent = lines.join('\n') + '\n\n' + text;
      out.dataset.status = String(res.status);
    } catch (e) {
      out.textContent = 'request failed: ' + e.message;
    }
  };
  form.append(el('button', { type: 'button', onclick: send }, 'Send'), out);
  return form;
}

function operationSection(doc, path, method, item, op) {
  const label = `${method.toUpperCase()} ${path}`;
  const id = op.operationId || label.replace(/[^A-Za-z0-9]+/g, '-');
  const params = [...(item.parameters || []), ...(op.parameters || [])].map((p) => resolve(doc, p));
  const body = resolve(doc, op.requestBody);
  const section = el('section', { class: 'operation', id, 'data-operation': label },
    el('h2', {}, el('span', { class: 'verb ' + method }, method.toUpperCase()), el('code', {}, path)),
    el('div', {}, el('b', {}, op.summary || ''), op.security && !op.security.length ? el('span', { class: 'muted' }, ' — no key') : null));
  if (op.description) section.append(el('div', { class: 'desc' }, op.description));
  const table = parameterTable(doc, params);
  if (table) section.append(el('h4', {}, 'Parameters'), table);
  if (body) {
    section.append(el('h4', {}, 'Request body' + (body.required ? '' : ' (optional)')));
    for (const [type, media] of Object.entries(body.content || {}))
      section.append(el('div', {}, el('code', {}, type)), schemaTree(doc, media.schema, 3));
  }
  section.append(el('h4', {}, 'Responses'));
  for (const [status, raw] of Object.entries(op.responses || {})) {
    const res = resolve(doc, raw);
    const d = el('details', {}, el('summary', {}, el('b', {}, status), ' ', res.description || ''));
    if (res.headers) d.append(el('div', { class: 'muted' }, 'headers: ' + Object.keys(res.headers).join(', ')));
    for (const [type, media] of Object.entries(res.content || {})) {
      d.append(el('div', {}, el('code', {}, type)), schemaTree(doc, media.schema, 3));
      const example = exampleOf(doc, media);
      if (example !== undefined) d.append(el('pre', {}, typeof example === 'string' ? example : JSON.stringify(example, null, 2)));
    }
    section.append(d);
  }
  section.append(tryIt(doc, path, method, params, body));
  return section;
}

async function main() {
  const status = document.getElementById('status');
  const doc = await (await fetch('/openapi.json')).json();
  document.getElementById('title').textContent = `${doc.info.title} ${doc.info.version} — API reference`;
  const main = document.getElementById('main');
  const nav = document.getElementById('nav');
  main.append(el('div', { class: 'intro' }, doc.info.description || ''));
  const byTag = new Map();
  let count = 0;
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of methods) {
      const op = item[method];
      if (!op) continue;
      const section = operationSection(doc, path, method, item, op);
      const tag = (op.tags && op.tags[0]) || 'other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push([section, `${method.toUpperCase()} ${path}`]);
      count++;
    }
  }
  for (const [tag, entries] of byTag) {
    nav.append(el('h3', {}, tag));
    main.append(el('h3', {}, tag));
    for (const [section, label] of entries) {
      nav.append(el('a', { href: '#' + section.id }, label));
      main.append(section);
    }
  }
  status.textContent = `${count} operations`;
  document.body.dataset.operations = String(count);  // the browser test waits for this
}

main().catch((e) => {
  document.getElementById('status').textContent = 'could not load /openapi.json: ' + e.message;
  throw e;
});
