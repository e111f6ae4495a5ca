// Janus 1.4.1's own demo pages with its own janus.js (from the build scripts/build-janus.sh makes;
// scripts/janus14.sh sets JANUS_PREFIX), driven through their UI: `plain` as shipped, `keeper` with
// the one added script tag. Runs in the `media-janus14` project only.
import { demosOf, serveBuildDemos, type DemoFlavour } from './fixtures/janus-demos.js';
import { dialogs, echoOnDataChannel, echotestAnswers, openDemo, sessionIdOf, startEchotest } from './fixtures/demo-pages.js';
import { startTokenServer } from './fixtures/token-server.js';
import { expect, test } from './fixtures/test.js';

const demos = demosOf(process.env['JANUS_PREFIX']);
test.skip(!demos, 'no Janus build with its demos (JANUS_PREFIX: scripts/janus14.sh sets it)');

for (const transport of ['ws', 'http'] as const) {
  for (const flavour of ['plain', 'keeper'] as DemoFlavour[]) {
    test(`Janus ${'1.4.1'}'s echotest demo, ${flavour} janus.js over ${transport}: video, data channel, one session`, async ({ context, janus }) => {
      const info = await janus.info();
      expect(info.version_string).toBe('1.4.1');
      const site = await serveBuildDemos(demos!, transport === 'ws' ? janus.wsUrl : janus.httpUrl);
      try {
        const page = await openDemo(context, site, flavour, 'echotest.html');
        await startEchotest(page);
        await echoOnDataChannel(page, 'hello');
        expect(await echotestAnswers(page)).toBe('ok');
        expect(await janus.listSessions()).toEqual([await sessionIdOf(page)]);
        expect(await dialogs(page)).toEqual([]);
      } finally {
        await site.close();
      }
    });
  }
}

test.describe('with signed tokens that expire', () => {
  test.use({ janusOptions: { sessionTimeout: 30, reclaimTimeout: 10, tokenAuthSecret: 'keeper-demo14-secret' } });

  test('keeper janus.js 1.4.1 with data-token-url: the echotest call goes on through expiries of its token', async ({ context, janus }) => {
    const tokens = await startTokenServer(() => janus.mintToken(3_000));
    const site = await serveBuildDemos(demos!, janus.wsUrl, { token: janus.mintToken(3_000), tokenUrl: tokens.url });
    try {
      const page = await openDemo(context, site, 'keeper', 'echotest.html');
      await startEchotest(page);
      const started = Date.now();
      while (Date.now() - started < 9_000) {
        expect(await echotestAnswers(page)).toBe('ok');
        await page.waitForTimeout(500);
      }
      await echoOnDataChannel(page, 'after');
      expect(await janus.listSessions()).toEqual([await sessionIdOf(page)]);
      expect(await dialogs(page)).toEqual([]);
    } finally {
      await site.close();
      await tokens.close();
    }
  });
});
