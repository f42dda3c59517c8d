// Browser test of GET /docs in headless Chromium (puppeteer-core drives Debian's chromium):
// starts mixtaped on 127.0.0.1, loads the page and fails on any request to a host that is not
// loopback (the page must work offline), on any console error or page error, when an operation
// of the document is missing from the page, or when "Try it" cannot send a request (GET
// /healthz, then POST create collection with a key typed into the page). Saves a screenshot.
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
  await page.waitForSelector('body[data-operations]', { timeout: 15000 });

  // Every operation of the document the server serves is on the page.
  const doc = await (await fetch(`${origin}/openapi.json`)).json();
  const expected = [];
  for (const [path, item] of Object.entries(doc.paths))
    for (const m of ['get', 'head', 'post', 'put', 'patch', 'delete', 'options']) if (item[m]) expected.push(`${m.toUpperCase()} ${path}`);
  const shown = await page.$$eval('section[data-operation]', (s) => s.map((e) => e.dataset.operation));
  for (const op of expected) if (!shown.includes(op)) failures.push(`operation missing from the page: ${op}`);
  const navLinks = await page.$$eval('nav a', (a) => a.length);
  if (navLinks !== expected.length) failures.push(`navigation lists ${navLinks} operations, the document ${expected.length}`);

  // "Try it" sends real requests: one without a key, one with the key typed into the page.
  const tryIt = async (operationId, fill) => {
    const section = await page.$(`section#${operationId}`);
    if (!section) return failures.push(`no section for ${operationId}`), null;
    for (const [name, value] of Object.entries(fill || {})) {
      const input = await section.$(`input[data-param="${name}"]`);
      await input.click({ clickCount: 3 });
      await input.type(value);
    }
    await (await section.$('button')).click();
    await section.waitForSelector('pre.answer[data-status]', { timeout: 10000 });
    return section.$eval('pre.answer', (p) => [Number(p.dataset.status), p.textContent]);
  };
  const [healthStatus] = (await tryIt('healthz')) || [];
  if (healthStatus !== 200) failures.push(`Try it GET /healthz: ${healthStatus}`);
  await page.type('#api-key', key);
  const [createStatus, createText] = (await tryIt('createCollection', { organization_id: 'org_docs' })) || [];
  if (createStatus !== 201 || !createText.includes('mcoll_')) failures.push(`Try it POST create: ${createStatus} ${createText}`);

  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: screenshot });
  console.log(`page lists ${shown.length} operations; Try it answered ${healthStatus} and ${createStatus}; screenshot ${screenshot}`);
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
