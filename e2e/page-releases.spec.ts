// What a page takes, it gives back (the page's half), and a stale worker is refused.
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { serveStatic, type StaticServer } from './fixtures/static-server.js';
import { expect, test } from './fixtures/test.js';

const STALE = '0.0.0-stale';
let staleDir = '';
let site: StaticServer;

test.beforeAll(async () => {
  // The same worker, built as another version: what an app serves when its copy was not upgraded.
  staleDir = mkdtempSync(join(tmpdir(), 'janus-keeper-stale-'));
  await build({ entryPoints: ['src/worker/host/shared-worker.ts'], bundle: true, format: 'esm', platform: 'browser',
    outfile: join(staleDir, 'keeper-worker.js'), define: { __JANUS_KEEPER_VERSION__: JSON.stringify(STALE) }, logLevel: 'warning' });
  site = await serveStatic({ '/dist/': 'dist', '/e2e/pages/': 'e2e/pages', '/stale/': staleDir });
});

test.afterAll(async () => {
  await site?.close();
  rmSync(staleDir, { recursive: true, force: true });
});

/** Counts the page's listeners and port closes, from before the library loads. */
async function instrument(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as any;
    w.listenerCount = { online: 0, visibilitychange: 0, pageshow: 0 };
    w.closedPorts = [];
    w.channels = [];
    w.workers = [];
    const add = EventTarget.prototype.addEventListener;
    const remove = EventTarget.prototype.removeEventListener;
    const counted = (target: EventTarget, type: string) => (target === window || target === document) && type in w.listenerCount;
    EventTarget.prototype.addEventListener = function (type: string, ...rest: any[]) {
      if (counted(this, type)) w.listenerCount[type]++;
      return (add as any).call(this, type, ...rest);
    };
    EventTarget.prototype.removeEventListener = function (type: string, ...rest: any[]) {
      if (counted(this, type)) w.listenerCount[type]--;
      return (remove as any).call(this, type, ...rest);
    };
    const close = MessagePort.prototype.close;
    MessagePort.prototype.close = function () {
      w.closedPorts.push(this);
      return close.call(this);
    };
    const Channel = window.MessageChannel;
    (window as any).MessageChannel = class extends Channel {
      constructor() {
        super();
        w.channels.push(this);
      }
    };
    const Shared = window.SharedWorker;
    (window as any).SharedWorker = class extends Shared {
      constructor(...args: any[]) {
        super(...(args as [string]));
        w.workers.push(this);
      }
    };
  });
}

const pageLocks = (page: Page) => page.evaluate(async () =>
  (await navigator.locks.query()).held?.filter((lock) => lock.name?.startsWith('janus-keeper:page:')).length ?? 0);

async function open(page: Page, query: Record<string, string>): Promise<string | undefined> {
  await page.goto(`${site.url}/e2e/pages/keeper.html?${new URLSearchParams(query)}`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true' || document.body.dataset.error);
  return page.evaluate(() => document.body.dataset.error);
}

test('close() removes the online/visibilitychange/pageshow listeners, closes the worker port and the tab\'s own port', async ({ page, janus }) => {
  await instrument(page);
  expect(await open(page, { server: janus.wsUrl, name: 'releases' })).toBeUndefined();
  const before = await page.evaluate(() => ({ ...(window as any).listenerCount }));
  expect(before).toEqual({ online: 1, visibilitychange: 1, pageshow: 1 }); // pageshow: back from bfcache
  expect(await pageLocks(page)).toBe(1);
  await page.evaluate(() => (window as any).keeper.close());
  const after = await page.evaluate(() => {
    const w = window as any;
    return { listeners: w.listenerCount, tabPortClosed: w.closedPorts.includes(w.channels[0].port1),
      workerPortClosed: w.closedPorts.includes(w.workers[0].port) };
  });
  expect(after).toEqual({ listeners: { online: 0, visibilitychange: 0, pageshow: 0 }, tabPortClosed: true, workerPortClosed: true });
  expect(await pageLocks(page)).toBe(0);
});

test('a hello that times out releases the page lock and the worker port', async ({ page, janus }) => {
  await instrument(page);
  const options = JSON.stringify({ callTimeoutMs: 500 });
  const error = await open(page, { server: janus.wsUrl, workerUrl: '/e2e/pages/silent-worker.js', name: 'silent', options });
  expect(error).toMatch(/^TimeoutError: connect/);
  expect(await pageLocks(page)).toBe(0);
  const state = await page.evaluate(() => {
    const w = window as any;
    return { listeners: w.listenerCount, workerPortClosed: w.closedPorts.includes(w.workers[0].port) };
  });
  expect(state).toEqual({ listeners: { online: 0, visibilitychange: 0, pageshow: 0 }, workerPortClosed: true });
});

test('a stale keeper worker (another version) is refused at hello with VersionMismatchError naming both versions', async ({ page, janus }) => {
  const error = await open(page, { server: janus.wsUrl, workerUrl: '/stale/keeper-worker.js', name: 'stale' });
  const version = await page.evaluate(() => (window as any).lib.VERSION);
  expect(version).toMatch(/^\d+\.\d+\.\d+/);
  expect(error).toContain('VersionMismatchError');
  expect(error).toContain(`the page is ${version}`);
  expect(error).toContain(STALE);
  expect(await pageLocks(page)).toBe(0);
});

test('leader mode: a workerUrl that does not load rejects connect() with WorkerLoadError naming the URL', async ({ page, janus }) => {
  const error = await open(page, { server: janus.wsUrl, workerUrl: '/e2e/pages/no-such-worker.js', name: 'leader-404',
    options: JSON.stringify({ mode: 'leader' }) });
  expect(error).toMatch(/^WorkerLoadError: the keeper worker at \/e2e\/pages\/no-such-worker\.js did not load/);
  expect(await pageLocks(page)).toBe(0);
  const leaderLocks = await page.evaluate(async () => {
    const { held = [], pending = [] } = await navigator.locks.query();
    return [...held, ...pending].filter((lock) => lock.name?.startsWith('leader-404/')).length;
  });
  expect(leaderLocks).toBe(0); // this tab left the leader election too
});
