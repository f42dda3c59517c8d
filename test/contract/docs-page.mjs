// Browser test of GET /docs in headless Chromium (puppeteer-core drives Debian's chromium):
// starts mixtaped on 127.0.0.1, loads the page and fails on any request to a host that is not
// loopback (the page must work offline), on any console error or page error, when an operation
// of the document is missing from the page (Swagger UI, vendored: docs/reference/), or when
// "Try it out" cannot send a request (GET /healthz, then POST create collection with the key
// entered once under Authorize). Saves a screenshot.
//   CHROMIUM=/usr/bin/chromium node docs-page.mjs MIXTAPED SCREENSHOT.png  (run.sh --chromium sets it)
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';

const [mixtaped, screenshot] = process.argv.slice(2);
const chromium = process.env.CHROMIUM;
if (!mixtaped || !chromium || !screenshot) {
  console.error('usage: CHROMIUM=PATH docs-page.mjs MIXTAPED SCREENSHOT.png');
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'mixtape-docs-'));
const key = 'mxt_docs_' + randomBytes(16).toString('hex');
const keys = { keys: [{ id: 'key_docs', sha256: createHash('sha256').update(key).digest('hex'), principal: 'usr_docs',
  organizations: ['org_docs'], capabilities: ['USE_MUSIC_GENERATION'] }] };
writeFileSync(join(dir, 'keys.json'), JSON.stringify(keys));

const failures = [];
let server;
let browser;
try {
  const port = await startServer();
  const origin = `http://127.0.0.1:${port}`;
  browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    userDataDir: join(dir, 'profile'),
    args: [
      ...(process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : []),
      // No traffic of the browser's own (updates, safe browsing, sync...) mixed into the check.
      '--disable-background-networking', '--disable-component-update', '--disable-default-apps',
      '--disable-sync', '--no-first-run', '--disable-extensions', '--metrics-recording-only',
      '--disable-features=Translate,OptimizationHints,MediaRouter,InterestFeedContentSuggestions',
    ],
  });
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    const url = new URL(request.url());
    const local = url.protocol === 'data:' || ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    if (local) return request.continue();
    failures.push(`request to another host: ${request.url()}`);
    return request.abort();
  });
  page.on('requestfailed', (r) => failures.push(`request failed: ${r.url()} ${r.failure() && r.failure().errorText}`));
  page.on('console', (m) => { if (m.type() === 'error') failures.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => failures.push(`page error: ${e.message}`));

  const res = await page.goto(`${origin}/docs`, { waitUntil: 'networkidle0' });
  if (res.status() !== 200) failures.push(`GET /docs: ${res.status()}`);
  // Swagger UI renders one .opblock per operation (and tag), id operations-<tag>-<operationId>.
  await page.waitForSelector('.opblock', { timeout: 20000 });

  // Every operation of the document the server serves is on the page, under its own id.
  const doc = await (await fetch(`${origin}/openapi.json`)).json();
  const expected = [];
  for (const [path, item] of Object.entries(doc.paths))
    for (const m of ['get', 'head', 'post', 'put', 'patch', 'delete', 'options', 'trace'])
      if (item[m]) expected.push({ op: `${m.toUpperCase()} ${path}`, id: `operations-${(item[m].tags || ['default'])[0]}-${item[m].operationId}` });
  const blocks = await page.$$eval('.opblock', (bs) => bs.map((b) => ({
    id: b.id,
    op: `${(b.querySelector('.opblock-summary-method') || {}).textContent} ${(b.querySelector('.opblock-summary-path') || { dataset: {} }).dataset.path}`,
  })));
  const shownOps = new Set(blocks.map((b) => b.op));
  const shownIds = new Set(blocks.map((b) => b.id));
  for (const { op, id } of expected) {
    if (!shownOps.has(op)) failures.push(`operation missing from the page: ${op}`);
    if (!shownIds.has(id)) failures.push(`no #${id} on the page (${op})`);
  }
  if (blocks.length !== expected.length) failures.push(`the page shows ${blocks.length} operations, the document has ${expected.length}`);
  // The reference needs nothing from outside: no online validator badge, no external stylesheet or script.
  if (await page.$('.validator-badge, img[src^="http"]')) failures.push('the page shows a validator badge or a remote image');

  // "Try it out" sends real requests to this server: one without a key, then one with the key
  // entered once under Authorize.
  const tryIt = async (domId, params, body) => {
    const sel = `#${domId}`;
    const block = await page.$(sel);
    if (!block) return failures.push(`no ${sel} on the page`), [];
    if (!(await page.$(`${sel}.is-open`))) await page.click(`${sel} .opblock-summary-control`);
    await page.waitForSelector(`${sel} .execute`, { timeout: 10000 }).catch(async () => {
      await page.click(`${sel} .try-out__btn`);  // not already in "Try it out" mode
      await page.waitForSelector(`${sel} .execute`, { timeout: 10000 });
    });
    for (const [name, value] of Object.entries(params || {})) {
      const input = await page.$(`${sel} tr[data-param-name="${name}"] input`);
      if (!input) return failures.push(`${domId}: no input for ${name}`), [];
      await input.click({ clickCount: 3 });
      await input.type(value);
    }
    if (body !== undefined) {
      const text = await page.$eval(`${sel} textarea.body-param__text`, (t) => t.value);
      if (!text.includes(body)) failures.push(`${domId}: the body is not pre-filled with the example (${text})`);
    }
    await page.click(`${sel} .execute`);
    const row = `${sel} .live-responses-table tbody tr.response`;
    await page.waitForSelector(row, { timeout: 10000 });
    return page.$eval(row, (r) => [
      Number.parseInt(r.querySelector('.response-col_status').textContent, 10),
      r.querySelector('.response-col_description').textContent,
    ]);
  };
  const [healthStatus] = await tryIt('operations-operations-healthz');
  if (healthStatus !== 200) failures.push(`Try it GET /healthz: ${healthStatus}`);

  await page.click('.scheme-container .btn.authorize');
  await page.waitForSelector('.modal-ux .auth-container', { timeout: 10000 });
  const containers = await page.$$('.modal-ux .auth-container');
  let authorized = false;
  for (const c of containers) {
    if (!(await c.evaluate((e) => e.textContent.includes('ApiKeyHeader')))) continue;
    await (await c.$('input')).type(key);
    await (await c.$('button.authorize')).click();
    // Swagger UI then shows "Authorized", the value masked, and a "Logout" button.
    await page.waitForFunction((e) => /Authorized/.test(e.querySelector('h6')?.textContent || ''), { timeout: 5000 }, c);
    authorized = true;
  }
  if (!authorized) failures.push('no ApiKeyHeader form under Authorize');
  await page.click('.modal-ux .btn-done');
  await page.waitForSelector('.modal-ux', { hidden: true, timeout: 5000 });

  const [createStatus, createText] = await tryIt('operations-collections-createCollection', { organization_id: 'org_docs' }, 'Late night drive');
  if (createStatus !== 201 || !String(createText).includes('mcoll_')) failures.push(`Try it POST create: ${createStatus} ${createText}`);
  const curl = await page.$eval('#operations-collections-createCollection .curl-command', (e) => e.textContent).catch(() => '');
  if (!curl.includes('X-API-Key')) failures.push(`Try it POST create did not send X-API-Key: ${curl}`);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: screenshot });
  console.log(`page lists ${blocks.length} operations; Try it answered ${healthStatus} and ${createStatus}; screenshot ${screenshot}`);
} catch (e) {
  failures.push(`error: ${e.stack || e}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  if (server) server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}

// Starts mixtaped on a free loopback port and resolves with the port once it listens.
function startServer() {
  return new Promise((resolvePort, reject) => {
    server = spawn(mixtaped, ['--listen', '127.0.0.1:0', '--data-dir', join(dir, 'data'), '--keys', join(dir, 'keys.json')],
      { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    const timer = setTimeout(() => reject(new Error('mixtaped did not start listening:\n' + log)), 20000);
    server.stderr.on('data', (chunk) => {
      log += chunk;
      const m = /listening.{0,8}addr\W{1,3}127\.0\.0\.1:(\d+)/.exec(log);
      if (m) { clearTimeout(timer); resolvePort(Number(m[1])); }
    });
    server.on('exit', (code) => { clearTimeout(timer); reject(new Error(`mixtaped exited (${code}):\n${log}`)); });
  });
}
