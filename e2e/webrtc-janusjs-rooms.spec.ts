// More of Janus's own demo pages, driven through their UI, plain janus.js and with the added
// script tag (see webrtc-janusjs-demos.spec.ts): textroom and videoroom in two tabs, videoroom's
// plugin error 426 as data, streaming (a synchronous `list`, a file mountpoint), recordplay (the
// sample recording), videocall between two tabs. Session counts on Janus for each.
import { demosInstalled, serveDemos, type DemoFlavour } from './fixtures/janus-demos.js';
import { dialogs, openDemo, register, sessionIdOf, videoFlows, videoPlays } from './fixtures/demo-pages.js';
import type { StaticServer } from './fixtures/static-server.js';
import { expect, test } from './fixtures/test.js';

const FLAVOURS: DemoFlavour[] = ['plain', 'keeper'];

test.skip(!demosInstalled(), 'Debian\'s janus-demos and libjs-janus-gateway are not installed (npm run setup)');

for (const flavour of FLAVOURS) {
  test.describe(`${flavour} janus.js`, () => {
    let site: StaticServer;
    test.beforeEach(async ({ janus }) => {
      site = await serveDemos(janus.wsUrl);
    });
    test.afterEach(async () => {
      await site.close();
    });
    const tabs = flavour === 'keeper' ? 1 : 2; // Janus sessions two tabs cost

    test('textroom in two tabs: each one\'s messages reach the other', async ({ context, janus }) => {
      const [alice, bob] = [await openDemo(context, site, flavour, 'textroomtest.html'), await openDemo(context, site, flavour, 'textroomtest.html')];
      for (const [page, name] of [[alice!, 'alice'], [bob!, 'bob']] as const) {
        await register(page, name);
        await expect(page.locator('#datasend')).toBeEnabled({ timeout: 15_000 });
      }
      await alice!.fill('#datasend', 'hello from alice');
      await alice!.press('#datasend', 'Enter');
      await expect(bob!.locator('#chatroom')).toContainText('alice: hello from alice');
      await bob!.fill('#datasend', 'hello from bob');
      await bob!.press('#datasend', 'Enter');
      await expect(alice!.locator('#chatroom')).toContainText('bob: hello from bob');
      expect(await janus.listSessions()).toHaveLength(tabs);
      expect([...await dialogs(alice!), ...await dialogs(bob!)]).toEqual([]);
    });

    test('videoroom in two tabs: each publishes and sees the other', async ({ context, janus }) => {
      const pages = [await openDemo(context, site, flavour, 'videoroomtest.html'), await openDemo(context, site, flavour, 'videoroomtest.html')];
      for (const [index, page] of pages.entries()) await register(page, `user${index}`);
      for (const page of pages) {
        await videoPlays(page, '#videolocal');
        await videoPlays(page, '#videoremote1');
      }
      expect(await janus.listSessions()).toHaveLength(tabs);
      if (flavour === 'keeper') expect(await sessionIdOf(pages[0]!)).toBe(await sessionIdOf(pages[1]!));
    });

    test('videoroom, a room that does not exist: the plugin\'s error 426 reaches the app as data', async ({ context }) => {
      const page = await openDemo(context, site, flavour, 'videoroomtest.html?room=987654321');
      await register(page, 'nobody');
      await expect.poll(() => dialogs(page)).toEqual([expect.stringContaining('Apparently room 987654321')]);
    });

    test('streaming: the synchronous list, then a file mountpoint plays', async ({ context }) => {
      const page = await openDemo(context, site, flavour, 'streamingtest.html');
      await page.click('#start');
      await page.click('#streamset');
      await page.click('#streamslist a[id="3"]'); // the config's on-demand music file
      await page.click('#watch');
      await videoFlows(page, 'streaming', 'audio');
      expect(await dialogs(page)).toEqual([]);
    });

    test('recordplay: the synchronous list, then the sample recording plays', async ({ context }) => {
      const page = await openDemo(context, site, flavour, 'recordplaytest.html');
      await page.click('#start');
      await page.click('#recset');
      await page.click('#recslist a[id="1234"]');
      await page.click('#play');
      await videoFlows(page, 'recordplay', 'video');
      expect(await dialogs(page)).toEqual([]);
    });

    test('videocall between two tabs: answered, video both ways', async ({ context, janus }) => {
      const [alice, bob] = [await openDemo(context, site, flavour, 'videocalltest.html'), await openDemo(context, site, flavour, 'videocalltest.html')];
      await register(alice!, 'alice');
      await register(bob!, 'bob');
      await expect(bob!.locator('#peer')).toBeEnabled({ timeout: 15_000 });
      await expect(alice!.locator('#peer')).toBeEnabled({ timeout: 15_000 });
      await bob!.fill('#peer', 'alice');
      await bob!.click('#call');
      await alice!.locator('.bootbox .btn-success').click({ timeout: 15_000 });
      await videoFlows(alice!, 'videocall');
      await videoFlows(bob!, 'videocall');
      expect(await janus.listSessions()).toHaveLength(tabs);
    });
  });
}
