// Expiring Janus tokens through the keeper, in every engine the suite runs, over ws and http:
// a real Janus with token auth (signed tokens minted by the test's "backend", or stored tokens
// added and removed through its admin API), pages whose token provider fetches from that backend.
import type { BrowserContext, Page } from '@playwright/test';
import { expect, openKeeperPage, test } from './fixtures/test.js';
import { startTokenServer, type TokenServer } from './fixtures/token-server.js';

const ECHO = 'janus.plugin.echotest';
/** Janus checks a signed token's expiry in whole seconds: a 3 s token lives 2-3 s. */
const TOKEN_LIFE_MS = 3_000;
const TOKEN_TIMEOUT_MS = 2_000;

/** Every page of the context gets a provider that fetches from the backend (a function: never in a URL). */
async function useProvider(context: BrowserContext, tokens: TokenServer, extra: Record<string, unknown> = {}): Promise<void> {
  await context.addInitScript(({ url, extra }) => {
    (window as any).keeperOptions = {
      ...extra,
      token: async () => {
        const response = await fetch(url, { credentials: 'include', cache: 'no-store' });
        if (!response.ok) throw new Error(`token service: HTTP ${response.status}`);
        return response.text();
      },
    };
  }, { url: tokens.url, extra: { tokenTimeoutMs: TOKEN_TIMEOUT_MS, ...extra } });
}

const create = (page: Page) => page.evaluate(() => (window as any).keeper.create()) as Promise<{ sessionId: number; reclaimed: boolean }>;
const attachEcho = (page: Page) => page.evaluate((plugin) => (window as any).keeper.attach(plugin), ECHO) as Promise<{ handleId: number }>;
const echo = (page: Page, handleId: number) =>
  page.evaluate(async (id) => (await (window as any).keeper.message(id, { audio: true })).data.result, handleId);
const stateOf = (page: Page) => page.evaluate(() => (window as any).keeper.state()) as Promise<any>;

/** Calls `message` on the handle every `everyMs` for `forMs`: how many answered, and the failures. */
const echoFor = (page: Page, handleId: number, forMs: number, everyMs: number) => page.evaluate(async ({ handleId, forMs, everyMs }) => {
  const failures: string[] = [];
  let answered = 0;
  const end = Date.now() + forMs;
  while (Date.now() < end) {
    try {
      await (window as any).keeper.message(handleId, { audio: true });
      answered++;
    } catch (error) {
      failures.push(`${(error as Error).name}: ${(error as Error).message}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return { answered, failures };
}, { handleId, forMs, everyMs });

for (const kind of ['ws', 'http'] as const) {
  test.describe(`signed tokens over ${kind}`, () => {
    test.use({ janusOptions: { sessionTimeout: 30, reclaimTimeout: 10, tokenAuthSecret: 'keeper-e2e-secret' } });
    const serverOf = (janus: { wsUrl: string; httpUrl: string }) => (kind === 'ws' ? janus.wsUrl : janus.httpUrl);

    test('two tabs keep one session through six expiries of a short-lived token: no request fails', async ({ context, janus, site }) => {
      test.setTimeout(90_000);
      const tokens = await startTokenServer(() => janus.mintToken(TOKEN_LIFE_MS));
      try {
        await useProvider(context, tokens);
        const pages = [await context.newPage(), await context.newPage()];
        for (const page of pages) await openKeeperPage(page, site, { server: serverOf(janus), keepAliveMs: '1000' });
        const { sessionId } = await create(pages[0]!);
        const handles = [await attachEcho(pages[0]!), await attachEcho(pages[1]!)];
        const runs = await Promise.all(pages.map((page, index) => echoFor(page, handles[index]!.handleId, 6 * TOKEN_LIFE_MS, 500)));
        for (const run of runs) {
          expect(run.failures).toEqual([]);
          expect(run.answered).toBeGreaterThan(10);
        }
        expect(await janus.listSessions()).toEqual([sessionId]);
        const state = await stateOf(pages[1]!);
        expect(state.sessionId).toBe(sessionId);
        expect(state.cause ?? '').not.toMatch(/Token/);
        expect(state.stats.tokensRefused).toBe(0); // each token renewed ahead of its expiry: Janus refused none
        // Renewed ahead of expiry (about once a second for a 2-3 s token), never once per request.
        expect(tokens.calls).toBeLessThanOrEqual(6 * TOKEN_LIFE_MS / 1000 + 4);
        console.log(`[tokens ${kind}] ${runs.reduce((sum, run) => sum + run.answered, 0)} echoes in ${6 * TOKEN_LIFE_MS} ms, `
          + `${tokens.calls} tokens fetched`);
      } finally {
        await tokens.close();
      }
    });

    test('a drop and a reload after the token in use expired: the same session, claimed with a fresh token',
      async ({ context, page, janus, site, wsProxy, httpProxy }) => {
        const proxy = kind === 'ws' ? wsProxy : httpProxy;
        const tokens = await startTokenServer(() => janus.mintToken(TOKEN_LIFE_MS));
        try {
          await useProvider(context, tokens);
          // A worker that dies with its page: the reload claims from IndexedDB with a new token.
          const query = { server: proxy.via(serverOf(janus)), extended: 'false' };
          await openKeeperPage(page, site, query);
          const { sessionId } = await create(page);
          const { handleId } = await attachEcho(page);
          // The tokens fetched so far: the one in use will have expired when the claim goes. (A fresh
          // one may come while the keeper reconnects, before the link is back: it counts too.)
          const before = tokens.calls;
          proxy.setMode('refuse');
          proxy.reset();
          await expect.poll(async () => (await stateOf(page)).state, { timeout: 45_000 }).toBe('reconnecting');
          await page.waitForTimeout(TOKEN_LIFE_MS + 1_000); // the token in use has expired
          proxy.setMode('pass');
          await page.evaluate(() => (window as any).keeper.online());
          await expect.poll(async () => (await stateOf(page)).state, { timeout: 20_000 }).toBe('ready');
          expect((await stateOf(page)).sessionId).toBe(sessionId);
          expect(tokens.calls).toBeGreaterThan(before);
          expect(await echo(page, handleId)).toBe('ok');

          await page.waitForTimeout(TOKEN_LIFE_MS + 1_000);
          await page.reload();
          await openKeeperPage(page, site, query);
          expect(await create(page)).toEqual({ sessionId, reclaimed: true });
          expect(await echo(page, handleId)).toBe('ok');
          expect(await janus.listSessions()).toEqual([sessionId]);
        } finally {
          await tokens.close();
        }
      });

    test('a provider that turns bad: the tab is told, the provider is not looped on; setToken resumes', async ({ context, page, janus, site }) => {
      const tokens = await startTokenServer(() => janus.mintToken(TOKEN_LIFE_MS));
      try {
        await useProvider(context, tokens);
        await openKeeperPage(page, site, { server: serverOf(janus), keepAliveMs: '1000' });
        const { sessionId } = await create(page);
        tokens.setMode('error');
        const turnedBad = Date.now();
        await page.waitForFunction(() => (window as any).received.some((event: any) => event.type === 'state'
          && /TokenProviderError/.test(event.detail.cause ?? '')), undefined, { timeout: 20_000 });
        const toldAfterMs = Date.now() - turnedBad;
        // Bound from the config: the renewal comes before the token expires; one provider deadline.
        expect(toldAfterMs).toBeLessThanOrEqual(TOKEN_LIFE_MS + TOKEN_TIMEOUT_MS + 2_000);
        const callsWhenTold = tokens.calls;
        await page.waitForTimeout(8_000);
        const callsWhileBad = tokens.calls - callsWhenTold;
        // Backoff 1, 2, 4 s...: a handful of calls in 8 s, never one per request or keepalive.
        expect(callsWhileBad).toBeLessThanOrEqual(4);
        tokens.setMode('good');
        const fresh = janus.mintToken(60_000);
        await page.evaluate((token) => (window as any).keeper.setToken(token), fresh);
        await expect.poll(async () => (await stateOf(page)).cause ?? '', { timeout: 10_000 }).not.toMatch(/Token/);
        const state = await stateOf(page);
        expect(state.sessionId).toBe(sessionId);
        expect(state.state).toBe('ready');
        console.log(`[tokens ${kind}] a bad provider told after ${toldAfterMs} ms; ${callsWhileBad} provider calls in the next 8 s`);
      } finally {
        await tokens.close();
      }
    });
  });

  test.describe(`stored tokens over ${kind}`, () => {
    test.use({ janusOptions: { sessionTimeout: 30, reclaimTimeout: 10, tokenAuth: true } });

    test('the token in use removed through the admin API: the next request\'s 403 brings a fresh token, nothing lost',
      async ({ context, page, janus, site }) => {
        let current = `stored-a-${kind}`;
        await janus.addToken(current);
        const tokens = await startTokenServer(() => current);
        try {
          await useProvider(context, tokens);
          await openKeeperPage(page, site, { server: kind === 'ws' ? janus.wsUrl : janus.httpUrl });
          const { sessionId } = await create(page);
          const { handleId } = await attachEcho(page);
          const next = `stored-b-${kind}`;
          await janus.addToken(next);
          current = next;
          await janus.removeToken(`stored-a-${kind}`);
          expect(await echo(page, handleId)).toBe('ok');
          expect(await echo(page, handleId)).toBe('ok');
          expect((await stateOf(page)).sessionId).toBe(sessionId);
          expect(tokens.calls).toBeLessThanOrEqual(3);
        } finally {
          await tokens.close();
        }
      });
  });
}

test.describe('the leader-tab mode (no SharedWorker)', () => {
  test.use({ janusOptions: { sessionTimeout: 30, reclaimTimeout: 10, tokenAuthSecret: 'keeper-e2e-secret' } });

  test('a leader and a follower tab keep one session through expiries: the keeper asks a page over the relay',
    async ({ context, janus, site }) => {
      const tokens = await startTokenServer(() => janus.mintToken(TOKEN_LIFE_MS));
      try {
        await useProvider(context, tokens, { mode: 'leader' });
        const pages = [await context.newPage(), await context.newPage()];
        for (const page of pages) await openKeeperPage(page, site, { server: janus.wsUrl, keepAliveMs: '1000' });
        expect((await stateOf(pages[1]!)).mode).toBe('follower');
        const { sessionId } = await create(pages[1]!);
        const handles = [await attachEcho(pages[0]!), await attachEcho(pages[1]!)];
        const runs = await Promise.all(pages.map((page, index) => echoFor(page, handles[index]!.handleId, 3 * TOKEN_LIFE_MS, 500)));
        for (const run of runs) expect(run.failures).toEqual([]);
        const state = await stateOf(pages[1]!);
        expect(state.sessionId).toBe(sessionId);
        expect(state.stats.tokensRefused).toBe(0);
        expect(await janus.listSessions()).toEqual([sessionId]);
      } finally {
        await tokens.close();
      }
    });
});

for (const mode of ['shared-worker', 'leader'] as const) {
test.describe(`scopes (${mode})`, () => {
  test('a reload keeps the scope\'s session: claimed from its own record', async ({ page, janus, site }) => {
    const query = { server: janus.wsUrl, extended: 'false', options: JSON.stringify({ scope: 'alice', mode }) };
    await openKeeperPage(page, site, query);
    const first = await create(page);
    await page.reload();
    await openKeeperPage(page, site, query);
    expect(await create(page)).toEqual({ sessionId: first.sessionId, reclaimed: true });
    expect(await janus.listSessions()).toEqual([first.sessionId]);
  });

  test('two scopes in one browser: two sessions, and neither ever holds the other\'s', async ({ context, janus, site }) => {
    const alice = await context.newPage();
    const bob = await context.newPage();
    await openKeeperPage(alice, site, { server: janus.wsUrl, options: JSON.stringify({ scope: 'alice', mode }) });
    await openKeeperPage(bob, site, { server: janus.wsUrl, options: JSON.stringify({ scope: 'bob', mode }) });
    const a = await create(alice);
    const b = await create(bob);
    expect(a.sessionId).not.toBe(b.sessionId);
    expect((await janus.listSessions()).sort()).toEqual([a.sessionId, b.sessionId].sort());
    const { handleId } = await attachEcho(alice);
    // Bob's page cannot take or detach Alice's handle: his keeper does not know it.
    await expect(bob.evaluate((id) => (window as any).keeper.attach('janus.plugin.echotest', { handleId: id, take: true }), handleId))
      .rejects.toThrow();
    expect((await stateOf(bob)).handles).toEqual([]);

    // Sign-out: destroy, the record cleared; the next user signs in with another scope.
    await alice.evaluate(() => (window as any).keeper.destroy());
    await alice.evaluate(() => (window as any).keeper.close());
    await openKeeperPage(alice, site, { server: janus.wsUrl, options: JSON.stringify({ scope: 'carol', mode }) });
    const c = await create(alice);
    expect(c.reclaimed).toBe(false);
    expect([a.sessionId, b.sessionId]).not.toContain(c.sessionId);
    expect((await janus.listSessions()).sort()).toEqual([b.sessionId, c.sessionId].sort());
  });
});
}
