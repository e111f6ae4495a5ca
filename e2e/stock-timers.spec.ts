// Janus's stock timers (session_timeout 60, reclaim_session_timeout 0), which most deployments keep:
// Janus destroys a session the moment its WebSocket closes. What a lone tab's reload and a 5 s
// drop cost, per engine and link, and that the keeper says so in state(). Each test logs one
// `[figure]` line (same session or new, time to ready) for docs/test-matrix.md.
import type { Page } from '@playwright/test';
import { STOCK_TIMERS } from './fixtures/janus-launcher.js';
import { expect, openKeeperPage, test } from './fixtures/test.js';

const ECHO = 'janus.plugin.echotest';
const RECLAIM_ZERO = "Janus's reclaim_session_timeout is 0: the session ended with its WebSocket";
const DROP_MS = 5_000;

const create = (page: Page) => page.evaluate(() => (window as any).keeper.create()) as Promise<{ sessionId: number; reclaimed: boolean }>;
const attachEcho = (page: Page) => page.evaluate((plugin) => (window as any).keeper.attach(plugin), ECHO) as Promise<{ handleId: number }>;
const stateOf = (page: Page) => page.evaluate(() => (window as any).keeper.state()) as Promise<any>;
const lostReasons = (page: Page) => page.evaluate(() => (window as any).received
  .filter((event: any) => event.type === 'session-lost').map((event: any) => event.detail.reason)) as Promise<string[]>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function figure(what: string, sameSession: boolean, ms: number): void {
  const line = `[figure] ${test.info().project.name} ${process.env['JANUS_PREFIX'] ? 'janus-1.4.1' : 'janus-1.1.2'} stock direct ${what}: ${sameSession ? 'same session' : 'new session'}, ready in ${ms} ms`;
  test.info().annotations.push({ type: 'figure', description: line });
  console.log(line);
}

test.use({ janusOptions: { ...STOCK_TIMERS } });

test.describe('stock Janus timers', () => {
  test('ws only, a keeper that dies with its pages: state() says a reload cannot keep the session; the reload ends on one new session, ready',
    async ({ page, janus, site }) => {
      const query = { server: janus.wsUrl, extended: 'false', options: JSON.stringify({ autoRecreate: true }) };
      await openKeeperPage(page, site, query);
      const first = await create(page);
      await attachEcho(page);
      const allows = (await stateOf(page)).serverAllows;
      expect(allows).toMatchObject({ sessionTimeoutS: 60, reclaimTimeoutS: 0, dropKeepsSession: false, reloadKeepsSession: false });
      expect(allows.note).toContain('list Janus\'s HTTP URL too');
      const start = Date.now();
      await page.reload();
      await openKeeperPage(page, site, query);
      const again = await create(page);
      figure('ws-only reload (worker dies with the page)', again.sessionId === first.sessionId, Date.now() - start);
      expect(again.sessionId).not.toBe(first.sessionId);
      expect((await stateOf(page)).state).toBe('ready');
      expect(await lostReasons(page)).toEqual([RECLAIM_ZERO]);
      await expect.poll(() => janus.listSessions()).toEqual([again.sessionId]);
    });

  test('ws only in Chromium with extendedLifetime: the worker outlives the reload, the session stays', async ({ page, janus, site, browserName }) => {
    test.skip(browserName !== 'chromium', 'extendedLifetime is Chromium-only: elsewhere the previous test is what happens');
    const query = { server: janus.wsUrl };
    await openKeeperPage(page, site, query);
    const first = await create(page);
    expect((await stateOf(page)).serverAllows).toMatchObject({ dropKeepsSession: false, reloadKeepsSession: true });
    const start = Date.now();
    await page.reload();
    await openKeeperPage(page, site, query);
    const again = await create(page);
    figure('ws-only reload (extendedLifetime)', again.sessionId === first.sessionId, Date.now() - start);
    expect(again).toEqual({ sessionId: first.sessionId, reclaimed: false });
  });

  test('ws + http listed, a keeper that dies with its pages: the session is held over HTTP and a lone tab\'s reload keeps it',
    async ({ page, janus, site }) => {
      const query = { server: 'unused', extended: 'false', options: JSON.stringify({ server: [janus.wsUrl, janus.httpUrl] }) };
      await openKeeperPage(page, site, query);
      const first = await create(page);
      const { handleId } = await attachEcho(page);
      const state = await stateOf(page);
      expect(state.server).toBe(janus.httpUrl);
      expect(state.transport).toBe('http');
      expect(state.serverAllows).toMatchObject({ sessionTimeoutS: 60, reclaimTimeoutS: 0, dropKeepsSession: true, reloadKeepsSession: true });
      await expect.poll(() => janus.listSessions()).toEqual([first.sessionId]); // the ws session it replaced is gone
      const start = Date.now();
      await page.reload();
      await openKeeperPage(page, site, query);
      const again = await create(page);
      figure('ws+http reload (worker dies with the page)', again.sessionId === first.sessionId, Date.now() - start);
      expect(again).toEqual({ sessionId: first.sessionId, reclaimed: true });
      expect((await stateOf(page)).handles.map((h: any) => h.handleId)).toEqual([handleId]);
      expect(await lostReasons(page)).toEqual([]);
    });

  test('a 5 s drop over ws ends in one new session (no claim), the cause names the setting', async ({ page, janus, site, wsProxy }) => {
    await openKeeperPage(page, site, { server: wsProxy.via(janus.wsUrl), options: JSON.stringify({ autoRecreate: true }) });
    const first = await create(page);
    await attachEcho(page);
    const claims = (await stateOf(page)).stats.claims;
    wsProxy.setMode('refuse');
    wsProxy.reset();
    await sleep(DROP_MS);
    const start = Date.now();
    wsProxy.setMode('pass');
    await expect.poll(async () => {
      const state = await stateOf(page);
      return state.state === 'ready' && state.sessionId !== first.sessionId;
    }, { timeout: 30_000, intervals: [100] }).toBe(true);
    const state = await stateOf(page);
    figure('5 s drop over ws', false, Date.now() - start);
    expect(state.stats.claims).toBe(claims);
    expect(await lostReasons(page)).toEqual([RECLAIM_ZERO]);
    await expect.poll(() => janus.listSessions()).toEqual([state.sessionId]);
  });

  test('a 5 s drop over http keeps the session', async ({ page, janus, site, httpProxy }) => {
    await openKeeperPage(page, site, { server: httpProxy.via(janus.httpUrl) });
    const first = await create(page);
    await attachEcho(page);
    httpProxy.setMode('refuse');
    httpProxy.reset();
    await sleep(DROP_MS);
    const start = Date.now();
    httpProxy.setMode('pass');
    await expect.poll(async () => (await stateOf(page)).state, { timeout: 30_000, intervals: [100] }).toBe('ready');
    figure('5 s drop over http', (await stateOf(page)).sessionId === first.sessionId, Date.now() - start);
    expect((await stateOf(page)).sessionId).toBe(first.sessionId);
    expect(await lostReasons(page)).toEqual([]);
    expect(await janus.listSessions()).toEqual([first.sessionId]);
  });
});
