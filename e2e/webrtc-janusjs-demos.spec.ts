// Janus's own demo pages (Debian's janus-demos with libjs-janus-gateway's janus.js, unmodified),
// driven through their own UI, each test twice: `plain` as shipped, `keeper` with the one added
// script tag (dist/browser/janus-keeper-janusjs.js). Where the two differ (session counts, a
// network drop) each flavour asserts what it does, so the difference shows in the output.
import type { Page } from '@playwright/test';
import { demosInstalled, serveDemos, type DemoFlavour } from './fixtures/janus-demos.js';
import { dialogs, echoOnDataChannel, echotestAnswers, openDemo, sessionIdOf, startEchotest, videoFlows } from './fixtures/demo-pages.js';
import type { RunningJanus } from './fixtures/janus-launcher.js';
import type { StaticServer } from './fixtures/static-server.js';
import { expect, test } from './fixtures/test.js';

const FLAVOURS: DemoFlavour[] = ['plain', 'keeper'];
/** janus.js picks WebSocket or REST (long-poll) by the server URL; the keeper takes both. */
const TRANSPORTS = ['ws', 'http'] as const;
/** Long enough for the keeper to notice the drop and claim again; a drop a user would see. */
const DROP_MS = 5_000;

test.skip(!demosInstalled(), 'Debian\'s janus-demos and libjs-janus-gateway are not installed (npm run setup)');

for (const [transport, flavour] of TRANSPORTS.flatMap((kind) => FLAVOURS.map((each) => [kind, each] as const))) {
  test.describe(`${flavour} janus.js over ${transport}`, () => {
    let site: StaticServer;
    const serverOf = (janus: RunningJanus) => (transport === 'ws' ? janus.wsUrl : janus.httpUrl);
    test.beforeEach(async ({ janus }) => {
      site = await serveDemos(serverOf(janus));
    });
    test.afterEach(async () => {
      await site.close();
    });

    test('echotest: video comes back and the data channel answers; one session', async ({ context, janus }) => {
      const page = await openDemo(context, site, flavour, 'echotest.html');
      await startEchotest(page);
      await echoOnDataChannel(page, 'hello');
      expect(await echotestAnswers(page)).toBe('ok');
      expect(await janus.listSessions()).toEqual([await sessionIdOf(page)]);
      const info = await page.evaluate(() => new Promise<any>((resolve, reject) =>
        (window as any).janus.getInfo({ success: resolve, error: reject })));
      expect(info).toMatchObject({ janus: 'server_info', name: 'Janus WebRTC Server' });
      expect(Object.keys(info.plugins)).toContain('janus.plugin.echotest');
      // janus.js's reconnect() claims the session again; the call's handle answers after it.
      await page.evaluate(() => new Promise((resolve, reject) => (window as any).janus.reconnect({ success: resolve, error: reject })));
      expect(await echotestAnswers(page)).toBe('ok');
      expect(await janus.listSessions()).toEqual([await sessionIdOf(page)]);
      expect(await dialogs(page)).toEqual([]);
    });

    test('two echotest tabs: sessions on Janus', async ({ context, janus }) => {
      const pages = [await openDemo(context, site, flavour, 'echotest.html'), await openDemo(context, site, flavour, 'echotest.html')];
      for (const page of pages) await startEchotest(page);
      for (const [index, page] of pages.entries()) await echoOnDataChannel(page, `tab${index}`);
      const sessions = await janus.listSessions();
      test.info().annotations.push({ type: 'janus sessions', description: `${flavour} ${transport}: ${sessions.length} for 2 tabs` });
      expect(sessions).toHaveLength(flavour === 'keeper' ? 1 : 2);
      if (flavour === 'keeper') expect(await sessionIdOf(pages[1]!)).toBe(await sessionIdOf(pages[0]!));
      // The first tab's janus.destroy() (the demo reloads on `destroyed`) ends its handles only.
      const [first, second] = pages as [Page, Page];
      await first.evaluate(() => (window as any).janus.destroy());
      await expect(first.locator('#start')).toBeEnabled();
      await echoOnDataChannel(second, 'still here');
      expect(await echotestAnswers(second)).toBe('ok');
      expect(await janus.listSessions()).toEqual([await sessionIdOf(second)]);
      expect(await janus.listHandles((await sessionIdOf(second))!)).toHaveLength(1);
    });

    test('five reloads of a call: sessions on Janus after each', async ({ context, janus }) => {
      const page = await openDemo(context, site, flavour, 'echotest.html');
      await startEchotest(page);
      const counts: number[] = [(await janus.listSessions()).length];
      const ids = new Set([await sessionIdOf(page)]);
      for (let reload = 0; reload < 5; reload++) {
        await page.reload();
        await startEchotest(page);
        counts.push((await janus.listSessions()).length);
        ids.add(await sessionIdOf(page));
      }
      test.info().annotations.push({ type: 'janus sessions', description: `${flavour} ${transport}: ${counts.join(', ')}` });
      console.log(`[${flavour} ${transport}] sessions after start and each reload: ${counts.join(', ')}`);
      // Plain janus.js: a new session per load; over ws the old ones are left for Janus to time out
      // (its unload only closes the socket), over REST its unload destroys them (a beacon).
      const expected = flavour === 'keeper' || transport === 'http' ? [1, 1, 1, 1, 1, 1] : [1, 2, 3, 4, 5, 6];
      expect(counts).toEqual(expected);
      expect(ids.size).toBe(flavour === 'keeper' ? 1 : 6);
      await echoOnDataChannel(page, 'after reloads');
      // The keeper detached each unloaded page's handle: only the last page's is left.
      expect(await janus.listHandles((await sessionIdOf(page))!)).toHaveLength(1);
    });

    test('echotest through a 5 s network drop', async ({ context, janus, wsProxy, httpProxy }) => {
      const proxy = transport === 'ws' ? wsProxy : httpProxy;
      await site.close();
      site = await serveDemos(proxy.via(serverOf(janus)));
      const page = await openDemo(context, site, flavour, 'echotest.html');
      await startEchotest(page);
      await echoOnDataChannel(page, 'before');
      const sessionId = await sessionIdOf(page);
      proxy.setMode('refuse');
      proxy.reset();
      await page.waitForTimeout(DROP_MS);
      proxy.setMode('pass');
      await videoFlows(page, 'echotest'); // media is UDP straight to Janus: both flavours
      if (flavour === 'plain') {
        // What plain janus.js shows: janus.js reports the drop (its error callback: a modal that reloads
        // the page on OK) and never reconnects, so no request reaches the plugin any more.
        await expect.poll(() => dialogs(page)).toEqual([expect.stringContaining('Lost connection to the server')]);
        await expect(echotestAnswers(page)).rejects.toThrow(/connected=false|no event/);
        return;
      }
      await echoOnDataChannel(page, 'after');
      expect(await echotestAnswers(page)).toBe('ok');
      expect(await dialogs(page)).toEqual([]);
      expect(await page.evaluate(() => (window as any).loadedOnce)).toBe(true);
      expect(await janus.listSessions()).toEqual([sessionId]);
    });
  });
}
