import type { Page } from '@playwright/test';
import { JanusSession } from '../src/janus/index.js';
import WebSocket from 'ws';
import type { FaultProxy } from './fixtures/fault-proxy.js';
import type { RunningJanus } from './fixtures/janus-launcher.js';
import { expect, openKeeperPage, test } from './fixtures/test.js';

const ECHO = 'janus.plugin.echotest';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const create = (page: Page) => page.evaluate(() => (window as any).keeper.create()) as Promise<{ sessionId: number }>;
const attach = (page: Page, plugin = ECHO) =>
  page.evaluate((p) => (window as any).keeper.attach(p), plugin) as Promise<{ handleId: number }>;
const echo = (page: Page, handleId: number) =>
  page.evaluate(async (id) => (await (window as any).keeper.message(id, { audio: true })).data.result, handleId);
const keeperState = (page: Page) => page.evaluate(() => (window as any).keeper.currentState.state) as Promise<string>;
const received = (page: Page, type: string) =>
  page.evaluate((t) => (window as any).received.filter((r: any) => r.type === t).map((r: any) => r.detail), type) as Promise<any[]>;

/** The states the page saw, with repeats folded. */
async function stateHistory(page: Page): Promise<string[]> {
  const states = (await received(page, 'state')).map((s) => s.state as string);
  return states.filter((state, i) => state !== states[i - 1]);
}

function isSubsequence(needle: string[], haystack: string[]): boolean {
  let i = 0;
  for (const item of haystack) if (item === needle[i]) i++;
  return i === needle.length;
}

/** Cuts the path to Janus: open links reset, new ones refused. */
function cut(proxy: FaultProxy): void {
  proxy.setMode('refuse');
  proxy.reset();
}

for (const kind of ['ws', 'http'] as const) {
  test.describe(`over ${kind}`, () => {
    const proxyFor = (fixtures: { wsProxy: FaultProxy; httpProxy: FaultProxy }) =>
      kind === 'ws' ? fixtures.wsProxy : fixtures.httpProxy;
    const serverVia = (janus: RunningJanus, proxy: FaultProxy) =>
      proxy.via(kind === 'ws' ? janus.wsUrl : janus.httpUrl);

    async function connectedPage(page: Page, site: { url: string }, server: string, options: object = {}) {
      await openKeeperPage(page, site as any, { server, options: JSON.stringify(options) });
      const { sessionId } = await create(page);
      const { handleId } = await attach(page);
      return { sessionId, handleId };
    }

    test('a 3 s reset ends in a claim of the same session; the old handle answers', async ({ page, janus, site, wsProxy, httpProxy }) => {
      const proxy = proxyFor({ wsProxy, httpProxy });
      const { sessionId, handleId } = await connectedPage(page, site, serverVia(janus, proxy));
      cut(proxy);
      await expect.poll(() => keeperState(page)).toBe('reconnecting');
      await sleep(3_000);
      proxy.setMode('pass');
      await expect.poll(() => keeperState(page), { timeout: 10_000 }).toBe('ready');
      expect((await page.evaluate(() => (window as any).keeper.state())).sessionId).toBe(sessionId);
      expect(await echo(page, handleId)).toBe('ok');
      expect(isSubsequence(['ready', 'reconnecting', 'ready'], await stateHistory(page))).toBe(true);
      expect(await janus.listSessions()).toEqual([sessionId]);
    });

    test('refused for 5 s: retries follow the backoff, then it recovers', async ({ page, janus, site, wsProxy, httpProxy }) => {
      const proxy = proxyFor({ wsProxy, httpProxy });
      const { sessionId, handleId } = await connectedPage(page, site, serverVia(janus, proxy));
      cut(proxy);
      await sleep(5_000);
      const refused = proxy.counters.refused;
      proxy.setMode('pass');
      await expect.poll(() => keeperState(page), { timeout: 10_000 }).toBe('ready');
      expect(await echo(page, handleId)).toBe('ok');
      expect((await page.evaluate(() => (window as any).keeper.state())).sessionId).toBe(sessionId);
      // The schedule itself is proven on a fake clock (test/schedule.test.ts); here, bounds from the
      // config: it kept trying, and never past the per-minute attempt limit (60 by default).
      test.info().annotations.push({ type: 'refused-connections-in-5s', description: String(refused) });
      expect(refused).toBeGreaterThanOrEqual(1);
      expect(refused).toBeLessThanOrEqual(60);
    });

    test('a blackholed link is found dead by the keepalive deadline, then recovers', async ({ page, janus, site, wsProxy, httpProxy }) => {
      const proxy = proxyFor({ wsProxy, httpProxy });
      const { sessionId, handleId } = await connectedPage(page, site, serverVia(janus, proxy),
        { keepAliveMs: 1_000, keepAliveTimeoutMs: 1_500 });
      proxy.setMode('blackhole');
      const start = Date.now();
      // Bound: keepalive period + deadline = 2.5 s; generous slack for a loaded machine.
      await expect.poll(() => keeperState(page), { timeout: 10_000, intervals: [100] }).not.toBe('ready');
      test.info().annotations.push({ type: 'blackhole-detected-ms', description: String(Date.now() - start) });
      proxy.setMode('pass');
      await expect.poll(() => keeperState(page), { timeout: 15_000 }).toBe('ready');
      expect((await page.evaluate(() => (window as any).keeper.state())).sessionId).toBe(sessionId);
      expect(await echo(page, handleId)).toBe('ok');
    });

    test('the browser coming back online retries at once', async ({ page, context, janus, site, wsProxy, httpProxy }) => {
      const proxy = proxyFor({ wsProxy, httpProxy });
      // A backoff of a minute: only the `online` event can bring it back within the test.
      const { sessionId, handleId } = await connectedPage(page, site, serverVia(janus, proxy),
        { backoff: { baseMs: 60_000, capMs: 60_000, floorMs: 60_000 } });
      await context.setOffline(true);
      cut(proxy);
      await expect.poll(() => keeperState(page)).toBe('reconnecting');
      proxy.setMode('pass');
      await sleep(500);
      expect(await keeperState(page)).toBe('reconnecting');
      const onlineAt = Date.now();
      await context.setOffline(false);
      await expect.poll(() => keeperState(page), { timeout: 10_000 }).toBe('ready');
      test.info().annotations.push({ type: 'online-to-ready-ms', description: String(Date.now() - onlineAt) });
      const causes = (await received(page, 'state')).map((s) => s.cause);
      expect(causes).toContain('network back online');
      expect((await page.evaluate(() => (window as any).keeper.state())).sessionId).toBe(sessionId);
      expect(await echo(page, handleId)).toBe('ok');
    });

    test('20 requests issued during an outage all settle', async ({ page, janus, site, wsProxy, httpProxy }) => {
      const proxy = proxyFor({ wsProxy, httpProxy });
      const { handleId } = await connectedPage(page, site, serverVia(janus, proxy));
      cut(proxy);
      await expect.poll(() => keeperState(page)).toBe('reconnecting');
      const outcome = page.evaluate(async (id) => {
        const { keeper, lib } = window as any;
        const calls = Array.from({ length: 20 }, () => keeper.message(id, { audio: true }).then(
          (r: any) => `ok:${r.data.result}`,
          (e: any) => (e instanceof lib.TimeoutError || e instanceof lib.TransportError ? `typed:${e.name}` : `untyped:${e}`)));
        return Promise.all(calls);
      }, handleId);
      await sleep(2_000);
      proxy.setMode('pass');
      const results = await outcome;
      expect(results).toHaveLength(20);
      expect(results.filter((r) => !r.startsWith('ok:') && !r.startsWith('typed:'))).toEqual([]);
      test.info().annotations.push({ type: 'outcomes', description: JSON.stringify(results.reduce((a: any, r) => ({ ...a, [r]: (a[r] ?? 0) + 1 }), {})) });
    });

    test('after a claim the handle owner hears of missed events', async ({ page, janus, site, wsProxy, httpProxy }) => {
      const proxy = proxyFor({ wsProxy, httpProxy });
      await openKeeperPage(page, site, { server: serverVia(janus, proxy) });
      const { sessionId } = await create(page);
      const { handleId } = await attach(page, 'janus.plugin.textroom');
      cut(proxy);
      await expect.poll(() => keeperState(page)).toBe('reconnecting');
      // Another client talks in the room while this one has no link.
      const other = await JanusSession.create({ server: janus.wsUrl, WebSocket: WebSocket as any });
      const room = await other.attach('janus.plugin.textroom');
      const announced = await room.message({ request: 'announcement', room: 1234, text: 'said during the outage' });
      expect(announced.data['textroom']).toBe('success');
      await other.destroy();
      proxy.setMode('pass');
      await expect.poll(() => received(page, 'missed-events'), { timeout: 10_000 }).toEqual([{ handleIds: [handleId], sessionId }]);
    });
  });

  test.describe(`over ${kind} with short Janus timers`, () => {
    test.use({ janusOptions: { sessionTimeout: 6, reclaimTimeout: 3 } });
    const proxyFor = (fixtures: { wsProxy: FaultProxy; httpProxy: FaultProxy }) =>
      kind === 'ws' ? fixtures.wsProxy : fixtures.httpProxy;
    const serverVia = (janus: RunningJanus, proxy: FaultProxy) =>
      proxy.via(kind === 'ws' ? janus.wsUrl : janus.httpUrl);

    async function withRestoreHook(page: Page, site: { url: string }, server: string) {
      await openKeeperPage(page, site as any, { server, options: JSON.stringify({ autoRecreate: true }) });
      await page.evaluate(() => {
        const { keeper } = window as any;
        (window as any).restored = [];
        keeper.onRestore(async (handle: any) => {
          const fresh = await keeper.attach(handle.plugin);
          const answer = await keeper.message(fresh.handleId, { audio: true });
          (window as any).restored.push({ old: handle.handleId, fresh: fresh.handleId, result: answer.data.result });
        });
      });
      const { sessionId } = await create(page);
      const { handleId } = await attach(page);
      return { sessionId, handleId };
    }

    test('an outage longer than the reclaim window: session-lost, then a new session restores the handle', async ({ page, janus, site, wsProxy, httpProxy }) => {
      const proxy = proxyFor({ wsProxy, httpProxy });
      const { sessionId, handleId } = await withRestoreHook(page, site, serverVia(janus, proxy));
      cut(proxy);
      await expect.poll(() => janus.listSessions(), { timeout: 20_000 }).toEqual([]);
      // Over ws a refused connection surely never reached Janus: the keeper knows the session is gone
      // once session_timeout (6 s) + a keepalive period (2 s) and its deadline (5 s) + Janus's 2 s check
      // have passed since its last answer, with the network still down. Over HTTP a failed claim may
      // have reached Janus (fetch cannot tell a refused connection from a reset after sending): the
      // keeper only learns it from the 458 once the network is back, and never creates a second session meanwhile.
      if (kind === 'http') proxy.setMode('pass');
      await expect.poll(async () => (await received(page, 'session-lost')).length, { timeout: 15_000 }).toBe(1);
      proxy.setMode('pass');
      await expect.poll(() => page.evaluate(() => (window as any).restored), { timeout: 15_000 })
        .toEqual([expect.objectContaining({ old: handleId, result: 'ok' })]);
      const now = (await page.evaluate(() => (window as any).keeper.state())).sessionId;
      expect(now).not.toBe(sessionId);
      expect(await janus.listSessions()).toEqual([now]);
    });

    test('Janus restarted on the same ports: session-lost, then recovery with autoRecreate', async ({ page, janus, site, wsProxy, httpProxy }) => {
      const proxy = proxyFor({ wsProxy, httpProxy });
      const { sessionId, handleId } = await withRestoreHook(page, site, serverVia(janus, proxy));
      await janus.restart();
      await expect.poll(async () => (await received(page, 'session-lost')).length, { timeout: 20_000 }).toBe(1);
      await expect.poll(() => page.evaluate(() => (window as any).restored), { timeout: 15_000 })
        .toEqual([expect.objectContaining({ old: handleId, result: 'ok' })]);
      const now = (await page.evaluate(() => (window as any).keeper.state())).sessionId;
      expect(now).not.toBe(sessionId);
      expect(await janus.listSessions()).toEqual([now]);
    });
  });
}
