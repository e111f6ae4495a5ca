// The keeper in WebKit (Safari's engine): Debian's WebKitGTK MiniBrowser over WebDriver classic,
// against a real Janus per test, through the same e2e pages and fixtures as the Playwright specs.
// Run by `npm run test:webkit` (under xvfb-run: WebKitGTK has no headless mode).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFaultProxy, type FaultProxy } from '../fixtures/fault-proxy.js';
import { startJanus, STOCK_TIMERS, type JanusLaunchOptions, type RunningJanus } from '../fixtures/janus-launcher.js';
import { startTokenServer } from '../fixtures/token-server.js';
import { serveStatic, type StaticServer } from '../fixtures/static-server.js';
import { WebKitSession } from './webdriver.js';

const ECHO = 'janus.plugin.echotest';
const TAB_GRACE_MS = 3_000; // the keeper's default (src/worker/keeper.ts)
// Calls give up within 5 s (not the default 20 s): a deaf page fails its test quickly.
const OPTIONS = JSON.stringify({ callTimeoutMs: 5_000 });

let site: StaticServer;
before(async () => {
  site = await serveStatic({ '/dist/': 'dist', '/e2e/pages/': 'e2e/pages', '/': 'public' });
});
after(() => site.close());

interface World {
  janus: RunningJanus;
  browser: WebKitSession;
}

/** A real Janus and a fresh browser for one test; both go after it, whatever happened. */
async function withWorld(run: (world: World) => Promise<void>,
  janusOptions: JanusLaunchOptions = { sessionTimeout: 30, reclaimTimeout: 10 }): Promise<void> {
  const janus = await startJanus(janusOptions);
  try {
    const browser = await WebKitSession.start();
    try {
      await run({ janus, browser });
    } finally {
      await browser.close();
    }
  } finally {
    await janus.stop();
  }
}

async function openKeeperPage(browser: WebKitSession, server: string, extra: Record<string, string> = {}): Promise<void> {
  await browser.goto(`${site.url}/e2e/pages/keeper.html?${new URLSearchParams({ server, options: OPTIONS, ...extra })}`);
  await browser.waitFor("return document.body.dataset.ready === 'true' || !!document.body.dataset.error");
  const error = await browser.run<string | null>('return document.body.dataset.error ?? null');
  if (error) throw new Error(`keeper page failed to connect: ${error}`);
}

const create = (browser: WebKitSession) =>
  browser.run<{ sessionId: number; reclaimed: boolean }>('return await window.keeper.create()');
const attachEcho = (browser: WebKitSession) =>
  browser.run<{ handleId: number }>('return await window.keeper.attach(args[0])', ECHO);
const echo = (browser: WebKitSession, handleId: number) =>
  browser.run<string>('return (await window.keeper.message(args[0], { audio: true })).data.result', handleId);
const stateOf = (browser: WebKitSession) => browser.run<any>('return await window.keeper.state()');
const isReady = "return window.keeper?.currentState.state === 'ready'";

describe('WebKit (WebKitGTK MiniBrowser)', () => {
  it('two windows share one session through one SharedWorker', () => withWorld(async ({ janus, browser }) => {
    await openKeeperPage(browser, janus.wsUrl);
    const { sessionId } = await create(browser);
    await browser.newWindow();
    await openKeeperPage(browser, janus.wsUrl);
    assert.deepEqual(await create(browser), { sessionId, reclaimed: false });
    assert.equal((await stateOf(browser)).tabs, 2);
    assert.deepEqual(await janus.listSessions(), [sessionId]);
  }));

  it('a network drop through the fault proxy ends in a claim of the same session; the handle answers', () => withWorld(async ({ janus, browser }) => {
    const proxy: FaultProxy = await startFaultProxy(janus.ports.ws);
    try {
      await openKeeperPage(browser, proxy.via(janus.wsUrl));
      const { sessionId } = await create(browser);
      const { handleId } = await attachEcho(browser);
      proxy.setMode('refuse');
      proxy.reset();
      await browser.waitFor("return window.keeper.currentState.state === 'reconnecting'");
      proxy.setMode('pass');
      await browser.waitFor(isReady, 15_000);
      const state = await stateOf(browser);
      assert.equal(state.sessionId, sessionId);
      assert.equal(state.stats.claims, 1);
      assert.equal(await echo(browser, handleId), 'ok');
      assert.deepEqual(await janus.listSessions(), [sessionId]);
    } finally {
      await proxy.close();
    }
  }));

  it('a reload keeps the session and the handle', () => withWorld(async ({ janus, browser }) => {
    await openKeeperPage(browser, janus.wsUrl);
    const { sessionId } = await create(browser);
    const { handleId } = await attachEcho(browser);
    await browser.refresh();
    await browser.waitFor("return document.body.dataset.ready === 'true'");
    // The worker died with its only page (WebKit has no extendedLifetime): the new one claims.
    assert.equal((await create(browser)).sessionId, sessionId);
    const state = await stateOf(browser);
    assert.deepEqual([state.sessionId, state.handles.map((h: any) => h.handleId)], [sessionId, [handleId]]);
    assert.equal(await echo(browser, handleId), 'ok');
    assert.deepEqual(await janus.listSessions(), [sessionId]);
  }));

  it('close and reopen: the next page claims the stored session', () => withWorld(async ({ janus, browser }) => {
    const keeperWindow = await browser.window();
    await openKeeperPage(browser, janus.wsUrl);
    const { sessionId } = await create(browser);
    const blank = await browser.newWindow(); // the driver's session needs a window; about:blank keeps no worker
    await browser.switchTo(keeperWindow);
    await browser.closeWindow();
    await browser.switchTo(blank);
    await openKeeperPage(browser, janus.wsUrl);
    assert.deepEqual(await create(browser), { sessionId, reclaimed: true });
    assert.deepEqual(await janus.listSessions(), [sessionId]);
  }));

  it('a page restored from the back/forward cache takes its lock again and says hello: its calls answer', () => withWorld(async ({ janus, browser }) => {
    await openKeeperPage(browser, janus.wsUrl);
    const { sessionId } = await create(browser);
    const { handleId } = await attachEcho(browser);
    const away = await browser.window();
    await browser.newWindow(); // a second page keeps the worker (and the session) while the first is away
    await openKeeperPage(browser, janus.wsUrl);
    await browser.switchTo(away);
    await browser.run('window.beforeLeaving = true'); // survives only a bfcache restore
    // To another site (localhost, not 127.0.0.1), then back.
    await browser.goto(`${site.url.replace('127.0.0.1', 'localhost')}/e2e/pages/session.html`);
    await browser.back();
    await browser.waitFor("return document.readyState === 'complete' && document.body?.dataset.ready === 'true'");
    assert.equal(await browser.run('return window.beforeLeaving === true'), true, 'WebKit restored the page from bfcache');
    await browser.waitFor(isReady);
    // It said hello again (not just the stale `ready` of before), and heard that events may be missed.
    assert.deepEqual(await browser.run(`return window.received.filter((r) => r.type === 'state'
      && r.detail.cause?.includes('back/forward cache')).map((r) => r.detail.state)`), ['reconnecting']);
    assert.deepEqual(await browser.run("return window.received.filter((r) => r.type === 'missed-events').map((r) => r.detail.handleIds)"), [[handleId]]);
    assert.equal(await echo(browser, handleId), 'ok');
    const state = await stateOf(browser);
    assert.deepEqual([state.sessionId, state.tabs, state.handles.map((h: any) => h.handleId)], [sessionId, 2, [handleId]]);
    assert.deepEqual(await janus.listSessions(), [sessionId]);
  }));

  it('a page back from bfcache after the grace hears its handle detached, and attaches anew', () => withWorld(async ({ janus, browser }) => {
    await openKeeperPage(browser, janus.wsUrl);
    const { sessionId } = await create(browser);
    const { handleId } = await attachEcho(browser);
    const away = await browser.window();
    const other = await browser.newWindow();
    await openKeeperPage(browser, janus.wsUrl);
    await browser.switchTo(away);
    await browser.run('window.beforeLeaving = true');
    await browser.goto(`${site.url.replace('127.0.0.1', 'localhost')}/e2e/pages/session.html`);
    // Past the keeper's grace (its config), seen from the page that stayed: the handle goes.
    await browser.switchTo(other);
    await browser.run('await new Promise((resolve) => setTimeout(resolve, args[0]))', TAB_GRACE_MS + 1_000);
    assert.deepEqual(await janus.listHandles(sessionId), []);
    await browser.switchTo(away);
    await browser.back();
    await browser.waitFor("return document.readyState === 'complete' && document.body?.dataset.ready === 'true'");
    assert.equal(await browser.run('return window.beforeLeaving === true'), true, 'WebKit restored the page from bfcache');
    await browser.waitFor(isReady);
    assert.deepEqual(await browser.run("return window.received.filter((r) => r.type === 'detached').map((r) => r.detail.handleId)"), [handleId]);
    const fresh = await attachEcho(browser);
    assert.equal(await echo(browser, fresh.handleId), 'ok');
    assert.deepEqual(await janus.listSessions(), [sessionId]);
  }));

  it('Janus\'s stock timers (reclaim window 0), ws and http listed: a lone window\'s reload keeps the session (held on HTTP)',
    () => withWorld(async ({ janus, browser }) => {
      const options = JSON.stringify({ callTimeoutMs: 5_000, server: [janus.wsUrl, janus.httpUrl] });
      await openKeeperPage(browser, 'unused', { options });
      const first = await create(browser);
      await browser.refresh();
      await browser.waitFor("return document.body.dataset.ready === 'true'");
      assert.deepEqual(await create(browser), { sessionId: first.sessionId, reclaimed: true });
      // (The WebSocket session the first create made, before it learned the timers, is destroyed.)
      for (let i = 0; i < 50 && (await janus.listSessions()).length > 1; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(await janus.listSessions(), [first.sessionId]);
    }, STOCK_TIMERS));

  it('Janus\'s stock timers, ws only: a drop ends the session, the keeper says so and is ready on a new one',
    () => withWorld(async ({ janus, browser }) => {
      const proxy: FaultProxy = await startFaultProxy(janus.ports.ws);
      try {
        await openKeeperPage(browser, proxy.via(janus.wsUrl));
        const { sessionId } = await create(browser);
        const allows = (await stateOf(browser)).serverAllows;
        assert.equal(allows.dropKeepsSession, false);
        proxy.reset();
        await browser.waitFor("return window.received.some((r) => r.type === 'session-lost')", 15_000);
        const lost = await browser.run<string>("return window.received.find((r) => r.type === 'session-lost').detail.reason");
        assert.match(lost, /reclaim_session_timeout/);
        const again = await create(browser);
        assert.notEqual(again.sessionId, sessionId);
        assert.deepEqual(await janus.listSessions(), [again.sessionId]);
      } finally {
        await proxy.close();
      }
    }, STOCK_TIMERS));

  it('expiring tokens: a provider keeps the session through three expiries of a 3 s token, no request refused',
    () => withWorld(async ({ janus, browser }) => {
      const tokens = await startTokenServer(() => janus.mintToken(3_000));
      try {
        await openKeeperPage(browser, janus.wsUrl, { tokenUrl: tokens.url, keepAliveMs: '1000' });
        const { sessionId } = await create(browser);
        const { handleId } = await attachEcho(browser);
        for (let i = 0; i < 18; i++) {
          assert.equal(await echo(browser, handleId), 'ok');
          await browser.run('await new Promise((resolve) => setTimeout(resolve, 500))');
        }
        const state = await stateOf(browser);
        assert.equal(state.sessionId, sessionId);
        assert.equal(state.stats.tokensRefused, 0);
        assert.deepEqual(await janus.listSessions(), [sessionId]);
      } finally {
        await tokens.close();
      }
    }, { sessionTimeout: 30, reclaimTimeout: 10, tokenAuthSecret: 'keeper-webkit-secret' }));

  it('a call through the keeper (media)', (t) => withWorld(async ({ janus, browser }) => {
    await openKeeperPage(browser, janus.wsUrl);
    if (!await browser.run<boolean>("return typeof RTCPeerConnection === 'function'")) {
      t.skip('WebKitGTK here is built without WebRTC (RTCPeerConnection is undefined): no calls');
      return;
    }
    assert.fail('this WebKit has WebRTC: port e2e/webrtc.spec.ts here');
  }));
});
