import type { Page } from '@playwright/test';
import { expect, openKeeperPage, test } from './fixtures/test.js';

const ECHO = 'janus.plugin.echotest';
const TOKEN = 'tok-4e1f0c9a77';
const API_SECRET = 'apisecret-9d2b6e11';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const keeperState = (page: Page) => page.evaluate(() => (window as any).keeper.currentState.state) as Promise<string>;

/** The raw IndexedDB record of a server, as the worker stored it. */
const storedRecord = (page: Page, server: string) => page.evaluate((key) => new Promise((resolve, reject) => {
  const open = indexedDB.open('janus-keeper');
  open.onsuccess = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains('sessions')) return resolve(undefined);
    const get = db.transaction('sessions').objectStore('sessions').get(key);
    get.onsuccess = () => {
      db.close();
      resolve(get.result);
    };
    get.onerror = () => reject(get.error);
  };
  open.onerror = () => reject(open.error);
}), server);

test('bad arguments through Comlink: typed errors before any I/O, the stored record unchanged', async ({ page, janus, site }) => {
  await openKeeperPage(page, site, { server: janus.wsUrl });
  await page.evaluate(() => (window as any).keeper.create());
  const { handleId } = await page.evaluate((p) => (window as any).keeper.attach(p), ECHO);
  const record = await storedRecord(page, janus.wsUrl) as any;
  const connections = (await page.evaluate(() => (window as any).keeper.state())).stats.connections;

  const outcomes = await page.evaluate(async ({ handleId, server }) => {
    const { keeper, lib } = window as any;
    const ids = [0, -1, 1.5, NaN, Infinity, 2 ** 53 + 2, '12', {}, [], null, true];
    const calls: Array<[string, () => Promise<unknown>]> = [];
    for (const id of ids) {
      calls.push([`create(${String(id)})`, () => keeper.create(id)]);
      calls.push([`attach handleId ${String(id)}`, () => keeper.attach('janus.plugin.echotest', { handleId: id })]);
      calls.push([`message to ${String(id)}`, () => keeper.message(id, {})]);
      calls.push([`detach ${String(id)}`, () => keeper.detach(id)]);
    }
    for (const plugin of ['', 42, null, {}]) calls.push([`attach ${String(plugin)}`, () => keeper.attach(plugin)]);
    for (const body of [null, 'x', 42, []]) calls.push([`message body ${String(body)}`, () => keeper.message(handleId, body)]);
    for (const jsep of ['sdp', { type: 'bogus' }, { type: 'offer', sdp: 5 }]) {
      calls.push([`jsep ${JSON.stringify(jsep)}`, () => keeper.message(handleId, {}, jsep)]);
    }
    for (const candidate of [42, ['x']]) calls.push([`trickle ${String(candidate)}`, () => keeper.trickle(handleId, candidate)]);
    const badConnects = [{ server: 'ftp://x' }, { server: 'not a url' }, { server: '' }, { server, transport: 'pigeon' },
      { server, keepAliveMs: -1 }, { server, backoff: { capMs: 'x' } }, { server: 42 }, { server, workerUrl: '' },
      { server: [] }, { server: [server, 42] }, { server: [server, 'not a url'] }, { server: [server, server] }];
    for (const options of badConnects) {
      calls.push([`connect ${JSON.stringify(options)}`, () => lib.connect({ workerUrl: '/dist/browser/keeper-worker.js', ...options })]);
    }
    const results: Array<{ call: string; name: string; typed: boolean; message: string }> = [];
    for (const [call, run] of calls) {
      try {
        await run();
        results.push({ call, name: 'no error', typed: false, message: '' });
      } catch (error: any) {
        results.push({ call, name: error.name, typed: error instanceof lib.JanusKeeperError, message: error.message });
      }
    }
    return results;
  }, { handleId, server: janus.wsUrl });

  test.info().annotations.push({ type: 'bad-inputs-tried', description: String(outcomes.length) });
  expect(outcomes.length).toBeGreaterThan(60);
  expect(outcomes.filter((o) => !o.typed || !['InvalidArgumentError', 'SessionReclaimException'].includes(o.name))).toEqual([]);
  expect(outcomes.filter((o) => o.name === 'SessionReclaimException').map((o) => o.call)).toEqual(
    expect.arrayContaining(['create(0)', 'create(NaN)', 'create(12)', 'create(null)']));
  const after = await storedRecord(page, janus.wsUrl) as any;
  expect({ ...after, savedAt: 0 }).toEqual({ ...record, savedAt: 0 });
  expect((await page.evaluate(() => (window as any).keeper.state())).stats.connections).toBe(connections);
  expect(await page.evaluate(async (id) => (await (window as any).keeper.message(id, { audio: true })).data.result, handleId)).toBe('ok');
});

test.describe('credentials', () => {
  test.use({ janusOptions: { sessionTimeout: 30, reclaimTimeout: 10, apiSecret: API_SECRET, tokenAuth: true } });

  test('session ids, handle ids, tokens and secrets never reach consoles, storage, cookies, URLs, request headers and bodies or error messages', async ({ page, janus, wsProxy, site }) => {
    await janus.addToken(TOKEN);
    const consoleLines: string[] = [];
    const requestUrls: string[] = [];
    const requestParts: string[] = [];
    page.on('console', (message) => consoleLines.push(message.text()));
    page.on('pageerror', (error) => consoleLines.push(`${error.name}: ${error.message}`));
    page.on('request', (request) => {
      requestUrls.push(request.url());
      // Headers and bodies of every request the page makes (cookies are searched on their own below).
      requestParts.push(`${JSON.stringify(request.headers())} ${request.postData() ?? ''}`);
    });
    await page.addInitScript((options) => ((window as any).keeperOptions = options),
      { token: TOKEN, apiSecret: API_SECRET, keepAliveMs: 1000 });
    await openKeeperPage(page, site, { server: wsProxy.via(janus.wsUrl), workerUrl: '/e2e/pages/capturing-keeper-worker.js' });
    const { sessionId } = await page.evaluate(() => (window as any).keeper.create());
    const { handleId } = await page.evaluate((p) => (window as any).keeper.attach(p), ECHO);
    const errorTexts: string[] = await page.evaluate(async (id) => {
      const { keeper } = window as any;
      const texts: string[] = [];
      await keeper.message(id, { audio: true });
      for (const call of [() => keeper.attach('janus.plugin.nope'), () => keeper.create(-1), () => keeper.message(id, { request: 'nonsense' })]) {
        try {
          await call();
        } catch (error: any) {
          texts.push(`${error.name} ${error.message} ${error.reason ?? ''} ${error.stack ?? ''}`);
        }
      }
      return texts;
    }, handleId);
    // A reconnect, with the warnings and errors it may log.
    wsProxy.setMode('refuse');
    wsProxy.reset();
    await expect.poll(() => keeperState(page)).toBe('reconnecting');
    await sleep(1_500);
    wsProxy.setMode('pass');
    await expect.poll(() => keeperState(page), { timeout: 15_000 }).toBe('ready');
    await page.evaluate(async (id) => (window as any).keeper.message(id, { audio: true }), handleId);

    const workerLines = await page.evaluate(() => (window as any).workerConsole.map((l: any) => `${l.level}: ${l.text}`)) as string[];
    const storage = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    const cookies = JSON.stringify(await page.context().cookies()) + await page.evaluate(() => document.cookie);
    const haystack = [...consoleLines, ...workerLines, ...errorTexts, ...requestUrls, ...requestParts, storage, cookies].join('\n');
    test.info().annotations.push({ type: 'lines-searched',
      description: `${consoleLines.length} page console, ${workerLines.length} worker console, ${errorTexts.length} errors, ${requestUrls.length} URLs and requests, cookies` });
    for (const secret of [String(sessionId), String(handleId), TOKEN, API_SECRET]) {
      expect(haystack.includes(secret), `found ${secret === TOKEN ? 'the token' : secret === API_SECRET ? 'the API secret' : 'an id'}`).toBe(false);
    }
    expect(errorTexts).toHaveLength(3);
    expect(workerLines, 'the worker console capture is live').toContain('capture: console capture on');
  });
});

test('twenty tabs firing online during an outage stay within the attempt limit', async ({ context, janus, wsProxy, site }) => {
  const LIMIT = 20;
  const pages = await Promise.all(Array.from({ length: 20 }, () => context.newPage()));
  const query = { server: wsProxy.via(janus.wsUrl), options: JSON.stringify({ maxAttemptsPerMinute: LIMIT }) };
  for (const page of pages) await openKeeperPage(page, site, query);
  await pages[0]!.evaluate(() => (window as any).keeper.create());
  const before = wsProxy.counters.connections;
  wsProxy.setMode('refuse');
  wsProxy.reset();
  // Every tab says "online" five times, 200 ms apart: 100 local triggers in one second.
  await Promise.all(pages.map((page) => page.evaluate(async () => {
    for (let i = 0; i < 5; i++) {
      window.dispatchEvent(new Event('online'));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })));
  await sleep(5_000);
  const attempts = wsProxy.counters.connections - before;
  test.info().annotations.push({ type: 'attempts-under-online-storm', description: `${attempts} in about 6 s (limit ${LIMIT}/min)` });
  expect(attempts).toBeGreaterThanOrEqual(1);
  expect(attempts).toBeLessThanOrEqual(LIMIT);
  wsProxy.setMode('pass');
  for (const page of pages) await page.close();
});
