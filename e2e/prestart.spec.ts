// The keeper-prestart script in the page's <head> starts the keeper worker (it runs and holds its
// worker-name lock before the page calls connect()), and connect() joins that worker (the same URL
// and name) rather than starting another: the worker it talks to is older than the connect() call,
// and it is the only keeper worker. Without the script, connect() starts the worker.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/test.js';

interface Started {
  before: { at: number; locks: string[] };
  workerCreatedAt: number;
  locks: string[];
  state: string;
}

async function open(page: Page, url: string): Promise<Started> {
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { started?: Started }).started !== undefined);
  return page.evaluate(() => (window as unknown as { started: Started }).started);
}

test('connect() joins the worker the keeper-prestart script started before it was called', async ({ page, janus, site }) => {
  const started = await open(page, `${site.url}/e2e/pages/prestart.html?server=${encodeURIComponent(janus.wsUrl)}`);
  expect(started.state).toBe('ready');
  expect(started.before.locks, 'the prestarted keeper worker, under the name connect() uses').toEqual(['janus-keeper:shared-worker:janus-keeper/v3/extended']);
  expect(started.workerCreatedAt, 'the worker connect() talks to existed before the call').toBeLessThan(started.before.at);
  expect(started.locks, 'no second keeper worker').toEqual(started.before.locks);
});

test('without the script, connect() starts the worker (what the first test tells apart)', async ({ page, janus, site }) => {
  const started = await open(page, `${site.url}/e2e/pages/prestart.html?plain=1&server=${encodeURIComponent(janus.wsUrl)}`);
  expect(started.state).toBe('ready');
  expect(started.before.locks).toEqual([]);
  expect(started.workerCreatedAt).toBeGreaterThan(started.before.at);
  expect(started.locks).toEqual(['janus-keeper:shared-worker:janus-keeper/v3/extended']);
});
