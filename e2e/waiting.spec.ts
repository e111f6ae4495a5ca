// Two keepers on one record (soak defect 4): a `?mode=leader` tab's keeper holds the session,
// SharedWorker tabs of the same origin and server come and go next to it: served through it when it
// can (same version), else told why they wait, for as long as they do.
import type { Page } from '@playwright/test';
import { buildNextVersion, type NextVersionBuild } from './fixtures/next-version.js';
import { serveStatic, type StaticServer } from './fixtures/static-server.js';
import { expect, openKeeperPage, test } from './fixtures/test.js';

const ECHO = 'janus.plugin.echotest';
const WAITING = /^waiting for the keeper that holds this session/;
const TAB_GRACE_MS = 3_000; // the keeper's default (src/worker/keeper.ts)
/** The keeper worker that closes itself on request (e2e/pages/closable-keeper-worker.js): a kill any engine can make. */
const CLOSABLE = { workerUrl: '/e2e/pages/closable-keeper-worker.js' };

const create = (page: Page) => page.evaluate(() => (window as any).keeper.create()) as Promise<{ sessionId: number; reclaimed: boolean }>;
const attachEcho = (page: Page) =>
  page.evaluate((plugin) => (window as any).keeper.attach(plugin), ECHO) as Promise<{ handleId: number }>;
const echo = (page: Page, handleId: number) =>
  page.evaluate(async (id) => (await (window as any).keeper.message(id, { audio: true })).data.result, handleId);
/** What the page last heard, without a call. */
const lastState = (page: Page) => page.evaluate(() => (window as any).keeper.currentState) as Promise<any>;
/** Every state the page got since it connected (`received` of the test page), oldest first. */
const statesOf = (page: Page) =>
  page.evaluate(() => (window as any).received.filter((r: any) => r.type === 'state').map((r: any) => r.detail)) as Promise<any[]>;

/** A leader-mode tab that holds the session with one handle. */
async function leaderHolding(page: Page, site: StaticServer, server: string, query: Record<string, string> = {}) {
  await openKeeperPage(page, site, { server, options: JSON.stringify({ mode: 'leader' }), ...query });
  expect(await page.evaluate(() => (window as any).keeper.mode)).toBe('leader');
  const { sessionId } = await create(page);
  const { handleId } = await attachEcho(page);
  return { sessionId, handleId };
}

test.describe('an owner that does not serve the waiting keeper', () => {
  // A keeper serves only pages of its own version: a newer version's leader tab holds the session,
  // and it neither serves the current version's tabs nor hands the session over to an older one.
  let next: NextVersionBuild | undefined;
  test.beforeAll(async () => {
    next = await buildNextVersion();
  });
  test.afterAll(async () => {
    await next?.remove();
  });

  test('its SharedWorker tabs say why they wait, in every state, after pages come and go and on reload', async ({ context, janus }) => {
    const site = await serveStatic({ '/dist/': 'dist', '/e2e/pages/': 'e2e/pages', '/next/': next!.folder });
    try {
      const leader = await context.newPage();
      const { sessionId, handleId } = await leaderHolding(leader, site, janus.wsUrl,
        { lib: '/next/janus-keeper.js', workerUrl: '/next/keeper-worker.js' });
      const query = { server: janus.wsUrl, options: JSON.stringify({ callTimeoutMs: 1_500 }) };

      const shared = await context.newPage();
      await openKeeperPage(shared, site, query);
      expect(await shared.evaluate(() => (window as any).keeper.create().then(() => 'created', (e: any) => e.name))).toBe('TimeoutError');
      await expect.poll(async () => (await lastState(shared)).cause ?? '').toMatch(WAITING);

      const other = await context.newPage(); // a page coming: both get a new state, and it still says why
      await openKeeperPage(other, site, query);
      await expect.poll(async () => (await lastState(other)).cause ?? '').toMatch(WAITING);
      await expect.poll(async () => (await statesOf(shared)).at(-1)?.tabs).toBe(2);
      expect((await lastState(shared)).cause).toMatch(WAITING);

      await other.close(); // a page going
      await expect.poll(async () => (await statesOf(shared)).at(-1)?.tabs).toBe(1);
      expect((await lastState(shared)).cause).toMatch(WAITING);

      await shared.reload(); // its reload: the new page's first state says it too
      await shared.waitForFunction(() => document.body.dataset.ready === 'true');
      expect((await lastState(shared)).cause).toMatch(WAITING);
      await expect.poll(async () => (await statesOf(shared)).length).toBeGreaterThan(0);
      const reloaded = await statesOf(shared);
      expect(reloaded.every((state) => WAITING.test(state.cause ?? '')), JSON.stringify(reloaded.map(({ state, tabs, cause }) => ({ state, tabs, cause })))).toBe(true);

      expect(await echo(leader, handleId)).toBe('ok'); // the owner is untouched
      expect(await janus.listSessions()).toEqual([sessionId]);
    } finally {
      await site.close();
    }
  });

  test('a tab that reloads on the keeper it waits with keeps its handle on the owner that adopted it (past the grace)', async ({ context, janus }) => {
    const site = await serveStatic({ '/dist/': 'dist', '/e2e/pages/': 'e2e/pages', '/next/': next!.folder });
    try {
      const old = await context.newPage();
      await openKeeperPage(old, site, { server: janus.wsUrl });
      const { sessionId } = await create(old);
      const { handleId } = await attachEcho(old);
      // A newer version takes the session over and adopts the old tab's handle from the record (a tab it never saw).
      const newer = await context.newPage();
      await openKeeperPage(newer, site, { server: janus.wsUrl, lib: '/next/janus-keeper.js', workerUrl: '/next/keeper-worker.js' });
      expect(await create(newer)).toEqual({ sessionId, reclaimed: true });

      await old.reload(); // still the old version: its new page is alive on the old keeper, which waits
      await old.waitForFunction(() => document.body.dataset.ready === 'true');
      // Past the grace period (its config, not a guess): a handle the owner took for abandoned would be gone now.
      await old.evaluate((ms) => new Promise((resolve) => setTimeout(resolve, ms)), TAB_GRACE_MS + 1_000);
      expect(await janus.listHandles(sessionId)).toEqual([handleId]);

      await old.goto(`${site.url}/e2e/pages/keeper.html?${new URLSearchParams({ server: janus.wsUrl,
        lib: '/next/janus-keeper.js', workerUrl: '/next/keeper-worker.js' })}`); // reloaded on the new version
      await old.waitForFunction(() => document.body.dataset.ready === 'true');
      expect((await old.evaluate(() => (window as any).keeper.state())).handles.map((h: any) => h.handleId)).toEqual([handleId]);
      expect(await echo(old, handleId)).toBe('ok');
    } finally {
      await site.close();
    }
  });
});

test("a leader-mode tab holds the session: the SharedWorker tabs are served through it, ready on its session, and take the session over when it closes", async ({ context, janus, site }) => {
  const leader = await context.newPage();
  const { sessionId, handleId: leaderHandle } = await leaderHolding(leader, site, janus.wsUrl);

  const shared = await context.newPage();
  await openKeeperPage(shared, site, { server: janus.wsUrl });
  expect(await create(shared)).toEqual({ sessionId, reclaimed: false }); // answered by the owner
  await expect.poll(async () => (await lastState(shared)).state).toBe('ready');
  expect((await lastState(shared)).sessionId).toBe(sessionId);
  const { handleId } = await attachEcho(shared);
  expect(await echo(shared, handleId)).toBe('ok');
  expect((await janus.listHandles(sessionId)).sort()).toEqual([leaderHandle, handleId].sort());

  await shared.reload(); // its reload: served again, its handle still its own
  await shared.waitForFunction(() => document.body.dataset.ready === 'true');
  await expect.poll(async () => (await lastState(shared)).state).toBe('ready');
  expect((await shared.evaluate(() => (window as any).keeper.state())).handles.map((h: any) => h.handleId)).toEqual([handleId]);
  expect(await echo(shared, handleId)).toBe('ok');
  expect(await janus.listSessions()).toEqual([sessionId]);

  const before = (await statesOf(shared)).length;
  await leader.close(); // the owner goes: the SharedWorker's keeper claims the same session with the tab's handle
  await expect.poll(async () => {
    const state = await lastState(shared);
    return state.state === 'ready' && state.stats.claims === 1 ? state.sessionId : undefined;
  }, { timeout: 15_000 }).toBe(sessionId);
  const takeover = (await statesOf(shared)).slice(before).map((state) => state.state);
  expect(takeover.every((state) => state === 'connecting' || state === 'ready'), takeover.join()).toBe(true);
  expect(await shared.evaluate(() => (window as any).received.some((r: any) => r.type === 'missed-events'))).toBe(true);
  expect(await echo(shared, handleId)).toBe('ok');
  expect(await janus.listSessions()).toEqual([sessionId]);
  await expect.poll(() => janus.listHandles(sessionId), { timeout: 10_000 }).toEqual([handleId]); // the leader's went with it
});

test('the SharedWorker dies while a leader-mode tab waits: the leader takes the session, the SharedWorker tab comes back served by it, its handle kept', async ({ context, janus, site }) => {
  const shared = await context.newPage();
  await openKeeperPage(shared, site, { server: janus.wsUrl, ...CLOSABLE });
  const { sessionId } = await create(shared);
  const { handleId } = await attachEcho(shared);
  const leader = await context.newPage();
  await openKeeperPage(leader, site, { server: janus.wsUrl, options: JSON.stringify({ mode: 'leader' }) });
  const led = await attachEcho(leader); // served by the SharedWorker's keeper
  expect(await echo(leader, led.handleId)).toBe('ok');

  // The SharedWorker dies (as a browser that closes or crashes it): it closes itself, in any engine.
  await shared.evaluate(() => new BroadcastChannel('janus-keeper-test:close-worker').postMessage('close'));

  // The leader's keeper claims the session; the tab's new SharedWorker waits behind it and is served by it.
  const readyOn = (page: Page) => expect.poll(async () => {
    const state = await lastState(page);
    return state.state === 'ready' ? state.sessionId : undefined;
  }, { timeout: 15_000 }).toBe(sessionId);
  await readyOn(leader);
  await readyOn(shared);
  expect((await leader.evaluate(() => (window as any).keeper.state())).stats.claims).toBe(1);
  expect((await shared.evaluate(() => (window as any).keeper.state())).handles.map((h: any) => h.handleId)).toEqual([handleId]);
  expect(await echo(shared, handleId)).toBe('ok');
  expect(await echo(leader, led.handleId)).toBe('ok');

  await shared.reload(); // reloaded while served: the leader keeps the tab's handle past the grace
  await shared.waitForFunction(() => document.body.dataset.ready === 'true');
  // Past the grace period (its config, not a guess): a handle the leader's keeper took for abandoned would be gone now.
  await shared.evaluate((ms) => new Promise((resolve) => setTimeout(resolve, ms)), TAB_GRACE_MS + 1_000);
  expect(await echo(shared, handleId)).toBe('ok');
  expect(await janus.listSessions()).toEqual([sessionId]);
  expect((await janus.listHandles(sessionId)).sort()).toEqual([handleId, led.handleId].sort());
});

test("the leader tab closes while a served tab's call goes through it: the call rejects (outcome unknown), a safe one is answered here, the tab is ready on the same session", async ({ context, janus, site, wsProxy }) => {
  const server = wsProxy.via(janus.wsUrl);
  const leader = await context.newPage();
  const { sessionId } = await leaderHolding(leader, site, server);
  const shared = await context.newPage();
  await openKeeperPage(shared, site, { server, options: JSON.stringify({ callTimeoutMs: 8_000 }) });
  const { handleId } = await attachEcho(shared);

  // The owner's relay channel, watched from the leader's page: the test sees the call reach the owner.
  await leader.evaluate(async () => {
    const w = window as any;
    w.relayedCalls = [];
    const held = ((await navigator.locks.query()).held ?? []).map((lock) => lock.name ?? '');
    for (const name of held.filter((n) => n.startsWith('janus-keeper:session:'))) {
      new BroadcastChannel(`${name}/relay`).onmessage = (event) => {
        if (event.data?.kind === 'call') w.relayedCalls.push(event.data?.method);
      };
    }
  });
  wsProxy.setMode('blackhole'); // the message stays in flight at the owner
  await shared.evaluate((id) => {
    const w = window as any;
    w.outcome = w.keeper.message(id, { audio: true }).then(() => 'answered',
      (e: any) => `${e instanceof w.lib.LeaderGoneError && e instanceof w.lib.TransportError ? 'LeaderGoneError' : e.name}: ${e.message}`);
  }, handleId);
  await expect.poll(() => leader.evaluate(() => (window as any).relayedCalls)).toContain('message'); // at the owner
  await leader.close();
  // The call settles once this keeper gets the record lock, i.e. once the owner's Worker is gone; the
  // link stays blackholed until then, so a Worker still closing cannot get Janus's answer and relay it.
  const outcome = await shared.evaluate(() => (window as any).outcome);
  wsProxy.setMode('pass');
  const during = shared.evaluate(() => (window as any).keeper.state().then((s: any) => s.sessionId));
  expect(outcome).toMatch(/^LeaderGoneError: message: the keeper that held the session went away during the call; its outcome is unknown/);
  await expect.poll(async () => {
    const state = await lastState(shared);
    return state.state === 'ready' ? state.sessionId : undefined;
  }, { timeout: 15_000 }).toBe(sessionId);
  expect([sessionId, undefined]).toContain(await during); // answered by this keeper (claiming or ready)
  expect(await echo(shared, handleId)).toBe('ok');
  expect(await janus.listSessions()).toEqual([sessionId]);
});
