// The docs site as a reader meets it: `npm run docs` builds it (npm test runs that before the e2e
// tests; this spec builds it when it is missing), served over HTTP, its navigation followed to each
// guide and to an API page, and its search asked.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { serveStatic, type StaticServer } from './fixtures/static-server.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const SITE = join(REPO, 'docs-site');
const GUIDES = readdirSync(join(REPO, 'docs')).filter((name) => name.endsWith('.md')).map((name) => name.replace(/\.md$/, ''));
let site: StaticServer;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  if (!existsSync(join(SITE, 'index.html'))) execFileSync(process.execPath, [join(REPO, 'scripts', 'docs.mjs')], { cwd: REPO, stdio: 'inherit' });
  site = await serveStatic({ '/': SITE });
});

test.afterAll(async () => {
  await site?.close();
});

test('the front page is README and its navigation reaches every guide', async ({ page }) => {
  await page.goto(`${site.url}/index.html`);
  await expect(page.locator('h1').first()).toContainText('janus-keeper');
  await expect(page.getByRole('heading', { name: 'Configure Janus for the keeper' })).toBeVisible();
  for (const guide of GUIDES) {
    const link = page.locator(`.tsd-navigation a[href$="documents/${guide}.html"]`).first();
    await expect(link, guide).toHaveCount(1);
  }
  for (const guide of GUIDES) {
    await page.goto(`${site.url}/index.html`);
    await page.locator(`.tsd-navigation a[href$="documents/${guide}.html"]`).first().click();
    await expect(page).toHaveURL(new RegExp(`documents/${guide}\\.html$`));
    await expect(page.locator('.tsd-panel h1, .col-content h1').first(), guide).toBeVisible();
  }
});

test("a guide's link to another guide lands on that page's heading", async ({ page }) => {
  await page.goto(`${site.url}/documents/troubleshooting.html`);
  await page.locator('a[href="janus-server.html#behind-a-proxy"]').first().click();
  await expect(page).toHaveURL(/documents\/janus-server\.html#behind-a-proxy$/);
  await expect(page.locator('#behind-a-proxy')).toHaveCount(1);
});

test('the navigation reaches the API reference of connect()', async ({ page }) => {
  await page.goto(`${site.url}/index.html`);
  await page.goto(`${site.url}/modules.html`);
  await page.locator('a[href$="client.html"]').first().click();
  await page.locator('a[href*="functions/client.connect.html"]').first().click();
  await expect(page).toHaveURL(/functions\/client\.connect\.html$/);
  await expect(page.locator('h1').first()).toContainText('connect');
});

test('the search finds a guide and an API symbol', async ({ page }) => {
  await page.goto(`${site.url}/index.html`);
  const field = page.locator('#tsd-search-input, #tsd-search input').first();
  await page.locator('#tsd-search-trigger, #tsd-search').first().click();
  await field.fill('Troubleshooting');
  const results = page.locator('#tsd-search-results li, .results li');
  await expect(results.first()).toBeVisible();
  await expect(results.filter({ hasText: 'Troubleshooting' }).first()).toBeVisible();
  await field.fill('JanusSession');
  await expect(results.filter({ hasText: 'JanusSession' }).first()).toBeVisible();
  await results.filter({ hasText: 'JanusSession' }).first().locator('a').first().click();
  await expect(page).toHaveURL(/JanusSession\.html/);
});
