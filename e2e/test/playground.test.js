// The playground in a real browser: Debian's Chromium driven by playwright-core opens GraphiQL at /,
// finds the headers editor prefilled with the admin demo credentials, runs { me { username } } by
// clicking, and reads the answer on screen. Nothing may leave 127.0.0.1 and the CSP must hold.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { baseURL, adminHeaders, chromiumPath } from '../lib/gateway.js';

const artifacts = fileURLToPath(new URL('../artifacts/', import.meta.url));
const flags = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

describe('GraphiQL playground in Chromium', () => {
  let context, page, userDataDir;
  const requests = [];
  const problems = [];

  before(async () => {
    assert.ok(existsSync(chromiumPath), `${chromiumPath} is missing: run.sh installs Debian's chromium as root`);
    userDataDir = mkdtempSync(join(tmpdir(), 'rocketgql-e2e-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args: flags,
      viewport: { width: 1280, height: 800 },
      timeout: 30_000,
    });
    context.on('request', (req) => requests.push(req.url()));
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`);
    });
    page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  });

  after(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  test('runs { me { username } } with the prefilled admin headers and shows admin', async () => {
    const res = await page.goto(`${baseURL}/`, { waitUntil: 'load' });
    assert.equal(res.status(), 200);
    const csp = res.headers()['content-security-policy'] ?? '';
    assert.match(csp, /script-src 'self'(;|$)/);

    // The headers editor is open and holds the admin credentials.
    await page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror').first().waitFor({ timeout: 20_000 });
    const headersText = await page.evaluate(() => {
      const editors = [...document.querySelectorAll('.graphiql-editor-tool .graphiql-editor')];
      const open = editors.find((e) => !e.classList.contains('hidden'));
      return open?.querySelector('.CodeMirror')?.CodeMirror.getValue();
    });
    // The gateway issues the playground its own admin login token: same user, a token of its own.
    const prefilled = JSON.parse(headersText);
    assert.deepEqual(Object.keys(prefilled).sort(), ['X-Auth-Token', 'X-User-Id']);
    assert.equal(prefilled['X-User-Id'], adminHeaders['X-User-Id']);
    assert.match(prefilled['X-Auth-Token'], /^\S{16,}$/);

    // Replace the query by typing it, as a person would.
    const editor = page.locator('.graphiql-query-editor .CodeMirror');
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.type('{ me { username } }');
    await page.keyboard.press('Escape'); // close any autocompletion hint
    const typed = await page.evaluate(() => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.getValue());
    assert.equal(typed.replace(/\s+/g, ' ').trim(), '{ me { username } }');

    await page.getByRole('button', { name: /execute query/i }).click();
    await page.waitForFunction(
      () => document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror.getValue().includes('"username"'),
      null,
      { timeout: 20_000 },
    );
    const result = JSON.parse(
      await page.evaluate(() => document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue()),
    );
    assert.deepEqual(result, { data: { me: { username: 'admin' } } });
    // And it is on screen, not only in the editor's model.
    const shown = await page.locator('.graphiql-response').innerText();
    assert.match(shown, /"username":\s*"admin"/);

    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'playground.png') });
  });

  test('no request left 127.0.0.1 and the page raised no errors', () => {
    assert.ok(requests.length >= 6, `page, CSS, 4 scripts and GraphQL calls expected, saw ${requests.length}`);
    const outside = requests.filter((u) => {
      const { protocol, hostname } = new URL(u);
      if (protocol === 'data:' || protocol === 'blob:') return false;
      return hostname !== '127.0.0.1';
    });
    assert.deepEqual(outside, []);
    assert.ok(requests.some((u) => u.endsWith('/graphql')), 'GraphiQL talked to the gateway');
    assert.deepEqual(problems, []);
  });
});
