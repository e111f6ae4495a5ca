import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { injectAppShellManifest } from '../scripts/app-shell.mjs';
import { startDemoServer, type DemoServer } from '../scripts/demo-server.js';
import { expect, test } from './fixtures/test.js';

const BUILT_APP = fileURLToPath(new URL('../public', import.meta.url));

// Each test serves its own copy of the built demo, so that it can publish a "new build".
let appDir: string;
let demo: DemoServer;
test.beforeEach(async () => {
  appDir = mkdtempSync(join(os.tmpdir(), 'janus-keeper-app-'));
  cpSync(BUILT_APP, appDir, { recursive: true });
  demo = await startDemoServer({ appDir, janus: { sessionTimeout: 60, reclaimTimeout: 30 } });
});
test.afterEach(async () => {
  await demo.close();
  rmSync(appDir, { recursive: true, force: true });
});

const testId = (page: Page, id: string) => page.getByTestId(id);

async function openReadyDemo(page: Page, query = ''): Promise<string> {
  await page.goto(demo.url + query);
  await expect(testId(page, 'state')).toHaveText('ready');
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  return (await testId(page, 'session-id').textContent())!;
}

test('a reload while offline boots from the cache, then reclaims the same session', async ({ page, context, browserName }) => {
  const sessionId = await openReadyDemo(page);
  await context.setOffline(true);
  demo.dropNetwork();
  await page.reload();
  // Chromium's worker outlives the reload (extendedLifetime) and is reconnecting; elsewhere a new
  // worker starts offline and is idle between the demo's tries.
  await expect(testId(page, 'state')).toHaveText(browserName === 'chromium' ? 'reconnecting' : /^(idle|connecting|reconnecting)$/);
  await expect(page.locator('h1')).toHaveText('janus-keeper');
  await context.setOffline(false);
  demo.restoreNetwork();
  await expect(testId(page, 'state')).toHaveText('ready', { timeout: 15_000 });
  await expect(testId(page, 'session-id')).toHaveText(sessionId);
  await testId(page, 'echo-send').click();
  await expect(testId(page, 'echo-result')).toContainText('EchoTest answered: ok');
  expect(await demo.janus.listSessions()).toEqual([Number(sessionId)]);
});

test('a new build waits, and after "update" controls the page with the same session', async ({ page }) => {
  const sessionId = await openReadyDemo(page);
  await page.reload(); // now controlled by the first version
  await expect(testId(page, 'state')).toHaveText('ready');
  expect(await page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);

  appendFileSync(join(appDir, 'build', 'demo.js'), '\nwindow.__demoBuild = 2;\n');
  await injectAppShellManifest(appDir);
  await page.evaluate(() => (window as any).appShell.checkForUpdate());
  await expect(testId(page, 'update')).toBeVisible({ timeout: 15_000 });
  await page.locator('#update-now').click();
  // The page reloads itself: an evaluate that meets the navigation just asks again.
  await expect.poll(() => page.evaluate(() => (window as any).__demoBuild).catch(() => undefined), { timeout: 15_000 }).toBe(2);
  await expect(testId(page, 'state')).toHaveText('ready');
  await expect(testId(page, 'session-id')).toHaveText(sessionId);
});

test('Janus traffic never lands in the service worker caches', async ({ page, context }) => {
  await openReadyDemo(page);
  const rest = await context.newPage();
  await rest.goto(`${demo.url}?transport=http`);
  await expect(testId(rest, 'state')).toHaveText('ready');
  await testId(rest, 'echo-send').click();
  await expect(testId(rest, 'echo-result')).toContainText('EchoTest answered: ok');
  const cached = await page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
    }
    return urls;
  });
  expect(cached.length).toBeGreaterThan(0);
  expect(cached.filter((path) => path.startsWith('/janus') || path.startsWith('/admin'))).toEqual([]);
  expect([...new Set(cached)].sort()).toEqual(['/build/demo.js', '/build/keeper-worker.js', '/config.json', '/demo.css', '/index.html']);
});
