// Page Lifecycle and bfcache with the keeper: a frozen background tab keeps its handles (its page
// lock stays held while frozen), and a back/forward round trip keeps the session and handles.
import type { Page } from '@playwright/test';
import { expect, openKeeperPage, test } from './fixtures/test.js';
import { launchRawChromium } from './fixtures/raw-chromium.js';
import type { StaticServer } from './fixtures/static-server.js';

const ECHO = 'janus.plugin.echotest';

test.skip(({ browserName }) => browserName !== 'chromium',
  'Page Lifecycle freeze is driven with CDP Page.setWebLifecycleState, in a Chromium of its own (bfcache in WebKit: e2e/webkit)');
const TAB_GRACE_MS = 3_000; // the keeper's default (src/worker/keeper.ts)

const create = (page: Page) => page.evaluate(() => (window as any).keeper.create()) as Promise<{ sessionId: number }>;
const attachEcho = (page: Page) =>
  page.evaluate((plugin) => (window as any).keeper.attach(plugin), ECHO) as Promise<{ handleId: number }>;
const echo = (page: Page, handleId: number) =>
  page.evaluate(async (id) => (await (window as any).keeper.message(id, { audio: true })).data.result, handleId);
const stateOf = (page: Page) => page.evaluate(() => (window as any).keeper.state()) as Promise<any>;

/**
 * A keeper tab with an EchoTest handle, put in the background by a second keeper tab in front,
 * then frozen through CDP (a really hidden page: Playwright's focus emulation would keep it visible).
 */
async function freezeBackgroundTab(chromium: Awaited<ReturnType<typeof launchRawChromium>>, site: StaticServer, server: string,
  beforeFreeze: (frozen: Page) => Promise<unknown> = async () => {}) {
  const frozen = chromium.firstTab;
  await openKeeperPage(frozen, site, { server });
  const { sessionId } = await create(frozen);
  const { handleId } = await attachEcho(frozen);
  await beforeFreeze(frozen);
  const front = await chromium.openTabInFront();
  await openKeeperPage(front, site, { server });
  const hidden = await frozen.evaluate(() => document.visibilityState) === 'hidden';
  const cdp = await frozen.context().newCDPSession(frozen);
  await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
  return { frozen, front, cdp, sessionId, handleId, hidden };
}

test('a hidden tab frozen for longer than the grace period keeps its handles and answers on resume', async ({ janus, site }) => {
  const chromium = await launchRawChromium();
  try {
    const { frozen, front, cdp, sessionId, handleId, hidden } = await freezeBackgroundTab(chromium, site, janus.wsUrl, (page) => page.evaluate(() => {
      const w = window as any;
      w.lifecycle = [];
      for (const type of ['freeze', 'resume']) document.addEventListener(type, () => w.lifecycle.push(type));
    }));
    expect(hidden).toBe(true);
    // Past the keeper's grace period (its config, not a guess): a tab it took for gone would lose its handle now.
    await front.evaluate((ms) => new Promise((resolve) => setTimeout(resolve, ms)), TAB_GRACE_MS + 1_000);
    expect((await stateOf(front)).tabs).toBe(2);
    expect(await janus.listHandles(sessionId)).toEqual([handleId]);
    await cdp.send('Page.setWebLifecycleState', { state: 'active' });

    expect(await frozen.evaluate(() => (window as any).lifecycle)).toEqual(['freeze', 'resume']);
    expect(await echo(frozen, handleId)).toBe('ok');
    const state = await stateOf(frozen);
    expect([state.state, state.sessionId, state.handles.map((h: any) => h.handleId)]).toEqual(['ready', sessionId, [handleId]]);
  } finally {
    await chromium.close();
  }
});

test('a tab frozen while its keeper worker dies keeps its handle: the new keeper sees its page lock held; on resume it reconnects', async ({ janus, site }) => {
  const chromium = await launchRawChromium();
  try {
    const { frozen, front, cdp, sessionId, handleId } = await freezeBackgroundTab(chromium, site, janus.wsUrl);

    const browserCdp = await chromium.browser.newBrowserCDPSession();
    const { targetInfos } = await browserCdp.send('Target.getTargets');
    await browserCdp.send('Target.closeTarget', { targetId: targetInfos.find((t) => t.type === 'shared_worker')!.targetId });
    await expect.poll(() => front.evaluate(() => (window as any).keeper.currentState.stats.claims), { timeout: 10_000 }).toBe(1);
    expect((await stateOf(front)).sessionId).toBe(sessionId);
    // Past the grace period (its config): a handle the new keeper took for abandoned would be gone now.
    await front.evaluate((ms) => new Promise((resolve) => setTimeout(resolve, ms)), TAB_GRACE_MS + 1_000);
    expect(await janus.listHandles(sessionId)).toEqual([handleId]);

    await cdp.send('Page.setWebLifecycleState', { state: 'active' });
    await expect.poll(() => frozen.evaluate(() => (window as any).keeper.currentState.state), { timeout: 10_000 }).toBe('ready');
    expect(await echo(frozen, handleId)).toBe('ok');
    expect((await stateOf(front)).tabs).toBe(2);
  } finally {
    await chromium.close();
  }
});

// Playwright's own launch turns bfcache off (--disable-back-forward-cache): this one runs in a Chromium of its own.
test('a back/forward round trip keeps the session and the handles (bfcache in both modes)', async ({ janus, site }) => {
  const chromium = await launchRawChromium();
  try {
    const page = chromium.firstTab;
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Page.enable');
    let notUsed: string[] = [];
    cdp.on('Page.backForwardCacheNotUsed', (event: any) => notUsed.push(...event.notRestoredExplanations.map((e: any) => e.reason)));
    const roundTrip = async () => {
      notUsed = [];
      await page.evaluate(() => ((window as any).beforeLeaving = true)); // survives only a bfcache restore
      // Away to another site, so that the browser swaps browsing instances (a same-site one may not).
      await page.goto(`${site.url.replace('127.0.0.1', 'localhost')}/e2e/pages/session.html`);
      await page.goBack({ waitUntil: 'commit', timeout: 10_000 }); // a bfcache restore fires no load event
      await page.waitForFunction(() => document.readyState === 'complete' && document.body?.dataset.ready === 'true');
      const fromBfcache = await page.evaluate(() => (window as any).beforeLeaving === true);
      return fromBfcache ? 'restored from bfcache' : `a new load (not restored: ${notUsed.join(', ') || 'no reason given'})`;
    };
    for (const mode of ['shared-worker', 'leader']) {
      await openKeeperPage(page, site, { server: janus.wsUrl, options: JSON.stringify({ mode }) });
      const { sessionId } = await create(page);
      const { handleId } = await attachEcho(page);
      const how = await roundTrip();
      console.log(`[lifecycle] ${mode}: back to a keeper page: ${how}`);
      if (mode === 'shared-worker') {
        // The restored page said hello again with a new lock (the fix WebKit needs), and is ready on it.
        expect(how).toBe('restored from bfcache');
        await expect.poll(() => page.evaluate(() => (window as any).received
          .filter((r: any) => r.type === 'state' && r.detail.cause?.includes('back/forward cache')).length)).toBe(1);
        await expect.poll(() => page.evaluate(() => (window as any).keeper.currentState.state)).toBe('ready');
      }
      const state = await stateOf(page);
      expect([state.sessionId, state.handles.map((h: any) => h.handleId)]).toEqual([sessionId, [handleId]]);
      expect(await echo(page, handleId)).toBe('ok');
      expect(await janus.listSessions()).toEqual([sessionId]);
      expect(state.tabs).toBe(1); // the page's old lock went with its old hello
      await page.evaluate(() => (window as any).keeper.destroy());
    }
  } finally {
    await chromium.close();
  }
});
