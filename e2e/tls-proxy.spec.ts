// nginx with TLS in front of Janus and of the site, one https origin (path routing: /janus-ws,
// /janus, /). The browser trusts a test CA through an NSS database (Chromium: a test HOME's
// ~/.pki/nssdb; Firefox: a profile's cert9.db), certificate checks stay on. Scenarios: wss and
// https on one origin; idle past nginx's proxy_read_timeout (a second config with 5 s instead of the
// default 60 s, and keepalives every 2 s for Janus's 10 s against nginx's 60 s); nginx restarted on
// the same port; a reload; a 5 s nginx outage on stock timers. Each drop/reload logs a `[figure]`.
import type { BrowserContext, Page } from '@playwright/test';
import { LAB_TIMERS, STOCK_TIMERS } from './fixtures/janus-launcher.js';
import { makeTestCa, startTlsProxy, tlsToolsInstalled, type TlsCa, type TlsProxy } from './fixtures/tls-proxy.js';
import { expect, openKeeperPage, test } from './fixtures/test.js';

const ECHO = 'janus.plugin.echotest';
const create = (page: Page) => page.evaluate(() => (window as any).keeper.create()) as Promise<{ sessionId: number; reclaimed: boolean }>;
const attachEcho = (page: Page) => page.evaluate((plugin) => (window as any).keeper.attach(plugin), ECHO) as Promise<{ handleId: number }>;
const echo = (page: Page, handleId: number) =>
  page.evaluate(async (id) => (await (window as any).keeper.message(id, { audio: true })).data.result, handleId);
const stateOf = (page: Page) => page.evaluate(() => (window as any).keeper.state()) as Promise<any>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test.skip(!tlsToolsInstalled(), 'nginx-light, openssl and libnss3-tools are needed (npm run setup)');
test.skip(({ browserName }) => browserName === 'webkit', 'Chromium and Firefox only');

let ca: TlsCa;
test.beforeAll(() => {
  ca = makeTestCa();
});

/** A browser that trusts the test CA (no ignoreHTTPSErrors), launched as the project launches its own. */
async function trustingContext(playwright: any, browserName: string): Promise<BrowserContext> {
  const launchOptions = { ...(test.info().project.use.launchOptions ?? {}) };
  if (browserName === 'firefox') {
    return playwright.firefox.launchPersistentContext(ca.firefoxProfile, { ...launchOptions, channel: 'moz-firefox' });
  }
  const browser = await playwright.chromium.launch({ ...launchOptions, env: { ...process.env, HOME: ca.home } });
  const context = await browser.newContext();
  context.on('close', () => void browser.close());
  return context;
}

function figure(timers: string, what: string, sameSession: boolean, ms: number): void {
  const line = `[figure] ${test.info().project.name} ${process.env['JANUS_PREFIX'] ? 'janus-1.4.1' : 'janus-1.1.2'} ${timers} nginx-tls ${what}: ${sameSession ? 'same session' : 'new session'}, ready in ${ms} ms`;
  test.info().annotations.push({ type: 'figure', description: line });
  console.log(line);
}

for (const [name, timers] of [['lab', LAB_TIMERS], ['stock', STOCK_TIMERS]] as const) {
  test.describe(`nginx TLS, ${name} timers`, () => {
    test.use({ janusOptions: { ...timers } });
    let proxy: TlsProxy;
    let context: BrowserContext;
    let page: Page;
    test.beforeEach(async ({ janus, site, playwright, browserName }) => {
      proxy = await startTlsProxy({ ca, janus, sitePort: Number(new URL(site.url).port) });
      context = await trustingContext(playwright, browserName);
      page = context.pages()[0] ?? await context.newPage();
    });
    test.afterEach(async () => {
      await context?.close();
      await proxy?.close();
    });

    const open = (server: string | string[], extra: Record<string, unknown> = {}, extended = true) =>
      openKeeperPage(page, { url: proxy.origin } as any, {
        server: 'unused', ...(extended ? {} : { extended: 'false' }), options: JSON.stringify({ server, ...extra }) });

    if (name === 'lab') {
      test('wss and https on one origin (path routing): a call over each, certificate trusted', async ({ janus }) => {
        for (const server of [proxy.wsUrl, proxy.httpUrl]) {
          await open(server);
          expect((await stateOf(page)).server).toBe(server);
          await create(page);
          const { handleId } = await attachEcho(page);
          expect(await echo(page, handleId)).toBe('ok');
          await page.evaluate(() => (window as any).keeper.destroy());
        }
        expect(await page.evaluate(() => location.protocol)).toBe('https:');
        await expect.poll(() => janus.listSessions()).toEqual([]);
      });

      test('nginx restarted on the same port: the same session is claimed', async ({ janus }) => {
        await open(proxy.wsUrl);
        const first = await create(page);
        const { handleId } = await attachEcho(page);
        await proxy.stop();
        await expect.poll(async () => (await stateOf(page)).state).toBe('reconnecting');
        await proxy.start();
        await expect.poll(async () => (await stateOf(page)).state, { timeout: 20_000 }).toBe('ready');
        expect((await stateOf(page)).sessionId).toBe(first.sessionId);
        expect(await echo(page, handleId)).toBe('ok');
        expect(await janus.listSessions()).toEqual([first.sessionId]);
      });
    }

    for (const link of ['ws', 'http'] as const) {
      test(`a 5 s nginx outage over ${link === 'ws' ? 'wss' : 'https'}`, async ({ janus }) => {
        await open(link === 'ws' ? proxy.wsUrl : proxy.httpUrl, { autoRecreate: true });
        const first = await create(page);
        await attachEcho(page);
        await proxy.stop();
        await sleep(5_000);
        const start = Date.now();
        await proxy.start();
        await expect.poll(async () => (await stateOf(page)).state, { timeout: 30_000, intervals: [100] }).toBe('ready');
        const state = await stateOf(page);
        const same = state.sessionId === first.sessionId;
        figure(name, `5 s drop over ${link}`, same, Date.now() - start);
        expect(same).toBe(link === 'http' || timers.reclaimTimeout > 0);
        await expect.poll(() => janus.listSessions()).toEqual([state.sessionId]);
      });

      test(`a lone tab's reload over ${link === 'ws' ? 'wss' : 'https'} (a worker that dies with its page)`, async ({ janus }) => {
        await open(link === 'ws' ? proxy.wsUrl : proxy.httpUrl, { autoRecreate: true }, false);
        const first = await create(page);
        const start = Date.now();
        await page.reload();
        await open(link === 'ws' ? proxy.wsUrl : proxy.httpUrl, { autoRecreate: true }, false);
        const again = await create(page);
        figure(name, `reload over ${link}`, again.sessionId === first.sessionId, Date.now() - start);
        expect(again.sessionId === first.sessionId).toBe(link === 'http' || timers.reclaimTimeout > 0);
        await expect.poll(() => janus.listSessions()).toEqual([again.sessionId]);
      });
    }
  });
}

test.describe('nginx TLS with proxy_read_timeout 5 s (a second config: nginx\'s default is 60 s)', () => {
  test.use({ janusOptions: { ...STOCK_TIMERS } });
  test('idle 12 s past the read timeout: keepalives every 2 s keep the WebSocket and the session', async ({ janus, site, playwright, browserName }) => {
    const proxy = await startTlsProxy({ ca, janus, sitePort: Number(new URL(site.url).port), wsReadTimeoutS: 5 });
    const context = await trustingContext(playwright, browserName);
    try {
      const page = context.pages()[0] ?? await context.newPage();
      await openKeeperPage(page, { url: proxy.origin } as any, { server: proxy.wsUrl, keepAliveMs: '2000' });
      const first = await create(page);
      const { handleId } = await attachEcho(page);
      const before = (await stateOf(page)).stats.connections;
      await sleep(12_000);
      const state = await stateOf(page);
      expect(state.state).toBe('ready');
      expect(state.sessionId).toBe(first.sessionId);
      expect(state.stats.connections).toBe(before);
      expect(await echo(page, handleId)).toBe('ok');
      expect(await janus.listSessions()).toEqual([first.sessionId]);
    } finally {
      await context.close();
      await proxy.close();
    }
  });
});
